"""A returning visitor's routes (terminal token): sign in, what is due, submit, end.

A failed sign-in (unknown username, wrong password, disabled login) is answered with the
same status and body after the same minimum time as an unusable pickup code.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from kiosk.contract.wire.pickup import PickupStatus
from kiosk.contract.wire.returning import LoginIn, SignedIn, VisitIn, VisitSubmitIn
from kiosk.contract.wire.service import ErrorOut
from kiosk.server import returning
from kiosk.server.api import AUTH_RESPONSES, Sessions, Settings, padded
from kiosk.server.auth import CallerDep

router = APIRouter(tags=["returning visitors"])

VISIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"model": ErrorOut, "description": "`visit_invalid`: ended, expired or not yours"},
}


@router.post(
    "/login",
    status_code=status.HTTP_201_CREATED,
    summary="Sign a returning visitor in for one visit",
    responses={
        **AUTH_RESPONSES,
        403: {
            "model": ErrorOut,
            "description": "`login_invalid`: unknown username or wrong password (one answer)",
        },
        429: {
            "model": ErrorOut,
            "description": "`terminal_locked` or `account_locked`: wait `retry_after` seconds",
        },
    },
)
async def login(
    payload: LoginIn, caller: CallerDep, sessions: Sessions, settings: Settings
) -> SignedIn:
    """Check the password (argon2id). The answer holds a visit token for this terminal and
    what is due: consents to renew or sign, questionnaires assigned and not filed yet."""
    return await padded(
        settings.invalid_code_floor_seconds,
        lambda: returning.sign_in(
            sessions, settings, caller.terminal, payload, portals=caller.portals
        ),
    )


@router.post("/visit/status", summary="What is due in this visit", responses=VISIT_RESPONSES)
def visit_status(payload: VisitIn, caller: CallerDep, sessions: Sessions) -> PickupStatus:
    return returning.visit_status(sessions, caller.terminal, payload.visit_token)


@router.post(
    "/visit/submit",
    summary="File the visit's consents and questionnaires (once)",
    responses={
        **VISIT_RESPONSES,
        409: {"model": ErrorOut, "description": "`visit_submitted`: this visit was submitted"},
        422: {"model": ErrorOut, "description": "Invalid body, consent or document"},
    },
)
def visit_submit(payload: VisitSubmitIn, caller: CallerDep, sessions: Sessions) -> PickupStatus:
    """Each consent must be a portal form at its current text; each document must answer a
    questionnaire assigned to the chart and not filed yet. What is still due comes back."""
    return returning.submit_visit(sessions, caller.terminal, payload)


@router.post(
    "/visit/end",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End the visit: its token stops working",
    responses=VISIT_RESPONSES,
)
def visit_end(payload: VisitIn, caller: CallerDep, sessions: Sessions) -> Response:
    returning.end_visit(sessions, caller.terminal, payload.visit_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
