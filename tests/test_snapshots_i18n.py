"""SVG snapshots of every screen of both visits, in English and Spanish (pytest-textual-snapshot).

The "Are you still there?" countdown stands still here, and the staff screen shows a fixed
version; their behaviour is tested in test_idle.py and test_staff.py.

The contractor portal is used because its questionnaire is translated. Refresh the pictures
after an intended change with ``pytest tests/test_snapshots_i18n.py --snapshot-update`` and
look at them before committing.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.config import BackendConfig, load_config
from kiosk.contract.pickup_code import check_symbol, display
from kiosk.contract.wire.pickup import Verified
from kiosk.i18n import N_
from kiosk.i18n.languages import format_date_entry
from kiosk.terminal.staff_pin import hash_pin
from kiosk.visits.pickup import begin_pickup_steps, start_pickup_visit
from screens.pickup_done import PickupDoneScreen
from screens.staff import StaffScreen
from screens.still_there import StillThereScreen
from screens.ticker import Ticker
from tests.visit_helpers import buttons_released, tap, wait_until

SIZE = (100, 36)
SMALL_SIZE = (80, 24)
PORTAL = "cascade-contractors"
LANGUAGES = ["en", "es"]
STAFF_PIN = "2468"
STAFF_PIN_HASH = hash_pin(STAFF_PIN)
SNAPSHOT_CODE = display("K7QX2M4DR9A" + check_symbol("K7QX2M4DR9A"))
"""A well-formed code (the terminal checks a code's shape before asking the backend)."""
Steps = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture(autouse=True)
def still_ticker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A moving ticker would make every picture different."""
    monkeypatch.setattr(Ticker, "moving", False)


@pytest.fixture(autouse=True)
def still_countdown_and_fixed_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """A countdown or a version number would make pictures differ by the second or release."""
    monkeypatch.setattr(StillThereScreen, "_tick", lambda _screen: None)
    monkeypatch.setattr("screens.staff.__version__", "1.0.0")


def kiosk(pilot: Pilot[None]) -> KioskApp:
    assert isinstance(pilot.app, KioskApp)
    return pilot.app


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()  # scrolling to a field with an error
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False  # type: ignore[attr-defined]  # a steady cursor
    await buttons_released(pilot)  # a tapped button is drawn pressed for 0.2 s


def in_language(language: str, then: Steps | None = None) -> Steps:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        kiosk(pilot).set_visitor_language(language)
        await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run


async def language_list(pilot: Pilot[None]) -> None:
    await pilot.press("f2")


async def name_with_errors(pilot: Pilot[None]) -> None:
    kiosk(pilot).start_applicant_visit()
    await settle(pilot)
    await tap(pilot, "#next")  # Next with both names empty


async def signed_name(pilot: Pilot[None]) -> None:
    kiosk(pilot).start_applicant_visit()
    await settle(pilot)
    await pilot.press(*"Lucía", "enter", *"Fernández", "enter")


async def first_page(pilot: Pilot[None]) -> None:
    await signed_name(pilot)
    await settle(pilot)
    await pilot.press(*"Lucía Fernández", "enter", "space")
    await tap(pilot, "#next")


async def page_with_errors(pilot: Pilot[None]) -> None:
    await first_page(pilot)
    await settle(pilot)
    await pilot.press("tab", "tab", *"31/02/2026")
    await tap(pilot, "#next")
    await settle(pilot)


async def review(pilot: Pilot[None]) -> None:
    await first_page(pilot)
    await settle(pilot)
    typed_date = format_date_entry(datetime.date(2026, 3, 15))  # in the locale's order
    await pilot.press(*"Andamios del Norte", "tab", "enter", "tab", *typed_date)
    await tap(pilot, "#next")
    await settle(pilot)
    await pilot.press("down", "enter", "tab", "down", "enter", "tab", "down", "enter")
    await tap(pilot, "#next")
    await settle(pilot)
    await pilot.press("down", "enter", "tab", "down", "enter")
    await tap(pilot, "#next")


async def farewell(pilot: Pilot[None]) -> None:
    kiosk(pilot).show_farewell(N_("Thank you for your time."))


async def confirmation(pilot: Pilot[None]) -> None:
    kiosk(pilot).show_confirmation("HOH-2026-000123")


async def pickup_code(pilot: Pilot[None]) -> None:
    start_pickup_visit(kiosk(pilot))


async def pickup_identity(pilot: Pilot[None]) -> None:
    app = kiosk(pilot)
    start_pickup_visit(app)
    await settle(pilot)
    verified = Verified(
        masked_name="L*** F***",
        date_of_birth_required=True,
        portal=PORTAL,
        language="",  # no preferred language: the visit stays in the one on screen
        consents_due=(),
        questionnaires=(),
    )
    begin_pickup_steps(app, SNAPSHOT_CODE, verified)


async def pickup_login(pilot: Pilot[None]) -> None:
    await pickup_identity(pilot)
    await settle(pilot)
    await pilot.press(*"1985-04-23")  # a date of birth is typed year first, in every language
    await tap(pilot, "#next")
    # The backend is asked about the date of birth (none here: the visit goes on).
    for _ in range(500):
        await pilot.pause(0.02)
        if pilot.app.screen.query("#username"):
            break
    await settle(pilot)
    await pilot.press(*"lucia.f", "tab", *"short")  # the rules show what is still missing


async def pickup_done(pilot: Pilot[None]) -> None:
    site_consent = kiosk(pilot).portal.consents[0]
    await pilot.app.push_screen(
        PickupDoneScreen(
            username="lucia.fernandez",
            done=[site_consent.title_in(kiosk(pilot).language)],
            later=["Contractor Site-Safety Health Screening"],
            login_url="https://portal.example.org/login",
            seconds=60,
        )
    )


async def staff_pin(pilot: Pilot[None]) -> None:
    await pilot.press("f12")


async def staff(pilot: Pilot[None]) -> None:
    await pilot.press("f12")
    await settle(pilot)
    await pilot.press(*STAFF_PIN, "enter")

    def checked() -> bool:  # the server check (refused at once: no server here) fills it in
        screen = pilot.app.screen
        return isinstance(screen, StaffScreen) and "…" not in str(
            screen.query_one("#staff-server").render()
        )

    await wait_until(pilot, checked)


async def still_there(pilot: Pilot[None]) -> None:
    await signed_name(pilot)
    await settle(pilot)
    await pilot.app.push_screen(StillThereScreen(30))


SCREENS: dict[str, Steps | None] = {
    "welcome": None,
    "language-list": language_list,
    "name-errors": name_with_errors,
    "consent": signed_name,
    "questionnaire-page": first_page,
    "page-errors": page_with_errors,
    "review": review,
    "farewell": farewell,
    "confirmation": confirmation,
    "pickup-code": pickup_code,
    "pickup-identity": pickup_identity,
    "pickup-login": pickup_login,
    "pickup-done": pickup_done,
    "staff-pin": staff_pin,
    "staff": staff,
    "still-there": still_there,
}


def snapshot_app(demo_config_path: Path) -> KioskApp:
    config = load_config(demo_config_path)
    # A remote backend that is never called: no snapshot submits, and no server is started.
    config = replace(
        config, backend=BackendConfig(url="http://127.0.0.1:9"), staff_pin_hash=STAFF_PIN_HASH
    )
    return KioskApp(config, portal=PORTAL)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(screen: str, language: str, snap_compare, demo_config_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = snapshot_app(demo_config_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=in_language(language, SCREENS[screen]))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot_at_80x24(  # type: ignore[no-untyped-def]
    screen: str, language: str, snap_compare, demo_config_path: Path
) -> None:
    """The same screens on an 80×24 terminal (see also test_small_screens.py)."""
    app = snapshot_app(demo_config_path)
    run_before = in_language(language, SCREENS[screen])
    assert snap_compare(app, terminal_size=SMALL_SIZE, run_before=run_before)
