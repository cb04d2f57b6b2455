"""Pickup code entry: typed, or read by a barcode scanner (fast keys, then Enter).

The code's shape and check character are checked here first, so a mistyped code gets a
message without asking the backend. A usable code starts the visit's steps; every other
answer is said plainly, and what was typed stays in the field while this screen is open.
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
    locked_message,
    unreachable_message,
)
from kiosk.backend.pickup_client import verify as verify_code
from kiosk.contract.pickup_code import CodeProblem, code_from_input
from kiosk.i18n import _
from screens.base import KioskScreen

MAX_INPUT = 400
"""A scanned portal address may be long; a code alone is 14 characters."""


def code_problem_message(problem: CodeProblem) -> str:
    """What to tell the visitor about a code that cannot be right (localized)."""
    if problem is CodeProblem.EMPTY:
        return _("Please type your pickup code.")
    if problem is CodeProblem.LENGTH:
        return _("A pickup code has 12 letters and digits, like 7K3M-Q9XD-2HB4. Please check it.")
    if problem is CodeProblem.CHARACTER:
        return _(
            "This is not a pickup code: it has characters that a code does not use. "
            "Please check it."
        )
    return _("This code has a typing mistake: please check each character.")


class PickupCodeScreen(KioskScreen):
    """One field for the code, with Continue (Try again after a network failure)."""

    CSS_PATH = "pickup_code.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._locked_until: float | None = None
        self._countdown: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="pickup-code-form"):
            yield Static(_("Your pickup code"), classes="step-title")
            yield Static(
                _(
                    "Type the code from your letter or email, or hold its QR code to the "
                    "scanner. Capitals, spaces and dashes do not matter."
                )
            )
            yield Label(_("Pickup code"), classes="field-label")
            yield Input(id="pickup-code", max_length=MAX_INPUT, placeholder="XXXX-XXXX-XXXX")
            yield Static("", id="pickup-code-error", classes="field-error")
            yield Static("", id="pickup-status", classes="status-line")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("Continue"), id="pickup-continue", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#pickup-code", Input).focus()

    def action_back(self) -> None:
        self.kiosk.end_visit()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Input.Changed, "#pickup-code")
    def _typing(self) -> None:
        self._show_error(None)

    @on(Input.Submitted, "#pickup-code")
    def _entered(self) -> None:
        self.check()

    @on(Button.Pressed, "#pickup-continue")
    def check(self) -> None:
        """Check the code's shape here; ask the backend only about a code that can be right."""
        field = self.query_one("#pickup-code", Input)
        code, problem = code_from_input(field.value)
        if problem is not None or code is None:
            self._show_error(code_problem_message(problem or CodeProblem.CHARACTER))
            field.focus()
            return
        field.value = code  # a scanned address becomes the code it held
        self._busy(True)
        self._status(_("Checking your code…"), error=False)
        self.verify(code)

    @work(exclusive=True, group="pickup-verify", exit_on_error=False)
    async def verify(self, code: str) -> None:
        try:
            backend = await self.kiosk.backend()
            verification = await verify_code(backend, code)
        except BackendError:
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        except PickupError as exc:
            self._failed(exc)
            return
        except Exception as exc:  # an odd answer must reach the visitor as a message
            self.log.error(f"pickup verify failed: {type(exc).__name__}")
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        if not self.is_attached or self.kiosk.visit is None:
            return  # the visit ended (idle) while the backend answered
        from kiosk.visits.pickup import begin_pickup_steps

        begin_pickup_steps(self.kiosk, code, verification)

    def _failed(self, error: PickupError) -> None:
        self._busy(False)
        if error.kind is not PickupFailure.LOCKED:
            self._locked_until = None
        button = self.query_one("#pickup-continue", Button)
        field = self.query_one("#pickup-code", Input)
        if error.kind is PickupFailure.LOCKED:
            self._locked_until = time.monotonic() + (error.retry_after or 60)
            self._show_lock()
            self._countdown = self._countdown or self.set_interval(1.0, self._tick)
            return
        if error.kind is PickupFailure.UNREACHABLE:
            button.label = _("Try again")
            self._status(error.message, error=True)
            button.focus()
            return
        button.label = _("Continue")
        self._status("", error=False)
        if error.kind is PickupFailure.INVALID:
            self._show_error(error.message)
        else:
            self._status(error.message, error=True)
        field.focus()

    def _seconds_locked(self) -> int | None:
        if self._locked_until is None:
            return None
        left = round(self._locked_until - time.monotonic())
        return left if left > 0 else None

    def _show_lock(self) -> None:
        seconds = self._seconds_locked()
        if seconds is not None:
            self._status(locked_message(seconds), error=True)

    def _tick(self) -> None:
        """Count the lock-out down; at its end, say the code can be tried again."""
        if self._locked_until is None:
            return
        if self._seconds_locked() is None:
            self._locked_until = None
            self._status(_("You can try your code again now."), error=False)
            self.query_one("#pickup-continue", Button).label = _("Continue")
            self.query_one("#pickup-code", Input).focus()
        else:
            self._show_lock()

    def _busy(self, busy: bool) -> None:
        self.query_one("#pickup-continue", Button).disabled = busy
        self.query_one("#pickup-code", Input).disabled = busy

    def _show_error(self, problem: str | None) -> None:
        error = self.query_one("#pickup-code-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")

    def _status(self, message: str, *, error: bool) -> None:
        status = self.query_one("#pickup-status", Static)
        status.update(message)
        status.set_class(error, "error")
