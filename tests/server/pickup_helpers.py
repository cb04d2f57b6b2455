"""A configured portal, staff charts with pickup codes, and redeem bodies, for the tests."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.server.payloads import HEALTH_HISTORY, RESPIRATOR

PORTAL = "northwind-applicants"
CONSENT_TEXT = "I agree to the pre-placement medical evaluation.\n"
CONSENT_TEXT_ES = "Acepto la evaluación médica previa a la contratación.\n"
PRIVACY_TEXT = "I have read the privacy notice.\n"


def version(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def portal_body(
    consent_text: str = CONSENT_TEXT, renewal_interval_days: int | None = 365
) -> dict[str, Any]:
    """``PUT /v1/portals/northwind-applicants``: two consents, two questionnaires, task rules."""
    return {
        "title": "Northwind Logistics — Applicant Portal",
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


_SPEC_KEYS = ("questionnaire", "title", "order_item", "document_type", "chart_tab")


def configure_portal(admin: httpx.Client, **kwargs: Any) -> dict[str, Any]:
    answer = admin.put(f"/v1/portals/{PORTAL}", json=portal_body(**kwargs))
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def new_chart(admin: httpx.Client, **overrides: Any) -> dict[str, Any]:
    """``POST /v1/charts`` for an employee of the portal; the answer holds the pickup code."""
    body: dict[str, Any] = {
        "kind": "employee",
        "first_name": "Jane",
        "last_name": "Doe",
        "portal": PORTAL,
        "email": "jane.doe@example.org",
    }
    body.update(overrides)
    answer = admin.post("/v1/charts", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def consent(
    form_id: str = "preplacement-evaluation", text: str = CONSENT_TEXT, language: str = "en"
) -> dict[str, Any]:
    return {
        "form_id": form_id,
        "title": "Consent",
        "version": version(text),
        "language": language,
        "typed_name": "Jane Doe",
        "signed_at": datetime.now(UTC).isoformat(),
    }


def all_consents() -> list[dict[str, Any]]:
    return [consent(), consent("privacy", PRIVACY_TEXT)]


def documents() -> list[dict[str, Any]]:
    return [copy.deepcopy(HEALTH_HISTORY), copy.deepcopy(RESPIRATOR)]


def redeem_body(code: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "username": "jane.doe",
        "password": "lantern-octopus-47",
        "consents": [],
        "documents": [],
    }
    body.update(overrides)
    return body
