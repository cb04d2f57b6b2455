"""The rows of an applicant's visit and the portable statements that file them (Core).

The statements are built once, at import: SQLAlchemy then finds each one's compiled form
by a memoized cache key instead of coercing and hashing a new statement per request,
which is most of what the ORM path cost. The rows of a visit are made from the validated
body before any transaction opens; only the chart id, reference and time come later.
The same statements serve SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Text, bindparam, cast, insert, select

from kiosk.contract.wire.applicant import ApplicantIn
from kiosk.server.filing import (
    Problem,
    Refused,
    consent_problems,
    consent_title,
    document_problems,
    filed_spec,
    portal_department,
)
from kiosk.server.models import (
    Chart,
    ChartKind,
    ConsentSignature,
    Document,
    IdempotencyKey,
    Portal,
    Task,
    TaskEvent,
    table_of,
)
from kiosk.server.portals import PortalConfig
from kiosk.server.tasks import task_rows

_KEYS = IdempotencyKey.__table__.c
_PORTALS = Portal.__table__.c


def _key_column(column: Any) -> Any:
    return select(column).where(_KEYS.key == bindparam("key")).scalar_subquery()


LOOK_UP = select(
    _key_column(_KEYS.fingerprint).label("fingerprint"),
    _key_column(_KEYS.response_body).label("response_body"),
    select(cast(_PORTALS.config, Text))
    .where(_PORTALS.name == bindparam("portal"))
    .scalar_subquery()
    .label("portal_config"),
)
"""The key's earlier record (if any) and the portal's configuration as JSON text (see
:func:`kiosk.server.portals.parse_portal_config`), in one round trip."""


def _department_problems(payload: ApplicantIn, portal: PortalConfig) -> list[Problem]:
    department = portal_department(portal)
    if payload.department is None or payload.department == department:
        return []
    return [
        Problem(
            ("body", "department"),
            f"the portal files applicants under {department!r}",
            "not_configured",
        )
    ]


INSERT_CHART = insert(table_of(Chart)).returning(table_of(Chart).c.id)
INSERT_DOCUMENT = insert(table_of(Document))
INSERT_CONSENT = insert(table_of(ConsentSignature))
INSERT_TASK = insert(table_of(Task))
INSERT_KEY = insert(table_of(IdempotencyKey))


class Found(NamedTuple):
    """What :data:`LOOK_UP` found: the key's record, and the portal's stored configuration."""

    fingerprint: str | None
    response_body: dict[str, Any] | None
    portal_config: str | None


def look_up(connection: Connection, key: str, portal: str) -> Found:
    row = connection.execute(LOOK_UP, {"key": key, "portal": portal}).one()
    return Found(row.fingerprint, row.response_body, row.portal_config)


@dataclass(frozen=True)
class VisitRows:
    """The column values of one visit's rows, short of what the transaction decides."""

    portal: str
    chart_values: dict[str, Any]
    documents: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    document_types: list[str]

    @classmethod
    def of(cls, payload: ApplicantIn, terminal: str, portal: PortalConfig) -> VisitRows:
        """The rows of *payload* filed by *terminal* on *portal*: the department and each
        document's filing come from the portal's configuration, never from the body.

        Raises :class:`kiosk.server.filing.Refused` when the body disagrees with it.
        """
        problems = [
            *_department_problems(payload, portal),
            *consent_problems(portal, payload.consents),
            *document_problems(portal, payload.documents),
        ]
        if problems:
            raise Refused(problems)
        specs = [filed_spec(portal, doc) for doc in payload.documents]
        return cls(
            portal=payload.portal,
            chart_values={
                "kind": ChartKind.APPLICANT.value,
                "first_name": payload.first_name,
                "last_name": payload.last_name,
                "portal": payload.portal,
                "department": portal_department(portal),
                "login_enabled": False,
                "language": payload.language,
                "terminal": terminal,
            },
            documents=[
                {
                    "questionnaire": doc.questionnaire,
                    "title": spec.title,
                    "order_item": spec.order_item,
                    "document_type": spec.document_type,
                    "chart_tab": spec.chart_tab,
                    "response": doc.response,
                    "terminal": terminal,
                }
                for doc, spec in zip(payload.documents, specs, strict=True)
            ],
            consents=[
                {
                    "form_id": consent.form_id,
                    "title": consent_title(portal, consent),
                    "version": consent.version,
                    "language": consent.language,
                    "typed_name": consent.typed_name,
                    "signed_at": consent.signed_at,
                    "terminal": terminal,
                }
                for consent in payload.consents
            ],
            document_types=[spec.document_type for spec in specs],
        )

    def tasks(self, portal: PortalConfig, chart_id: int, now: datetime) -> list[dict[str, Any]]:
        """The ``tasks`` rows the portal's rules raise for this new applicant and its documents."""
        return [
            *task_rows(self.portal, portal, chart_id, TaskEvent.APPLICANT_REGISTERED, now=now),
            *task_rows(
                self.portal, portal, chart_id, TaskEvent.DOCUMENT_FILED, self.document_types, now
            ),
        ]


@dataclass(frozen=True)
class Filing:
    """One attempt at filing a visit: its rows, the portal's rules and what was decided."""

    visit: VisitRows
    portal: PortalConfig
    key: str
    fingerprint: str
    reference: str
    now: datetime

    def key_row(self, chart_id: int) -> dict[str, Any]:
        """The ``idempotency_keys`` row, whose body is the answer a replay gets."""
        return {
            "key": self.key,
            "fingerprint": self.fingerprint,
            "chart_id": chart_id,
            "response_body": {"chart_id": chart_id, "reference": self.reference},
            "created_at": self.now,
        }


def write(connection: Connection, filing: Filing) -> int:
    """Insert the chart, its children and the key record (not committed); the chart's id.

    One statement per table, each kind of child row in one executemany.
    """
    visit, now = filing.visit, filing.now
    chart = {**visit.chart_values, "reference": filing.reference, "created_at": now}
    chart_id: int = connection.execute(INSERT_CHART, chart).scalar_one()
    if visit.documents:
        documents = [{**row, "chart_id": chart_id, "filed_at": now} for row in visit.documents]
        connection.execute(INSERT_DOCUMENT, documents)
    if visit.consents:
        connection.execute(
            INSERT_CONSENT, [{**row, "chart_id": chart_id} for row in visit.consents]
        )
    tasks = visit.tasks(filing.portal, chart_id, now)
    if tasks:
        connection.execute(INSERT_TASK, tasks)
    connection.execute(INSERT_KEY, filing.key_row(chart_id))
    return chart_id
