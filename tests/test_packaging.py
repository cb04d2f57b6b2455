"""Installing as a site would: the wheel alone gives a kiosk that starts.

The wheel is built from the checkout's files as ``pip install .`` builds it and installed into a
fresh virtual environment, whose ``kiosk`` command then runs from a folder outside the checkout.
That environment must not see the checkout: this test's own environment has the project
installed editable, and setuptools' editable finder (started by a ``.pth`` file) fills in any
package the wheel lacks from the checkout. An earlier version of this test ran the wheel with
this interpreter, so a wheel without ``kiosk.speech`` and ``kiosk.server.fhir`` passed it while
the installed kiosk crashed at start. So the fresh environment borrows only the third-party
dependencies: a ``.pth`` line puts this environment's site-packages on its path as a plain folder,
whose own ``.pth`` files (the editable finder's among them) Python does not run.
"""

from __future__ import annotations

import fcntl
import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.paths import PROJECT_ROOT

pytestmark = pytest.mark.packaging

CHECKOUT_CONFIG = PROJECT_ROOT / "config"
CHECKOUT_LOCALES = PROJECT_ROOT / "locales"
PACKAGES = ("kiosk", "screens")
ALEMBIC_OWN = ("kiosk.server.migrations.env", "kiosk.server.migrations.versions")
"""Files that Alembic runs itself, inside a migration, not modules of the kiosk."""


def _run(
    argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=600, check=False, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _pip(*args: str) -> None:
    _run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args])


def _tracked(*paths: str) -> list[str]:
    """The checkout's files under *paths* that git tracks or would (not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *paths],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (PROJECT_ROOT / name).is_file()]


def _source_tree(into: Path) -> Path:
    """A copy of the checkout's files (no build/ or caches left from before, no .venv)."""
    for name in _tracked():
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        (into / name).write_bytes((PROJECT_ROOT / name).read_bytes())
    return into


@contextmanager
def _made_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder *name* shared by this run's pytest-xdist workers, and whether it is still to
    be made; the caller makes it under a lock, so the first worker builds and the others wait."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    folder = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".done"
        yield folder, not done.exists()
        done.touch()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the checkout as ``pip install .`` builds it."""
    with _made_once(tmp_path_factory, "packaging-wheel") as (out, to_make):
        if to_make:
            source = _source_tree(out / "source")
            _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("lobby_kiosk-*.whl")
    return built


@pytest.fixture(scope="session")
def site_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, blind to the checkout."""
    with _made_once(tmp_path_factory, "packaging-site") as (folder, to_make):
        venv = folder / "venv"
        if to_make:
            _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
            python = venv / "bin" / "python"
            purelib = _run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
            )
            # The dependencies, as a plain folder: its .pth files (the editable finder's) never run.
            ours = {sysconfig.get_path("purelib"), *site.getsitepackages()}
            borrowed = Path(purelib.stdout.strip()) / "borrowed-dependencies.pth"
            borrowed.write_text("\n".join(sorted(ours)) + "\n")
            _pip(
                "--python", str(python), "install", "--quiet", "--no-deps", "--no-index", str(wheel)
            )
    return venv


@pytest.fixture
def outside(tmp_path: Path) -> dict[str, str]:
    """An environment for the installed kiosk: its own folders, no checkout, no KIOSK_CONFIG."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "KIOSK_CONFIG", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    for kind in ("DATA", "CACHE", "STATE", "CONFIG"):
        env[f"XDG_{kind}_HOME"] = str(tmp_path / kind.lower())
    return env


def _installed(venv: Path, command: str, *args: str, cwd: Path, env: dict[str, str]) -> str:
    return _run([str(venv / "bin" / command), *args], cwd=cwd, env=env).stdout


def test_the_wheel_carries_every_file_of_the_packages(wheel: Path) -> None:
    """Every module and data file under kiosk/ and screens/ in the checkout, by name."""
    names = set(zipfile.ZipFile(wheel).namelist())
    checkout = set(_tracked(*PACKAGES))
    assert "kiosk/speech/__init__.py" in checkout  # the comparison sees the packages at all
    assert checkout <= names, sorted(checkout - names)


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


def test_the_installed_kiosk_checks_its_config_and_starts(
    site_venv: Path, tmp_path: Path, outside: dict[str, str]
) -> None:
    where = _installed(
        site_venv,
        "python",
        "-c",
        "import kiosk, screens, sys; print(kiosk.__file__); print(screens.__file__);"
        "print(any('editable' in getattr(f, '__module__', '') for f in sys.meta_path))",
        cwd=tmp_path,
        env=outside,
    ).split("\n")
    assert Path(where[0]).is_relative_to(site_venv), where
    assert Path(where[1]).is_relative_to(site_venv), where
    assert where[2] == "False", "the checkout's editable finder is active"

    check = _installed(site_venv, "kiosk", "check-config", cwd=tmp_path, env=outside)
    shipped = site_venv.glob("lib/python*/site-packages/kiosk/shipped/config/kiosk.toml")
    assert f"{next(shipped)}: ok (2 portal(s))" in check

    smoke = _installed(site_venv, "kiosk", "smoke", cwd=tmp_path, env=outside)
    assert smoke.startswith("ready in "), smoke


def _module_name(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def test_every_installed_module_imports(
    site_venv: Path, tmp_path: Path, outside: dict[str, str]
) -> None:
    """Every module of the checkout's packages, installed, imports from the wheel's files; also
    what start-up leaves for later (the embedded backend, the staff screens)."""
    script = (
        "import importlib, pkgutil, sys\n"
        f"for top in {PACKAGES!r}:\n"
        "    package = importlib.import_module(top)\n"
        "    print(top)\n"
        "    for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
        f"        if not info.name.startswith({ALEMBIC_OWN!r}):\n"
        "            module = importlib.import_module(info.name)\n"
        "            assert module.__file__.startswith(sys.prefix), module.__file__\n"
        "            print(info.name)\n"
    )
    imported = _installed(site_venv, "python", "-c", script, cwd=tmp_path, env=outside).split()
    in_checkout = {
        _module_name(name)
        for name in _tracked(*PACKAGES)
        if name.endswith(".py") and not _module_name(name).startswith(ALEMBIC_OWN)
    }
    assert set(imported) == in_checkout


def test_the_installed_kiosk_speaks_every_language_from_its_compiled_catalogs(
    site_venv: Path, tmp_path: Path, outside: dict[str, str]
) -> None:
    result = _installed(
        site_venv,
        "python",
        "-c",
        "import sys\n"
        "from kiosk.i18n import _, available_languages, set_language\n"
        "print(' '.join(available_languages()))\n"
        "set_language('es')\n"
        "print(_('Next'))\n"
        "print('babel' in sys.modules)\n",
        cwd=tmp_path,
        env=outside,
    )
    languages, next_in_spanish, babel_loaded = result.split("\n")[:3]
    assert languages.split() == ["en", "es", "fr", "pt_BR", "vi", "zh_Hans"]
    assert next_in_spanish == "Siguiente"
    assert babel_loaded == "False"  # read from the .mo: no compiling at run time
