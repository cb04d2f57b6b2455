"""A polite goodbye when a visit ends early (for example, the consent was declined)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import _
from screens.closing import ClosingScreen


class FarewellScreen(ClosingScreen):
    """A message, then Welcome again."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(seconds)
        self.message = message

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Center(), Vertical(id="closing-box"):
            yield Static(_("Thank you for your time."), classes="step-title")
            # Translated here, so the message follows a change of language on this screen.
            yield Static(_(self.message), id="farewell-message", markup=False)
            yield Button(_("Done"), id="done", variant="primary")
