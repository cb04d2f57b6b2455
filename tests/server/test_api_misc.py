"""Health, OpenAPI, chart listing and lookup, and what the server logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from kiosk import __version__
from tests.server.payloads import applicant_body


def test_health(client: httpx.Client) -> None:
    answer = client.get("/v1/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "version": __version__}


def test_openapi_document_describes_the_contract(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["info"]["version"] == __version__
    paths = doc["paths"]
    assert {"/v1/health", "/v1/applicants", "/v1/charts", "/v1/charts/{chart_id}"} <= set(paths)
    post = paths["/v1/applicants"]["post"]
    assert {"201", "200", "409", "413", "422"} <= set(post["responses"])
    header = next(p for p in post["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is True
    schemas = doc["components"]["schemas"]
    assert schemas["ApplicantIn"]["properties"]["consents"]["maxItems"] == 20
    assert schemas["ApplicantIn"]["properties"]["documents"]["maxItems"] == 50


def test_charts_list_newest_first(client: httpx.Client) -> None:
    assert client.get("/v1/charts").json() == []
    ids = [
        client.post(
            "/v1/applicants",
            json=applicant_body(first_name=name),
            headers={"Idempotency-Key": f"newest-first-{name}"},
        ).json()["chart_id"]
        for name in ("Ana", "Bea", "Cy")
    ]
    charts = client.get("/v1/charts").json()
    assert [c["id"] for c in charts] == ids[::-1]
    assert [c["first_name"] for c in charts] == ["Cy", "Bea", "Ana"]
    assert all(len(c["documents"]) == 2 and len(c["consents"]) == 1 for c in charts)


def test_unknown_chart_is_404(client: httpx.Client) -> None:
    answer = client.get("/v1/charts/4242")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No such chart."}


@pytest.mark.parametrize("chart_id", ["abc", "0", "-1", "2147483648", "9" * 40, "1.5"])
def test_impossible_chart_ids_are_client_errors(client: httpx.Client, chart_id: str) -> None:
    answer = client.get(f"/v1/charts/{chart_id}")
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_unknown_route_and_method_answer_json(client: httpx.Client) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    wrong = client.delete("/v1/charts")
    assert wrong.status_code == 405
    assert wrong.json()["detail"]


def test_access_log_has_method_path_status_and_no_personal_data(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything the server side might say, at any level
    body = applicant_body(first_name="Quintessa", last_name="Vandersloot-Ybarra")
    body["documents"][0]["response"]["item"][0]["answer"] = [{"valueString": "penicillin"}]
    created = client.post(
        "/v1/applicants?source=lobby", json=body, headers={"Idempotency-Key": "log-check-1"}
    )
    client.get(f"/v1/charts/{created.json()['chart_id']}")

    # uvicorn's own access log is off in `kiosk-server serve` (see test_cli); here pytest hangs
    # capture handlers on it, which turns it back on, so it is left out of this check.
    server_side = ("kiosk", "uvicorn.error", "fastapi", "starlette", "sqlalchemy")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith(server_side)]
    assert "POST /v1/applicants 201" in messages
    assert f"GET /v1/charts/{created.json()['chart_id']} 200" in messages
    logged = "\n".join(messages)
    for secret in ("Quintessa", "Vandersloot", "penicillin", "source=lobby", "log-check-1"):
        assert secret not in logged
