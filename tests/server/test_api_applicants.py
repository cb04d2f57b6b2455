"""POST /v1/applicants and reading the chart back, over real HTTP."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kiosk.server.reference import PATTERN
from tests.server.payloads import CONSENT, HEALTH_HISTORY, RESPIRATOR, applicant_body


def post(client: httpx.Client, body: dict[str, Any], key: str) -> httpx.Response:
    return client.post("/v1/applicants", json=body, headers={"Idempotency-Key": key})


def test_create_and_read_back_every_field(
    client: httpx.Client, terminal_client: httpx.Client
) -> None:
    before = datetime.now(UTC)
    created = post(terminal_client, applicant_body(terminal="lobby-1"), "visit-0001")

    assert created.status_code == 201
    answer = created.json()
    assert answer["created"] is True
    assert PATTERN.match(answer["reference"])

    chart = client.get(f"/v1/charts/{answer['chart_id']}").json()
    assert chart["id"] == answer["chart_id"]
    assert chart["reference"] == answer["reference"]
    assert chart["kind"] == "applicant"
    assert chart["login_enabled"] is False
    assert (chart["first_name"], chart["last_name"]) == ("Ana", "O'Neil-Søren")
    assert chart["portal"] == "northwind-applicants"
    assert chart["department"] == "Northwind Logistics — Applicants"
    assert chart["language"] == "en"
    assert chart["terminal"] == "lobby-1"
    created_at = datetime.fromisoformat(chart["created_at"])
    assert created_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= created_at <= datetime.now(UTC) + timedelta(seconds=5)

    docs = chart["documents"]
    assert [d["document_type"] for d in docs] == [
        HEALTH_HISTORY["document_type"],
        RESPIRATOR["document_type"],
    ]
    assert [d["chart_tab"] for d in docs] == ["Questionnaires", "Respiratory Protection"]
    for doc, sent in zip(docs, (HEALTH_HISTORY, RESPIRATOR), strict=True):
        for field in ("questionnaire", "title", "order_item", "response"):
            assert doc[field] == sent[field]
        assert datetime.fromisoformat(doc["filed_at"]).utcoffset() == timedelta(0)
    assert len({d["id"] for d in docs}) == 2

    [consent] = chart["consents"]
    assert consent["terminal"] == "lobby-1"
    for field in ("form_id", "title", "version", "language", "typed_name"):
        assert consent[field] == CONSENT[field]
    assert datetime.fromisoformat(consent["signed_at"]) == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_names_are_stripped_and_signed_at_is_kept_as_the_same_instant(
    client: httpx.Client,
) -> None:
    consent = {**CONSENT, "signed_at": "2026-11-23T12:30:00+02:30"}
    body = applicant_body(first_name="  Ana  ", last_name=" Lee ", consents=[consent])
    chart_id = post(client, body, "visit-strip-1").json()["chart_id"]

    chart = client.get(f"/v1/charts/{chart_id}").json()
    assert (chart["first_name"], chart["last_name"]) == ("Ana", "Lee")
    signed_at = datetime.fromisoformat(chart["consents"][0]["signed_at"])
    assert signed_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert signed_at.utcoffset() == timedelta(0)


def test_a_visit_without_consents_or_documents_still_gets_a_chart(client: httpx.Client) -> None:
    answer = post(client, applicant_body(consents=[], documents=[]), "visit-empty-1")
    assert answer.status_code == 201
    chart = client.get(f"/v1/charts/{answer.json()['chart_id']}").json()
    assert chart["documents"] == []
    assert chart["consents"] == []


def test_replay_with_the_same_key_and_body_answers_the_same_chart(client: httpx.Client) -> None:
    first = post(client, applicant_body(), "visit-replay-1")
    again = post(client, applicant_body(), "visit-replay-1")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert len(client.get("/v1/charts").json()) == 1


def test_replay_ignores_key_order_and_spacing_of_the_body(client: httpx.Client) -> None:
    body = applicant_body()
    first = post(client, body, "visit-order-1")
    reordered = dict(reversed(list(body.items())))
    again = client.post(
        "/v1/applicants",
        content=httpx.Request("POST", "/", json=reordered).content.replace(b",", b", "),
        headers={"Idempotency-Key": "visit-order-1", "Content-Type": "application/json"},
    )
    assert again.status_code == 200
    assert again.json()["chart_id"] == first.json()["chart_id"]


def test_same_key_with_another_body_is_a_conflict(client: httpx.Client) -> None:
    first = post(client, applicant_body(), "visit-conflict-1")
    other = post(client, applicant_body(first_name="Bea"), "visit-conflict-1")

    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]
    charts = client.get("/v1/charts").json()
    assert [c["id"] for c in charts] == [first.json()["chart_id"]]
    assert charts[0]["first_name"] == "Ana"


def test_different_keys_make_different_charts(client: httpx.Client) -> None:
    a = post(client, applicant_body(), "visit-diff-a").json()
    b = post(client, applicant_body(), "visit-diff-b").json()
    assert a["chart_id"] != b["chart_id"]
    assert a["reference"] != b["reference"]
    assert len(client.get("/v1/charts").json()) == 2


def _race(
    client: httpx.Client, bodies_and_keys: list[tuple[dict[str, Any], str]]
) -> list[httpx.Response]:
    """Send every request at once, from its own thread and connection."""
    barrier = threading.Barrier(len(bodies_and_keys))
    results: list[httpx.Response | BaseException] = [RuntimeError("no answer")] * len(
        bodies_and_keys
    )

    def send(index: int, body: dict[str, Any], key: str) -> None:
        try:
            with httpx.Client(
                base_url=client.base_url, headers=client.headers, timeout=60.0
            ) as http:
                barrier.wait()
                results[index] = post(http, body, key)
        except BaseException as exc:  # reported below, in the test's thread
            results[index] = exc

    threads = [
        threading.Thread(target=send, args=(i, body, key))
        for i, (body, key) in enumerate(bodies_and_keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def test_concurrent_requests_with_one_key_create_exactly_one_chart(
    base_url: str, client: httpx.Client
) -> None:
    answers = _race(client, [(applicant_body(), "visit-race-1")] * 8)

    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({(a.json()["chart_id"], a.json()["reference"]) for a in answers}) == 1
    charts = client.get("/v1/charts").json()
    assert len(charts) == 1
    assert len(charts[0]["documents"]) == 2


def test_concurrent_requests_with_distinct_keys_all_succeed(
    base_url: str, client: httpx.Client
) -> None:
    answers = _race(client, [(applicant_body(), f"visit-many-{i:02d}") for i in range(6)])

    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["chart_id"] for a in answers}) == 6
    assert len(client.get("/v1/charts").json()) == 6


@pytest.mark.parametrize("key", ["abcdefgh", "A" * 200, "visit_2026-11-23_lobby-1"])
def test_idempotency_keys_at_the_limits_are_accepted(client: httpx.Client, key: str) -> None:
    assert post(client, applicant_body(), key).status_code == 201
