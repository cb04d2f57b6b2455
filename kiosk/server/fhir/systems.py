"""The URIs this server names its own codes and identifiers with, and small helpers
shared by the resource mappings (ids of derived resources, instants, references)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

KIOSK = "urn:lobby-kiosk"
CHART_REFERENCE = f"{KIOSK}:chart-reference"
"""The chart reference printed for the visitor (``7K3M-Q9XD``)."""
HR_EXTERNAL_ID = f"{KIOSK}:hr-external-id"
"""The id the HR feed knows the person by."""
CHART_KIND = f"{KIOSK}:chart-kind"
PORTAL = f"{KIOSK}:portal"
DOCUMENT_TYPE = f"{KIOSK}:document-type"
CHART_TAB = f"{KIOSK}:chart-tab"
ORDER_ITEM = f"{KIOSK}:order-item"
CONSENT_FORM = f"{KIOSK}:consent-form"
TASK_EVENT = f"{KIOSK}:task-event"
QUEUE = f"{KIOSK}:queue"
TERMINAL = f"{KIOSK}:terminal"
PROVIDER_ORGANIZATION = f"{KIOSK}:provider-organization"
DEPARTMENT = f"{KIOSK}:department"
EXT_DEPARTMENT = f"{KIOSK}:extension:department"
EXT_LOGIN_ENABLED = f"{KIOSK}:extension:login-enabled"
EXT_PORTAL = f"{KIOSK}:extension:portal"

V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type"
LOINC = "http://loinc.org"
BCP47 = "urn:ietf:bcp:47"
FHIR_JSON = "application/fhir+json"


def derived_id(prefix: str, *parts: str) -> str:
    """A stable FHIR id for a resource the database has no row of (``org-…``, ``term-…``)."""
    text = "\x00".join(parts).encode("utf-8")
    return f"{prefix}-{hashlib.sha256(text).hexdigest()[:20]}"


def provider_id(name: str) -> str:
    return derived_id("org", name)


def department_id(provider: str | None, department: str) -> str:
    return derived_id("dept", provider or "", department)


def queue_id(queue: str) -> str:
    return derived_id("queue", queue)


def device_id(terminal: str) -> str:
    return derived_id("term", terminal)


def questionnaire_id(canonical: str) -> str:
    return derived_id("q", canonical)


def instant(value: datetime) -> str:
    """A FHIR ``instant``: UTC, microseconds kept, so ``_lastUpdated=gt`` it is exact."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def reference(resource_type: str, resource_id: str | int, display: str | None = None) -> Any:
    ref: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        ref["display"] = display
    return ref


def language_tag(language: str) -> str:
    """A gettext language name (``pt_BR``) as a BCP 47 tag (``pt-BR``)."""
    return language.replace("_", "-")


def code_text(text: str) -> str:
    """*text* as a FHIR ``code``: no leading, trailing or repeated whitespace."""
    return " ".join(text.split())


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code_text(code)}
    if display:
        out["display"] = display
    return out


def meta(last_updated: datetime, *tags: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"lastUpdated": instant(last_updated)}
    if tags:
        out["tag"] = list(tags)
    return out
