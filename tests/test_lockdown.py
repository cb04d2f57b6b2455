"""A visitor cannot leave the kiosk; a crash in a screen ends in a fresh Welcome."""

from __future__ import annotations

import asyncio
import logging

import pytest
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.terminal.lockdown import BLOCKED_KEYS, CRASH_EXIT_CODE, crash_place, run_supervised
from screens.name_entry import NameScreen
from screens.welcome import WelcomeScreen
from tests.safety_helpers import demo_config, start_bare_visit, type_name
from tests.visit_helpers import wait_for_screen

SECRET = "Zebulon Quixote-Marchetti"


async def test_quit_suspend_palette_and_escape_keys_do_nothing() -> None:
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        welcome = app.screen
        for key in (*BLOCKED_KEYS, "escape", "ctrl+d", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running, key
            assert app.screen is welcome, key
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        name_screen = app.screen
        for key in BLOCKED_KEYS:
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is name_screen, key
        assert app.visit is not None
    assert app.return_code in (None, 0)


async def test_a_crash_in_a_screen_shows_a_fresh_welcome_and_logs_no_personal_data(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(self: NameScreen) -> None:
        raise RuntimeError(f"could not file {self.visit.full_name or SECRET}")

    monkeypatch.setattr(NameScreen, "submit", crash)
    caplog.set_level(logging.INFO)
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        first_welcome = app.screen
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await type_name(pilot, "Zebulon", "Quixote-Marchetti")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.screen is not first_welcome, "Welcome must be a fresh screen"
        assert len(app.screen_stack) == 2
        assert app.visit is None
        assert app.is_running
        assert any("Sorry, something went wrong" in str(n.message) for n in app._notifications)
    assert app.return_code in (None, 0)
    crashes = [r for r in caplog.records if r.getMessage() == "screen crashed"]
    assert len(crashes) == 1
    assert crashes[0].error == "RuntimeError"  # type: ignore[attr-defined]
    assert "name_entry" not in crashes[0].where  # type: ignore[attr-defined]
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert "Zebulon" not in text
        assert "Quixote" not in text


async def test_crashes_that_repeat_end_the_app_for_the_supervisor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(self: KioskApp) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(KioskApp, "start_applicant_visit", crash)
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        for _ in range(10):
            await wait_for_screen(pilot, WelcomeScreen)
            before = app.screen
            before.query_one("#start-applicant", Button).press()
            for _ in range(100):  # not pilot.pause(): it would wait on the crashed screen
                await asyncio.sleep(0.02)
                if app.return_code is not None or app.screen is not before:
                    break
            if app.return_code is not None:
                break
    assert app.return_code == CRASH_EXIT_CODE


async def test_a_crash_in_the_app_itself_ends_it_for_the_supervisor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(self: KioskApp) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(KioskApp, "action_staff", crash)
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        app.call_later(app.action_staff)  # runs in the app's own message loop
        for _ in range(100):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.02)
    assert app.return_code == CRASH_EXIT_CODE


def test_run_supervised_starts_a_fresh_app_after_a_crash_exit() -> None:
    made: list[bool] = []

    class Fake:
        def __init__(self, code: int) -> None:
            self.return_code = code

        def run(self) -> None:
            pass

    codes = iter([CRASH_EXIT_CODE, CRASH_EXIT_CODE, 0])

    def make(after_crash: bool) -> Fake:
        made.append(after_crash)
        return Fake(next(codes))

    assert run_supervised(make) == 0  # type: ignore[arg-type]
    assert made == [False, True, True]


def test_crash_place_names_file_line_and_function_only() -> None:
    try:
        raise KeyError(SECRET)
    except KeyError as exc:
        place = crash_place(exc)
    assert place.startswith("tests/test_lockdown.py:")
    assert place.endswith("in test_crash_place_names_file_line_and_function_only")
    assert SECRET not in place
