"""A returning visitor signs in with the login they made with a pickup code.

A wrong password and an unknown username get one message (the backend answers them alike);
a lock-out of the terminal or of the username is said as a wait time and counted down.
What was typed stays while this screen is open; the password field is cleared after a
failed attempt.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from kiosk.backend.client import BackendError
from kiosk.backend.pickup_client import (
    PickupError,
    PickupFailure,
    account_locked_message,
    locked_message,
    unreachable_message,
)
from kiosk.backend.returning_client import sign_in
from kiosk.contract.login_rules import PASSWORD_MAX, USERNAME_MAX
from kiosk.i18n import _
from screens.base import KioskScreen


class ReturningLoginScreen(KioskScreen):
    """``#login-username``, ``#login-password``, ``#login-continue``; news in ``#login-status``."""

    CSS_PATH = "returning_login.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._locked_until: float | None = None
        self._countdown: Timer | None = None
        self._message: PickupError | None = None

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

    def action_back(self) -> None:
        self.kiosk.end_visit()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Input.Submitted, "#login-username")
    def _to_password(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _entered(self) -> None:
        self.check()

    @on(Button.Pressed, "#login-continue")
    def check(self) -> None:
        """Both fields are needed; then the backend decides."""
        if self._seconds_locked() is not None:
            return
        username = self.query_one("#login-username", Input)
        password = self.query_one("#login-password", Input)
        if not username.value.strip():
            self._status(_("Please type your username."), error=True)
            username.focus()
            return
        if not password.value:
            self._status(_("Please type your password."), error=True)
            password.focus()
            return
        self._busy(True)
        self._status(_("Signing you in…"), error=False)
        self.sign_in(username.value.strip(), password.value)

    @work(exclusive=True, group="returning-sign-in", exit_on_error=False)
    async def sign_in(self, username: str, password: str) -> None:
        try:
            backend = await self.kiosk.backend()
            signed_in = await sign_in(backend, username, password)
        except BackendError:
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        except PickupError as exc:
            self._failed(exc)
            return
        except Exception as exc:  # an odd answer must reach the visitor as a message
            self.log.error(f"sign-in failed: {type(exc).__name__}")
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        if not self.is_attached or self.kiosk.visit is None:
            # The visit ended (idle, staff) while the backend answered: end this sign-in too.
            self.kiosk.revoke_visit_token(signed_in.visit_token)
            return
        from kiosk.visits.returning import begin_returning_steps

        begin_returning_steps(self.kiosk, signed_in)

    def _failed(self, error: PickupError) -> None:
        self._busy(False)
        password = self.query_one("#login-password", Input)
        if error.kind in (PickupFailure.LOCKED, PickupFailure.ACCOUNT_LOCKED):
            self._locked_until = time.monotonic() + (error.retry_after or 60)
            self._message = error
            self._show_lock()
            self._countdown = self._countdown or self.set_interval(1.0, self._tick)
            return
        self._locked_until = None
        self._status(error.message, error=True)
        if error.kind is PickupFailure.INVALID:
            password.value = ""
        password.focus()

    def _seconds_locked(self) -> int | None:
        if self._locked_until is None:
            return None
        left = round(self._locked_until - time.monotonic())
        return left if left > 0 else None

    def _show_lock(self) -> None:
        """Say how long is left, in the words of the lock-out (this terminal, or the name)."""
        seconds = self._seconds_locked()
        if seconds is None or self._message is None:
            return
        if self._message.kind is PickupFailure.ACCOUNT_LOCKED:
            self._status(account_locked_message(seconds), error=True)
        else:
            self._status(locked_message(seconds), error=True)

    def _tick(self) -> None:
        """Count the lock-out down; at its end, say signing in can be tried again."""
        if self._locked_until is None:
            return
        if self._seconds_locked() is None:
            self._locked_until = None
            self._message = None
            self._status(_("You can try to sign in again now."), error=False)
            self.query_one("#login-password", Input).focus()
        else:
            self._show_lock()

    def _busy(self, busy: bool) -> None:
        self.query_one("#login-continue", Button).disabled = busy
        self.query_one("#login-username", Input).disabled = busy
        self.query_one("#login-password", Input).disabled = busy

    def _status(self, message: str, *, error: bool) -> None:
        status = self.query_one("#login-status", Static)
        status.update(message)
        status.set_class(error, "error")
