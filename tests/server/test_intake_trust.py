"""Applicant intake trusts the token and the server's portal configuration, never the body:
the probe's forged terminal, unknown portal, made-up consent and free-text filing fields are
refused with 422 naming each field, and Idempotency-Keys are the terminal's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.payloads import (
    CONSENT,
    DEPARTMENT,
    HEALTH_HISTORY,
    RESPIRATOR,
    applicant_body,
    version,
)
from tests.server.pickup_helpers import new_chart, redeem_body


@pytest.fixture
def lobby(base_url: str, server_database_url: str) -> Iterator[httpx.Client]:
    """lobby-1's terminal token."""
    from tests.server.live import token_headers

    headers = token_headers(server_database_url, "lobby-1", admin=False)
    with httpx.Client(base_url=base_url, timeout=30.0, headers=headers) as http:
        yield http


def post(http: httpx.Client, body: dict[str, Any], key: str, **headers: str) -> httpx.Response:
    return http.post("/v1/applicants", json=body, headers={"Idempotency-Key": key, **headers})


def refused(answer: httpx.Response) -> dict[tuple[Any, ...], str]:
    """The refused fields of a 422 ``refused`` answer: loc -> type."""
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "refused"
    return {tuple(problem["loc"]): problem["type"] for problem in body["detail"]}


def chart_count(admin: httpx.Client) -> int:
    return len(admin.get("/v1/charts").json())


def test_the_terminal_is_the_tokens(client: httpx.Client, lobby: httpx.Client) -> None:
    forged = post(lobby, applicant_body(terminal="front-desk-9"), "forged-terminal-1")
    assert refused(forged) == {("body", "terminal"): "terminal_mismatch"}
    assert chart_count(client) == 0
    # no terminal in the body, or the token's own: filed under the token's terminal
    for key, body in (
        ("own-key-1", applicant_body()),
        ("own-key-2", applicant_body(terminal="lobby-1")),
    ):
        answer = post(lobby, body, key)
        assert answer.status_code == 201, answer.text
        chart = client.get(f"/v1/charts/{answer.json()['chart_id']}").json()
        assert chart["terminal"] == "lobby-1"
        assert {c["terminal"] for c in chart["consents"]} == {"lobby-1"}


def test_the_portal_must_be_configured(client: httpx.Client, lobby: httpx.Client) -> None:
    answer = post(lobby, applicant_body(portal="no-such-portal"), "unknown-portal-1")
    assert refused(answer) == {("body", "portal"): "unknown"}
    assert "configured" in answer.json()["detail"][0]["msg"]
    assert chart_count(client) == 0


def test_a_token_limited_to_some_portals(
    client: httpx.Client, base_url: str, server_database_url: str
) -> None:
    from kiosk.server.tokens import provision_terminal_token

    elsewhere = provision_terminal_token(server_database_url, "lobby-7", portals=["other"])
    here = provision_terminal_token(
        server_database_url, "lobby-8", portals=["northwind-applicants", "other"]
    )
    with httpx.Client(base_url=base_url) as http:
        answer = post(http, applicant_body(), "limited-1", Authorization=f"Bearer {elsewhere}")
        assert refused(answer) == {("body", "portal"): "forbidden"}
        answer = post(http, applicant_body(), "limited-2", Authorization=f"Bearer {here}")
        assert answer.status_code == 201, answer.text
    assert chart_count(client) == 1
    # nor can it use the pickup codes of another portal's charts: the one answer of a bad code
    code = new_chart(client)["pickup_code"]
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {elsewhere}"}) as http:
        assert http.post("/v1/pickup/verify", json={"code": code}).status_code == 404
        assert http.post("/v1/pickup/redeem", json=redeem_body(code)).status_code == 404
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {here}"}) as http:
        assert http.post("/v1/pickup/verify", json={"code": code}).status_code == 200


