"""Charts as FHIR Patients.

An applicant chart carries the ``applicant`` tag and ``login-enabled`` false; a chart merged
into an employee chart is ``active: false`` and ``link``\\s ``replaced-by`` it, and the
employee chart ``link``\\s ``replaces`` each chart merged into it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, Select, and_, case, false, or_, select

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import SqlKind, latest_of
from kiosk.server.fhir.search import (
    STANDARD,
    Criterion,
    ParamType,
    SearchParam,
    sql_day,
    sql_string,
    sql_token,
)
from kiosk.server.models import Chart, Portal

_KIND_DISPLAY = {
    "applicant": "Applicant chart",
    "employee": "Employee chart",
    "contractor": "Contractor chart",
    "visitor": "Visitor chart",
}


def _identifier_clause(system: str | None, code: str) -> ColumnElement[bool]:
    by_reference = Chart.reference == code if code else Chart.reference.is_not(None)
    by_external = Chart.external_id == code if code else Chart.external_id.is_not(None)
    if system is None:
        return or_(Chart.reference == code, Chart.external_id == code)
    if system == s.CHART_REFERENCE:
        return by_reference
    if system == s.HR_EXTERNAL_ID:
        return by_external
    return false()


LAST_UPDATED = latest_of(
    Chart.updated_at,
    case((Chart.provider_organization.is_(None), Portal.updated_at), else_=None),
)
"""The chart's last change, or its portal's when the portal names its provider organization
(the Patient's ``managingOrganization``)."""


class PatientKind(SqlKind):
    name = "Patient"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "name",
            ParamType.STRING,
            "Family or given name; starts with, ignoring case (:exact, :contains).",
            STANDARD + "Patient-name",
        ),
        SearchParam("family", ParamType.STRING, "Family name.", STANDARD + "individual-family"),
        SearchParam("given", ParamType.STRING, "Given name.", STANDARD + "individual-given"),
        SearchParam(
            "birthdate", ParamType.DATE, "Date of birth.", STANDARD + "individual-birthdate"
        ),
        SearchParam(
            "identifier",
            ParamType.TOKEN,
            f"The chart reference ({s.CHART_REFERENCE}) or the HR external id"
            f" ({s.HR_EXTERNAL_ID}): system|value or value.",
            STANDARD + "Patient-identifier",
        ),
        SearchParam(
            "active",
            ParamType.TOKEN,
            "false for a chart merged into another (or retired).",
            STANDARD + "Patient-active",
        ),
    )
    patient_compartment = True

    def statement(self) -> Select[*tuple[Any, ...]]:
        return select(Chart, LAST_UPDATED.label("last_updated")).outerjoin(
            Portal, Portal.name == Chart.portal
        )

    def id_column(self) -> Any:
        return Chart.id

    def last_updated(self) -> Any:
        return LAST_UPDATED

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        name = criterion.name
        if name == "name":
            return or_(
                sql_string(Chart.last_name, criterion), sql_string(Chart.first_name, criterion)
            )
        if name == "family":
            return sql_string(Chart.last_name, criterion)
        if name == "given":
            return sql_string(Chart.first_name, criterion)
        if name == "birthdate":
            return and_(
                Chart.date_of_birth.is_not(None), sql_day(Chart.date_of_birth, criterion.dates)
            )
        if name == "identifier":
            return sql_token(_identifier_clause, criterion)
        if name == "active":
            wanted = {v.partition("|")[2] or v for v in criterion.values}
            clauses = []
            if "true" in wanted:
                clauses.append(Chart.retired_at.is_(None))
            if "false" in wanted:
                clauses.append(Chart.retired_at.is_not(None))
            return or_(*clauses) if clauses else false()
        return super().clause(criterion)

    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        charts = [row[0] for row in rows]
        last_updated = {row[0].id: row[1] for row in rows}
        replaces: dict[int, list[int]] = defaultdict(list)
        if charts:
            merged = ctx.session.execute(
                select(Chart.id, Chart.merged_into_id)
                .where(Chart.merged_into_id.in_([c.id for c in charts]))
                .order_by(Chart.id)
            )
            for merged_id, into in merged:
                assert into is not None  # the query selects merged charts only
                replaces[into].append(merged_id)
        return [
            patient(ctx, chart, replaces.get(chart.id, []), last_updated[chart.id])
            for chart in charts
        ]

    def patient_reference(self, resource: dict[str, Any]) -> str | None:
        return f"Patient/{resource['id']}"


def patient(
    ctx: Context, chart: Chart, replaces: list[int], last_updated: datetime
) -> dict[str, Any]:
    """The Patient of *chart*; *replaces* are the ids of the charts merged into it."""
    provider = ctx.provider_of(chart.portal, chart.provider_organization)
    identifiers: list[dict[str, Any]] = [
        {
            "use": "usual",
            "type": {"coding": [s.coding(s.V2_IDENTIFIER_TYPE, "MR", "Medical record number")]},
            "system": s.CHART_REFERENCE,
            "value": chart.reference,
        }
    ]
    if chart.external_id:
        identifiers.append(
            {
                "use": "official",
                "type": {"coding": [s.coding(s.V2_IDENTIFIER_TYPE, "EI", "Employee number")]},
                "system": s.HR_EXTERNAL_ID,
                "value": chart.external_id,
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(chart.id),
        "meta": s.meta(
            last_updated,
            s.coding(s.CHART_KIND, chart.kind, _KIND_DISPLAY.get(chart.kind)),
        ),
        "extension": [
            {"url": s.EXT_LOGIN_ENABLED, "valueBoolean": chart.login_enabled},
            {"url": s.EXT_PORTAL, "valueString": chart.portal},
        ],
        "identifier": identifiers,
        "active": chart.retired_at is None,
        "name": [
            {
                "use": "official",
                "text": f"{chart.first_name} {chart.last_name}",
                "family": chart.last_name,
                "given": [chart.first_name],
            }
        ],
    }
    if chart.department.strip():
        department = s.reference(
            "Organization", s.department_id(provider, chart.department), chart.department
        )
        resource["extension"].insert(0, {"url": s.EXT_DEPARTMENT, "valueReference": department})
    if chart.email:
        resource["telecom"] = [{"system": "email", "value": chart.email}]
    if chart.date_of_birth is not None:
        resource["birthDate"] = chart.date_of_birth.isoformat()
    if provider:
        resource["managingOrganization"] = s.reference(
            "Organization", s.provider_id(provider), provider
        )
    resource["communication"] = [
        {
            "language": {"coding": [{"system": s.BCP47, "code": s.language_tag(chart.language)}]},
            "preferred": True,
        }
    ]
    links = []
    if chart.merged_into_id is not None:
        links.append({"other": s.reference("Patient", chart.merged_into_id), "type": "replaced-by"})
    links.extend({"other": s.reference("Patient", other), "type": "replaces"} for other in replaces)
    if links:
        resource["link"] = links
    return resource
