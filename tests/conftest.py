"""Fixtures for every test: an isolated home, English, and the shipped demo configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import set_language
from kiosk.paths import SHIPPED_CONFIG_DIR

SHARED_QUESTIONNAIRES = Path(__file__).resolve().parent / "questionnaire" / "forms"
"""Copies of the public FHIR forms of ../shared/questionnaires (see SOURCES.md there)."""
SECOND_BATCH = SHARED_QUESTIONNAIRES / "second-batch"


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Hide the user's own config, data and logs, and fix the language to English."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def demo_config_path() -> Path:
    return SHIPPED_CONFIG_DIR / "kiosk.toml"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite database for the embedded backend."""
    return f"sqlite:///{tmp_path / 'kiosk-test.sqlite3'}"


def pytest_report_header() -> str:
    """Say up front whether the PostgreSQL variants of the server tests run."""
    import os

    from kiosk.server.db import safe_url

    url = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    if not url:
        return "PostgreSQL: KIOSK_TEST_POSTGRES_URL is not set, the PostgreSQL tests are skipped"
    return f"PostgreSQL: each run gets its own database on the server of {safe_url(url)}"
