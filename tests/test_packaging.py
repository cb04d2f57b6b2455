"""Installing as a site would: the wheel alone gives a kiosk that starts.

The wheel is built from the checkout's files as ``pip install .`` builds it, installed (without
its dependencies, which this environment already has) into a folder of its own, and run from
another folder with that folder first on the path, so nothing is read from the checkout.
``.ci/run`` does the same into a fresh virtual environment with every dependency.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kiosk.paths import PROJECT_ROOT

CHECKOUT_CONFIG = PROJECT_ROOT / "config"
CHECKOUT_LOCALES = PROJECT_ROOT / "locales"


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _source_tree(into: Path) -> Path:
    """A copy of the checkout's files that git does not ignore (no build/ left from before)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the checkout as ``pip install .`` builds it."""
    source = _source_tree(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("lobby_kiosk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--quiet", "--no-deps", "--target", str(target), str(wheel))
    return target


def _run_installed(
    installed: Path, cwd: Path, *code: str, args: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(installed))
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=cwd,
        env=env,
    )


def _kiosk(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run_installed(
        installed,
        cwd,
        "import sys",
        "from kiosk.cli import main",
        "sys.argv[0] = 'kiosk'",
        "sys.exit(main())",
        args=args,
    )


def test_the_wheel_carries_the_demo_portal_and_the_compiled_catalogs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_config = {
        f"kiosk/shipped/config/{p.relative_to(CHECKOUT_CONFIG).as_posix()}"
        for p in CHECKOUT_CONFIG.rglob("*")
        if p.is_file()
    }
    assert "kiosk/shipped/config/kiosk.toml" in shipped_config
    assert shipped_config <= names, sorted(shipped_config - names)
    languages = sorted(p.parent.parent.name for p in CHECKOUT_LOCALES.glob("*/LC_MESSAGES/*.po"))
    assert len(languages) >= 6
    for language in languages:
        assert f"kiosk/shipped/locales/{language}/LC_MESSAGES/kiosk.mo" in names
    assert "screens/welcome.tcss" in names


def test_the_installed_wheel_checks_its_config_and_starts(installed: Path, tmp_path: Path) -> None:
    where = _run_installed(installed, tmp_path, "import kiosk", "print(kiosk.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout

    check = _kiosk(installed, tmp_path, "check-config")
    assert check.returncode == 0, check.stdout + check.stderr
    assert str(installed / "kiosk" / "shipped" / "config" / "kiosk.toml") in check.stdout
    assert "ok (2 portal(s))" in check.stdout

    smoke = _kiosk(installed, tmp_path, "smoke")
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert smoke.stdout.startswith("ready in "), smoke.stdout


def test_the_installed_wheel_speaks_every_language_from_its_compiled_catalogs(
    installed: Path, tmp_path: Path
) -> None:
    result = _run_installed(
        installed,
        tmp_path,
        "import sys",
        "from kiosk.i18n import _, available_languages, set_language",
        "print(' '.join(available_languages()))",
        "set_language('es')",
        "print(_('Next'))",
        "print('babel' in sys.modules)",
    )
    assert result.returncode == 0, result.stderr
    languages, next_in_spanish, babel_loaded = result.stdout.split("\n")[:3]
    assert languages.split() == ["en", "es", "fr", "pt_BR", "vi", "zh_Hans"]
    assert next_in_spanish == "Siguiente"
    assert babel_loaded == "False"  # read from the .mo: no compiling at run time
