"""The review of a returning visitor's visit: who is signed in, what they signed and
answered; Submit files it all with the visit's token, in one request."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kiosk.backend.pickup_client import PickupError, PickupFailure
from kiosk.flow.pickup_session import ReturningVisit
from kiosk.flow.session import Visit
from kiosk.i18n import _
from screens.messages import Farewell, ReturningFiled, VisitNews
from screens.review import ReviewScreen


class ReturningReviewScreen(ReviewScreen):
    """Everything of the visit; Submit files it."""

    FAILURES = (PickupError,)

    def compose_summary(self) -> ComposeResult:
        visit = self.visit_as(ReturningVisit)
        yield Static(_("Name: {name}").format(name=visit.masked_name), markup=False)
        yield Static(
            _("Username: {username}").format(username=visit.username),
            id="review-username",
            markup=False,
        )
        for signature in visit.signatures.values():
            yield Static(_("Signed: {title}").format(title=signature.title), markup=False)
        for due in visit.not_here:
            yield Static(
                _("To do later in the portal: {title}").format(title=due.title),
                markup=False,
                classes="later-item",
            )

    async def file(self, visit: Visit) -> VisitNews:
        """File the visit with its token, in one request."""
        assert isinstance(visit, ReturningVisit)
        return ReturningFiled(visit, await self.kiosk.services.file_returning(visit))

    def failed(self, visit: Visit, error: Exception) -> None:
        """A failure keeps every answer here, or ends a visit that has been filed or ended."""
        assert isinstance(visit, ReturningVisit)
        assert isinstance(error, PickupError)
        if error.kind is PickupFailure.SUBMITTED and visit.submit_attempted:
            self.post_message(ReturningFiled(visit, None))  # the earlier answer was lost
        elif error.kind is PickupFailure.ENDED:
            self.post_message(Farewell(visit, error.message))
        else:
            self.try_again(error.message)
