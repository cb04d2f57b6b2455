"""Pilot steps of a pickup-code visit, done the way a visitor does them."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.tools.drive import screen_text
from screens.consent import ConsentScreen
from screens.pickup_login import LoginScreen
from screens.returning_login import ReturningLoginScreen
from tests.visit_helpers import tap, wait_until

PASSWORD = "lantern-harbor-91"
LOGIN_STEPS = (LoginScreen, ReturningLoginScreen)
"""The steps before the consents; they are left once the backend has answered."""


async def wait_for_text(pilot: Pilot[None], text: str) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot.app))


def shown(pilot: Pilot[None], selector: str) -> str:
    """The text of a Static on the current screen."""
    return str(pilot.app.screen.query_one(selector, Static).render())


async def fill(pilot: Pilot[None], selector: str, text: str, *, typed: bool = False) -> None:
    """Tap the field and put *text* in it: key by key when *typed*, else pasted at once
    (a barcode scanner is as fast; keys cost a lot of test time on a busy machine)."""
    field = pilot.app.screen.query_one(selector, Input)
    await tap(pilot, field)
    if typed:
        field.value = ""
        await pilot.press(*text)
    else:
        field.value = text
        field.cursor_position = len(text)
    await pilot.pause()


async def enter_code(pilot: Pilot[None], code: str, *, typed: bool = False) -> None:
    """From Welcome: "I have a pickup code", the code, Enter."""
    await tap(pilot, "#start-code")
    await wait_until(pilot, lambda: bool(pilot.app.screen.query("#pickup-code")))
    await fill(pilot, "#pickup-code", code, typed=typed)
    await pilot.press("enter")


async def confirm_identity(pilot: Pilot[None], dob: str | None = None) -> None:
    await wait_until(pilot, lambda: bool(pilot.app.screen.query("#masked-name")))
    if dob is not None:
        await fill(pilot, "#dob", dob)
        await pilot.press("enter")
    else:
        await tap(pilot, "#next")


async def create_login(
    pilot: Pilot[None], username: str, password: str = PASSWORD, *, typed: bool = False
) -> None:
    await wait_until(pilot, lambda: bool(pilot.app.screen.query("#username")))
    await fill(pilot, "#username", username, typed=typed)
    await fill(pilot, "#password", password, typed=typed)
    await fill(pilot, "#password-confirm", password, typed=typed)
    await pilot.press("enter")


async def sign_consents(pilot: Pilot[None], name: str) -> list[str]:
    """Sign every consent screen that comes once the login step is over; the titles signed."""
    titles = []
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, LOGIN_STEPS))
    while isinstance(pilot.app.screen, ConsentScreen):
        screen = pilot.app.screen
        titles.append(screen.consent.title)
        await fill(pilot, "#consent-signature", name)
        await pilot.press("enter", "space")
        await tap(pilot, "#next")
        await wait_until(pilot, lambda s=screen: pilot.app.screen is not s)
    return titles
