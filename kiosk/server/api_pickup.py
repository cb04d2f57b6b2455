"""The pickup-code routes a terminal calls: verify, redeem, and the follow-ups of a redemption.

An unusable code (wrong, expired, used, revoked) is answered with the same status and
body after the same minimum time (``invalid_code_floor_seconds``), so neither the answer
nor its timing tells which it was.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from kiosk.contract.wire.pickup import (
    CodeIn,
    Confirmed,
    ConfirmIn,
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
from kiosk.contract.wire.service import ErrorOut
from kiosk.server import pickup
from kiosk.server.api import AUTH_RESPONSES, Sessions, Settings, padded
from kiosk.server.auth import CallerDep
from kiosk.server.passwords import hasher

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


@router.post("/verify", summary="Check a pickup code", responses=CODE_RESPONSES)
async def verify(
    payload: CodeIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> Verified:
    """What the terminal needs to go on: the masked name, whether the date of birth must be
    confirmed, the consents due and the questionnaires assigned. Nothing is consumed."""
    return await padded(
        settings.invalid_code_floor_seconds,
        lambda: pickup.verify(sessions, settings, caller.terminal, payload.code, caller.portals),
    )


@router.post(
    "/confirm",
    summary="Check the date of birth before going on",
    responses={
        **CODE_RESPONSES,
        422: {
            "model": ErrorOut,
            "description": "Invalid body, `code_malformed`, `date_of_birth_required` or"
            " `date_of_birth_mismatch` (counted as a failed attempt)",
        },
    },
)
async def confirm(
    payload: ConfirmIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> Confirmed:
    """The identity step: the date of birth is checked (and a wrong one counted) exactly as
    redeeming checks it, so the visitor hears of a typo before the rest of the visit."""
    return await padded(
        settings.invalid_code_floor_seconds,
        lambda: pickup.confirm(sessions, settings, caller.terminal, payload, caller.portals),
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
    return await padded(
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
        **CODE_RESPONSES,
        429: {"model": ErrorOut, "description": "`terminal_locked`: wait `retry_after` seconds"},
    },
)
async def username_available(
    payload: UsernameIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> UsernameAvailability:
    """Usernames are unique regardless of case; redeem checks again. A terminal may look up
    30 usernames in 5 minutes; then it waits (429), 5 minutes at first, longer each time.
    With the ``code`` being redeemed, the name of that chart's own login (disabled by
    ``reset-login``) counts as free, and the code is checked as by verify."""
    available = await padded(
        settings.invalid_code_floor_seconds,
        lambda: pickup.username_available(
            sessions, settings, caller.terminal, payload.username, payload.code, caller.portals
        ),
    )
    return UsernameAvailability(available=available)
