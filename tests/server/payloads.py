"""Request bodies for the kiosk-server API tests."""

from __future__ import annotations

import copy
from typing import Any

CONSENT: dict[str, Any] = {
    "form_id": "preplacement-evaluation",
    "title": "Consent to the pre-placement medical evaluation",
    "version": "sha256:" + "ab" * 32,
    "language": "en",
    "typed_name": "Ana O'Neil-Søren",
    "signed_at": "2026-11-23T10:00:00+00:00",
}

HEALTH_HISTORY: dict[str, Any] = {
    "questionnaire": "https://example.org/fhir/Questionnaire/preplacement-health-history|1.0",
    "title": "Pre-placement health history",
    "order_item": "Applicant Portal: Pre-placement health history",
    "document_type": "Pre-placement Health History",
    "chart_tab": "Questionnaires",
    "response": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "https://example.org/fhir/Questionnaire/preplacement-health-history|1.0",
        "item": [
            {"linkId": "allergies", "answer": [{"valueBoolean": False}]},
            {
                "linkId": "history",
                "item": [{"linkId": "history.asthma", "answer": [{"valueString": "mild"}]}],
            },
        ],
    },
}

RESPIRATOR: dict[str, Any] = {
    "questionnaire": "https://example.org/fhir/Questionnaire/osha-respirator|2.1",
    "title": "OSHA respirator medical evaluation",
    "order_item": "Applicant Portal: OSHA respirator medical evaluation",
    "document_type": "Respirator Medical Evaluation (OSHA 1910.134 App. C)",
    "chart_tab": "Respiratory Protection",
    "response": {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "smoker", "answer": [{"valueCoding": {"code": "no"}}]}],
    },
}


def applicant_body(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /v1/applicants`` body (a deep copy), with top-level *overrides*."""
    body: dict[str, Any] = {
        "terminal": "lobby-1",
        "portal": "northwind-applicants",
        "department": "Northwind Logistics — Applicants",
        "first_name": "Ana",
        "last_name": "O'Neil-Søren",
        "language": "en",
        "consents": [CONSENT],
        "documents": [HEALTH_HISTORY, RESPIRATOR],
    }
    body.update(overrides)
    return copy.deepcopy(body)
