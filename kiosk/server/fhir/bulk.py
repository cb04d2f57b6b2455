"""FHIR Bulk Data export (``$export`` at system and Patient level), run asynchronously.

Kick-off records an export and answers ``202 Accepted`` with the status URL in
``Content-Location``; the export then runs in the background and writes one NDJSON file
per resource type into the database (so any server process can answer for it). Polling
the status URL answers ``202`` (with ``X-Progress``) until it is done, then the manifest.
A ``DELETE`` of the status URL cancels the export or removes its files. Exports are
kept for :data:`EXPORT_TTL`.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.fhir.context import Context
from kiosk.server.fhir.outcome import bad_request
from kiosk.server.fhir.registry import KINDS, PATIENT_TYPES
from kiosk.server.fhir.search import parse_instant_range
from kiosk.server.fhir.systems import instant
from kiosk.server.models import FhirExport, FhirExportFile, utc_now

EXPORT_TTL = timedelta(hours=24)
STALE_AFTER = timedelta(hours=1)
"""An export still in progress after this is taken as lost (its process stopped)."""
NDJSON_FORMATS = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})
RETRY_AFTER_SECONDS = 1

log = logging.getLogger("kiosk.server.fhir")


class ExportStatus:
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class ExportRequest:
    level: str
    types: list[str]
    since: datetime | None


def parse_kick_off(
    level: str, items: Sequence[tuple[str, str]], prefer: str | None
) -> ExportRequest:
    """The export a kick-off request asks for; 400 OperationOutcome for what is not served."""
    if prefer is None or "respond-async" not in [p.strip() for p in prefer.split(",")]:
        raise bad_request("a Bulk Data kick-off needs the header Prefer: respond-async")
    allowed = PATIENT_TYPES if level == "patient" else tuple(KINDS)
    types: list[str] = []
    since = None
    for key, value in items:
        if key == "_outputFormat":
            if value not in NDJSON_FORMATS:
                raise bad_request(f"_outputFormat={value}: only application/fhir+ndjson")
        elif key == "_since":
            since = parse_instant_range(value, "gt").low
        elif key == "_type":
            for name in value.split(","):
                name = name.strip()
                if name not in allowed:
                    raise bad_request(
                        f"_type {name!r} cannot be exported here (types: {', '.join(allowed)})"
                    )
                if name not in types:
                    types.append(name)
        else:
            raise bad_request(
                f"export parameter {key!r} is not supported (supported: _outputFormat,"
                " _since, _type)",
                "not-supported",
            )
    return ExportRequest(level, types or list(allowed), since)


def start(session: Session, request: ExportRequest, request_url: str, by: str) -> str:
    """Record a new export (committed) and drop expired ones; the export's id."""
    now = utc_now()
    session.execute(delete(FhirExport).where(FhirExport.created_at < now - EXPORT_TTL))
    export_id = secrets.token_hex(16)
    session.add(
        FhirExport(
            id=export_id,
            level=request.level,
            request_url=request_url[:2000],
            types=request.types,
            since=request.since,
            status=ExportStatus.IN_PROGRESS,
            requested_by=by,
            created_at=now,
        )
    )
    session.commit()
    return export_id


def _write_files(
    read_sessions: sessionmaker[Session], base_url: str, types: list[str], since: datetime | None
) -> tuple[datetime, list[FhirExportFile]]:
    """Read every resource of *types* into NDJSON files, from one snapshot of the database
    (SQLite's read transactions are; PostgreSQL's are made ``REPEATABLE READ``)."""
    with read_sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        transaction_time = utc_now()
        ctx = Context(session, base_url)
        files = []
        for name in types:
            lines: list[str] = []
            for batch in KINDS[name].export(ctx, since):
                lines.extend(_ndjson_line(resource) for resource in batch)
            if lines:
                content = "\n".join(lines) + "\n"
                files.append(FhirExportFile(resource_type=name, count=len(lines), content=content))
    return transaction_time, files


def _ndjson_line(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":"))


def run(
    sessions: sessionmaker[Session],
    read_sessions: sessionmaker[Session],
    base_url: str,
    export_id: str,
) -> None:
    """Write the export's NDJSON files; mark it completed, or failed with the reason.

    The resources are read in a read session, so that a long export never holds up the
    writers (on SQLite, write sessions take turns); only storing the files writes.
    """
    try:
        with read_sessions() as session:
            export = session.get(FhirExport, export_id)
            if export is None:
                return  # cancelled before it started
            types, since = list(export.types), export.since
        transaction_time, files = _write_files(read_sessions, base_url, types, since)
        with sessions() as session:
            export = session.get(FhirExport, export_id)
            if export is None:
                return  # cancelled while running
            export.files = files
            export.transaction_time = transaction_time
            export.status = ExportStatus.COMPLETED
            export.finished_at = utc_now()
            session.commit()
    except Exception as exc:  # the export fails, the server goes on
        # the exception's name only: its message may quote the rows it was reading
        log.error("bulk export %s failed: %s", export_id, type(exc).__name__)
        with sessions() as session:
            export = session.get(FhirExport, export_id)
            if export is not None:
                export.status = ExportStatus.FAILED
                export.error = type(exc).__name__
                export.finished_at = utc_now()
                session.commit()


def find(session: Session, export_id: str) -> FhirExport | None:
    if len(export_id) > 64:
        return None
    return session.get(FhirExport, export_id)


def is_lost(export: FhirExport, now: datetime) -> bool:
    """Whether an export in progress has run so long that its process must have stopped."""
    return export.status == ExportStatus.IN_PROGRESS and export.created_at < now - STALE_AFTER


def manifest(export: FhirExport, base_url: str) -> dict[str, Any]:
    assert export.transaction_time is not None
    return {
        "transactionTime": instant(export.transaction_time),
        "request": export.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": f.resource_type,
                "url": f"{base_url}/$export-file/{export.id}/{f.id}",
                "count": f.count,
            }
            for f in export.files
        ],
        "error": [],
    }


def output_file(session: Session, export_id: str, file_id: int) -> str | None:
    return session.scalar(
        select(FhirExportFile.content).where(
            FhirExportFile.export_id == export_id, FhirExportFile.id == file_id
        )
    )
