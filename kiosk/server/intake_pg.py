"""Filing an applicant's visit on PostgreSQL: the chart, its documents, consent signatures,
tasks and idempotency record in one statement.

Data-modifying CTEs insert the chart and then every child row from JSON arrays, so the
whole visit is one round trip and one prepared statement, atomic on its own (the caller
runs it in autocommit: no BEGIN and COMMIT round trips either). Rows keep the order of
their arrays (``WITH ORDINALITY``), so ids grow in the order the kiosk sent them, as they
do with the portable statements of :mod:`kiosk.server.intake_sql`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, text

from kiosk.server.intake_sql import Filing
from kiosk.server.models import UTCDateTime

_FILE_VISIT = text(
    """
WITH chart AS (
    INSERT INTO charts (reference, kind, first_name, last_name, portal, department,
                        login_enabled, language, terminal, created_at)
    VALUES (:reference, :kind, :first_name, :last_name, :portal, :department,
            :login_enabled, :language, :terminal, :now)
    RETURNING id
), documents AS (
    INSERT INTO documents (chart_id, questionnaire, title, order_item, document_type,
                           chart_tab, response, filed_at)
    SELECT chart.id, d.questionnaire, d.title, d.order_item, d.document_type,
           d.chart_tab, d.response, :now
    FROM chart, ROWS FROM (json_to_recordset(CAST(:documents AS json)) AS (
        questionnaire text, title text, order_item text, document_type text,
        chart_tab text, response json
    )) WITH ORDINALITY AS d(questionnaire, title, order_item, document_type,
                            chart_tab, response, n)
    ORDER BY d.n
), consents AS (
    INSERT INTO consent_signatures (chart_id, form_id, title, version, language,
                                    typed_name, signed_at, terminal)
    SELECT chart.id, c.form_id, c.title, c.version, c.language,
           c.typed_name, c.signed_at, c.terminal
    FROM chart, ROWS FROM (json_to_recordset(CAST(:consents AS json)) AS (
        form_id text, title text, version text, language text, typed_name text,
        signed_at timestamptz, terminal text
    )) WITH ORDINALITY AS c(form_id, title, version, language, typed_name,
                            signed_at, terminal, n)
    ORDER BY c.n
), tasks AS (
    INSERT INTO tasks (chart_id, portal, event, title, queue, detail, created_at)
    SELECT chart.id, t.portal, t.event, t.title, t.queue, t.detail, :now
    FROM chart, ROWS FROM (json_to_recordset(CAST(:tasks AS json)) AS (
        portal text, event text, title text, queue text, detail text
    )) WITH ORDINALITY AS t(portal, event, title, queue, detail, n)
    ORDER BY t.n
)
INSERT INTO idempotency_keys (key, fingerprint, chart_id, response_body, created_at)
SELECT :key, :fingerprint, chart.id,
       json_build_object('chart_id', chart.id, 'reference', CAST(:reference AS text)), :now
FROM chart
RETURNING chart_id
"""
).bindparams(bindparam("now", type_=UTCDateTime()))

_TASK_COLUMNS = ("portal", "event", "title", "queue", "detail")


def _consent(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "signed_at": row["signed_at"].isoformat()}


def write(connection: Connection, filing: Filing) -> int:
    """Insert the chart, its children and the key record in one statement; the chart's id."""
    visit = filing.visit
    tasks = visit.tasks(filing.portal, 0, filing.now)  # the chart id is the CTE's
    params = {
        **visit.chart_values,
        "reference": filing.reference,
        "now": filing.now,
        "key": filing.key,
        "fingerprint": filing.fingerprint,
        "documents": json.dumps(visit.documents),
        "consents": json.dumps([_consent(row) for row in visit.consents]),
        "tasks": json.dumps([{c: task[c] for c in _TASK_COLUMNS} for task in tasks]),
    }
    chart_id: int = connection.execute(_FILE_VISIT, params).scalar_one()
    return chart_id
