"""What the visit and staff screens need from the backend and the outbox, as services.

The screens call these from their workers and only show what comes back. A backend call
either answers or raises a :class:`~kiosk.backend.pickup_client.PickupError` whose ``kind``
says what went wrong and whose ``message`` is for the visitor: a client that could not be
built and an odd answer included, so a screen never sees another exception. A submission
the outbox could not store raises :class:`NotStored`.

Textual-free; the backend client (httpx) loads only once a call is made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from kiosk.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from kiosk.backend.client import BackendClient
    from kiosk.backend.delivery import Submissions
    from kiosk.backend.pickup_client import PickupError
    from kiosk.contract.wire.pickup import PickupStatus, Redeemed, Verified
    from kiosk.contract.wire.returning import SignedIn
    from kiosk.flow.pickup_session import MaskedVisit, PickupVisit, ReturningVisit
    from kiosk.flow.session import Visit

log = logging.getLogger(__name__)

T = TypeVar("T")
HEALTH_TIMEOUT_SECONDS = 5.0


class NotStored(Exception):
    """The outbox could not store a submission: the visitor must not be told it was received."""

    def __init__(self) -> None:
        self.message = _(
            "This terminal cannot save your answers right now. Please ask the front desk."
        )
        super().__init__(self.message)


def cannot_reach() -> str:
    """What a review says when its Submit got no answer (its answers are still there)."""
    return _("The clinic's system cannot be reached right now.")


def _unanswered_submit(visit: MaskedVisit, error: PickupError) -> PickupError:
    """A review's Submit got no usable answer: said as such, and when no answer came back at
    all the request may have been carried out (the visit notes ``submit_attempted``)."""
    from kiosk.backend.pickup_client import PickupError, PickupFailure

    if error.kind is not PickupFailure.UNREACHABLE:
        return error
    if not error.answered:
        visit.submit_attempted = True
    return PickupError(error.kind, cannot_reach(), answered=error.answered)


def code_used_meanwhile(attempted: bool) -> str:
    """Why a pickup visit ends when its code was used while the visitor filled it in."""
    if attempted:
        return _(
            "This code has now been used. If you pressed Submit before, your login may "
            "have been made already: please ask the front desk."
        )
    return _(
        "This code was used a moment ago, perhaps at another terminal, so it cannot be "
        "used again. If that was not you, please ask the front desk."
    )


class KioskServices:
    """The kiosk's calls for its screens: one per kiosk, built by the app."""

    def __init__(
        self,
        backend: Callable[[], Awaitable[BackendClient]],
        submissions: Callable[[], Submissions],
        terminal: str,
    ) -> None:
        """*backend*: the client, once built; *submissions*: the outbox's delivery, as the app
        has it when a call is made."""
        self._backend = backend
        self._submissions = submissions
        self.terminal = terminal

    async def _ask(
        self,
        what: str,
        call: Callable[[BackendClient], Awaitable[T]],
        *,
        answered: bool = True,
    ) -> T:
        """*call* with the backend client; every failure a :class:`PickupError`.

        *answered*: what an odd answer means for a request that is sent once (redeeming a
        code, filing a visit): False, it may have been carried out."""
        from kiosk.backend.client import BackendError
        from kiosk.backend.pickup_client import PickupError, PickupFailure, unreachable_message

        try:
            return await call(await self._backend())
        except PickupError:
            raise
        except BackendError:  # the backend client could not be built: nothing was sent
            raise PickupError(PickupFailure.UNREACHABLE, unreachable_message()) from None
        except Exception as exc:  # an odd answer must reach the visitor as a message
            log.error("%s failed: %s", what, type(exc).__name__)
            raise PickupError(
                PickupFailure.UNREACHABLE, unreachable_message(), answered=answered
            ) from None

    # -- the pickup-code visit --------------------------------------------------------------

    async def verify_code(self, code: str) -> Verified:
        """Whether *code* (canonical) can be redeemed, and what comes with it."""
        from kiosk.backend.pickup_client import verify

        return await self._ask("pickup verify", lambda backend: verify(backend, code))

    async def confirm_birth_date(self, code: str, value: date) -> bool:
        """Whether the backend confirmed the date of birth (False: it could not say now, and
        redeeming checks it again); a refusal raises :class:`PickupError`."""
        from kiosk.backend.pickup_client import PickupError, PickupFailure, confirm_birth_date

        try:
            await self._ask(
                "date of birth check", lambda backend: confirm_birth_date(backend, code, value)
            )
        except PickupError as exc:
            if exc.kind is not PickupFailure.UNREACHABLE:
                raise
            return False
        return True

    async def username_free(self, username: str, code: str) -> bool | None:
        """Whether nobody else has *username*; None when the backend cannot say now
        (redeeming checks again)."""
        from kiosk.backend.pickup_client import username_free

        try:
            return await username_free(await self._backend(), username, code)
        except Exception as exc:  # never a traceback; redeeming checks the username again
            log.warning("username check failed: %s", type(exc).__name__)
            return None

    async def redeem(self, visit: PickupVisit) -> Redeemed:
        """Redeem the visit's code with its login, consents and questionnaires (sent once).

        A code refused here was used while the visitor filled the visit in, perhaps by an
        earlier Submit of theirs whose answer was lost: the message says which."""
        from kiosk.backend.pickup_client import PickupError, PickupFailure, redeem
        from kiosk.flow.submission import applicant_submission

        def send(backend: BackendClient) -> Awaitable[Redeemed]:
            return redeem(
                backend,
                code=visit.code,
                username=visit.username,
                password=visit.password,
                date_of_birth=visit.date_of_birth if visit.date_of_birth_required else None,
                consents=list(visit.signatures.values()),
                documents=applicant_submission(visit, self.terminal)["documents"],
            )

        try:
            return await self._ask("pickup redeem", send, answered=False)
        except PickupError as exc:
            if exc.kind is PickupFailure.INVALID:
                raise PickupError(exc.kind, code_used_meanwhile(visit.submit_attempted)) from None
            raise _unanswered_submit(visit, exc) from None

    # -- the returning visit ----------------------------------------------------------------

    async def sign_in(self, username: str, password: str) -> SignedIn:
        from kiosk.backend.returning_client import sign_in

        return await self._ask("sign-in", lambda backend: sign_in(backend, username, password))

    async def file_returning(self, visit: ReturningVisit) -> PickupStatus:
        """File the visit's signatures and documents with its token, in one request."""
        from kiosk.backend.pickup_client import PickupError
        from kiosk.backend.returning_client import submit
        from kiosk.flow.submission import applicant_submission

        def send(backend: BackendClient) -> Awaitable[PickupStatus]:
            return submit(
                backend,
                visit_token=visit.visit_token,
                consents=list(visit.signatures.values()),
                documents=applicant_submission(visit, self.terminal)["documents"],
            )

        try:
            return await self._ask("visit submit", send, answered=False)
        except PickupError as exc:
            raise _unanswered_submit(visit, exc) from None

    async def end_visit(self, visit_token: str) -> None:
        """The visit is over: its sign-in stops working (raises when the backend did not hear)."""
        backend = await self._backend()
        await backend.end_visit(visit_token)

    # -- the applicant visit ----------------------------------------------------------------

    async def submit_applicant(self, visit: Visit) -> str | None:
        """Store the submission in the outbox, then try to deliver it at once: the reference
        number, or None when the backend did not confirm it in time (the outbox delivers it
        later, and the idempotency key keeps that to one chart)."""
        from kiosk.backend.outbox import OutboxError
        from kiosk.flow.submission import applicant_submission

        payload = applicant_submission(visit, self.terminal)
        try:
            receipt = await self._submissions().submit(payload, visit.idempotency_key)
        except (OutboxError, OSError) as exc:
            log.error(
                "outbox store failed", extra={"event": "outbox_error", "error": type(exc).__name__}
            )
            raise NotStored from None
        return receipt.reference if receipt is not None else None

    # -- staff ------------------------------------------------------------------------------

    async def outbox_state(self) -> tuple[int, str | None]:
        """How many submissions wait in the outbox, and the code of the last failed delivery."""
        submissions = self._submissions()
        return await submissions.waiting(), submissions.last_error

    async def server_reachable(self) -> bool:
        """Whether the backend answers its health check (within a few seconds)."""
        from kiosk.backend.client import BackendError

        try:
            backend = await asyncio.wait_for(self._backend(), HEALTH_TIMEOUT_SECONDS)
            await asyncio.wait_for(backend.health(), HEALTH_TIMEOUT_SECONDS)
        except (BackendError, TimeoutError):
            return False
        return True

    async def deliver_now(self) -> int:
        """Staff: send what waits in the outbox now; how many were delivered."""
        delivered = await self._submissions().deliver_now()
        log.info("staff delivered now", extra={"event": "staff_deliver", "delivered": delivered})
        return delivered
