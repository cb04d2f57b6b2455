"""Create a login: a username and a password typed twice, with the rules shown live.

Each field's problem is said beside it when Next is pressed; the password rules tick as
the visitor types. Leaving the step asks the backend whether the username is free, so a
taken one is said here, not after the whole visit. Problems the backend finds on redeeming
(a username taken meanwhile) are shown beside their field when the visitor is brought back.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from kiosk.contract.login_rules import (
    PASSWORD_MAX,
    USERNAME_MAX,
    confirm_problem,
    password_problem,
    password_rules,
    username_problem,
)
from kiosk.flow.pickup_session import PickupVisit
from kiosk.i18n import _
from screens.base import VisitScreen

FIELDS = ("username", "password", "password-confirm")


class LoginScreen(VisitScreen):
    """``#username``, ``#password`` and ``#password-confirm``, each with its error line."""

    CSS_PATH = "pickup_login.tcss"

    def __init__(self, step_index: int, *, editing: bool = False) -> None:
        super().__init__(step_index, editing=editing)
        self._flagged: dict[str, str] = {}
        """The value each field had when its problem was shown."""

    @property
    def pickup(self) -> PickupVisit:
        return self.visit_as(PickupVisit)

    def compose(self) -> ComposeResult:
        visit = self.pickup
        yield from self.compose_header()
        with VerticalScroll(id="login-form"):
            yield Static(_("Create your portal login"), classes="step-title")
            yield Static(_("You will use this username and password to sign in to the portal."))
            yield Label(_("Username (3 to 64 letters, digits or . _ @ -)"), classes="field-label")
            yield Input(value=visit.username, id="username", max_length=USERNAME_MAX + 20)
            yield Static("", id="username-error", classes="field-error")
            yield Label(_("Password"), classes="field-label")
            yield Input(
                value=visit.password, id="password", password=True, max_length=PASSWORD_MAX + 20
            )
            with Vertical(id="password-rules"):
                for index, rule in enumerate(password_rules(visit.password, visit.username)):
                    yield Static(
                        self._rule_text(rule.text, rule.kept),
                        id=f"rule-{index}",
                        classes="kept" if rule.kept else "",
                    )
            yield Static("", id="password-error", classes="field-error")
            yield Label(_("Password again"), classes="field-label")
            yield Input(
                value=visit.password,
                id="password-confirm",
                password=True,
                max_length=PASSWORD_MAX + 20,
            )
            yield Static("", id="password-confirm-error", classes="field-error")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("Next"), id="next", variant="primary")

    def on_mount(self) -> None:
        first = None
        for field_id in FIELDS:
            problem = self.pickup.problems.pop(field_id, None)
            self._show(field_id, problem)
            if problem is not None and first is None:
                first = field_id
        self.query_one(f"#{first or 'username'}", Input).focus()

    @staticmethod
    def _rule_text(text: str, kept: bool) -> str:
        return ("✓ " if kept else "✗ ") + text

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        """Tick the password rules live; a field's old error goes once it is changed."""
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        for index, rule in enumerate(password_rules(password, username)):
            line = self.query_one(f"#rule-{index}", Static)
            line.update(self._rule_text(rule.text, rule.kept))
            line.set_class(rule.kept, "kept")
        field_id = event.input.id
        if field_id in FIELDS and self._flagged.get(field_id) != event.value:
            self._show(field_id, None)

    @on(Input.Submitted)
    def _enter_moves_on(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        elif event.input.id == "password":
            self.query_one("#password-confirm", Input).focus()
        else:
            self.submit()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#next")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        confirmation = self.query_one("#password-confirm", Input).value
        problems = {
            "username": username_problem(username),
            "password": password_problem(password, username),
            "password-confirm": confirm_problem(password, confirmation),
        }
        first = None
        for field_id, problem in problems.items():
            self._show(field_id, problem)
            if problem is not None and first is None:
                first = field_id
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
            return
        self.query_one("#next", Button).disabled = True
        self.check_username(username, password)

    @work(exclusive=True, group="username-check", exit_on_error=False)
    async def check_username(self, username: str, password: str) -> None:
        """Leaving the step: is the username still free? (Redeeming checks again; when the
        backend cannot say now, the visit goes on.)"""
        free = await self.kiosk.services.username_free(username, self.pickup.code)
        if not self.is_attached or self.kiosk.visit is None:
            return
        self.query_one("#next", Button).disabled = False
        if free is False:
            self._show("username", _("This username is taken. Please choose another."))
            self.query_one("#username", Input).focus()
            return
        self.pickup.username = username
        self.pickup.password = password
        self.go_next()

    def _show(self, field_id: str, problem: str | None) -> None:
        """Show or clear *field_id*'s problem; it stays until that field's value changes."""
        if problem is None:
            self._flagged.pop(field_id, None)
        else:
            self._flagged[field_id] = self.query_one(f"#{field_id}", Input).value
        error = self.query_one(f"#{field_id}-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
