"""Helpers of the FHIR API tests: tokens, the visits that fill a chart, validation of
every resource with fhir.resources, and resolving every reference inside the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.fhir_models import validate_fhir
from tests.server.live import token_headers
from tests.server.payloads import applicant_body
from tests.server.pickup_helpers import (
    all_consents,
    configure_portal,
    documents,
    new_chart,
    redeem_body,
)

FHIR = "/fhir/R4"
RESOURCE_TYPES = (
    "Patient",
    "QuestionnaireResponse",
    "Consent",
    "Task",
    "DocumentReference",
    "Questionnaire",
    "Organization",
    "Device",
)


def fhir_headers(database_url: str, name: str = "ehr") -> dict[str, str]:
    """A new FHIR read token, as request headers."""
    return token_headers(database_url, name, admin=False, fhir_read=True)


def validate(resource: dict[str, Any]) -> None:
    """Raise unless *resource* is a valid FHIR resource of its type (R4B models; see
    :mod:`tests.fhir_models` for the primitive extensions of Extension values)."""
    validate_fhir(resource)


def references(node: Any) -> Iterator[str]:
    """Every ``reference`` string in a resource, depth first."""
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def everything(fhir: httpx.Client, resource_type: str) -> list[dict[str, Any]]:
    """Every resource of a type, following ``next`` links."""
    found: list[dict[str, Any]] = []
    url: str | None = f"{FHIR}/{resource_type}?_count=3"
    while url is not None:
        answer = fhir.get(url)
        assert answer.status_code == 200, answer.text
        bundle = answer.json()
        validate(bundle)
        found += [e["resource"] for e in bundle.get("entry", [])]
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    return found


def check_resolves(fhir: httpx.Client, resource: dict[str, Any]) -> int:
    """Read every reference of *resource* from the API; how many there were."""
    count = 0
    for ref in references(resource):
        target_type, _, target_id = ref.partition("/")
        answer = fhir.get(f"{FHIR}/{ref}")
        assert answer.status_code == 200, (resource["resourceType"], ref, answer.text)
        target = answer.json()
        assert (target["resourceType"], target["id"]) == (target_type, target_id)
        count += 1
    return count


@dataclass(frozen=True)
class Visits:
    applicant_id: int
    employee_id: int
    employee_reference: str


def applicant_then_pickup_then_merge(
    admin: httpx.Client, terminal: httpx.Client, *, merge: bool = True
) -> Visits:
    """A complete applicant visit, a complete pickup visit, then (optionally) the merge."""
    configure_portal(admin)
    filed = terminal.post(
        "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "fhir-visit-1"}
    )
    assert filed.status_code == 201, filed.text
    applicant_id = int(filed.json()["chart_id"])
    issued = new_chart(admin, date_of_birth="1990-04-17", external_id="HR-1001")
    redeemed = terminal.post(
        "/v1/pickup/redeem",
        json=redeem_body(
            issued["pickup_code"],
            date_of_birth="1990-04-17",
            consents=all_consents(),
            documents=documents(),
        ),
    )
    assert redeemed.status_code == 201, redeemed.text
    if merge:
        merged = admin.post(
            "/v1/merges",
            json={"applicant_chart_id": applicant_id, "employee_chart_id": issued["chart_id"]},
        )
        assert merged.status_code == 201, merged.text
    return Visits(applicant_id, int(issued["chart_id"]), issued["reference"])
