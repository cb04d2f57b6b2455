"""The review of a pickup visit: the same answers as the applicant's review, plus the
login; Submit redeems the code with everything at once.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.backend.pickup_client import PickupError, PickupFailure
from kiosk.flow.pickup_session import PickupVisit
from kiosk.flow.plan import StepKind
from kiosk.flow.session import Visit
from kiosk.i18n import _, current_language
from kiosk.i18n.languages import show_date
from screens.messages import CodeRedeemed, EditStep, Farewell, VisitNews
from screens.review import ReviewScreen

IDENTITY_STEP = 0
LOGIN_STEP = 1

TO_FIX = {
    PickupFailure.DOB_MISMATCH: ("dob", IDENTITY_STEP),
    PickupFailure.USERNAME: ("username", LOGIN_STEP),
    PickupFailure.PASSWORD: ("password", LOGIN_STEP),
}
"""Refusals the visitor can put right: the field with the problem, and its step."""


class PickupReviewScreen(ReviewScreen):
    """Everything of the visit; Submit creates the login."""

    FAILURES = (PickupError,)

    @property
    def pickup(self) -> PickupVisit:
        return self.visit_as(PickupVisit)

    def compose_summary(self) -> ComposeResult:
        visit = self.pickup
        with Vertical(classes="review-page"):
            with Horizontal(classes="review-page-head"):
                yield Static(_("You"), classes="review-page-title")
                yield Button(_("Change"), id=f"change-{IDENTITY_STEP}", classes="change")
            yield Static(_("Name: {name}").format(name=visit.masked_name), markup=False)
            if visit.date_of_birth is not None:
                yield Static(
                    _("Date of birth: {date}").format(date=show_date(visit.date_of_birth)),
                    markup=False,
                )
        with Vertical(classes="review-page"):
            with Horizontal(classes="review-page-head"):
                yield Static(_("Your login"), classes="review-page-title")
                yield Button(_("Change"), id=f"change-{LOGIN_STEP}", classes="change")
            yield Static(
                _("Username: {username}").format(username=visit.username),
                id="review-username",
                markup=False,
            )
        yield from self._compose_consents()
        for due in visit.not_here:
            yield Static(
                _("To do later in the portal: {title}").format(title=due.title),
                markup=False,
                classes="later-item",
            )

    def _compose_consents(self) -> ComposeResult:
        """Each consent this Submit signs, as whom, with a way back to it."""
        visit = self.pickup
        language = current_language()
        for step_index, step in enumerate(self.kiosk.steps):
            if step.kind is not StepKind.CONSENT:
                continue
            consent = self.kiosk.portal.consents[step.index]
            signature = visit.signatures.get(consent.id)
            with Vertical(classes="review-page review-consent"):
                with Horizontal(classes="review-page-head"):
                    yield Static(
                        _("You sign: {title}").format(title=consent.title_in(language)),
                        classes="review-page-title",
                        markup=False,
                    )
                    yield Button(_("Change"), id=f"change-{step_index}", classes="change")
                if signature is not None:
                    yield Static(
                        _("Signed as: {name}").format(name=signature.typed_name),
                        classes="review-answer",
                        markup=False,
                    )

    async def file(self, visit: Visit) -> VisitNews:
        """Redeem the code with everything at once."""
        assert isinstance(visit, PickupVisit)
        return CodeRedeemed(visit, await self.kiosk.services.redeem(visit))

    def failed(self, visit: Visit, error: Exception) -> None:
        """Each refusal leads where the visitor can do something about it."""
        assert isinstance(visit, PickupVisit)
        assert isinstance(error, PickupError)
        if error.kind in TO_FIX:
            field_id, step_index = TO_FIX[error.kind]
            visit.problems[field_id] = error.message
            self.post_message(EditStep(self, step_index))  # rebuilt when the visitor is back
        elif error.kind is PickupFailure.INVALID:  # the code was used meanwhile
            self.post_message(Farewell(visit, error.message))
        else:
            self.try_again(error.message)
