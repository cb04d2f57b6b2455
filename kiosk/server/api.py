"""The HTTP API under ``/v1``: health, applicant intake and reading charts.

Every route but the health check needs a bearer token (:mod:`kiosk.server.auth`);
reading charts, and everything in :mod:`kiosk.server.api_staff`, needs an admin token.
The pickup-code routes are in :mod:`kiosk.server.api_pickup`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request, Response, status
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kiosk import __version__
from kiosk.contract.wire.applicant import ApplicantCreated, ApplicantIn
from kiosk.contract.wire.fields import IDEMPOTENCY_KEY_PATTERN
from kiosk.contract.wire.service import ErrorOut, Health
from kiosk.server import charts, intake
from kiosk.server.auth import AdminDep, CallerDep
from kiosk.server.errors import ApiError, PaddedRefusal
from kiosk.server.schemas import ChartOut
from kiosk.server.settings import ServerSettings

T = TypeVar("T")

MAX_CHART_ID = 2**31 - 1  # the largest INTEGER on PostgreSQL

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid bearer token"},
}
ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    403: {"model": ErrorOut, "description": "Needs an admin token"},
}


async def get_sessions(request: Request) -> sessionmaker[Session]:
    """The app's session factory for work that writes (set by ``create_app``).

    The small dependencies are ``async``: FastAPI would run a plain ``def`` one in its
    thread pool, a costly hop for a lookup.
    """
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


async def get_read_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    return sessions


async def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def get_session(
    sessions: Annotated[sessionmaker[Session], Depends(get_sessions)],
) -> Iterator[Session]:
    with sessions() as session:
        yield session


def get_read_session(
    sessions: Annotated[sessionmaker[Session], Depends(get_read_sessions)],
) -> Iterator[Session]:
    with sessions() as session:
        yield session


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
DbSession = Annotated[Session, Depends(get_session)]
ReadSession = Annotated[Session, Depends(get_read_session)]
Settings = Annotated[ServerSettings, Depends(get_settings)]
ChartId = Annotated[int, Path(ge=1, le=MAX_CHART_ID)]

router = APIRouter()


async def padded(floor_seconds: float, work: Callable[[], T]) -> T:
    """Run *work* in a thread; a :class:`PaddedRefusal` it raises is answered with its
    ``answer`` no sooner than *floor_seconds* after the start, so that neither the answer nor
    its timing tells which check failed (an unusable pickup code, a wrong password)."""
    started = time.monotonic()
    try:
        return await run_in_threadpool(work)
    except PaddedRefusal as refusal:
        remaining = floor_seconds - (time.monotonic() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)
        raise refusal.answer from None


async def one_idempotency_key(request: Request) -> None:
    """400 when the request carries more than one ``Idempotency-Key`` header: which one
    would count is not for the server to guess."""
    if len(request.headers.getlist("idempotency-key")) > 1:
        raise ApiError(400, "idempotency_key_repeated", "Send exactly one Idempotency-Key header.")


@router.get("/health", summary="Liveness and version (no token needed)")
def health() -> Health:
    return Health(version=__version__)


@router.post(
    "/applicants",
    status_code=status.HTTP_201_CREATED,
    summary="File an applicant's visit (idempotent)",
    dependencies=[Depends(one_idempotency_key)],
    responses={
        **AUTH_RESPONSES,
        400: {"model": ErrorOut, "description": "Not JSON, or `idempotency_key_repeated`"},
        200: {"model": ApplicantCreated, "description": "Replay of an earlier identical request"},
        409: {"model": ErrorOut, "description": "Idempotency-Key used with another body"},
        422: {
            "model": ErrorOut,
            "description": "Invalid body, or `refused`: the token or the portal's configuration"
            " refuses a field (`detail` lists each with `loc` and `msg`)",
        },
        413: {"model": ErrorOut, "description": "Request body too large"},
    },
)
async def create_applicant(
    payload: ApplicantIn,
    request: Request,
    response: Response,
    caller: CallerDep,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="8..200 characters of A-Z a-z 0-9 _ -; one per visit.",
        ),
    ],
) -> ApplicantCreated:
    """Create the applicant chart with its documents and consent signatures in one transaction,
    and raise the portal's ``applicant_registered`` and ``document_filed`` tasks.

    The chart is filed under the token's terminal, on a portal configured on the server; its
    department and each document's order item, type and chart tab come from the portal's
    configuration. A body that disagrees is refused: `422 {"error": "refused", "detail":
    [{"type", "loc", "msg"}]}` names each field and why. The Idempotency-Key is the
    terminal's own: another terminal's key never replays this terminal's answer."""
    # async, with the database work in a worker thread of its own limiter: a plain def takes
    # two thread hops (FastAPI checks its answer in a thread too), and the limiter's few
    # threads do not fight over the GIL and the connection pool as the default 40 would.
    # The sessions and the limiter come from app.state, not dependencies: this is the hot
    # path, and each dependency costs FastAPI a resolution per request.
    try:
        state = request.app.state
        result = await to_thread.run_sync(
            intake.create_applicant,
            state.sessions,
            caller,
            idempotency_key,
            payload,
            limiter=state.intake_limiter,
        )
    except intake.IdempotencyConflict:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "This Idempotency-Key was already used with a different request body.",
        ) from None
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return result


@router.get("/charts", summary="All charts, newest first (admin)", responses=ADMIN_RESPONSES)
def list_charts(session: ReadSession, _admin: AdminDep) -> list[ChartOut]:
    return charts.list_charts(session)


@router.get(
    "/charts/{chart_id}",
    summary="One chart (admin)",
    responses={**ADMIN_RESPONSES, 404: {"model": ErrorOut, "description": "No such chart"}},
)
def get_chart(session: ReadSession, _admin: AdminDep, chart_id: ChartId) -> ChartOut:
    chart = charts.get_chart(session, chart_id)
    if chart is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such chart.")
    return chart


def build_router() -> APIRouter:
    """The whole ``/v1`` API."""
    from kiosk.server.api_pickup import router as pickup_router
    from kiosk.server.api_staff import router as staff_router
    from kiosk.server.api_visit import router as visit_router

    v1 = APIRouter(
        prefix="/v1",
        responses={
            400: {"model": ErrorOut, "description": "The body is not JSON"},
            413: {"model": ErrorOut, "description": "Request body too large"},
            422: {
                "model": ErrorOut,
                "description": "Invalid input: `detail` lists each problem (type, loc, msg),"
                " or `error` names the refusal and `detail` says why",
            },
        },
    )
    v1.include_router(router)
    v1.include_router(staff_router)
    v1.include_router(pickup_router)
    v1.include_router(visit_router)
    return v1