def test_consents_must_name_a_form_and_version_the_server_knows(
    client: httpx.Client, lobby: httpx.Client
) -> None:
    made_up_form = {**CONSENT, "form_id": "blanket-waiver"}
    made_up_version = {**CONSENT, "form_id": "privacy", "version": "sha256:" + "ab" * 32}
    no_such_language = {**CONSENT, "language": "de"}
    body = applicant_body(consents=[made_up_form, made_up_version, no_such_language])
    assert refused(post(lobby, body, "consents-1")) == {
        ("body", "consents", 0, "form_id"): "unknown_consent",
        ("body", "consents", 1, "version"): "unknown_version",
        ("body", "consents", 2, "language"): "unknown_language",
    }
    twice = applicant_body(consents=[CONSENT, CONSENT])
    assert refused(post(lobby, twice, "consents-2")) == {
        ("body", "consents", 1, "form_id"): "duplicate"
    }
    assert chart_count(client) == 0


def test_filing_fields_come_from_the_portal_never_the_body(
    client: httpx.Client, lobby: httpx.Client
) -> None:
    bogus = {**RESPIRATOR, "document_type": "Bogus Type", "chart_tab": "Bogus Tab"}
    unknown = {**HEALTH_HISTORY, "questionnaire": "https://example.org/Questionnaire/x|9"}
    other_version = {**HEALTH_HISTORY, "questionnaire": HEALTH_HISTORY["questionnaire"] + ".1"}
    body = applicant_body(
        department="Bogus Department",
        documents=[bogus, unknown, other_version, {**HEALTH_HISTORY, "order_item": "Free"}],
    )
    assert refused(post(lobby, body, "filing-1")) == {
        ("body", "department"): "not_configured",
        ("body", "documents", 0, "document_type"): "not_configured",
        ("body", "documents", 0, "chart_tab"): "not_configured",
        ("body", "documents", 1, "questionnaire"): "unknown_questionnaire",
        ("body", "documents", 2, "questionnaire"): "unknown_questionnaire",
        ("body", "documents", 3, "order_item"): "not_configured",
    }
    assert chart_count(client) == 0

    # Sent bare (questionnaire and answers only), a visit is filed as the portal says.
    bare = [{"questionnaire": d["questionnaire"], "response": d["response"]} for d in (RESPIRATOR,)]
    consent = {k: v for k, v in CONSENT.items() if k != "title"}
    body = applicant_body(documents=bare, consents=[consent])
    del body["department"]
    answer = post(lobby, body, "filing-2")
    assert answer.status_code == 201, answer.text
    chart = client.get(f"/v1/charts/{answer.json()['chart_id']}").json()
    assert chart["department"] == DEPARTMENT
    [doc] = chart["documents"]
    for field in ("title", "order_item", "document_type", "chart_tab"):
        assert doc[field] == RESPIRATOR[field]
    assert chart["consents"][0]["title"] == "Consent to the pre-placement medical evaluation"
    # A title sent with a text version the server knows is the one the visitor saw (their
    # language); with a version it does not know, nothing is filed at all (above).
    shown = {**consent, "title": "Consentimiento (como se mostró)"}
    answer = post(lobby, applicant_body(documents=bare, consents=[shown]), "filing-3")
    assert answer.status_code == 201, answer.text
    chart = client.get(f"/v1/charts/{answer.json()['chart_id']}").json()
    assert chart["consents"][0]["title"] == "Consentimiento (como se mostró)"
    assert chart["consents"][0]["version"] == version(
        "I agree to the pre-placement medical evaluation.\n"
    )


def test_idempotency_keys_are_the_terminals_own(
    client: httpx.Client, base_url: str, server_database_url: str, lobby: httpx.Client
) -> None:
    from tests.server.live import token_headers

    first = post(lobby, applicant_body(), "shared-key-0001")
    assert first.status_code == 201
    replay = post(lobby, applicant_body(), "shared-key-0001")
    assert (replay.status_code, replay.json()["chart_id"]) == (200, first.json()["chart_id"])

    other = token_headers(server_database_url, "lobby-2", admin=False)
    with httpx.Client(base_url=base_url, headers=other) as lobby_2:
        theirs = post(lobby_2, applicant_body(), "shared-key-0001")
        assert theirs.status_code == 201, theirs.text
        assert theirs.json()["chart_id"] != first.json()["chart_id"]
        assert theirs.json()["reference"] != first.json()["reference"]
        # and another body under that key is no conflict for lobby-2's own first use
        assert post(lobby_2, applicant_body(first_name="Bea"), "shared-key-0002").status_code == 201
    assert chart_count(client) == 3
