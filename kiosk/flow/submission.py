"""The applicant submission that leaves the terminal: names, consent signatures, FHIR responses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.flow.session import Visit
from kiosk.questionnaire import active_answers, build_response


def applicant_submission(
    visit: Visit, terminal: str, *, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON body of ``POST /v1/applicants`` for *visit*."""
    authored = now or datetime.now(UTC)
    documents = []
    for entry, answers in zip(visit.questionnaires, visit.answers, strict=True):
        questionnaire = entry.questionnaire
        response = build_response(
            questionnaire,
            active_answers(questionnaire, answers),
            authored=authored,
            language=visit.language,
        )
        documents.append(
            {
                "questionnaire": questionnaire.canonical(),
                "title": questionnaire.title,
                "order_item": entry.order_item,
                "document_type": entry.document_type,
                "chart_tab": entry.chart_tab,
                "response": response,
            }
        )
    return {
        "terminal": terminal,
        "portal": visit.portal.name,
        "department": visit.portal.applicant_department,
        "first_name": visit.first_name,
        "last_name": visit.last_name,
        "language": visit.language,
        "consents": [
            {
                "form_id": s.form_id,
                "title": s.title,
                "version": s.version,
                "language": s.language,
                "typed_name": s.typed_name,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in visit.signatures.values()
        ],
        "documents": documents,
    }
