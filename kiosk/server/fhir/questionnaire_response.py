"""Filed documents as the QuestionnaireResponses the kiosk built, made complete: ``id``,
``subject`` and ``source`` (the Patient), ``author`` (the terminal as a Device),
``authored``, and the questionnaire's canonical URL with its version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, or_

from kiosk.server.fhir import systems as s
from kiosk.server.fhir.context import Context
from kiosk.server.fhir.filed import FiledDocumentKind
from kiosk.server.fhir.search import STANDARD, Criterion, ParamType, SearchParam, is_fhir_datetime
from kiosk.server.models import Document

_REPLACED = ("id", "meta", "subject", "source", "author", "questionnaire", "authored")


class QuestionnaireResponseKind(FiledDocumentKind):
    name = "QuestionnaireResponse"
    status = "completed"
    params: ClassVar[tuple[SearchParam, ...]] = (
        SearchParam(
            "patient",
            ParamType.REFERENCE,
            "The Patient (chart) it was filed on.",
            STANDARD + "QuestionnaireResponse-patient",
        ),
        SearchParam(
            "subject",
            ParamType.REFERENCE,
            "The Patient (chart) it was filed on.",
            STANDARD + "QuestionnaireResponse-subject",
        ),
        SearchParam(
            "status",
            ParamType.TOKEN,
            "Always completed (the kiosk files completed responses only).",
            STANDARD + "QuestionnaireResponse-status",
        ),
        SearchParam(
            "questionnaire",
            ParamType.REFERENCE,
            "The questionnaire's canonical URL, url|version or the url alone.",
            STANDARD + "QuestionnaireResponse-questionnaire",
        ),
    )

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name == "questionnaire":
            clauses = []
            for value in criterion.values:
                clauses.append(Document.questionnaire == value)
                if "|" not in value:
                    clauses.append(Document.questionnaire.startswith(value + "|", autoescape=True))
            return or_(*clauses)
        return super().clause(criterion)

    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        return [questionnaire_response(row[0]) for row in rows]


def questionnaire_response(document: Document) -> dict[str, Any]:
    stored = document.response
    authored = stored.get("authored")
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(document.id),
        "meta": s.meta(document.updated_at),
    }
    resource.update({k: v for k, v in stored.items() if k not in _REPLACED})
    resource["questionnaire"] = document.questionnaire
    resource["subject"] = s.reference("Patient", document.chart_id)
    resource["authored"] = authored if is_fhir_datetime(authored) else s.instant(document.filed_at)
    if document.terminal:
        resource["author"] = s.reference(
            "Device", s.device_id(document.terminal), document.terminal
        )
    resource["source"] = s.reference("Patient", document.chart_id)
    return resource
