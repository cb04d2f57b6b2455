"""Fixtures for every test: an isolated home, English, and the shipped demo configuration;
and two settings that let the suite run in minutes (see :func:`pytest_configure`)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import set_language
from kiosk.paths import SHIPPED_CONFIG_DIR
from kiosk.terminal import memory

PILOT_IDLE_WINDOW = 0.005
"""Seconds of each look Textual's Pilot takes to decide the app is idle (its own: 0.02)."""

COLLECTION_THRESHOLD = 10_000
"""Allocations between the collector's youngest-generation passes in a test process
(Python's: 700)."""


def pytest_configure(config: pytest.Config) -> None:
    """Make waiting and collecting garbage cheaper in the test processes; nothing else changes.

    Every Pilot key press, click and pause waits until the app looks idle: Textual looks in
    windows of 20 ms, so one typed letter costs at least 40 ms of doing nothing, and the
    suite's wall time was mostly that. Here it looks in 5 ms windows, with the same ratio of
    busy to idle. A test never relies on a pause being long enough: it waits for what it
    needs (``tests.visit_helpers.wait_until``, ``tap`` waits until its target can be hit).
    If Textual moves these settings, the suite stops here rather than slowing down unseen.

    The suite allocates much and keeps little; at Python's default thresholds each worker ran
    some 12,000 collections, a fifth of its CPU time.
    """
    from textual import _wait

    for name in ("SLEEP_GRANULARITY", "SLEEP_IDLE"):
        if not isinstance(getattr(_wait, name, None), float):
            raise pytest.UsageError(f"textual._wait.{name} is gone: see tests/conftest.py")
    ratio = _wait.SLEEP_IDLE / _wait.SLEEP_GRANULARITY
    _wait.SLEEP_GRANULARITY = PILOT_IDLE_WINDOW
    _wait.SLEEP_IDLE = PILOT_IDLE_WINDOW * ratio
    gc.set_threshold(COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    # Each worker, and each kiosk or server process a test starts, imports the project: where
    # PYTHONDONTWRITEBYTECODE is set, every one of them compiled it all again (4 s of a
    # worker's 10 s start). The first to import a module writes its bytecode; the others,
    # and the processes they start, read it.
    sys.dont_write_bytecode = False


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


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """Leave the garbage collector on, as the next test expects: an app's start-up holds it
    until a second after Welcome is drawn (kiosk.terminal.memory), which a short test ends
    before."""
    yield
    memory.release_collection()
    gc.enable()


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
