"""Is this you? The masked name of the code's owner, and the date of birth where asked.

The date of birth is checked with the backend when the visitor goes on: a mismatch is said
here at once (and counts as a failed attempt, as at redemption, which checks it again).
"""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.backend.pickup_client import PickupError, PickupFailure
from kiosk.flow.pickup_session import PickupVisit
from kiosk.i18n import _
from kiosk.i18n.dates import birth_date_label, parse_birth_date
from screens.base import VisitScreen
from screens.messages import Farewell


class IdentityScreen(VisitScreen):
    """The masked name with Yes / No, and ``#dob`` when the chart has a date of birth."""

    CSS_PATH = "pickup_identity.tcss"

    @property
    def pickup(self) -> PickupVisit:
        return self.visit_as(PickupVisit)

    def compose(self) -> ComposeResult:
        visit = self.pickup
        yield from self.compose_header()
        with VerticalScroll(id="identity-form"):
            yield Static(_("Is this you?"), classes="step-title")
            yield Static(
                _("This code belongs to:"),
            )
            yield Static(visit.masked_name, id="masked-name", markup=False)
            if visit.date_of_birth_required:
                yield Label(
                    birth_date_label(),
                    classes="field-label",
                )
                yield Input(value=visit.dob_text, id="dob", max_length=20)
                yield Static("", id="dob-error", classes="field-error")
            with Horizontal(classes="nav-row"):
                yield Button(_("No, this is not me"), id="identity-no", variant="error")
                yield Button(_("Yes, this is me"), id="next", variant="primary")

    def on_mount(self) -> None:
        problem = self.pickup.problems.pop("dob", None)
        if self.pickup.date_of_birth_required:
            self._show(problem)
            self.query_one("#dob", Input).focus()
        else:
            self.query_one("#next", Button).focus()

    @on(Input.Submitted, "#dob")
    def _entered(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#next")
    def confirm(self) -> None:
        visit = self.pickup
        if visit.date_of_birth_required:
            field = self.query_one("#dob", Input)
            visit.dob_text = field.value
            value, problem = parse_birth_date(field.value)
            self._show(problem)
            if problem is not None:
                field.focus()
                return
            visit.date_of_birth = value
            if value is not None and value != visit.dob_confirmed:
                self.query_one("#next", Button).disabled = True
                self.confirm_with_backend(value)
                return
        self.go_next()

    @work(exclusive=True, group="dob-check", exit_on_error=False)
    async def confirm_with_backend(self, value: date) -> None:
        """Ask the backend; each refusal is said here. When the backend cannot answer now,
        the visit goes on (redeeming checks the date of birth again)."""
        visit = self.pickup
        try:
            confirmed = await self.kiosk.services.confirm_birth_date(visit.code, value)
        except PickupError as exc:
            self._refused(visit, exc)
            return
        if not self.is_attached or self.kiosk.visit is not visit:
            return
        if confirmed:
            visit.dob_confirmed = value
        self.query_one("#next", Button).disabled = False
        self.go_next()

    def _refused(self, visit: PickupVisit, error: PickupError) -> None:
        if not self.is_attached or self.kiosk.visit is None:
            return
        if error.kind is PickupFailure.INVALID:  # the code was used or revoked meanwhile
            self.post_message(Farewell(visit, error.message))
            return
        self.query_one("#next", Button).disabled = False
        self._show(error.message)
        self.query_one("#dob", Input).focus()

    @on(Button.Pressed, "#identity-no")
    def not_me(self) -> None:
        self.post_message(
            Farewell(
                self.pickup,
                _(
                    "This code is not yours, so it cannot be used here. Please give it to the "
                    "front desk. Nothing you entered has been kept."
                ),
            )
        )

    def _show(self, problem: str | None) -> None:
        error = self.query_one("#dob-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
