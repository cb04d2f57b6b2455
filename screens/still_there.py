""" "Are you still there?": a countdown over an idle visit, with a button to go on."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import _, ngettext


class StillThereScreen(ModalScreen[bool]):
    """Dismissed with True (Continue) or False (the countdown ran out)."""

    CSS_PATH = "still_there.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "still_here", show=False),
    ]

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.remaining = seconds

    def compose(self) -> ComposeResult:
        with Vertical(id="still-there-box"):
            yield Static(_("Are you still there?"), classes="step-title")
            yield Static(
                _("For your privacy, your answers will be cleared if there is no reply."),
                id="still-there-text",
            )
            yield Static(self._countdown_text(), id="still-there-countdown")
            yield Button(_("Continue"), id="still-there-continue", variant="primary")

    def _countdown_text(self) -> str:
        return ngettext(
            "Clearing in {n} second.", "Clearing in {n} seconds.", self.remaining
        ).format(n=self.remaining)

    def on_mount(self) -> None:
        self.query_one("#still-there-continue", Button).focus()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self.remaining = max(self.remaining - 1, 0)
        if self.remaining == 0:
            if self.is_current:  # a staff prompt on top waits for staff
                self.dismiss(False)
            return
        self.query_one("#still-there-countdown", Static).update(self._countdown_text())

    @on(Button.Pressed, "#still-there-continue")
    def action_still_here(self) -> None:
        self.dismiss(True)
