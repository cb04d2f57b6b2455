"""A checked configuration is remembered, and checked again as soon as anything it names changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.config import cache as config_cache
from kiosk.paths import PROJECT_ROOT, SHIPPED_CONFIG_DIR


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """The shipped configuration and its files, copied where a test may change them."""
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG_DIR, folder)
    return folder / "kiosk.toml"


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import kiosk.config

    calls: list[int] = []
    real = kiosk.config.check_files

    def counted(config):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(config)

    monkeypatch.setattr(kiosk.config, "check_files", counted)
    return calls


def test_an_unchanged_configuration_is_not_checked_twice(
    config_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = _count_checks(monkeypatch)
    first = load_config(config_copy)
    again = load_config(config_copy)
    assert checks == [1]
    assert again == first
    assert again.source == first.source == config_copy.resolve()
    assert again.portals[0].questionnaires[0].file.is_absolute()
    load_config(config_copy, check_again=True)  # what kiosk check-config asks for
    assert checks == [1, 1]


@pytest.mark.parametrize("change", ["config", "questionnaire", "consent", "logo"])
def test_a_change_to_any_file_it_names_means_a_new_check(
    change: str, config_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(config_copy)
    portal = next(p for p in config.portals if p.logo is not None)
    target = {
        "config": config_copy,
        "questionnaire": portal.questionnaires[0].file,
        "consent": next(iter(portal.consents[0].text.values())),
        "logo": portal.logo,
    }[change]
    assert target is not None
    checks = _count_checks(monkeypatch)
    target.write_bytes(target.read_bytes() + b"\n")
    load_config(config_copy)
    assert checks == [1]


def test_an_edit_that_keeps_the_size_and_sets_the_time_back_still_means_a_new_check(
    config_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are known by their change time too, which an edit moves and nobody can set back."""
    config = load_config(config_copy)
    consent = next(iter(config.portals[0].consents[0].text.values()))
    before = consent.stat()
    text = consent.read_bytes()
    consent.write_bytes(text[:-1] + (b"." if text[-1:] != b"." else b","))  # same size
    os.utime(consent, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert consent.stat().st_size == before.st_size
    assert consent.stat().st_mtime_ns == before.st_mtime_ns
    checks = _count_checks(monkeypatch)
    load_config(config_copy)
    assert checks == [1]


def test_a_file_broken_since_the_last_check_stops_the_kiosk(config_copy: Path) -> None:
    config = load_config(config_copy)
    config.portals[0].questionnaires[0].file.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"questionnaires\[0\]\.file"):
        load_config(config_copy)


def test_an_entry_others_could_write_or_a_damaged_one_is_not_used(
    config_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_config(config_copy)
    [entry] = list(config_cache._entry_path(config_copy.resolve()).parent.glob("checked-*"))
    checks = _count_checks(monkeypatch)
    entry.chmod(0o666)
    load_config(config_copy)
    assert checks == [1]  # and the check wrote a private entry again
    assert entry.stat().st_mode & 0o077 == 0
    entry.write_bytes(b"not a pickle")
    load_config(config_copy)
    assert checks == [1, 1]


def test_a_start_with_an_unchanged_configuration_loads_neither_pydantic_nor_the_engine(
    tmp_path: Path,
) -> None:
    """What Welcome needs comes from the remembered check; the rest loads after it."""
    probe = (
        "import sys\n"
        "from kiosk.config import load_config\n"
        "from kiosk.app import KioskApp\n"
        "import screens.welcome\n"
        "KioskApp(load_config())\n"
        "heavy = {'pydantic', 'babel', 'cryptography', 'httpx', 'fastapi', 'sqlalchemy', "
        "'argon2', 'kiosk.questionnaire', 'kiosk.backend.client', 'kiosk.server'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    environment.pop("KIOSK_CONFIG", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert "pydantic" in runs[0]  # the first start checks everything
    assert runs[1] == "[]"
