"""The pickup-code calls as the visit's screens need them: each failure, one kind.

:class:`kiosk.backend.client.BackendClient` sends the requests and names the server's refusals
(``code_invalid``, ``terminal_locked``, ``date_of_birth_mismatch``, ...). Here every
failure becomes a :class:`PickupError` whose ``kind`` says where the visit goes next and
whose ``message`` is for the visitor, in their language. The backend answers a wrong, an
expired and a used code alike; so does the terminal (one kind,
:attr:`PickupFailure.INVALID`).
"""

from __future__ import annotations

import logging
import math
from datetime import date
from enum import StrEnum
from typing import Any

from kiosk.backend.client import BackendClient, BackendError
from kiosk.contract.wire.pickup import Redeemed, Verified
from kiosk.flow.session import ConsentSignature
from kiosk.i18n import _, ngettext

log = logging.getLogger(__name__)


class PickupFailure(StrEnum):
    INVALID = "invalid"
    """Wrong, expired or used (the backend does not say which)."""
    LOCKED = "locked"
    ACCOUNT_LOCKED = "account_locked"
    """Too many failed sign-ins with this username (wherever they were tried)."""
    UNREACHABLE = "unreachable"
    DOB_MISMATCH = "dob_mismatch"
    USERNAME = "username"
    PASSWORD = "password"
    REFUSED = "refused"
    ENDED = "ended"
    """A returning visitor's sign-in is no longer valid (expired, or ended by staff)."""
    SUBMITTED = "submitted"
    """The visit was submitted already (an earlier answer was lost on the way)."""


class PickupError(Exception):
    """A pickup call failed; ``message`` is for the visitor (localized)."""

    def __init__(
        self,
        kind: PickupFailure,
        message: str,
        *,
        retry_after: int | None = None,
        answered: bool = True,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.answered = answered
        """False when no answer came back, so the request may have been carried out."""


def invalid_message() -> str:
    return _(
        "This code cannot be used. It may be mistyped, expired or already used. "
        "Please check it, or ask the front desk for a new code."
    )


def wait_text(seconds: int) -> str:
    """How long to wait, in words: minutes when it is a minute or more."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)


def locked_message(seconds: int) -> str:
    return _(
        "Too many attempts at this terminal. Please wait {wait} before you try again, "
        "or ask the front desk."
    ).format(wait=wait_text(seconds))


def account_locked_message(seconds: int) -> str:
    return _(
        "Too many attempts with this username. Please wait {wait} before you try again, "
        "or ask the front desk."
    ).format(wait=wait_text(seconds))


def birth_date_locked_message(seconds: int) -> str:
    return _(
        "Too many wrong dates of birth for this code. Please wait {wait} before you try "
        "again, or ask the front desk."
    ).format(wait=wait_text(seconds))


def login_invalid_message() -> str:
    return _(
        "This username and password do not match. Please check them, or ask the front desk "
        "for a new pickup code."
    )


def unreachable_message() -> str:
    return _(
        "The clinic's system cannot be reached right now, and a pickup code needs it. "
        "What you typed is still here: press Try again in a moment."
    )


def _pickup_error(exc: BackendError) -> PickupError:
    """The kind of failure *exc* is, with the visitor's message."""
    error = exc.error
    if error in ("code_invalid", "code_malformed"):
        return PickupError(PickupFailure.INVALID, invalid_message())
    if error == "terminal_locked":
        seconds = exc.retry_after or 60
        return PickupError(PickupFailure.LOCKED, locked_message(seconds), retry_after=seconds)
    if error == "date_of_birth_locked":
        seconds = exc.retry_after or 60
        return PickupError(
            PickupFailure.LOCKED, birth_date_locked_message(seconds), retry_after=seconds
        )
    if error == "account_locked":
        seconds = exc.retry_after or 60
        return PickupError(
            PickupFailure.ACCOUNT_LOCKED, account_locked_message(seconds), retry_after=seconds
        )
    if error == "login_invalid":
        return PickupError(PickupFailure.INVALID, login_invalid_message())
    if error == "visit_invalid":
        return PickupError(
            PickupFailure.ENDED,
            _("Your sign-in has ended, so this visit cannot be sent. Please sign in again."),
        )
    if error == "visit_submitted":
        return PickupError(PickupFailure.SUBMITTED, exc.message)
    if error == "date_of_birth_mismatch":
        return PickupError(
            PickupFailure.DOB_MISMATCH,
            _("This date of birth does not match our records. Please check it."),
        )
    if error == "username_taken":
        return PickupError(
            PickupFailure.USERNAME, _("This username is taken. Please choose another.")
        )
    if error == "username_invalid":
        return PickupError(PickupFailure.USERNAME, exc.message)
    if error == "password_rejected":
        return PickupError(
            PickupFailure.PASSWORD,
            _("The clinic's system does not accept this password. Please choose another."),
        )
    if exc.retryable:
        return PickupError(
            PickupFailure.UNREACHABLE, unreachable_message(), answered=exc.status is not None
        )
    log.warning("pickup call refused: %s %s", exc.status, error or "")
    return PickupError(PickupFailure.REFUSED, exc.message)


async def verify(backend: BackendClient, code: str) -> Verified:
    """Ask whether *code* (canonical) can be redeemed, and what comes with it."""
    try:
        return await backend.verify_code(code)
    except BackendError as exc:
        raise _pickup_error(exc) from None


async def confirm_birth_date(backend: BackendClient, code: str, date_of_birth: date) -> None:
    """Check the date of birth at the identity step (a mismatch counts as a failed attempt)."""
    try:
        await backend.confirm_birth_date(code, date_of_birth)
    except BackendError as exc:
        raise _pickup_error(exc) from None


async def username_free(backend: BackendClient, username: str, code: str) -> bool | None:
    """Whether nobody else has *username* (the chart of *code* may keep its own); None when
    the backend cannot say now (redeeming checks again)."""
    try:
        return await backend.username_available(username, code)
    except BackendError:
        return None


async def redeem(
    backend: BackendClient,
    *,
    code: str,
    username: str,
    password: str,
    date_of_birth: date | None,
    consents: list[ConsentSignature],
    documents: list[dict[str, Any]],
) -> Redeemed:
    """Create the login and file what came along, all in one request (sent once)."""
    try:
        return await backend.redeem(
            code,
            username=username,
            password=password,
            date_of_birth=date_of_birth,
            consents=consents,
            documents=documents,
        )
    except BackendError as exc:
        raise _pickup_error(exc) from None
