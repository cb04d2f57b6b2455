"""The end of a pickup visit: the login made, what was done, and the portal's address as a
QR code to continue on a phone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.i18n import _
from screens.closing import ClosingScreen, done_list
from screens.qr_code import QRCode


class PickupDoneScreen(ClosingScreen):
    """Shown once the code was redeemed; lists what was done and what is left."""

    CSS_PATH = ["closing.tcss", "pickup_done.tcss"]  # noqa: RUF012

    def __init__(
        self,
        *,
        username: str,
        done: list[str],
        later: list[str],
        login_url: str | None,
        seconds: int,
    ) -> None:
        super().__init__(seconds)
        self.username = username
        self.done = done
        self.later = later
        self.login_url = login_url

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Center(), Horizontal(id="closing-box"):
            with Vertical(id="done-text"):
                yield Static(_("Your login is ready."), classes="step-title")
                yield Static(
                    _("Username: {username}").format(username=self.username),
                    id="done-username",
                    markup=False,
                )
                yield from done_list(self.done, self.later)
                if self.login_url:
                    yield Static(
                        _("Continue on your phone: scan the code, or go to {url}").format(
                            url=self.login_url
                        ),
                        id="portal-address",
                        markup=False,
                    )
                yield Button(_("Done"), id="done", variant="primary")
            if self.login_url:
                yield QRCode(self.login_url, id="portal-qr")
