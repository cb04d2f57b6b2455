"""A configured portal, staff charts with pickup codes, and redeem bodies, for the tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.server.payloads import (
    CONSENT_TEXT,
    CONSENT_TEXT_ES,
    HEALTH_HISTORY,
    PORTAL,
    PRIVACY_TEXT,
    RESPIRATOR,
    portal_body,
    version,
)

__all__ = ["CONSENT_TEXT", "CONSENT_TEXT_ES", "PORTAL", "PRIVACY_TEXT", "portal_body", "version"]


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
