"""The routes of the FHIR API under ``/fhir/R4``.

``metadata`` is public (as FHIR servers' capability statements are); everything else
needs a FHIR read token (``kiosk-server token create --fhir-read NAME``) or an admin
token. Terminal tokens get 403. Every error is an OperationOutcome.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.auth import authenticated_caller
from kiosk.server.errors import ApiError
from kiosk.server.fhir import bulk
from kiosk.server.fhir.bundle import included, searchset
from kiosk.server.fhir.capability import capability_statement
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.outcome import FHIR_MEDIA_TYPE, FhirError, FhirResponse, not_found
from kiosk.server.fhir.registry import KINDS
from kiosk.server.fhir.search import as_number, parse_search
from kiosk.server.models import utc_now
from kiosk.server.tokens import Caller

PREFIX = "/fhir/R4"
NDJSON_MEDIA_TYPE = "application/fhir+ndjson"

_bearer = HTTPBearer(
    auto_error=False,
    description="A FHIR read token (`kiosk-server token create --fhir-read NAME`) or an"
    " admin token.",
)


async def fhir_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller, if its token may read the FHIR API; else an OperationOutcome 401/403."""
    try:
        caller = await authenticated_caller(request, credentials)
    except ApiError as exc:
        raise FhirError(exc.status, "login", exc.detail, headers=exc.headers) from None
    if not (caller.fhir_read or caller.admin):
        raise FhirError(
            403,
            "forbidden",
            "This token may not read the FHIR API; use a FHIR read token"
            " (kiosk-server token create --fhir-read NAME).",
        )
    return caller


Reader = Annotated[Caller, Depends(fhir_reader)]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    return sessions


_FHIR_JSON = {FHIR_MEDIA_TYPE: {"schema": {"type": "object"}}}
_OUTCOME = {
    FHIR_MEDIA_TYPE: {
        "schema": {
            "type": "object",
            "properties": {"resourceType": {"const": "OperationOutcome"}},
            "required": ["resourceType", "issue"],
        }
    }
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "A search or export parameter that is not supported, or a bad value",
        401: "No valid bearer token",
        403: "A token that may not read the FHIR API (terminal tokens)",
        404: "No such resource, resource type or export",
        406: "A _format other than JSON",
        500: "The export failed",
    }
    return {code: {"description": described[code], "content": _OUTCOME} for code in codes}


router = APIRouter(prefix=PREFIX, tags=["FHIR R4"], default_response_class=FhirResponse)


@router.get(
    "/metadata",
    summary="CapabilityStatement (no token needed)",
    responses={200: {"content": _FHIR_JSON, "description": "The CapabilityStatement"}},
)
def metadata(request: Request) -> FhirResponse:
    return FhirResponse(capability_statement(base_url(request), request.app.state.started_at))


def _kick_off(
    request: Request, background: BackgroundTasks, caller: Caller, level: str
) -> Response:
    export_request = bulk.parse_kick_off(
        level, request.query_params.multi_items(), request.headers.get("prefer")
    )
    with request.app.state.sessions() as session:
        export_id = bulk.start(session, export_request, str(request.url), caller.terminal)
    state = request.app.state
    background.add_task(bulk.run, state.sessions, state.read_sessions, base_url(request), export_id)
    return Response(
        status_code=202,
        headers={"Content-Location": f"{base_url(request)}/$export-status/{export_id}"},
    )


def _kick_off_responses() -> dict[int | str, dict[str, Any]]:
    return {
        202: {
            "description": "Accepted: poll the URL in Content-Location",
            "headers": {"Content-Location": {"schema": {"type": "string"}}},
        },
        **_errors(400, 401, 403),
    }


@router.get(
    "/$export",
    summary="Bulk Data export of everything (asynchronous)",
    status_code=202,
    response_class=Response,
    responses=_kick_off_responses(),
)
def system_export(request: Request, background: BackgroundTasks, caller: Reader) -> Response:
    return _kick_off(request, background, caller, "system")


@router.get(
    "/Patient/$export",
    summary="Bulk Data export of all Patients' data",
    status_code=202,
    response_class=Response,
    responses=_kick_off_responses(),
)
def patient_export(request: Request, background: BackgroundTasks, caller: Reader) -> Response:
    return _kick_off(request, background, caller, "patient")


