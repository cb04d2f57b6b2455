"""Reading charts back, for the API and the ``charts list`` command."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kiosk.server.models import Chart
from kiosk.server.schemas import ChartOut

_WITH_CHILDREN = (selectinload(Chart.documents), selectinload(Chart.consents))


def list_charts(session: Session) -> list[ChartOut]:
    """Every chart with its documents and consents, newest first."""
    rows = session.scalars(
        select(Chart).options(*_WITH_CHILDREN).order_by(Chart.created_at.desc(), Chart.id.desc())
    )
    return [ChartOut.model_validate(chart) for chart in rows]


def get_chart(session: Session, chart_id: int) -> ChartOut | None:
    """One chart, or None when there is no chart *chart_id*."""
    chart = session.get(Chart, chart_id, options=_WITH_CHILDREN)
    return None if chart is None else ChartOut.model_validate(chart)
