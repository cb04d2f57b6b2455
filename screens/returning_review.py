"""The review of a returning visitor's visit: who is signed in, what they signed and
answered; Submit files it all with the visit's token, in one request."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Button, Static

from kiosk.backend.client import BackendError
from kiosk.backend.pickup_client import PickupError, PickupFailure, unreachable_message
from kiosk.backend.returning_client import submit
from kiosk.flow.pickup_session import ReturningVisit
from kiosk.i18n import _
from kiosk.visits.returning import show_returning_done, submit_arguments
from screens.review import ReviewScreen


class ReturningReviewScreen(ReviewScreen):
    """Everything of the visit; Submit files it."""

    @property
    def returning(self) -> ReturningVisit:
        visit = self.visit
        assert isinstance(visit, ReturningVisit)
        return visit

    def compose_summary(self) -> ComposeResult:
        visit = self.returning
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

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def send(self) -> None:
        """File the visit; a failure keeps every answer here, or ends a visit that has."""
        visit = self.returning
        try:
            arguments = submit_arguments(visit, self.kiosk.config.terminal)
            backend = await self.kiosk.backend()
            status = await submit(backend, **arguments)
        except BackendError:  # the backend client could not be built: nothing was sent
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        except PickupError as exc:
            self._failed(exc)
            return
        except Exception as exc:  # an odd answer must reach the visitor as a message
            self.log.error(f"visit submit failed: {type(exc).__name__}")
            self._failed(
                PickupError(PickupFailure.UNREACHABLE, unreachable_message(), answered=False)
            )
            return
        show_returning_done(self.kiosk, visit, status)

    def _failed(self, error: PickupError) -> None:
        visit = self.returning
        if error.kind is PickupFailure.SUBMITTED and visit.submit_attempted:
            show_returning_done(self.kiosk, visit)  # the earlier answer was lost on the way
            return
        if error.kind is PickupFailure.ENDED:
            self.kiosk.show_farewell(error.message)
            return
        message = error.message
        if error.kind is PickupFailure.UNREACHABLE:
            message = _("The clinic's system cannot be reached right now.")
            if not error.answered:
                visit.submit_attempted = True
        self._status(
            message + " " + _("Your answers are still here. Press Submit to try again."),
            error=True,
        )
        button = self.query_one("#submit", Button)
        button.disabled = False
        button.focus()
