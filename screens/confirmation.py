"""Confirmation: the submission's reference number and its QR code, then Welcome again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import _
from screens.closing import ClosingScreen
from screens.qr_code import QRCode


class ConfirmationScreen(ClosingScreen):
    """Shown once a submission has been received."""

    def __init__(self, reference: str | None, seconds: int) -> None:
        super().__init__(seconds)
        self.reference = reference

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        # The words and Done on the left, the QR code beside them: all of it in view on an
        # 80×24 terminal, where one column under the other was taller than the screen.
        with Center(), Horizontal(id="closing-box"):
            with Vertical(id="closing-text"):
                yield Static(_("Thank you. Your answers have been received."), classes="step-title")
                if self.reference is None:  # saved on the terminal; the outbox sends it later
                    yield Static(
                        _(
                            "They are saved on this terminal and will reach the clinic shortly. "
                            "Please tell the front desk that you have finished."
                        ),
                        id="saved-for-later",
                    )
                else:
                    yield Static(_("Your reference number:"))
                    yield Static(self.reference, id="reference")
                    yield Static(
                        _("Show this number at the front desk. This screen closes by itself."),
                        id="closing-hint",
                    )
                yield Button(_("Done"), id="done", variant="primary")
            if self.reference is not None:
                yield QRCode(self.reference, id="reference-qr")
