"""``kiosk smoke`` and a fast start: Welcome comes up before any heavy import."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.terminal import memory
from kiosk.terminal.memory import hold_collection, release_collection
from screens.welcome import WelcomeScreen
from tests.visit_helpers import wait_for_screen

# Loaded only once Welcome is up (or later still, when a screen needs them): the embedded
# backend's stack, and what only the first start after a change needs (pydantic validates the
# configuration, babel compiles catalogs and names languages) or what only a visit needs.
HEAVY_MODULES = (
    "fastapi", "starlette", "sqlalchemy", "uvicorn", "alembic", "qrcode", "httpx",
    "pydantic", "babel", "cryptography", "argon2", "fhirpathpy",
)  # fmt: skip
HEAVY_KIOSK_MODULES = (
    "kiosk.server", "kiosk.backend.client", "kiosk.questionnaire",
    # not heavy, but only a visit (its steps) or staff (the PIN) need them
    "kiosk.flow.plan", "kiosk.terminal.staff_pin",
)  # fmt: skip


def smoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "smoke", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_smoke_reports_the_milliseconds_to_welcome(demo_config_path: Path) -> None:
    result = smoke("--config", str(demo_config_path))
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"ready in (\d+) ms\n", result.stdout)
    assert match, result.stdout
    assert 0 < int(match[1]) < 120_000
    assert "Traceback" not in result.stderr


def test_smoke_fails_with_the_reason_for_an_invalid_config(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text('language = "en"\nportals = []\n', encoding="utf-8")
    result = smoke("--config", str(bad))
    assert result.returncode == 1
    assert "the configuration is not valid" in result.stderr
    assert "portals" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_smoke_fails_with_the_reason_for_an_unknown_portal(demo_config_path: Path) -> None:
    result = smoke("--config", str(demo_config_path), "--portal", "no-such-portal")
    assert result.returncode == 1
    assert "no portal named 'no-such-portal'" in result.stderr


def test_smoke_fails_when_the_config_file_is_missing(tmp_path: Path) -> None:
    result = smoke("--config", str(tmp_path / "absent.toml"))
    assert result.returncode == 1
    assert "absent.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_welcome_is_up_without_the_heavy_imports(
    demo_config_path: Path, database_url: str, tmp_path: Path
) -> None:
    """The Harlequin pattern: start the app in a fresh interpreter, look at sys.modules.

    Started twice, with a cache folder of its own: the first start after a change checks the
    configuration and fills the caches (pydantic, babel); the second is a terminal's usual one.
    """
    script = textwrap.dedent(
        f"""
        import json, sys, time
        from pathlib import Path
        started = time.perf_counter()
        from kiosk.app import KioskApp
        from kiosk.config import load_config
        from kiosk.tools.smoke import time_to_ready, welcome_rendered

        # Only so that a slow machine cannot reach the backend's timer before the check.
        KioskApp.BACKEND_START_DELAY = 3600
        app = KioskApp(load_config(Path({str(demo_config_path)!r})), database_url={database_url!r})
        seen = []
        def on_ready(ms):
            seen.extend(sorted(sys.modules))
        time_to_ready(app, welcome_rendered, started=started, on_ready=on_ready)
        print(json.dumps(seen))
        """
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    for start in ("first after a change", "usual"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
        assert result.returncode == 0, f"{start}: {result.stderr}"
    modules = set(json.loads(result.stdout))
    assert "screens.welcome" in modules  # the check ran with Welcome up
    heavy = sorted(
        m for m in modules if m.split(".")[0] in HEAVY_MODULES or m.startswith(HEAVY_KIOSK_MODULES)
    )
    assert heavy == []


async def test_the_backend_is_connected_by_itself_after_welcome(
    demo_config_path: Path, database_url: str
) -> None:
    """And the garbage collector, held while the kiosk started, runs again by then."""
    app = KioskApp(load_config(demo_config_path), database_url=database_url)
    hold_collection()
    try:
        async with app.run_test(size=(100, 36)) as pilot:
            await wait_for_screen(pilot, WelcomeScreen)
            backend = await app.backend()
            collecting = gc.isenabled()
            health = await backend.health()
    finally:
        release_collection()
    assert health["status"] == "ok"
    assert collecting


def test_kiosk_smoke_holds_the_garbage_collector_until_welcome_is_up(
    demo_config_path: Path,
) -> None:
    """``kiosk smoke`` (and ``kiosk run``) start with the collector off; other commands do not.

    (When it comes back is the next test's: the app's first tick, timed by the app.)"""
    script = textwrap.dedent(
        f"""
        import gc, sys
        import kiosk.tools.smoke as smoke
        real = smoke.time_to_ready
        def spy(app, rendered, **options):
            print("collector on:", gc.isenabled())  # the app is built, about to run
            return real(app, rendered, **options)
        smoke.time_to_ready = spy
        from kiosk.cli import main
        status = main(["check-config", {str(demo_config_path)!r}])
        print("after check-config, collector on:", gc.isenabled())
        sys.exit(status or main(["smoke", "--config", {str(demo_config_path)!r}]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "after check-config, collector on: True" in lines
    assert "collector on: False" in lines


def test_release_leaves_a_collector_that_something_else_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory, "_held", False)  # whatever an earlier test's start-up left
    gc.disable()
    try:
        hold_collection()  # already off: not ours to turn on again
        release_collection()
        assert not gc.isenabled()
    finally:
        gc.enable()
    hold_collection()
    assert not gc.isenabled()
    release_collection()
    assert gc.isenabled()
    release_collection()  # a second release changes nothing
    assert gc.isenabled()
