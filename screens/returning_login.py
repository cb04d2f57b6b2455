"""A returning visitor signs in with the login they made with a pickup code.

A wrong password and an unknown username get one message (the backend answers them alike);
a lock-out of the terminal or of the username is said as a wait time and counted down.
What was typed stays while this screen is open; the password field is cleared after a
failed attempt.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.backend.pickup_client import PickupError, PickupFailure
from kiosk.contract.login_rules import PASSWORD_MAX, USERNAME_MAX
from kiosk.i18n import _
from screens.entry_form import EntryFormScreen
from screens.messages import VisitorSignedIn


class ReturningLoginScreen(EntryFormScreen):
    """``#login-username``, ``#login-password``, ``#login-continue``; news in ``#login-status``."""

    CSS_PATH = "returning_login.tcss"
    STATUS_ID = "login-status"
    HELD_IDS = ("login-continue", "login-username", "login-password")

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="login-form"):
            yield Static(_("Sign in"), classes="step-title")
            yield Static(_("Use the username and password you made with your pickup code."))
            yield Label(_("Username"), classes="field-label")
            yield Input(id="login-username", max_length=USERNAME_MAX + 20)
            yield Label(_("Password"), classes="field-label")
            yield Input(id="login-password", password=True, max_length=PASSWORD_MAX + 20)
            yield Static("", id="login-status", classes="status-line")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("Sign in"), id="login-continue", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#login-username", Input).focus()

    def focus_default(self) -> None:
        self.query_one("#login-username", Input).focus()

    @on(Input.Submitted, "#login-username")
    def _to_password(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _entered(self) -> None:
        self.check()

    @on(Button.Pressed, "#login-continue")
    def check(self) -> None:
        """Both fields are needed; then the backend decides."""
        if self.seconds_locked() is not None:
            return
        username = self.query_one("#login-username", Input)
        password = self.query_one("#login-password", Input)
        if not username.value.strip():
            self.status(_("Please type your username."), error=True)
            username.focus()
            return
        if not password.value:
            self.status(_("Please type your password."), error=True)
            password.focus()
            return
        self.hold(True)
        self.status(_("Signing you in…"), error=False)
        self.sign_in(username.value.strip(), password.value)

    @work(exclusive=True, group="returning-sign-in", exit_on_error=False)
    async def sign_in(self, username: str, password: str) -> None:
        visit = self.visit
        try:
            signed_in = await self.kiosk.services.sign_in(username, password)
        except PickupError as error:
            self._failed(error)
            return
        self.post_message(VisitorSignedIn(visit, signed_in))

    def _failed(self, error: PickupError) -> None:
        self.hold(False)
        if error.kind in (PickupFailure.LOCKED, PickupFailure.ACCOUNT_LOCKED):
            self.lock_out(error)
            return
        self.unlock()
        self.status(error.message, error=True)
        password = self.query_one("#login-password", Input)
        if error.kind is PickupFailure.INVALID:
            password.value = ""
        password.focus()

    def lock_over(self) -> None:
        self.status(_("You can try to sign in again now."), error=False)
        self.query_one("#login-password", Input).focus()
