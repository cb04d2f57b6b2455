"""Tasklist events as FHIR Tasks: ``for`` the Patient, ``focus`` the DocumentReference a
``document_filed`` event was raised by (else the Patient), ``owner`` the queue (an
Organization of type ``team``), status
``ready`` while open and ``completed`` once done."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, Select, false, or_, select

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import SqlKind
from kiosk.server.fhir.search import (
    STANDARD,
    Criterion,
    ParamType,
    SearchParam,
    reference_ids,
    sql_in,
)
from kiosk.server.models import Document, Task, TaskEvent

_EVENT_DISPLAY = {
    TaskEvent.APPLICANT_REGISTERED.value: "Applicant registered",
    TaskEvent.DOCUMENT_FILED.value: "Document filed",
    TaskEvent.CODE_REDEEMED.value: "Pickup code redeemed",
}


class TaskKind(SqlKind):
    name = "Task"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "patient",
            ParamType.REFERENCE,
            "The Patient (chart) it is for.",
            STANDARD + "Task-patient",
        ),
        SearchParam(
            "subject",
            ParamType.REFERENCE,
            "The Patient (chart) it is for.",
            STANDARD + "Task-subject",
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "ready (open on the tasklist) or completed (marked done).",
            STANDARD + "Task-status",
        ),
    )
    includes: ClassVar[tuple[str, ...]] = ("patient", "subject")
    patient_compartment = True

    def statement(self) -> Select[*tuple[Any, ...]]:
        return select(Task)

    def id_column(self) -> Any:
        return Task.id

    def last_updated(self) -> Any:
        return Task.updated_at

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name in ("patient", "subject"):
            return sql_in(Task.chart_id, reference_ids(criterion, "Patient"))
        if criterion.name == "status":
            wanted = {v.partition("|")[2] or v for v in criterion.values}
            clauses = []
            if "ready" in wanted:
                clauses.append(Task.done_at.is_(None))
            if "completed" in wanted:
                clauses.append(Task.done_at.is_not(None))
            return or_(*clauses) if clauses else false()
        return super().clause(criterion)

    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        tasks = [row[0] for row in rows]
        focus = _document_focus(ctx, tasks)
        return [task(t, focus.get(t.id)) for t in tasks]

    def patient_reference(self, resource: dict[str, Any]) -> str | None:
        reference: str = resource["for"]["reference"]
        return reference


def _document_focus(ctx: Context, tasks: Sequence[Task]) -> dict[int, int]:
    """The document each ``document_filed`` task was raised by (task id: document id).

    A task records the chart and document type, and is raised as the document is filed:
    its document is of that type on that chart, filed at or before the task; of several
    filed at one time, the n-th such task of that time gets the n-th document.
    """
    filed = [t for t in tasks if t.event == TaskEvent.DOCUMENT_FILED.value and t.detail]
    if not filed:
        return {}
    documents = ctx.session.execute(
        select(Document.id, Document.chart_id, Document.document_type, Document.filed_at)
        .where(Document.chart_id.in_({t.chart_id for t in filed}))
        .order_by(Document.filed_at, Document.id)
    ).all()
    siblings = ctx.session.execute(
        select(Task.id, Task.chart_id, Task.detail, Task.created_at)
        .where(Task.chart_id.in_({t.chart_id for t in filed}))
        .where(Task.event == TaskEvent.DOCUMENT_FILED.value)
        .order_by(Task.id)
    ).all()
    by_type: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for document in documents:  # ordered by filing time, then id
        by_type[(document.chart_id, document.document_type)].append(document)
    filed_times = {key: [d.filed_at for d in docs] for key, docs in by_type.items()}
    peers: dict[tuple[int, str, Any], list[int]] = defaultdict(list)
    for sibling in siblings:  # ordered by id
        peers[(sibling.chart_id, sibling.detail, sibling.created_at)].append(sibling.id)
    focus: dict[int, int] = {}
    for t in filed:
        key = (t.chart_id, t.detail)
        filed_before = bisect_right(filed_times.get(key, []), t.created_at)
        if filed_before == 0:
            continue
        candidates = by_type[key][:filed_before]
        newest = candidates[-1].filed_at
        same_time = [d.id for d in candidates if d.filed_at == newest]
        group = peers[(t.chart_id, t.detail, t.created_at)]
        rank = group.index(t.id) if t.id in group else 0
        focus[t.id] = same_time[min(rank, len(same_time) - 1)]
    return focus


def task(row: Task, document_id: int | None) -> dict[str, Any]:
    period: dict[str, str] = {"start": s.instant(row.created_at)}
    if row.done_at is not None:
        period["end"] = s.instant(row.done_at)
    resource: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(row.id),
        "meta": s.meta(row.updated_at, s.coding(s.PORTAL, row.portal)),
        "status": "completed" if row.done_at is not None else "ready",
        "intent": "order",
        "code": {
            "coding": [s.coding(s.TASK_EVENT, row.event, _EVENT_DISPLAY.get(row.event))],
            "text": row.title,
        },
        "description": row.title,
        "focus": (
            s.reference("DocumentReference", document_id)
            if document_id is not None
            else s.reference("Patient", row.chart_id)
        ),
        "for": s.reference("Patient", row.chart_id),
        "executionPeriod": period,
        "authoredOn": s.instant(row.created_at),
        "lastModified": s.instant(row.updated_at),
        "owner": s.reference("Organization", s.queue_id(row.queue), row.queue),
    }
    if row.detail:
        resource["note"] = [{"text": row.detail}]
    if row.done_by:
        resource["note"] = [*resource.get("note", []), {"text": f"Marked done by {row.done_by}"}]
    return resource
