"""F12: the staff PIN prompt. A right PIN opens the staff screen; wrong ones lock it for a while."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kiosk.i18n import _, ngettext
from kiosk.terminal.staff_pin import PinResult

if TYPE_CHECKING:
    from screens.base import KioskHost

log = logging.getLogger(__name__)


def _minutes(seconds: float) -> int:
    return max(1, int(seconds + 59) // 60)


def locked_message(seconds: float) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "Staff mode is locked. Try again in {n} minute.",
        "Staff mode is locked. Try again in {n} minutes.",
        minutes,
    ).format(n=minutes)


class StaffPinScreen(ModalScreen[bool]):
    """Asks for the staff PIN; dismissed with True only for the right one."""

    CSS_PATH = "staff_pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    @property
    def kiosk(self) -> KioskHost:
        return cast("KioskHost", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-pin-box"):
            yield Static(_("Staff PIN"), classes="step-title")
            yield Input(
                password=True,
                restrict=r"[0-9]*",
                max_length=12,
                id="staff-pin",
                placeholder=_("PIN"),
            )
            yield Static("", id="staff-pin-status", classes="status-line")
            with Horizontal(classes="nav-row"):
                yield Button(_("OK"), id="staff-pin-ok", variant="primary")
                yield Button(_("Cancel"), id="staff-pin-cancel")

    def on_mount(self) -> None:
        self.query_one("#staff-pin", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#staff-pin-cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted, "#staff-pin")
    @on(Button.Pressed, "#staff-pin-ok")
    def _submit(self) -> None:
        field = self.query_one("#staff-pin", Input)
        pin, field.value = field.value, ""
        field.disabled = True
        self.check(pin)

    @work(exclusive=True, group="staff-pin")
    async def check(self, pin: str) -> None:
        """Verify off the UI thread: argon2 is slow on purpose."""
        guard, pin_hash = self.kiosk.staff_guard, self.kiosk.config.staff_pin_hash
        result: PinResult = await asyncio.to_thread(guard.attempt, pin_hash, pin)
        del pin
        if result.ok:
            self.dismiss(True)
            return
        field = self.query_one("#staff-pin", Input)
        status = self.query_one("#staff-pin-status", Static)
        status.add_class("error")
        if result.locked_for > 0:
            log.warning("staff mode locked after wrong PINs", extra={"event": "staff_locked"})
            status.update(locked_message(result.locked_for))
            return
        log.info("wrong staff PIN", extra={"event": "staff_pin_wrong"})
        status.update(
            ngettext(
                "Wrong PIN. {n} try left.", "Wrong PIN. {n} tries left.", result.tries_left
            ).format(n=result.tries_left)
        )
        field.disabled = False
        field.focus()
