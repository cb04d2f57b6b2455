"""FHIR Bulk Data export over real HTTP: asynchronous kick-off at system and Patient level,
status polling, NDJSON files read back and validated, ``_type`` and ``_since``."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import httpx

from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import FhirExport, utc_now
from tests.server.fhir_helpers import FHIR, RESOURCE_TYPES, Visits, everything, validate
from tests.server.payloads import applicant_body

KICK_OFF_HEADERS = {"Accept": "application/fhir+json", "Prefer": "respond-async"}
DEADLINE_SECONDS = 60.0


def _kick_off(fhir: httpx.Client, path: str = "$export", **params: str) -> str:
    answer = fhir.get(f"{FHIR}/{path}", params=params, headers=KICK_OFF_HEADERS)
    assert answer.status_code == 202, answer.text
    return answer.headers["Content-Location"]


def _wait(fhir: httpx.Client, status_url: str) -> dict[str, Any]:
    """Poll the status URL as a client should (honouring Retry-After) until the manifest."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        answer = fhir.get(status_url)
        if answer.status_code == 200:
            return answer.json()
        assert answer.status_code == 202, answer.text
        assert answer.headers["X-Progress"]
        assert time.monotonic() < deadline, "the export did not finish"
        time.sleep(min(float(answer.headers["Retry-After"]), 0.2))


def _read(fhir: httpx.Client, manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every output file, parsed line by line and validated, by resource type."""
    found: dict[str, list[dict[str, Any]]] = {}
    for output in manifest["output"]:
        answer = fhir.get(output["url"])
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/fhir+ndjson")
        lines = answer.text.splitlines()
        assert answer.text.endswith("\n")
        resources = [json.loads(line) for line in lines]
        assert len(resources) == output["count"]
        for resource in resources:
            validate(resource)
            assert resource["resourceType"] == output["type"]
        found[output["type"]] = resources
    return found


def test_a_system_export_runs_to_completion(
    visits: Visits, fhir: httpx.Client, base_url: str
) -> None:
    status_url = _kick_off(fhir, _outputFormat="application/fhir+ndjson")
    assert status_url.startswith(f"{base_url}{FHIR}/$export-status/")
    manifest = _wait(fhir, status_url)
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"].startswith(f"{base_url}{FHIR}/$export")
    assert manifest["transactionTime"]
    assert manifest["error"] == []
    exported = _read(fhir, manifest)
    assert list(exported) == list(RESOURCE_TYPES)
    for resource_type in RESOURCE_TYPES:  # the same resources the search API serves
        assert exported[resource_type] == everything(fhir, resource_type)
    # the files need a token
    assert httpx.get(manifest["output"][0]["url"]).status_code == 401


def test_type_since_and_patient_level(
    visits: Visits, fhir: httpx.Client, client: httpx.Client
) -> None:
    patient_level = _wait(fhir, _kick_off(fhir, "Patient/$export"))
    assert [o["type"] for o in patient_level["output"]] == [
        "Patient",
        "QuestionnaireResponse",
        "Consent",
        "Task",
        "DocumentReference",
    ]
    typed = _read(fhir, _wait(fhir, _kick_off(fhir, "Patient/$export", _type="Consent,Patient")))
    assert list(typed) == ["Consent", "Patient"]
    assert [len(typed["Consent"]), len(typed["Patient"])] == [3, 2]

    first = _wait(fhir, _kick_off(fhir))
    newer = client.post(
        "/v1/applicants",
        json=applicant_body(first_name="Ben", last_name="Okafor"),
        headers={"Idempotency-Key": "bulk-later-visit"},
    )
    assert newer.status_code == 201
    since = _read(fhir, _wait(fhir, _kick_off(fhir, _since=first["transactionTime"])))
    assert [p["id"] for p in since["Patient"]] == [str(newer.json()["chart_id"])]
    assert len(since["QuestionnaireResponse"]) == 2
    assert len(since["DocumentReference"]) == 2
    assert len(since["Task"]) == 4
    assert len(since["Consent"]) == 1
    assert "Consent" not in _read(fhir, _wait(fhir, _kick_off(fhir, _since="2999-01-01T00:00:00Z")))


def test_kick_off_errors_and_cancelling(
    visits: Visits, fhir: httpx.Client, terminal_client: httpx.Client
) -> None:
    def refused(answer: httpx.Response, status: int = 400) -> str:
        assert answer.status_code == status, answer.text
        outcome = answer.json()
        validate(outcome)
        return str(outcome["issue"][0]["diagnostics"])

    assert "respond-async" in refused(fhir.get(f"{FHIR}/$export"))
    assert "_typeFilter" in refused(
        fhir.get(f"{FHIR}/$export", params={"_typeFilter": "x"}, headers=KICK_OFF_HEADERS)
    )
    refused(fhir.get(f"{FHIR}/$export", params={"_outputFormat": "csv"}, headers=KICK_OFF_HEADERS))
    refused(
        fhir.get(f"{FHIR}/Patient/$export", params={"_type": "Device"}, headers=KICK_OFF_HEADERS)
    )
    refused(fhir.get(f"{FHIR}/$export", params={"_since": "last week"}, headers=KICK_OFF_HEADERS))
    refused(terminal_client.get(f"{FHIR}/$export", headers=KICK_OFF_HEADERS), 403)

    status_url = _kick_off(fhir)
    manifest = _wait(fhir, status_url)
    assert fhir.delete(status_url).status_code == 202
    refused(fhir.get(status_url), 404)
    refused(fhir.get(manifest["output"][0]["url"]), 404)
    refused(fhir.get(f"{FHIR}/$export-status/nope"), 404)


def test_a_failed_or_lost_export_answers_an_outcome(
    server_database_url: str, fhir: httpx.Client
) -> None:
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine, writes=True)() as session:
            common = {"level": "system", "request_url": "x", "types": [], "requested_by": "t"}
            session.add(FhirExport(id="lost", status="in-progress", **common))
            session.add(
                FhirExport(id="failed", status="failed", error="OperationalError", **common)
            )
            session.add(FhirExport(id="young", status="in-progress", **common))
            session.flush()
            lost = session.get(FhirExport, "lost")
            assert lost is not None
            lost.created_at = utc_now() - timedelta(hours=2)
            session.commit()
    finally:
        engine.dispose()
    for export_id, status, code in [("lost", 500, "incomplete"), ("failed", 500, "exception")]:
        answer = fhir.get(f"{FHIR}/$export-status/{export_id}")
        assert answer.status_code == status
        outcome = answer.json()
        validate(outcome)
        assert outcome["issue"][0]["code"] == code
    assert fhir.get(f"{FHIR}/$export-status/young").status_code == 202
