"""Staff mode: F12, an argon2-hashed PIN with a growing lock, and the staff screen."""

from __future__ import annotations

import io
import shutil
import time
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.cli import main
from kiosk.config import read_config_file
from kiosk.paths import SHIPPED_CONFIG_DIR
from kiosk.terminal.staff_pin import (
    FIRST_LOCK_SECONDS,
    MAX_TRIES,
    PinGuard,
    PinRefused,
    hash_pin,
    verify_pin,
)
from screens.name_entry import NameScreen
from screens.staff import StaffScreen
from screens.staff_pin import StaffPinScreen
from screens.welcome import WelcomeScreen
from tests.safety_helpers import demo_config, start_bare_visit
from tests.server.payloads import applicant_body
from tests.visit_helpers import wait_for_screen

PIN = "482913"
PIN_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PIN)
"""A cheap argon2id hash: verifying it is fast, and it takes the same code path."""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pin_is_kept_only_as_an_argon2_hash() -> None:
    stored = hash_pin(PIN)
    assert stored.startswith("$argon2id$")
    assert PIN not in stored
    assert verify_pin(stored, PIN)
    assert not verify_pin(stored, "482914")
    assert not verify_pin("not a hash", PIN)
    for bad in ("123", "12ab", "1234567890123", ""):
        with pytest.raises(PinRefused):
            hash_pin(bad)


def test_five_wrong_tries_lock_staff_mode_for_a_growing_time() -> None:
    clock = FakeClock()
    guard = PinGuard(clock)
    for left in range(MAX_TRIES - 1, 0, -1):
        assert guard.attempt(PIN_HASH, "0000").tries_left == left
    first = guard.attempt(PIN_HASH, "0000")
    assert first.locked_for == FIRST_LOCK_SECONDS
    assert not guard.attempt(PIN_HASH, PIN).ok, "the right PIN must wait out the lock"
    clock.now += FIRST_LOCK_SECONDS
    for _ in range(MAX_TRIES):
        result = guard.attempt(PIN_HASH, "0000")
    assert result.locked_for == 2 * FIRST_LOCK_SECONDS
    clock.now += 2 * FIRST_LOCK_SECONDS
    assert guard.attempt(PIN_HASH, PIN).ok
    for _ in range(MAX_TRIES):
        result = guard.attempt(PIN_HASH, "0000")
    assert result.locked_for == FIRST_LOCK_SECONDS, "a right PIN starts the count again"
    assert not PinGuard(clock).attempt(None, PIN).ok, "no hash configured: no staff mode"


def test_set_staff_pin_writes_the_hash_into_the_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG_DIR, folder)
    file = folder / "kiosk.toml"
    before = file.read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert main(["set-staff-pin", str(file), "--pin-stdin"]) == 0
    assert "staff PIN set" in capsys.readouterr().out
    text = file.read_text(encoding="utf-8")
    assert PIN not in text
    stored = tomllib.loads(text)["staff_pin_hash"]
    assert verify_pin(stored, PIN)
    assert read_config_file(file).staff_pin_hash == stored
    assert text.replace(f'staff_pin_hash = "{stored}"\n', "", 1) == before
    monkeypatch.setattr("sys.stdin", io.StringIO("7777\n"))
    assert main(["set-staff-pin", str(file), "--pin-stdin"]) == 0
    again = tomllib.loads(file.read_text(encoding="utf-8"))["staff_pin_hash"]
    assert verify_pin(again, "7777")
    assert file.read_text(encoding="utf-8").count("\nstaff_pin_hash") == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["set-staff-pin", str(file), "--pin-stdin"]) == 1
    assert "4 to 12 digits" in capsys.readouterr().err


