"""The pickup-code routes a terminal calls: verify, redeem, and the follow-ups of a redemption.

An unusable code (wrong, expired, used, revoked) is answered with the same status and
body after the same minimum time (``invalid_code_floor_seconds``), so neither the answer
nor its timing tells which it was.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, status
from starlette.concurrency import run_in_threadpool

from kiosk.server import pickup
from kiosk.server.api import AUTH_RESPONSES, Sessions, Settings
from kiosk.server.auth import CallerDep
from kiosk.server.passwords import hasher
from kiosk.server.schemas import ErrorOut
from kiosk.server.schemas_pickup import (
    CodeIn,
    FollowUpConsentsIn,
    FollowUpDocumentsIn,
    PickupStatus,
    Redeemed,
    RedeemIn,
    RedemptionIn,
    UsernameAvailability,
    UsernameIn,
    Verified,
)

T = TypeVar("T")

router = APIRouter(prefix="/pickup", tags=["pickup codes"])

CODE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"model": ErrorOut, "description": "`code_invalid`: wrong, expired, used or revoked"},
    422: {"model": ErrorOut, "description": "Invalid body, or `code_malformed`"},
    429: {"model": ErrorOut, "description": "`terminal_locked`: wait `retry_after` seconds"},
}
FOLLOW_UP_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"model": ErrorOut, "description": "`redemption_invalid`"},
    422: {"model": ErrorOut, "description": "Invalid body, consent or document"},
}


async def _padded(floor_seconds: float, work: Callable[[], T]) -> T:
    """Run *work* in a thread; an unusable code is answered no sooner than *floor_seconds*."""
    started = time.monotonic()
    try:
        return await run_in_threadpool(work)
    except pickup.CodeInvalid:
        remaining = floor_seconds - (time.monotonic() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)
        raise pickup.CODE_INVALID from None


@router.post("/verify", summary="Check a pickup code", responses=CODE_RESPONSES)
async def verify(
    payload: CodeIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> Verified:
    """What the terminal needs to go on: the masked name, whether the date of birth must be
    confirmed, the consents due and the questionnaires assigned. Nothing is consumed."""
    return await _padded(
        settings.invalid_code_floor_seconds,
        lambda: pickup.verify(sessions, settings, caller.terminal, payload.code, caller.portals),
    )


@router.post(
    "/redeem",
    status_code=status.HTTP_201_CREATED,
    summary="Redeem a pickup code for a portal login",
    responses={
        **CODE_RESPONSES,
        409: {"model": ErrorOut, "description": "`username_taken`"},
    },
)
async def redeem(
    payload: RedeemIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> Redeemed:
    """Consume the code atomically, create the login (argon2id), and file the consents and
    documents sent along. The answer's ``redemption`` secret lets this terminal send the
    rest in follow-up calls until ``redemption_expires_at``."""
    password_hasher = hasher(settings.password_hashing)
    return await _padded(
        settings.invalid_code_floor_seconds,
        lambda: pickup.redeem(
            sessions, settings, caller.terminal, payload, password_hasher.hash, caller.portals
        ),
    )


@router.post("/consents", summary="Sign consents after redeeming", responses=FOLLOW_UP_RESPONSES)
def sign_consents(
    payload: FollowUpConsentsIn, caller: CallerDep, sessions: Sessions
) -> PickupStatus:
    return pickup.follow_up(
        sessions, caller.terminal, payload.redemption, consents=payload.consents
    )


@router.post(
    "/documents", summary="File questionnaires after redeeming", responses=FOLLOW_UP_RESPONSES
)
def file_documents(
    payload: FollowUpDocumentsIn, caller: CallerDep, sessions: Sessions
) -> PickupStatus:
    """Each document must answer a questionnaire assigned to the chart and not filed yet; the
    portal's ``document_filed`` tasks are raised."""
    return pickup.follow_up(
        sessions, caller.terminal, payload.redemption, documents=payload.documents
    )


@router.post("/status", summary="What is still due after redeeming", responses=FOLLOW_UP_RESPONSES)
def redemption_status(payload: RedemptionIn, caller: CallerDep, sessions: Sessions) -> PickupStatus:
    return pickup.follow_up(sessions, caller.terminal, payload.redemption)


@router.post(
    "/username",
    summary="Is a username free?",
    responses={
        **AUTH_RESPONSES,
        429: {"model": ErrorOut, "description": "`terminal_locked`: wait `retry_after` seconds"},
    },
)
def username_available(
    payload: UsernameIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> UsernameAvailability:
    """Usernames are unique regardless of case; redeem checks again. A terminal may look up
    30 usernames in 5 minutes; then it waits (429), 5 minutes at first, longer each time."""
    available = pickup.username_available(sessions, settings, caller.terminal, payload.username)
    return UsernameAvailability(available=available)
