"""One chart as staff see it (``kiosk-server charts show ID``): its details, the login's
username and state, each consent form with when it is due, assignments, documents, tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.consents import chart_signatures, due_consents
from kiosk.server.models import Assignment, Chart, Document, Login, Task, utc_now
from kiosk.server.portals import portal_config


@dataclass(frozen=True)
class ConsentLine:
    form_id: str
    title: str
    last_signed_at: datetime | None
    due: str
    """``due now (why)``, ``due YYYY-MM-DD`` or ``signed once, not renewed``."""


def _login_state(chart: Chart, login: Login | None) -> str:
    if login is None:
        return "none (not redeemed yet)"
    if login.disabled_at is not None:
        return f"{login.username} (disabled {login.disabled_at:%Y-%m-%d %H:%M} UTC)"
    return f"{login.username} ({'enabled' if chart.login_enabled else 'disabled'})"


def _consents(session: Session, chart: Chart, now: datetime) -> list[ConsentLine]:
    portal = portal_config(session, chart.portal)
    if portal is None:
        return []
    signatures = chart_signatures(session, chart.id)
    due = {d.form_id: d for d in due_consents(portal, signatures, now)}
    lines = []
    for form in portal.consents:
        signed = [s for s in signatures if s.form_id == form.form_id]
        last = max((s.signed_at for s in signed), default=None)
        if form.form_id in due:
            when = f"due now ({due[form.form_id].reason.value.replace('_', ' ')})"
        elif form.renewal_interval_days is not None and last is not None:
            next_due = last + timedelta(days=form.renewal_interval_days)
            when = f"due {next_due:%Y-%m-%d}"
        else:
            when = "signed once, not renewed"
        lines.append(ConsentLine(form.form_id, form.title, last, when))
    return lines


def show_chart(session: Session, chart_id: int) -> str | None:
    """The chart as text, or None when there is no chart *chart_id*."""
    chart = session.get(Chart, chart_id)
    if chart is None:
        return None
    now = utc_now()
    login = session.scalar(select(Login).where(Login.chart_id == chart.id))
    out = [
        f"chart {chart.id} ({chart.reference})  {chart.last_name}, {chart.first_name}",
        f"  kind:         {chart.kind}",
        f"  portal:       {chart.portal}",
        f"  department:   {chart.department or '-'}",
        f"  email:        {chart.email or '-'}",
        f"  phone:        {chart.phone or '-'}",
        f"  birth date:   {chart.date_of_birth or '-'}",
        f"  language:     {chart.language}",
        f"  external id:  {chart.external_id or '-'}",
        f"  created:      {chart.created_at:%Y-%m-%d %H:%M} UTC",
        f"  login:        {_login_state(chart, login)}",
    ]
    if chart.retired_at is not None:
        out.append(
            f"  retired:      {chart.retired_at:%Y-%m-%d %H:%M} UTC"
            + (f", merged into chart {chart.merged_into_id}" if chart.merged_into_id else "")
        )
    out.append("consents:")
    consents = _consents(session, chart, now)
    for line in consents:
        signed = f"{line.last_signed_at:%Y-%m-%d}" if line.last_signed_at else "never"
        out.append(f"  {line.form_id}: {line.title}  last signed {signed}; {line.due}")
    if not consents:
        out.append("  (none)")
    out.append("assignments:")
    assignments = session.scalars(
        select(Assignment).where(Assignment.chart_id == chart.id).order_by(Assignment.id)
    ).all()
    for a in assignments:
        state = f"filed {a.completed_at:%Y-%m-%d}" if a.completed_at else "open"
        out.append(f"  {a.questionnaire}  {a.title}  assigned {a.assigned_at:%Y-%m-%d}; {state}")
    if not assignments:
        out.append("  (none)")
    out.append("documents:")
    documents = session.scalars(
        select(Document).where(Document.chart_id == chart.id).order_by(Document.id)
    ).all()
    for d in documents:
        out.append(f"  {d.document_type} [{d.chart_tab}] - {d.title}  filed {d.filed_at:%Y-%m-%d}")
    if not documents:
        out.append("  (none)")
    out.append("tasks:")
    tasks = session.scalars(select(Task).where(Task.chart_id == chart.id).order_by(Task.id)).all()
    for t in tasks:
        state = f"done {t.done_at:%Y-%m-%d}" if t.done_at else "open"
        out.append(f"  #{t.id} [{t.queue}] {t.title}  {state}")
    if not tasks:
        out.append("  (none)")
    return "\n".join(out)
