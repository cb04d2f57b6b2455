"""Tasklist events: raised by a portal's task rules, listed and marked done by staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.models import Task, TaskEvent, utc_now
from kiosk.server.portals import PortalConfig


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    ALL = "all"


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    chart_id: int
    portal: str
    event: str
    title: str
    queue: str
    detail: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None


def task_rows(
    portal_name: str,
    portal: PortalConfig | None,
    chart_id: int,
    event: TaskEvent,
    document_types: Iterable[str] = (),
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The ``tasks`` rows that *event* raises on *portal* for a chart, as column values.

    For ``document_filed``, *document_types* are the types of the documents just filed:
    each one raises the rules that name its type or no type.
    """
    if portal is None:
        return []
    created_at = now or utc_now()
    rules = [rule for rule in portal.tasks if rule.event == event]
    if event != TaskEvent.DOCUMENT_FILED:
        raised = [(rule, "") for rule in rules]
    else:
        raised = [
            (rule, document_type)
            for document_type in document_types
            for rule in rules
            if rule.document_type in (None, document_type)
        ]
    return [
        {
            "chart_id": chart_id,
            "portal": portal_name,
            "event": event.value,
            "title": rule.title,
            "queue": rule.queue,
            "detail": detail,
            "created_at": created_at,
        }
        for rule, detail in raised
    ]


def tasks_for(
    portal_name: str,
    portal: PortalConfig | None,
    chart_id: int,
    event: TaskEvent,
    document_types: Iterable[str] = (),
) -> list[Task]:
    """New tasks (not added to a session) that *event* raises on *portal* for a chart
    (see :func:`task_rows`)."""
    rows = task_rows(portal_name, portal, chart_id, event, document_types)
    return [Task(**row) for row in rows]


def list_tasks(
    session: Session,
    status: TaskStatus = TaskStatus.OPEN,
    portal: str | None = None,
    limit: int = 500,
) -> list[TaskOut]:
    """Tasks, oldest first."""
    query = select(Task).order_by(Task.id).limit(limit)
    if status == TaskStatus.OPEN:
        query = query.where(Task.done_at.is_(None))
    elif status == TaskStatus.DONE:
        query = query.where(Task.done_at.is_not(None))
    if portal is not None:
        query = query.where(Task.portal == portal)
    return [TaskOut.model_validate(task) for task in session.scalars(query)]


def mark_done(session: Session, task_id: int, by: str) -> TaskOut | None:
    """Mark task *task_id* done (committed); a task already done keeps its first time."""
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        return None
    if task.done_at is None:
        task.done_at = utc_now()
        task.done_by = by
        session.commit()
    return TaskOut.model_validate(task)
