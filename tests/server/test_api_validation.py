"""Every limit of POST /v1/applicants answers a 4xx with a JSON detail - never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.server.payloads import CONSENT, HEALTH_HISTORY, PRIVACY_TEXT, applicant_body, version

Body = dict[str, Any]


def _with_consent(**changes: Any) -> Body:
    return applicant_body(consents=[{**CONSENT, **changes}])


def _with_document(**changes: Any) -> Body:
    return applicant_body(documents=[{**HEALTH_HISTORY, **changes}])


def _with_response(**changes: Any) -> Body:
    return _with_document(response={**HEALTH_HISTORY["response"], **changes})


def _without(field: str) -> Body:
    body = applicant_body()
    del body[field]
    return body


def _nested(depth: int) -> Any:
    node: Any = "leaf"
    for _ in range(depth):
        node = {"a": [node]}
    return node


INVALID_BODIES: dict[str, Callable[[], Body]] = {
    "empty first name": lambda: applicant_body(first_name=""),
    "blank last name": lambda: applicant_body(last_name="   "),
    "first name of 61": lambda: applicant_body(first_name="A" * 61),
    "last name of 61 after strip": lambda: applicant_body(last_name=" " + "B" * 61 + " "),
    "name with newline": lambda: applicant_body(first_name="Ana\nLee"),
    "name with NUL": lambda: applicant_body(first_name="Ana\x00"),
    "name not a string": lambda: applicant_body(first_name=42),
    "terminal of 201": lambda: applicant_body(terminal="t" * 201),
    "empty portal": lambda: applicant_body(portal=""),
    "portal missing": lambda: _without("portal"),
    "department of 201": lambda: applicant_body(department="d" * 201),
    "language of 1": lambda: applicant_body(language="e"),
    "language of 36": lambda: applicant_body(language="en-abcdefgh-abcdefgh-abcdefgh-abcdef"),
    "language with space": lambda: applicant_body(language="en US"),
    "21 consents": lambda: applicant_body(consents=[CONSENT] * 21),
    "51 documents": lambda: applicant_body(documents=[HEALTH_HISTORY] * 51),
    "consents not a list": lambda: applicant_body(consents="all"),
    "documents null": lambda: applicant_body(documents=None),
    "unknown top-level field": lambda: applicant_body(ssn="123"),
    "unknown consent field": lambda: _with_consent(ip="10.0.0.1"),
    "typed name of 131": lambda: _with_consent(typed_name="N" * 131),
    "empty typed name": lambda: _with_consent(typed_name=" "),
    "consent title of 201": lambda: _with_consent(title="T" * 201),
    "naive signed_at": lambda: _with_consent(signed_at="2026-11-23T10:00:00"),
    "unparseable signed_at": lambda: _with_consent(signed_at="yesterday"),
    "signed_at before year 1 in UTC": lambda: _with_consent(signed_at="0001-01-01T00:00:00+05:00"),
    "signed_at after 9999 in UTC": lambda: _with_consent(signed_at="9999-12-31T23:59:59-05:00"),
    "questionnaire of 201": lambda: _with_document(questionnaire="q" * 201),
    "empty chart tab": lambda: _with_document(chart_tab=""),
    "document without questionnaire": lambda: applicant_body(
        documents=[{k: v for k, v in HEALTH_HISTORY.items() if k != "questionnaire"}]
    ),
    "response not an object": lambda: _with_document(response=[1, 2]),
    "response of another resourceType": lambda: _with_response(resourceType="Patient"),
    "response in progress": lambda: _with_response(status="in-progress"),
    "response without status": lambda: _with_document(
        response={"resourceType": "QuestionnaireResponse"}
    ),
    "item not a list": lambda: _with_response(item={"linkId": "a"}),
    "item entry not an object": lambda: _with_response(item=["a"]),
    "item without linkId": lambda: _with_response(item=[{"text": "a"}]),
    "nested item without linkId": lambda: _with_response(
        item=[{"linkId": "a", "item": [{"answer": []}]}]
    ),
    "answer not a list": lambda: _with_response(item=[{"linkId": "a", "answer": "yes"}]),
    "item under an answer without linkId": lambda: _with_response(
        item=[{"linkId": "a", "answer": [{"item": [{}]}]}]
    ),
    "NUL in an answer": lambda: _with_response(
        item=[{"linkId": "a", "answer": [{"valueString": "x\x00y"}]}]
    ),
    "response nested over 64 levels": lambda: _with_response(extension=_nested(50)),
}


@pytest.fixture
def no_new_chart(shared_client: httpx.Client) -> Iterator[None]:
    """Whatever the test sends, no chart may appear because of it."""
    before = len(shared_client.get("/v1/charts").json())
    yield
    assert len(shared_client.get("/v1/charts").json()) == before


def assert_client_error(answer: httpx.Response, status: int | None = None) -> Any:
    assert 400 <= answer.status_code < 500, answer.text
    if status is not None:
        assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    detail = answer.json()["detail"]
    assert detail
    return detail


@pytest.mark.usefixtures("no_new_chart")
@pytest.mark.parametrize("case", INVALID_BODIES)
def test_invalid_body_is_rejected(shared_client: httpx.Client, case: str) -> None:
    answer = shared_client.post(
        "/v1/applicants",
        json=INVALID_BODIES[case](),
        headers={"Idempotency-Key": f"invalid-{abs(hash(case))}"},
    )
    detail = assert_client_error(answer, 422)
    assert all({"type", "loc", "msg"} <= set(error) for error in detail)


def test_validation_errors_do_not_echo_the_input(shared_client: httpx.Client) -> None:
    answer = shared_client.post(
        "/v1/applicants",
        json=applicant_body(first_name="Zelda-Secret" * 10),
        headers={"Idempotency-Key": "echo-check-1"},
    )
    detail = assert_client_error(answer, 422)
    assert detail[0]["loc"] == ["body", "first_name"]
    assert "Zelda-Secret" not in answer.text


def _raw_extension(raw: str) -> bytes:
    """A body whose response carries *raw* JSON text (not built through Python) as extension."""
    text = json.dumps(_with_response(extension="__RAW__"))
    return text.replace('"__RAW__"', raw).encode()


RAW_BODIES: dict[str, bytes] = {
    "not JSON": b"{first_name: Ana",
    "empty": b"",
    "a JSON array": b"[]",
    "NaN in a response": json.dumps(
        _with_response(item=[{"linkId": "a", "answer": [{"valueDecimal": float("nan")}]}])
    ).encode(),
    "Infinity in a response": json.dumps(
        _with_response(item=[{"linkId": "a", "answer": [{"valueDecimal": float("inf")}]}])
    ).encode(),
    "huge exponent in a response": _raw_extension("1e999"),
    "lone surrogate in a name": json.dumps(applicant_body(first_name="An\ud800a")).encode(),
    "lone surrogate in an answer": json.dumps(
        _with_response(item=[{"linkId": "a", "answer": [{"valueString": "\udfff"}]}])
    ).encode(),
    "lone surrogate in a response key": json.dumps(_with_response(**{"\ud800": 1})).encode(),
    "lone surrogate in an unknown field": json.dumps(applicant_body(**{"x\ud800": 1})).encode(),
    "invalid UTF-8": json.dumps(applicant_body()).encode().replace(b"Ana", b"A\xffa"),
    "nested 900 deep": _raw_extension('{"a":[' * 450 + "1" + "]}" * 450),
    "nested beyond the parser's limit": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "huge integer": json.dumps(applicant_body()).replace('"Ana"', "9" * 5000, 1).encode(),
}


@pytest.mark.usefixtures("no_new_chart")
@pytest.mark.parametrize("case", RAW_BODIES)
def test_malformed_body_is_a_client_error(shared_client: httpx.Client, case: str) -> None:
    answer = shared_client.post(
        "/v1/applicants",
        content=RAW_BODIES[case],
        headers={"Idempotency-Key": "raw-body-1", "Content-Type": "application/json"},
    )
    assert_client_error(answer)


@pytest.mark.usefixtures("no_new_chart")
def test_form_encoded_body_is_a_client_error(shared_client: httpx.Client) -> None:
    answer = shared_client.post(
        "/v1/applicants", data={"first_name": "Ana"}, headers={"Idempotency-Key": "form-body-1"}
    )
    assert_client_error(answer, 422)


@pytest.mark.usefixtures("no_new_chart")
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Idempotency-Key": "short"},
        {"Idempotency-Key": "has spaces in it"},
        {"Idempotency-Key": "k" * 201},
        {"Idempotency-Key": "visit/0001"},
    ],
    ids=["missing", "7 chars", "spaces", "201 chars", "slash"],
)
def test_missing_or_invalid_idempotency_key(
    shared_client: httpx.Client, headers: dict[str, str]
) -> None:
    answer = shared_client.post("/v1/applicants", json=applicant_body(), headers=headers)
    detail = assert_client_error(answer)
    assert answer.status_code in (400, 422)
    assert detail[0]["loc"] == ["header", "Idempotency-Key"]


def _over_two_megabytes() -> bytes:
    body = _with_response(padding="x" * (2 * 1024 * 1024))
    return json.dumps(body).encode()


@pytest.mark.usefixtures("no_new_chart")
def test_body_over_two_megabytes_is_413(shared_client: httpx.Client) -> None:
    answer = shared_client.post(
        "/v1/applicants",
        content=_over_two_megabytes(),
        headers={"Idempotency-Key": "too-big-1", "Content-Type": "application/json"},
    )
    assert_client_error(answer, 413)


@pytest.mark.usefixtures("no_new_chart")
def test_chunked_body_over_two_megabytes_is_413(shared_client: httpx.Client) -> None:
    data = _over_two_megabytes()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]

    answer = shared_client.post(
        "/v1/applicants",
        content=chunks(),
        headers={"Idempotency-Key": "too-big-2", "Content-Type": "application/json"},
    )
    assert "content-length" not in answer.request.headers
    assert_client_error(answer, 413)


def test_inputs_at_the_limits_are_accepted(shared_client: httpx.Client) -> None:
    response = {**HEALTH_HISTORY["response"], "extension": _nested(30)}
    body = applicant_body(
        first_name="F" * 60,
        last_name=" " + "L" * 60 + " ",
        language="en-abcdefgh-abcdefgh-abcdefgh-abcde",
        consents=[
            {**CONSENT, "typed_name": "N" * 130, "signed_at": "2026-11-23T10:00:00Z"},
            {**CONSENT, "form_id": "privacy", "version": version(PRIVACY_TEXT)},
        ],
        documents=[{**HEALTH_HISTORY, "title": "T" * 200, "response": response}] * 50,
    )
    assert len(body["language"]) == 35
    answer = shared_client.post(
        "/v1/applicants", json=body, headers={"Idempotency-Key": "limits-1"}
    )
    assert answer.status_code == 201, answer.text
    chart = shared_client.get(f"/v1/charts/{answer.json()['chart_id']}").json()
    assert chart["last_name"] == "L" * 60
    assert len(chart["consents"]) == 2
    assert len(chart["documents"]) == 50
    assert chart["documents"][0]["response"]["extension"] == _nested(30)
