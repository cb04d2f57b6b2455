"""Filed documents as DocumentReferences: ``type`` is the configured document type,
``category`` the chart tab, ``context.event`` the order item, and the content is the
QuestionnaireResponse of the same id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, SQLColumnExpression, false

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.filed import FiledDocumentKind
from kiosk.server.fhir.search import (
    STANDARD,
    Criterion,
    ParamType,
    SearchParam,
    is_fhir_datetime,
    sql_token,
)
from kiosk.server.models import Document


def _code_clause(
    column: SQLColumnExpression[str | None], system_uri: str
) -> Callable[[str | None, str], ColumnElement[bool]]:
    def matches(system: str | None, code: str) -> ColumnElement[bool]:
        if system is not None and system != system_uri:
            return false()
        return column == code if code else column.is_not(None)

    return matches


class DocumentReferenceKind(FiledDocumentKind):
    name = "DocumentReference"
    status = "current"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "patient",
            ParamType.REFERENCE,
            "The Patient (chart) it is filed on.",
            STANDARD + "clinical-patient",
        ),
        SearchParam(
            "subject",
            ParamType.REFERENCE,
            "The Patient (chart) it is filed on.",
            STANDARD + "DocumentReference-subject",
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "Always current.",
            STANDARD + "DocumentReference-status",
        ),
        SearchParam(
            "type",
            ParamType.TOKEN,
            f"The document type ({s.DOCUMENT_TYPE}).",
            STANDARD + "clinical-type",
        ),
        SearchParam(
            "category",
            ParamType.TOKEN,
            f"The chart tab ({s.CHART_TAB}).",
            STANDARD + "DocumentReference-category",
        ),
    )

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name == "type":
            return sql_token(_code_clause(Document.document_type, s.DOCUMENT_TYPE), criterion)
        if criterion.name == "category":
            return sql_token(_code_clause(Document.chart_tab, s.CHART_TAB), criterion)
        return super().clause(criterion)

    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        return [document_reference(ctx, row[0], ctx.provider_of(row[1], row[2])) for row in rows]


def document_reference(ctx: Context, document: Document, provider: str | None) -> dict[str, Any]:
    response_id = f"QuestionnaireResponse/{document.id}"
    authored = document.response.get("authored")
    attachment: dict[str, Any] = {
        "contentType": s.FHIR_JSON,
        "url": ctx.url(response_id),
        "title": document.title,
        "creation": authored if is_fhir_datetime(authored) else s.instant(document.filed_at),
    }
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": str(document.id),
        "meta": s.meta(document.updated_at),
        "status": "current",
        "docStatus": "final",
        "type": {
            "coding": [s.coding(s.DOCUMENT_TYPE, document.document_type, document.document_type)],
            "text": document.document_type,
        },
        "category": [
            {
                "coding": [s.coding(s.CHART_TAB, document.chart_tab, document.chart_tab)],
                "text": document.chart_tab,
            }
        ],
        "subject": s.reference("Patient", document.chart_id),
        "date": s.instant(document.filed_at),
        "description": document.title,
        "content": [
            {
                "attachment": attachment,
                "format": s.coding("urn:ietf:bcp:13", s.FHIR_JSON, "FHIR JSON"),
            }
        ],
        "context": {
            "event": [
                {
                    "coding": [s.coding(s.ORDER_ITEM, document.order_item, document.order_item)],
                    "text": document.order_item,
                }
            ],
            "related": [s.reference(response_id.split("/")[0], document.id, document.title)],
        },
    }
    if document.terminal:
        resource["author"] = [
            s.reference("Device", s.device_id(document.terminal), document.terminal)
        ]
    if provider:
        resource["custodian"] = s.reference("Organization", s.provider_id(provider), provider)
    return resource
