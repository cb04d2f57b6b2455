"""Name: the applicant's first and last name, each checked beside its field."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.config.words import words
from kiosk.flow.names import MAX_NAME_LENGTH, name_problem, normalize_name
from kiosk.i18n import _
from screens.base import VisitScreen


class NameScreen(VisitScreen):
    """First and last name, both required."""

    CSS_PATH = "name_entry.tcss"

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="name-form"):
            said = words(self.kiosk.portal)
            yield Static(_("{Applicant} sign-in").format(**said), id="visit-kind", markup=False)
            yield Static(_("Your name"), classes="step-title")
            yield Static(_("Please enter your name as it appears on your ID."))
            yield Static(
                _(
                    "Your health answers stay in your {patient} record at the clinic. "
                    "Your {employer} only hears whether you are cleared for the job."
                ).format(**said),
                id="privacy-note",
                markup=False,
            )
            yield Label(_("First name (required)"), classes="field-label")
            yield Input(
                value=self.visit.first_name, id="first-name", max_length=MAX_NAME_LENGTH + 20
            )
            yield Static("", id="first-name-error", classes="field-error")
            yield Label(_("Last name (required)"), classes="field-label")
            yield Input(value=self.visit.last_name, id="last-name", max_length=MAX_NAME_LENGTH + 20)
            yield Static("", id="last-name-error", classes="field-error")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("Next"), id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#first-name", Input).focus()

    @on(Input.Submitted)
    def _enter_moves_on(self, event: Input.Submitted) -> None:
        if event.input.id == "first-name":
            self.query_one("#last-name", Input).focus()
        else:
            self.submit()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    checked = False
    """Whether the names were checked once (their errors are said again in a new language)."""

    def after_recompose(self) -> None:
        if self.checked:
            self._check()

    @on(Button.Pressed, "#next")
    def submit(self) -> None:
        """Check both names; keep them and go on, or say what is wrong beside each."""
        values = self._check()
        if values is None:
            return
        self.visit.first_name = values["first-name"]
        self.visit.last_name = values["last-name"]
        self.go_next()

    def _check(self) -> dict[str, str] | None:
        """The normalized names, or None after saying beside each field what is wrong."""
        self.checked = True
        first_problem: Input | None = None
        values: dict[str, str] = {}
        for field_id in ("first-name", "last-name"):
            field = self.query_one(f"#{field_id}", Input)
            error = self.query_one(f"#{field_id}-error", Static)
            problem = name_problem(field.value)
            error.update(problem or "")
            error.set_class(problem is not None, "shown")
            if problem is not None and first_problem is None:
                first_problem = field
            values[field_id] = normalize_name(field.value)
        if first_problem is not None:
            first_problem.focus()
            return None
        return values
