""" "I do not agree": asked once before the visit is thrown away."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import _


class ConfirmDeclineScreen(ModalScreen[bool]):
    """Dismissed with True (end the visit) or False (go back to the consent, keeping
    everything). Escape and the default focus both keep the visit."""

    CSS_PATH = "confirm_decline.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="decline-box"):
            yield Static(_("End your visit?"), classes="step-title")
            yield Static(
                _(
                    "Without your agreement we cannot continue today, and everything you "
                    "entered will be cleared."
                ),
                id="decline-text",
            )
            with Horizontal(classes="nav-row"):
                yield Button(_("Go back to the form"), id="decline-keep", variant="primary")
                yield Button(_("End my visit"), id="decline-end", variant="error")

    def on_mount(self) -> None:
        self.query_one("#decline-keep", Button).focus()

    @on(Button.Pressed, "#decline-keep")
    def action_keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#decline-end")
    def end(self) -> None:
        self.dismiss(True)
