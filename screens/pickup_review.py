"""The review of a pickup visit: the same answers as the applicant's review, plus the
login; Submit redeems the code with everything at once.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.backend.client import BackendError
from kiosk.backend.pickup_client import PickupError, PickupFailure, redeem, unreachable_message
from kiosk.flow.pickup_session import PickupVisit
from kiosk.i18n import _, current_language
from kiosk.i18n.languages import show_date
from kiosk.visits.pickup import redeem_arguments, show_pickup_done
from screens.review import ReviewScreen

IDENTITY_STEP = 0
LOGIN_STEP = 1


class PickupReviewScreen(ReviewScreen):
    """Everything of the visit; Submit creates the login."""

    @property
    def pickup(self) -> PickupVisit:
        visit = self.visit
        assert isinstance(visit, PickupVisit)
        return visit

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
            if step.kind != "consent":
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

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def send(self) -> None:
        """Redeem the code; each failure leads where the visitor can do something about it."""
        visit = self.pickup
        try:
            arguments = redeem_arguments(visit, self.kiosk.config.terminal)
            backend = await self.kiosk.backend()
            redemption = await redeem(backend, **arguments)
        except BackendError:  # the backend client could not be built: nothing was sent
            self._failed(PickupError(PickupFailure.UNREACHABLE, unreachable_message()))
            return
        except PickupError as exc:
            self._failed(exc)
            return
        except Exception as exc:  # an odd answer must reach the visitor as a message
            self.log.error(f"pickup redeem failed: {type(exc).__name__}")
            self._failed(
                PickupError(PickupFailure.UNREACHABLE, unreachable_message(), answered=False)
            )
            return
        show_pickup_done(self.kiosk, visit, redemption)

    def _failed(self, error: PickupError) -> None:
        visit = self.pickup
        if error.kind is PickupFailure.DOB_MISMATCH:
            visit.problems["dob"] = error.message
            self.kiosk.edit_step(IDENTITY_STEP)
        elif error.kind is PickupFailure.USERNAME:
            visit.problems["username"] = error.message
            self.kiosk.edit_step(LOGIN_STEP)
        elif error.kind is PickupFailure.PASSWORD:
            visit.problems["password"] = error.message
            self.kiosk.edit_step(LOGIN_STEP)
        elif error.kind is PickupFailure.INVALID:
            self.kiosk.show_farewell(self._used_meanwhile(visit.submit_attempted))
            return
        else:
            message = error.message
            if error.kind is PickupFailure.UNREACHABLE:
                message = _("The clinic's system cannot be reached right now.")
                if not error.answered:
                    visit.submit_attempted = True  # the code may have been redeemed unseen
            self._status(
                message + " " + _("Your answers are still here. Press Submit to try again."),
                error=True,
            )
        button = self.query_one("#submit", Button)
        button.disabled = False
        button.focus()

    @staticmethod
    def _used_meanwhile(attempted: bool) -> str:
        if attempted:
            return _(
                "This code has now been used. If you pressed Submit before, your login may "
                "have been made already: please ask the front desk."
            )
        return _(
            "This code was used a moment ago, perhaps at another terminal, so it cannot be "
            "used again. If that was not you, please ask the front desk."
        )
