"""The FastAPI application of the reference backend."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from anyio import CapacityLimiter
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.routing import Route

from kiosk import __version__
from kiosk.server.api import build_router
from kiosk.server.auth import TokenCache
from kiosk.server.db import (
    create_schema,
    default_database_url,
    describe_database_error,
    make_engine,
    make_sessionmaker,
)
from kiosk.server.errors import ApiError, api_error_handler
from kiosk.server.fhir.outcome import FhirError, fhir_error_handler
from kiosk.server.fhir.router import router as fhir_router
from kiosk.server.filing import Refused
from kiosk.server.intake import IntakeRetriesExhausted
from kiosk.server.middleware import AccessLog, AllowedMethods, BodySizeLimit
from kiosk.server.models import utc_now
from kiosk.server.settings import ServerSettings

MAX_BODY_BYTES = 2 * 1024 * 1024
INTAKE_THREADS = 8
"""Applicant filings at once: enough to overlap one's database round trips with another's
work, few enough that threads do not queue for the GIL or the connection pool."""
_LOC_PART_MAX = 100

log = logging.getLogger("kiosk.server")


def _loc_part(part: Any) -> Any:
    if isinstance(part, int):
        return part
    text = str(part)[:_LOC_PART_MAX]
    return text.encode("utf-8", "replace").decode("utf-8")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming each problem (type, location, message) without echoing the input back."""
    assert isinstance(exc, RequestValidationError)
    detail = [
        {
            "type": error.get("type", "value_error"),
            "loc": [_loc_part(part) for part in error.get("loc", ())],
            "msg": _loc_part(error.get("msg", "")),
        }
        for error in exc.errors()
    ]
    return JSONResponse(status_code=422, content={"detail": detail})


async def _refused(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming each field the server's configuration or the token refuses, and why."""
    assert isinstance(exc, Refused)
    detail = [problem.as_json() for problem in exc.problems]
    return JSONResponse(status_code=422, content={"detail": detail, "error": "refused"})


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", describe_database_error(exc))
    return JSONResponse(
        status_code=503, content={"detail": "The database is unavailable; try again shortly."}
    )


async def _busy(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": "Busy; try again shortly."})


def _lifespan(engine: Engine) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    return lifespan


def create_app(database_url: str | None = None, settings: ServerSettings | None = None) -> FastAPI:
    """The API on *database_url* (default: SQLite in the user's data folder).

    The engine and schema are made here, not at startup, because the kiosk also runs
    this app in-process through ``httpx.ASGITransport``, which runs no lifespan. Call
    ``app.state.engine.dispose()`` when done with an app that never ran under a server.
    """
    engine = make_engine(database_url or default_database_url())
    try:
        create_schema(engine)
    except BaseException:
        engine.dispose()
        raise

    app = FastAPI(
        title="kiosk-server",
        version=__version__,
        summary="Reference backend for Lobby Kiosk terminals.",
        lifespan=_lifespan(engine),
    )
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine, writes=True)
    app.state.read_sessions = make_sessionmaker(engine)
    app.state.settings = settings or ServerSettings()
    app.state.token_cache = TokenCache(app.state.settings.token_cache_seconds)
    app.state.intake_limiter = CapacityLimiter(INTAKE_THREADS)
    app.state.started_at = utc_now()
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(FhirError, fhir_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(IntakeRetriesExhausted, _busy)
    app.include_router(build_router())
    app.include_router(fhir_router)
    app.add_middleware(AllowedMethods, routes=_route_methods(app))
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(AccessLog)
    return app


RouteMethods = list[tuple[re.Pattern[str], set[str]]]
_ROUTE_METHODS: dict[str, RouteMethods] = {}
"""Every app that :func:`create_app` makes serves the same routes: their table is read once."""


def _route_methods(app: FastAPI) -> RouteMethods:
    """(path pattern, methods) of every path of the API (from its OpenAPI document, where
    routes that share a path are one entry) and of the docs.

    The document takes a few tenths of a second to make, so it is made for the first app of
    the process only (the table is only read, never changed).
    """
    table = _ROUTE_METHODS.get("api")
    if table is None:
        table = _ROUTE_METHODS.setdefault("api", _read_route_methods(app))
    return table


def _read_route_methods(app: FastAPI) -> RouteMethods:
    routes = [
        (route.path_regex, set(route.methods))
        for route in app.routes
        if isinstance(route, Route) and route.methods
    ]
    for template, operations in app.openapi()["paths"].items():
        pattern = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        routes.append((re.compile(f"^{pattern}$"), {method.upper() for method in operations}))
    return routes


DATABASE_ENV = "KIOSK_SERVER_DATABASE_URL"
SETTINGS_ENV = "KIOSK_SERVER_SETTINGS"


def settings_to_env(settings: ServerSettings) -> str:
    """The settings a worker process needs, as the text of :data:`SETTINGS_ENV`."""
    return json.dumps({"code_ttl_seconds": settings.code_ttl.total_seconds()})


def app_from_environment() -> FastAPI:
    """The app of one ``serve --workers N`` process: the database and settings come from
    :data:`DATABASE_ENV` and :data:`SETTINGS_ENV`, set by the parent."""
    import os
    from datetime import timedelta

    stored = json.loads(os.environ.get(SETTINGS_ENV, "{}"))
    settings = ServerSettings()
    if "code_ttl_seconds" in stored:
        settings = replace(settings, code_ttl=timedelta(seconds=stored["code_ttl_seconds"]))
    return create_app(os.environ.get(DATABASE_ENV), settings)
