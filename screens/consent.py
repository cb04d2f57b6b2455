"""Consent: the form's text; the applicant types their full name and ticks agreement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from kiosk.config import read_consent_text
from kiosk.flow.names import normalize_name
from kiosk.flow.session import ConsentSignature
from kiosk.i18n import N_, _
from kiosk.i18n.reflow import reflow
from screens.base import VisitScreen
from screens.messages import Farewell

if TYPE_CHECKING:
    from kiosk.flow.plan import Step


class ConsentScreen(VisitScreen):
    """One consent form of the portal."""

    CSS_PATH = "consent.tcss"

    def __init__(self, step_index: int, consent_index: int, *, editing: bool = False) -> None:
        super().__init__(step_index, editing=editing)
        self.consent = self.kiosk.portal.consents[consent_index]
        self.text = read_consent_text(self.consent, self.visit.language)
        self.checked = False

    @classmethod
    def for_step(cls, step: Step, step_index: int, *, editing: bool = False) -> Self:
        return cls(step_index, step.index, editing=editing)

    def compose(self) -> ComposeResult:
        # The text in the visitor's language now; its version is what a signature records.
        self.text = read_consent_text(self.consent, self.visit.language)
        signed = self.visit.signatures.get(self.consent.id)
        yield from self.compose_header()
        with VerticalScroll(id="consent-body"):
            yield Static(self.consent.title_in(self.visit.language), classes="step-title")
            with VerticalScroll(id="consent-text", can_focus=True, classes="keep-scroll"):
                yield Static(reflow(self.text.text), markup=False)
            yield Label(self.visit.signature_label(), classes="field-label")
            yield Input(value=signed.typed_name if signed else "", id="consent-signature")
            yield Static("", id="consent-signature-error", classes="field-error")
            yield Checkbox(
                _("I have read this form and I agree to it."),
                value=signed is not None,
                id="consent-agree",
            )
            yield Static("", id="consent-agree-error", classes="field-error")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("I do not agree"), id="consent-decline", variant="error")
                yield Button(_("Next"), id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#consent-signature", Input).focus()

    @on(Input.Submitted, "#consent-signature")
    def _enter_moves_on(self) -> None:
        self.query_one("#consent-agree", Checkbox).focus()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#consent-decline")
    def decline(self) -> None:
        """Ask once; end the visit only when the visitor confirms."""
        from screens.confirm_decline import ConfirmDeclineScreen

        self.app.push_screen(ConfirmDeclineScreen(), self._declined)

    def _declined(self, confirmed: bool | None) -> None:
        visit = self.kiosk.visit
        if not confirmed or visit is None:
            self.query_one("#consent-decline", Button).focus()
            return
        self.post_message(
            Farewell(
                visit,
                N_(
                    "You chose not to sign the consent, so we cannot continue today. "
                    "Nothing you entered has been kept. Please speak to the front desk if you "
                    "have questions."
                ),
            )
        )

    def after_recompose(self) -> None:
        if self.checked:
            self._check()

    @on(Button.Pressed, "#next")
    def sign(self) -> None:
        """Record the signature when the typed name matches and the box is ticked."""
        typed = self._check()
        if typed is None:
            return
        self.visit.signatures[self.consent.id] = ConsentSignature(
            form_id=self.consent.id,
            title=self.consent.title_in(self.visit.language),
            version=self.text.version,
            language=self.text.language,  # the text signed, if it fell back to another
            typed_name=typed,
            signed_at=datetime.now(UTC),
        )
        self.go_next()

    def _check(self) -> str | None:
        """The typed name when it signs; else None after saying what is wrong beside each."""
        self.checked = True
        field = self.query_one("#consent-signature", Input)
        agree = self.query_one("#consent-agree", Checkbox)
        typed = normalize_name(field.value)
        name_problem = self.visit.signature_problem(typed)
        agree_problem = None if agree.value else _("Tick the box to show that you agree.")
        self._show("consent-signature-error", name_problem)
        self._show("consent-agree-error", agree_problem)
        if name_problem:
            field.focus()
            return None
        if agree_problem:
            agree.focus()
            return None
        return typed

    def _show(self, error_id: str, problem: str | None) -> None:
        error = self.query_one(f"#{error_id}", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