def test_set_staff_pin_refuses_a_pin_that_is_not_digits_at_its_first_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "config"
    shutil.copytree(SHIPPED_CONFIG_DIR, folder)
    file = folder / "kiosk.toml"
    before = file.read_text(encoding="utf-8")
    prompts: list[str] = []

    def typed(prompt: str = "") -> str:
        prompts.append(prompt)
        return "12a4"

    monkeypatch.setattr("getpass.getpass", typed)
    assert main(["set-staff-pin", str(file)]) == 1
    assert prompts == ["New staff PIN (4 to 12 digits): "], "no second entry of a refused PIN"
    assert "the staff PIN must be 4 to 12 digits; nothing was changed" in capsys.readouterr().err
    assert file.read_text(encoding="utf-8") == before


async def _enter_pin(pilot, pin: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for_screen(pilot, StaffPinScreen)
    await pilot.press(*pin, "enter")
    for _ in range(200):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if not isinstance(screen, StaffPinScreen) or not screen.query_one(Input).disabled:
            return


async def test_without_a_pin_hash_f12_opens_nothing() -> None:
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert any("not set up" in str(n.message) for n in app._notifications)


async def test_wrong_pins_lock_the_prompt(database_url: str) -> None:
    app = KioskApp(demo_config(staff_pin_hash=PIN_HASH), database_url=database_url)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f12")
        await _enter_pin(pilot, "1111")
        status = app.screen.query_one("#staff-pin-status", Static)
        assert "Wrong PIN. 4 tries left." in str(status.render())
        for _ in range(MAX_TRIES - 1):
            await _enter_pin(pilot, "1111")
        assert "Staff mode is locked" in str(status.render())
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen), "locked: no prompt at all"
        assert any("locked" in str(n.message) for n in app._notifications)


async def test_staff_screen_shows_the_state_and_ends_the_visit(database_url: str) -> None:
    app = KioskApp(demo_config(staff_pin_hash=PIN_HASH), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*"Ottilie")
        outbox = app.submissions.outbox  # one earlier submission waits, not due for an hour
        outbox.put("applicant", "staff-test-0001", applicant_body(consents=[], documents=[]))
        outbox.failed("staff-test-0001", "http-503", time.time() + 3600)
        await pilot.press("f12")
        await _enter_pin(pilot, PIN)
        await wait_for_screen(pilot, StaffScreen)
        screen = app.screen
        for _ in range(200):
            await pilot.pause(0.02)
            if "checking" not in str(screen.query_one("#staff-server", Static).render()):
                break

        def text(selector: str) -> str:
            return str(screen.query_one(selector, Static).render())

        assert text("#staff-server") == "Server: reachable"
        assert text("#staff-waiting") == "Submissions waiting: 1"
        assert text("#staff-last-error") == "Last delivery error: none"
        assert text("#staff-version").startswith("Version: ")
        assert text("#staff-portal") == f"Portal: {app.portal.name}"
        assert text("#staff-language") == "Language: en"
        await pilot.click("#staff-deliver")
        for _ in range(300):
            await pilot.pause(0.02)
            if text("#staff-status") == "Delivered: 1":
                break
        assert text("#staff-status") == "Delivered: 1"
        assert await app.submissions.waiting() == 0
        await pilot.click("#staff-end-visit")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.visit is None
        assert len(app.screen_stack) == 2


async def test_staff_switch_portal_and_quit(database_url: str) -> None:
    config = demo_config(staff_pin_hash=PIN_HASH)
    second = replace(config.portals[0], name="second-portal", title="Second")
    config = replace(config, portals=[*config.portals, second])
    app = KioskApp(config, database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("f12")
        await _enter_pin(pilot, PIN)
        await wait_for_screen(pilot, StaffScreen)
        await pilot.click(f"#staff-portal-{len(config.portals) - 1}")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.portal.name == "second-portal"
        assert str(app.screen.query_one("#welcome-title", Static).render()) == "Second"
        await pilot.press("f12")
        await _enter_pin(pilot, PIN)
        await wait_for_screen(pilot, StaffScreen)
        await pilot.click("#staff-quit")
        await pilot.pause()
    assert app.return_code == 0
