"""Filing an applicant's visit: one chart, its documents and consents, exactly once per key.

Idempotency rests on the primary key of ``idempotency_keys``: the record is written in
the same transaction as the chart, so when two requests race with one key the loser's
commit fails, it rolls back, and it answers with the winner's chart.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.models import (
    Chart,
    ChartKind,
    ConsentSignature,
    Document,
    IdempotencyKey,
    Task,
    TaskEvent,
    utc_now,
)
from kiosk.server.portals import portal_config
from kiosk.server.reference import unused_reference
from kiosk.server.schemas import ApplicantCreated, ApplicantIn
from kiosk.server.tasks import tasks_for


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request body."""


class IntakeRetriesExhausted(Exception):
    """The chart could not be written after several attempts (reference clashes)."""


def fingerprint(payload: ApplicantIn) -> str:
    """Hex SHA-256 of the validated body in canonical JSON (key order and spacing ignored)."""
    canonical = json.dumps(
        payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replay(session: Session, key: str, digest: str) -> ApplicantCreated | None:
    record = session.get(IdempotencyKey, key, populate_existing=True)
    if record is None:
        return None
    if record.fingerprint != digest:
        raise IdempotencyConflict(key)
    body = record.response_body
    return ApplicantCreated(chart_id=body["chart_id"], reference=body["reference"], created=False)


def _reference_taken(session: Session, reference: str) -> bool:
    return session.scalar(select(Chart.id).where(Chart.reference == reference)) is not None


def _chart_values(session: Session, payload: ApplicantIn, now: datetime) -> dict[str, Any]:
    return {
        "reference": unused_reference(lambda ref: _reference_taken(session, ref)),
        "kind": ChartKind.APPLICANT.value,
        "first_name": payload.first_name,
        "last_name": payload.last_name,
        "portal": payload.portal,
        "department": payload.department,
        "login_enabled": False,
        "language": payload.language,
        "terminal": payload.terminal,
        "created_at": now,
    }


def _file_children(session: Session, chart_id: int, payload: ApplicantIn, now: datetime) -> None:
    """Documents, signatures and tasks of the new chart, each kind in one executemany."""
    if payload.documents:
        session.execute(
            insert(Document),
            [
                {
                    "chart_id": chart_id,
                    "questionnaire": doc.questionnaire,
                    "title": doc.title,
                    "order_item": doc.order_item,
                    "document_type": doc.document_type,
                    "chart_tab": doc.chart_tab,
                    "response": doc.response,
                    "filed_at": now,
                }
                for doc in payload.documents
            ],
        )
    if payload.consents:
        session.execute(
            insert(ConsentSignature),
            [
                {
                    "chart_id": chart_id,
                    "form_id": consent.form_id,
                    "title": consent.title,
                    "version": consent.version,
                    "language": consent.language,
                    "typed_name": consent.typed_name,
                    "signed_at": consent.signed_at,
                    "terminal": payload.terminal,
                }
                for consent in payload.consents
            ],
        )
    tasks = _tasks(session, chart_id, payload)
    if tasks:
        session.execute(
            insert(Task),
            [
                {
                    "chart_id": task.chart_id,
                    "portal": task.portal,
                    "event": task.event,
                    "title": task.title,
                    "queue": task.queue,
                    "detail": task.detail,
                    "created_at": task.created_at,
                }
                for task in tasks
            ],
        )


def _tasks(session: Session, chart_id: int, payload: ApplicantIn) -> list[Task]:
    """The tasks the portal's rules raise for a new applicant and the documents filed."""
    portal = portal_config(session, payload.portal)
    types = [doc.document_type for doc in payload.documents]
    return [
        *tasks_for(payload.portal, portal, chart_id, TaskEvent.APPLICANT_REGISTERED),
        *tasks_for(payload.portal, portal, chart_id, TaskEvent.DOCUMENT_FILED, types),
    ]


def create_applicant(
    sessions: sessionmaker[Session], key: str, payload: ApplicantIn, attempts: int = 3
) -> ApplicantCreated:
    """File *payload* under *key*, or answer the earlier filing of the same key and body.

    Raises :class:`IdempotencyConflict` when *key* was used with another body.
    """
    digest = fingerprint(payload)
    for _ in range(attempts):
        with sessions() as session:
            replay = _replay(session, key, digest)
            if replay is not None:
                return replay
            now = utc_now()
            values = _chart_values(session, payload, now)
            try:
                chart_id = session.execute(
                    insert(Chart).values(values).returning(Chart.id)
                ).scalar_one()
                _file_children(session, chart_id, payload, now)
                body = {"chart_id": chart_id, "reference": values["reference"]}
                session.execute(
                    insert(IdempotencyKey).values(
                        key=key,
                        fingerprint=digest,
                        chart_id=chart_id,
                        response_body=body,
                        created_at=now,
                    )
                )
                session.commit()
            except IntegrityError:
                session.rollback()
                replay = _replay(session, key, digest)
                if replay is not None:
                    return replay
                continue  # not our key: a reference clash with a concurrent request; retry
            return ApplicantCreated(
                chart_id=body["chart_id"], reference=body["reference"], created=True
            )
    raise IntakeRetriesExhausted(f"gave up after {attempts} attempts")
