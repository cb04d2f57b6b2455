"""Pickup code entry: typed, or read by a barcode scanner (fast keys, then Enter).

The code's shape and check character are checked here first, so a mistyped code gets a
message without asking the backend. A usable code starts the visit's steps; every other
answer is said plainly, and what was typed stays in the field while this screen is open.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.backend.pickup_client import PickupError, PickupFailure
from kiosk.contract.pickup_code import CodeProblem, code_from_input
from kiosk.i18n import _
from screens.entry_form import EntryFormScreen
from screens.messages import CodeVerified

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


class PickupCodeScreen(EntryFormScreen):
    """One field for the code, with Continue (Try again after a network failure)."""

    CSS_PATH = "pickup_code.tcss"
    STATUS_ID = "pickup-status"
    HELD_IDS = ("pickup-continue", "pickup-code")

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
        self.hold(True)
        self.status(_("Checking your code…"), error=False)
        self.verify(code)

    @work(exclusive=True, group="pickup-verify", exit_on_error=False)
    async def verify(self, code: str) -> None:
        visit = self.visit
        try:
            verification = await self.kiosk.services.verify_code(code)
        except PickupError as error:
            self._failed(error)
            return
        self.post_message(CodeVerified(visit, code, verification))

    def _failed(self, error: PickupError) -> None:
        self.hold(False)
        if error.kind is PickupFailure.LOCKED:
            self.lock_out(error)
            return
        self.unlock()
        button = self.query_one("#pickup-continue", Button)
        if error.kind is PickupFailure.UNREACHABLE:
            button.label = _("Try again")
            self.status(error.message, error=True)
            button.focus()
            return
        button.label = _("Continue")
        self.status("", error=False)
        if error.kind is PickupFailure.INVALID:
            self._show_error(error.message)
        else:
            self.status(error.message, error=True)
        self.query_one("#pickup-code", Input).focus()

    def lock_over(self) -> None:
        self.status(_("You can try your code again now."), error=False)
        self.query_one("#pickup-continue", Button).label = _("Continue")
        self.query_one("#pickup-code", Input).focus()

    def _show_error(self, problem: str | None) -> None:
        error = self.query_one("#pickup-code-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
