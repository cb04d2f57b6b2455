"""Staff and HR-feed routes (admin token): charts with pickup codes, portals, tasks, merges."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from kiosk.contract.wire.pickup import ConsentDue
from kiosk.contract.wire.service import ErrorOut
from kiosk.server import enrolment, merging, tasks
from kiosk.server.api import (
    ADMIN_RESPONSES,
    AUTH_RESPONSES,
    ChartId,
    DbSession,
    ReadSession,
    Settings,
)
from kiosk.server.auth import AdminDep, CallerDep
from kiosk.server.consents import chart_signatures, due_consents
from kiosk.server.errors import ApiError
from kiosk.server.models import Chart, utc_now
from kiosk.server.portals import PORTAL_NAME_PATTERN, PortalIn, PortalOut, list_portals, put_portal
from kiosk.server.portals import portal_config as load_portal
from kiosk.server.schemas_staff import (
    AssignIn,
    AssignmentOut,
    ChartIn,
    CodeIssued,
    IssueCodeIn,
    MergeIn,
    MergeOut,
)
from kiosk.server.tasks import TaskOut, TaskStatus

router = APIRouter()

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such chart or task"}
}
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Refused; `detail` says why"},
}
PortalNamePath = Annotated[str, Path(pattern=PORTAL_NAME_PATTERN)]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/charts",
    status_code=status.HTTP_201_CREATED,
    summary="Create an employee, contractor or visitor chart with a pickup code (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **REFUSED},
)
def create_chart(
    payload: ChartIn, session: DbSession, admin: AdminDep, settings: Settings
) -> CodeIssued:
    """The portal must be configured (``PUT /v1/portals/{name}``); its questionnaires (or the
    ones named) are assigned to the chart. The pickup code is in the answer and nowhere else."""
    return enrolment.create_chart(session, payload, admin.terminal, settings.code_ttl)


@router.post(
    "/charts/{chart_id}/pickup-code",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a new pickup code; the chart's earlier codes stop working (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND, **REFUSED},
)
def issue_code(
    chart_id: ChartId,
    session: DbSession,
    admin: AdminDep,
    settings: Settings,
    payload: IssueCodeIn | None = None,
) -> CodeIssued:
    ttl = settings.code_ttl
    if payload is not None and payload.ttl_days is not None:
        ttl = timedelta(days=payload.ttl_days)
    return enrolment.issue_code(session, chart_id, admin.terminal, ttl)


@router.post(
    "/charts/{chart_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    summary="Assign one of the portal's questionnaires to a chart (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND, **REFUSED},
)
def assign(
    chart_id: ChartId, payload: AssignIn, session: DbSession, _admin: AdminDep
) -> AssignmentOut:
    """The chart's next visit (pickup code or login) offers it."""
    return enrolment.assign_questionnaire(session, chart_id, payload.questionnaire)


@router.post(
    "/charts/{chart_id}/reset-login",
    status_code=status.HTTP_201_CREATED,
    summary="Disable the chart's password and issue a new pickup code (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND, **REFUSED},
)
def reset_login(
    chart_id: ChartId, session: DbSession, admin: AdminDep, settings: Settings
) -> CodeIssued:
    return enrolment.reset_login(session, chart_id, admin.terminal, settings.code_ttl)


@router.get(
    "/charts/{chart_id}/consents-due",
    summary="The consents a chart must sign (again), and why (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND},
)
def consents_due(chart_id: ChartId, session: ReadSession, _admin: AdminDep) -> list[ConsentDue]:
    chart = session.get(Chart, chart_id)
    if chart is None:
        raise ApiError(404, "chart_unknown", "No such chart.")
    portal = load_portal(session, chart.portal)
    return due_consents(portal, chart_signatures(session, chart.id), utc_now())


@router.put(
    "/portals/{name}",
    summary="Create or replace a portal's configuration (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, 201: {"model": PortalOut, "description": "Created"}},
)
def put_portal_config(
    name: PortalNamePath,
    payload: PortalIn,
    session: DbSession,
    _admin: AdminDep,
    response: Response,
) -> PortalOut:
    """Consent forms come with their text per language; the server keeps each text's version
    (``sha256:`` + hex digest) and the renewal interval, not the text."""
    portal, created = put_portal(session, name, payload)
    session.commit()
    if created:
        response.status_code = status.HTTP_201_CREATED
    return portal


@router.get("/portals", summary="Every portal's configuration", responses=AUTH_RESPONSES)
def get_portals(session: ReadSession, _caller: CallerDep) -> list[PortalOut]:
    return list_portals(session)


@router.get(
    "/tasks",
    summary="Tasklist events, oldest first (admin)",
    tags=["staff"],
    responses=ADMIN_RESPONSES,
)
def get_tasks(
    session: ReadSession,
    _admin: AdminDep,
    status_: Annotated[TaskStatus, Query(alias="status")] = TaskStatus.OPEN,
    portal: Annotated[str | None, Query(pattern=PORTAL_NAME_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[TaskOut]:
    return tasks.list_tasks(session, status_, portal, limit)


@router.post(
    "/tasks/{task_id}/done",
    summary="Mark a task done (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND},
)
def task_done(task_id: TaskId, session: DbSession, admin: AdminDep) -> TaskOut:
    """A task already done keeps who did it first and when."""
    done = tasks.mark_done(session, task_id, admin.terminal)
    if done is None:
        raise ApiError(404, "task_unknown", "No such task.")
    return done


@router.post(
    "/merges",
    status_code=status.HTTP_201_CREATED,
    summary="Merge an applicant chart into an employee chart (admin)",
    tags=["staff"],
    responses={**ADMIN_RESPONSES, **NOT_FOUND, **REFUSED},
)
def merge(payload: MergeIn, session: DbSession, admin: AdminDep) -> MergeOut:
    return merging.merge_charts(
        session, payload.applicant_chart_id, payload.employee_chart_id, admin.terminal
    )
