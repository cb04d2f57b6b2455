"""Consent signatures as FHIR Consents.

``policyRule`` names the form (code = form id, version = the SHA-256 of the signed text),
``sourceAttachment`` its title and the language it was signed in, ``provision.period``
runs from the signature to the renewal due date (when the form has a renewal interval).
A signature is ``active`` until a later signature of the same form on the same chart
supersedes it; then it is ``inactive``, and its ``meta.lastUpdated`` is when that happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, Select, and_, false, func, or_, select
from sqlalchemy.orm import aliased

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.kinds import SqlKind, latest_of
from kiosk.server.fhir.search import (
    STANDARD,
    Criterion,
    ParamType,
    SearchParam,
    reference_ids,
    sql_in,
)
from kiosk.server.models import Chart, ConsentSignature, Portal

_later = aliased(ConsentSignature)

SUPERSEDED_AT = (
    select(func.min(_later.updated_at))
    .where(
        _later.chart_id == ConsentSignature.chart_id,
        _later.form_id == ConsentSignature.form_id,
        or_(
            _later.signed_at > ConsentSignature.signed_at,
            and_(_later.signed_at == ConsentSignature.signed_at, _later.id > ConsentSignature.id),
        ),
    )
    .correlate(ConsentSignature)
    .scalar_subquery()
)
"""When a later signature of the same form on the same chart was recorded (none: active)."""

LAST_UPDATED = latest_of(ConsentSignature.updated_at, SUPERSEDED_AT, Portal.updated_at)
"""The signature's last change, its supersession, or its portal's last change (which may
change the renewal due date)."""


class ConsentKind(SqlKind):
    name = "Consent"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "patient",
            ParamType.REFERENCE,
            "The Patient (chart) who signed.",
            STANDARD + "clinical-patient",
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "active, or inactive once a later signature of the same form supersedes it.",
            STANDARD + "Consent-status",
        ),
    )
    includes: ClassVar[tuple[str, ...]] = ("patient",)
    patient_compartment = True

    def statement(self) -> Select[*tuple[Any, ...]]:
        return (
            select(
                ConsentSignature,
                SUPERSEDED_AT.label("superseded_at"),
                Chart.portal,
                Chart.provider_organization,
                LAST_UPDATED.label("last_updated"),
            )
            .join(Chart, Chart.id == ConsentSignature.chart_id)
            .outerjoin(Portal, Portal.name == Chart.portal)
        )

    def id_column(self) -> Any:
        return ConsentSignature.id

    def last_updated(self) -> Any:
        return LAST_UPDATED

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name == "patient":
            return sql_in(ConsentSignature.chart_id, reference_ids(criterion, "Patient"))
        if criterion.name == "status":
            wanted = {v.partition("|")[2] or v for v in criterion.values}
            clauses = []
            if "active" in wanted:
                clauses.append(SUPERSEDED_AT.is_(None))
            if "inactive" in wanted:
                clauses.append(SUPERSEDED_AT.is_not(None))
            return or_(*clauses) if clauses else false()
        return super().clause(criterion)

    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        return [
            consent(ctx, row[0], row[1], row[2], ctx.provider_of(row[2], row[3]), row[4])
            for row in rows
        ]

    def patient_reference(self, resource: dict[str, Any]) -> str | None:
        reference: str = resource["patient"]["reference"]
        return reference


def _renewal_days(ctx: Context, portal: str, form_id: str) -> int | None:
    """The form's renewal interval: from the chart's portal, else any portal that has it."""
    stored = ctx.portals.get(portal)
    candidates = [stored] if stored is not None else []
    candidates += [p for name, p in sorted(ctx.portals.items()) if name != portal]
    for candidate in candidates:
        form = candidate.config.consent(form_id)
        if form is not None:
            return form.renewal_interval_days
    return None


def consent(
    ctx: Context,
    signature: ConsentSignature,
    superseded_at: datetime | None,
    portal: str,
    provider: str | None,
    last_updated: datetime,
) -> dict[str, Any]:
    period: dict[str, str] = {"start": s.instant(signature.signed_at)}
    renewal = _renewal_days(ctx, portal, signature.form_id)
    if renewal is not None:
        period["end"] = s.instant(signature.signed_at + timedelta(days=renewal))
    language = s.language_tag(signature.language)
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(signature.id),
        "meta": s.meta(last_updated),
        "status": "inactive" if superseded_at is not None else "active",
        "scope": {
            "coding": [s.coding(s.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")],
        },
        "category": [
            {"coding": [s.coding(s.LOINC, "59284-0", "Patient Consent")]},
            {"coding": [s.coding(s.CONSENT_FORM, signature.form_id, signature.title)]},
        ],
        "patient": s.reference("Patient", signature.chart_id),
        "dateTime": s.instant(signature.signed_at),
        "performer": [s.reference("Patient", signature.chart_id)],
        "sourceAttachment": {
            "contentType": "text/plain",
            "language": language,
            "title": signature.title,
        },
        "policyRule": {
            "coding": [
                {
                    "system": s.CONSENT_FORM,
                    "version": signature.version,
                    "code": signature.form_id,
                    "display": signature.title,
                }
            ],
            "text": signature.title,
        },
        "provision": {"type": "permit", "period": period},
    }
    if provider:
        resource["organization"] = [s.reference("Organization", s.provider_id(provider), provider)]
    return resource
