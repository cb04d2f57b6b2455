"""Build step that puts the shipped files into the wheel (everything else is in pyproject.toml).

A site installs the kiosk with ``pip install .``: the wheel must start on its own, so it carries
the demo portal (``config/``) and the gettext catalogs (``locales/``, each ``.po`` compiled to
its ``.mo``) under ``kiosk/shipped/``. The repository keeps them at its top level; an editable
install reads them there (see ``kiosk/paths.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED_IN_PACKAGE = Path("kiosk") / "shipped"
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile every ``LANG/LC_MESSAGES/*.po`` under *source* to its ``.mo`` under *target*."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name, domain=po.stem)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo)
    return written


class BuildWithShippedFiles(build_py):
    """``build_py`` that also copies config/ and locales/ into the package, catalogs compiled."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own config/ and locales/
        target = Path(self.build_lib) / SHIPPED_IN_PACKAGE
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "config", target / "config", ignore=LEFT_OUT)
        compile_catalogs(ROOT / "locales", target / "locales")

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        """Also name the shipped files, so the wheel's RECORD lists them."""
        shipped = Path(self.build_lib) / SHIPPED_IN_PACKAGE
        extra = [str(p) for p in shipped.rglob("*") if p.is_file()] if shipped.is_dir() else []
        return [*super().get_outputs(include_bytecode), *extra]


setup(cmdclass={"build_py": BuildWithShippedFiles})
