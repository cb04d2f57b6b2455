"""Review: every answer before it is sent, a way back to change any page, and Submit."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from kiosk.backend.services import NotStored
from kiosk.flow.plan import StepKind
from kiosk.flow.progress import first_step_with_problems, step_is_shown
from kiosk.flow.session import Visit
from kiosk.i18n import _, current_language, ngettext
from kiosk.questionnaire import EnableState
from kiosk.questionnaire.response import answered_questions
from screens.base import VisitScreen
from screens.messages import ApplicantSubmitted, EditStep, VisitNews
from screens.question_fields import review_lines


class ReviewScreen(VisitScreen):
    """All answers of the visit, page by page; Submit files them (:meth:`file`)."""

    CSS_PATH = "review.tcss"
    FAILURES: ClassVar[tuple[type[Exception], ...]] = (NotStored,)
    """What :meth:`file` raises when the visit could not be filed, with a ``message``."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(_("Please check your answers"), classes="step-title screen-heading")
        with VerticalScroll(id="review-body"):
            yield from self.compose_summary()
            answered = self._answered_count()
            yield Static(
                ngettext(
                    "You have answered {count} question.",
                    "You have answered {count} questions.",
                    answered,
                ).format(count=answered),
                id="answered-count",
            )
            for step_index, step in enumerate(self.kiosk.steps):
                if step.kind is not StepKind.PAGE or not step_is_shown(self.visit, step):
                    continue
                yield from self._page_summary(step_index, step.index, step.page)
            yield Static("", id="submit-status", classes="status-line")
            with Horizontal(classes="nav-row"):
                yield Button(_("Back"), id="back")
                yield Button(_("Submit"), id="submit", variant="success")

    def compose_summary(self) -> ComposeResult:
        """Who is submitting, and what they signed (the pickup review shows the login)."""
        visit = self.visit
        yield Static(_("Name: {name}").format(name=visit.full_name), markup=False)
        for consent in self.kiosk.portal.consents:
            if consent.id in visit.signatures:
                title = consent.title_in(current_language())
                yield Static(_("Signed: {title}").format(title=title), markup=False)

    def _answered_count(self) -> int:
        """Answered questions over every questionnaire the visitor was shown."""
        return sum(
            answered_questions(entry.questionnaire, answers)
            for entry, answers in zip(self.visit.questionnaires, self.visit.answers, strict=True)
        )

    def _page_summary(self, step_index: int, q_index: int, page_index: int) -> ComposeResult:
        q = self.visit.questionnaires[q_index].questionnaire
        answers = self.visit.answers[q_index]
        page = q.pages()[page_index]
        with Vertical(classes="review-page"):
            with Horizontal(classes="review-page-head"):
                language = current_language()
                title = q.title_in(language)
                page_title = page.title_in(language)
                if page_title and page_title != title:
                    title = f"{title} — {page_title}"
                yield Static(title, classes="review-page-title", markup=False)
                yield Button(_("Change"), id=f"change-{step_index}", classes="change")
            state = EnableState(q, answers)
            for line in review_lines(q, answers, page.items, state, current_language()):
                yield Static(line, classes="review-answer", markup=False)

    def on_mount(self) -> None:
        self.query_one("#submit", Button).focus()

    shown_before = False
    """Whether the screen was on top before: it is rebuilt only when the visitor comes back
    from changing a page (a rebuild on first show would also drop the focus from Submit)."""

    def on_screen_resume(self) -> None:
        if not self.shown_before:
            self.shown_before = True
            return
        if self.kiosk.visit is not None:
            self.refresh(recompose=True)
            self.call_after_refresh(lambda: self.query_one("#submit", Button).focus())

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, ".change")
    def change(self, event: Button.Pressed) -> None:
        step_index = int((event.button.id or "").removeprefix("change-"))
        self.post_message(EditStep(self, step_index))

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        pending = first_step_with_problems(self.visit, self.kiosk.steps)
        if pending is not None:
            self.post_message(EditStep(self, pending))
            return
        self.query_one("#submit", Button).disabled = True
        self._status(_("Sending your answers…"), error=False)
        self.send()

    @work(exclusive=True, group="submit")
    async def send(self) -> None:
        """File the visit; a failure keeps every answer here (:meth:`failed`)."""
        visit = self.visit
        try:
            news = await self.file(visit)
        except self.FAILURES as error:
            self.failed(visit, error)
            return
        self.post_message(news)

    async def file(self, visit: Visit) -> VisitNews:
        """Store the submission in the outbox, then try to deliver it at once.

        The visitor is told it was received only once it is stored; the outbox delivers
        whatever the backend did not confirm in time, and the idempotency key keeps that
        to one chart.
        """
        reference = await self.kiosk.services.submit_applicant(visit)
        return ApplicantSubmitted(visit, reference)

    def failed(self, visit: Visit, error: Exception) -> None:
        """Hook: Submit failed with *error* (one of :attr:`FAILURES`)."""
        self.try_again(str(error))

    def try_again(self, message: str | None = None) -> None:
        """Submit again: after saying *message*, with the answers still here."""
        if message is not None:
            self._status(
                message + " " + _("Your answers are still here. Press Submit to try again."),
                error=True,
            )
        button = self.query_one("#submit", Button)
        button.disabled = False
        button.focus()

    def _status(self, message: str, *, error: bool) -> None:
        """Say what happened to the submission, scrolled into view above the buttons (a long
        review, such as a pickup's with its consents, has it below the fold)."""
        status = self.query_one("#submit-status", Static)
        status.update(message)
        status.set_class(error, "error")
        body = self.query_one("#review-body", VerticalScroll)
        self.call_after_refresh(lambda: body.scroll_to_widget(status, animate=False))
