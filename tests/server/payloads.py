"""Request bodies for the kiosk-server API tests."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

PORTAL = "northwind-applicants"
DEPARTMENT = "Northwind Logistics — Applicants"
CONSENT_TEXT = "I agree to the pre-placement medical evaluation.\n"
CONSENT_TEXT_ES = "Acepto la evaluación médica previa a la contratación.\n"
PRIVACY_TEXT = "I have read the privacy notice.\n"


def version(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


CONSENT: dict[str, Any] = {
    "form_id": "preplacement-evaluation",
    "title": "Consent to the pre-placement medical evaluation",
    "version": version(CONSENT_TEXT),
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


_SPEC_KEYS = ("questionnaire", "title", "order_item", "document_type", "chart_tab")


def portal_body(
    consent_text: str = CONSENT_TEXT, renewal_interval_days: int | None = 365
) -> dict[str, Any]:
    """``PUT /v1/portals/northwind-applicants``: two consents, two questionnaires, task rules.

    The server tests' database has it from the start (see ``tests/server/conftest.py``), so
    :func:`applicant_body` is valid there.
    """
    return {
        "title": "Northwind Logistics — Applicant Portal",
        "applicant_department": DEPARTMENT,
        "provider_organization": "Harbor Occupational Health",
        "consents": [
            {
                "form_id": "preplacement-evaluation",
                "title": "Consent to the pre-placement medical evaluation",
                "renewal_interval_days": renewal_interval_days,
                "texts": {"en": consent_text, "es": CONSENT_TEXT_ES},
            },
            {"form_id": "privacy", "title": "Privacy notice", "texts": {"en": PRIVACY_TEXT}},
        ],
        "questionnaires": [
            {key: HEALTH_HISTORY[key] for key in _SPEC_KEYS},
            {key: RESPIRATOR[key] for key in _SPEC_KEYS},
        ],
        "tasks": [
            {"event": "applicant_registered", "title": "Review new applicant", "queue": "Intake"},
            {
                "event": "document_filed",
                "title": "Review the respirator evaluation",
                "queue": "Respiratory",
                "document_type": RESPIRATOR["document_type"],
            },
            {"event": "document_filed", "title": "File reviewed", "queue": "Records"},
            {"event": "code_redeemed", "title": "Portal login created", "queue": "Front desk"},
        ],
    }


def configure_payload_portal(database_url: str) -> None:
    """Store :func:`portal_body` as portal northwind-applicants in *database_url*'s database."""
    from kiosk.server.db import create_schema, make_engine, make_sessionmaker
    from kiosk.server.portals import PortalIn, put_portal

    engine = make_engine(database_url)
    try:
        create_schema(engine)
        with make_sessionmaker(engine, writes=True)() as session:
            put_portal(session, PORTAL, PortalIn.model_validate(portal_body()))
            session.commit()
    finally:
        engine.dispose()


def applicant_body(**overrides: Any) -> dict[str, Any]:
    """A valid ``POST /v1/applicants`` body (a deep copy), with top-level *overrides*.

    It names no terminal: the chart is filed under the token's.
    """
    body: dict[str, Any] = {
        "portal": PORTAL,
        "department": DEPARTMENT,
        "first_name": "Ana",
        "last_name": "O'Neil-Søren",
        "language": "en",
        "consents": [CONSENT],
        "documents": [HEALTH_HISTORY, RESPIRATOR],
    }
    body.update(overrides)
    return copy.deepcopy(body)
