"""Is this you? The masked name of the code's owner, and the date of birth where asked.

A date of birth that does not match is only found when the code is redeemed (the backend
counts it as a failed attempt); the visitor is then brought back here to correct it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.dates import birth_date_label, parse_birth_date
from kiosk.i18n import _
from kiosk.pickup_session import PickupVisit
from screens.base import VisitScreen


class IdentityScreen(VisitScreen):
    """The masked name with Yes / No, and ``#dob`` when the chart has a date of birth."""

    CSS_PATH = "pickup_identity.tcss"

    @property
    def pickup(self) -> PickupVisit:
        visit = self.visit
        assert isinstance(visit, PickupVisit)
        return visit

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
        self.go_next()

    @on(Button.Pressed, "#identity-no")
    def not_me(self) -> None:
        self.kiosk.show_farewell(
            _(
                "This code is not yours, so it cannot be used here. Please give it to the "
                "front desk. Nothing you entered has been kept."
            )
        )

    def _show(self, problem: str | None) -> None:
        error = self.query_one("#dob-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