@router.get(
    "/$export-status/{export_id}",
    summary="Bulk Data export status and manifest",
    responses={
        200: {"content": _FHIR_JSON, "description": "Done: the manifest"},
        202: {"description": "In progress (X-Progress, Retry-After)"},
        **_errors(401, 403, 404, 500),
    },
)
def export_status(request: Request, export_id: str, _caller: Reader) -> Response:
    with _sessions(request)() as session:
        export = bulk.find(session, export_id)
        if export is None:
            raise not_found("no such export (or it has expired)")
        if bulk.is_lost(export, utc_now()):
            raise FhirError(500, "incomplete", "the export did not finish; start another")
        if export.status == bulk.ExportStatus.IN_PROGRESS:
            return Response(
                status_code=202,
                headers={
                    "X-Progress": "in progress",
                    "Retry-After": str(bulk.RETRY_AFTER_SECONDS),
                },
            )
        if export.status == bulk.ExportStatus.FAILED:
            raise FhirError(500, "exception", f"the export failed ({export.error})")
        body = bulk.manifest(export, base_url(request))
    return FhirResponse(body)


@router.delete(
    "/$export-status/{export_id}",
    summary="Cancel a Bulk Data export",
    status_code=202,
    response_class=Response,
    responses={202: {"description": "Cancelled (or its files deleted)"}, **_errors(401, 403, 404)},
)
def cancel_export(request: Request, export_id: str, _caller: Reader) -> Response:
    with request.app.state.sessions() as session:
        export = bulk.find(session, export_id)
        if export is None:
            raise not_found("no such export (or it has expired)")
        session.delete(export)
        session.commit()
    return Response(status_code=202)


@router.get(
    "/$export-file/{export_id}/{file_id}",
    summary="One NDJSON file of an export",
    response_class=Response,
    responses={
        200: {
            "description": "One resource per line",
            "content": {NDJSON_MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **_errors(401, 403, 404),
    },
)
def export_file(request: Request, export_id: str, file_id: str, _caller: Reader) -> Response:
    content = None
    number = as_number(file_id, digits=9)
    if number is not None:
        with _sessions(request)() as session:
            content = bulk.output_file(session, export_id, number)
    if content is None:
        raise not_found("no such export file (or it has expired)")
    return Response(content, media_type=NDJSON_MEDIA_TYPE)


def _kind(resource_type: str) -> Any:
    kind = KINDS.get(resource_type)
    if kind is None:
        raise FhirError(
            404,
            "not-supported",
            f"resource type {resource_type!r} is not served (types: {', '.join(KINDS)})",
        )
    return kind


@router.get(
    "/{resource_type}",
    summary="Search a resource type (a searchset Bundle)",
    responses={
        200: {"content": _FHIR_JSON, "description": "A searchset Bundle"},
        **_errors(400, 401, 403, 404, 406),
    },
)
def search(request: Request, resource_type: str, _caller: Reader) -> FhirResponse:
    kind = _kind(resource_type)
    items = request.query_params.multi_items()
    parsed = parse_search(items, resource_type, kind.search_params(), kind.includes)
    with _sessions(request)() as session:
        ctx = Context(session, base_url(request))
        page = kind.search(ctx, parsed)
        includes = included(ctx, kind, KINDS["Patient"], page, parsed)
        body = searchset(ctx, resource_type, items, parsed, page, includes)
    return FhirResponse(body)


@router.get(
    "/{resource_type}/{resource_id}",
    summary="Read one resource",
    responses={
        200: {"content": _FHIR_JSON, "description": "The resource"},
        **_errors(400, 401, 403, 404, 406),
    },
)
def read(request: Request, resource_type: str, resource_id: str, _caller: Reader) -> FhirResponse:
    kind = _kind(resource_type)
    with _sessions(request)() as session:
        resource = kind.read(Context(session, base_url(request)), resource_id)
    if resource is None:
        raise not_found(f"{resource_type}/{resource_id} is not known")
    return FhirResponse(resource)


@router.api_route(
    "/{path:path}",
    methods=["POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
def read_only(path: str) -> Response:
    raise FhirError(405, "not-supported", "this FHIR API is read-only")


@router.get("/{path:path}", include_in_schema=False)
def unknown(path: str, _caller: Reader) -> Response:
    raise FhirError(404, "not-found", "no such FHIR endpoint")
