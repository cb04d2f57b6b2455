"""Merging an applicant chart into an employee chart, and purging applicant charts.

A merge moves the applicant chart's documents, consent signatures and tasks onto the
employee chart (a questionnaire the applicant filed then counts as filed for the employee:
an open assignment of the same form is marked filed with that document), retires the
applicant chart (``retired_at``, ``merged_into_id``) and records a
:class:`~kiosk.server.models.Merge`. It is refused, with the reason, when the first chart
is not an unmerged applicant chart or the second is not a live staff chart.

Retention: applicant charts that were never merged are deleted once they are older than
the retention period; their documents, signatures and tasks go with them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.server.errors import ApiError
from kiosk.server.models import (
    Assignment,
    Chart,
    ChartKind,
    ConsentSignature,
    Document,
    Merge,
    Task,
    utc_now,
)
from kiosk.server.schemas_staff import MergeOut

MERGE_TARGET_KINDS = (ChartKind.EMPLOYEE.value, ChartKind.CONTRACTOR.value)


def _refuse(reason: str, error: str = "merge_refused") -> ApiError:
    return ApiError(409, error, reason)


def _load_pair(session: Session, applicant_id: int, employee_id: int) -> tuple[Chart, Chart]:
    if applicant_id == employee_id:
        raise _refuse("a chart cannot be merged into itself")
    charts = {
        chart.id: chart
        for chart in session.scalars(
            select(Chart)
            .where(Chart.id.in_((applicant_id, employee_id)))
            .order_by(Chart.id)
            .with_for_update()
        )
    }
    applicant, employee = charts.get(applicant_id), charts.get(employee_id)
    if applicant is None:
        raise ApiError(404, "chart_unknown", f"no chart {applicant_id}")
    if employee is None:
        raise ApiError(404, "chart_unknown", f"no chart {employee_id}")
    return applicant, employee


def _check(session: Session, applicant: Chart, employee: Chart) -> None:
    earlier = session.scalar(select(Merge).where(Merge.applicant_chart_id == applicant.id))
    if earlier is not None or applicant.merged_into_id is not None:
        into = earlier.employee_chart_id if earlier is not None else applicant.merged_into_id
        raise _refuse(
            f"chart {applicant.id} was already merged into chart {into}", "already_merged"
        )
    if applicant.kind != ChartKind.APPLICANT:
        raise _refuse(
            f"chart {applicant.id} is not an applicant chart (it is {applicant.kind})",
            "not_an_applicant",
        )
    if applicant.retired_at is not None:
        raise _refuse(f"chart {applicant.id} is retired", "chart_retired")
    if employee.kind not in MERGE_TARGET_KINDS:
        raise _refuse(
            f"chart {employee.id} is not an employee or contractor chart (it is {employee.kind})",
            "not_an_employee",
        )
    if employee.retired_at is not None:
        raise _refuse(f"chart {employee.id} is retired", "chart_retired")


def _move(session: Session, model: type, applicant_id: int, employee_id: int) -> int:
    result = session.execute(
        update(model).where(model.chart_id == applicant_id).values(chart_id=employee_id)  # type: ignore[attr-defined]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _form(questionnaire: str) -> str:
    """A questionnaire's canonical URL without its version."""
    return questionnaire.split("|", 1)[0]


def _count_filed_forms(session: Session, chart_id: int) -> int:
    """Mark the chart's open assignments filed where the chart has a document of the same
    form (by canonical URL): after a merge, the applicant's pre-placement form counts for
    the employee. How many were marked."""
    filed: dict[str, Document] = {}
    for document in session.scalars(
        select(Document).where(Document.chart_id == chart_id).order_by(Document.filed_at)
    ):
        filed[_form(document.questionnaire)] = document
    marked = 0
    for assignment in session.scalars(
        select(Assignment).where(Assignment.chart_id == chart_id, Assignment.completed_at.is_(None))
    ):
        answering = filed.get(_form(assignment.questionnaire))
        if answering is not None:
            assignment.document_id = answering.id
            assignment.completed_at = answering.filed_at
            marked += 1
    return marked


def merge_charts(session: Session, applicant_id: int, employee_id: int, by: str) -> MergeOut:
    """Merge chart *applicant_id* into chart *employee_id* (committed)."""
    applicant, employee = _load_pair(session, applicant_id, employee_id)
    _check(session, applicant, employee)
    now = utc_now()
    documents = _move(session, Document, applicant.id, employee.id)
    consents = _move(session, ConsentSignature, applicant.id, employee.id)
    tasks = _move(session, Task, applicant.id, employee.id)
    _move(session, Assignment, applicant.id, employee.id)
    _count_filed_forms(session, employee.id)
    applicant.retired_at = now
    applicant.merged_into_id = employee.id
    employee.updated_at = now  # its FHIR Patient now links the applicant chart it replaces
    record = Merge(
        applicant_chart_id=applicant.id,
        employee_chart_id=employee.id,
        merged_at=now,
        merged_by=by,
        documents_moved=documents,
        consents_moved=consents,
        tasks_moved=tasks,
    )
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # a concurrent merge of the same applicant chart won
        session.rollback()
        raise _refuse(f"chart {applicant_id} was already merged", "already_merged") from None
    out = MergeOut.model_validate(record, from_attributes=True)
    session.commit()
    return out


def purge_applicants(
    session: Session, older_than: timedelta, *, now: datetime | None = None, dry_run: bool = False
) -> int:
    """Delete applicant charts never merged and created before ``now - older_than``
    (committed unless *dry_run*); how many there were."""
    cutoff = (now or utc_now()) - older_than
    stale = select(Chart.id).where(
        Chart.kind == ChartKind.APPLICANT.value,
        Chart.merged_into_id.is_(None),
        Chart.retired_at.is_(None),
        Chart.created_at < cutoff,
    )
    if dry_run:
        count = len(session.scalars(stale).all())
        session.rollback()
        return count
    result = session.execute(delete(Chart).where(Chart.id.in_(stale.scalar_subquery())))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
