"""The should-fix findings of the security probe, each tested as the probe found it, over
real HTTP on SQLite and PostgreSQL: keyed code hashes, throttled username look-ups,
invisible names, repeated Idempotency-Key headers, JSON integers, OPTIONS and Allow."""

from __future__ import annotations

import hashlib
import hmac
import stat
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert, select

from kiosk.server.code_key import code_key, code_key_file
from kiosk.server.codes import new_code, normalize_code
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import PickupCode, utc_now
from tests.server.payloads import CONSENT, applicant_body
from tests.server.pickup_helpers import new_chart, redeem_body


def _stored_hashes(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return list(session.scalars(select(PickupCode.code_hash).order_by(PickupCode.id)))
    finally:
        engine.dispose()


def _plain(code: str) -> str:
    canonical = normalize_code(code)
    assert canonical is not None
    return hashlib.sha256(canonical.replace("-", "").encode()).hexdigest()


def test_pickup_codes_are_stored_keyed_with_a_secret_outside_the_database(
    client: httpx.Client, terminal_client: httpx.Client, server_database_url: str
) -> None:
    code = new_chart(client)["pickup_code"]
    [stored] = _stored_hashes(server_database_url)
    assert stored != _plain(code)  # a leaked database cannot be searched by hashing guesses
    canonical = normalize_code(code)
    assert canonical is not None
    keyed = hmac.new(code_key(), canonical.replace("-", "").encode(), hashlib.sha256).hexdigest()
    assert stored == keyed
    key_file = code_key_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "sqlite" not in key_file.name
    assert terminal_client.post("/v1/pickup/verify", json={"code": code}).status_code == 200


def test_a_code_stored_before_the_key_still_works_and_is_stored_keyed_on_use(
    client: httpx.Client, terminal_client: httpx.Client, server_database_url: str
) -> None:
    chart_id = new_chart(client)["chart_id"]
    legacy = new_code()
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            session.execute(
                insert(PickupCode).values(
                    chart_id=chart_id,
                    code_hash=_plain(legacy),
                    created_at=utc_now(),
                    expires_at=utc_now() + timedelta(days=1),
                    issued_by="old-server",
                )
            )
            session.commit()
    finally:
        engine.dispose()
    assert terminal_client.post("/v1/pickup/verify", json={"code": legacy}).status_code == 200
    assert _plain(legacy) not in _stored_hashes(server_database_url)
    redeemed = terminal_client.post("/v1/pickup/redeem", json=redeem_body(legacy))
    assert redeemed.status_code == 201, redeemed.text


def test_username_look_ups_are_throttled_per_terminal(
    client: httpx.Client, terminal_client: httpx.Client
) -> None:
    answers = [
        terminal_client.post("/v1/pickup/username", json={"username": f"user{n}"}).status_code
        for n in range(40)
    ]
    assert answers == [200] * 30 + [429] * 10
    locked = terminal_client.post("/v1/pickup/username", json={"username": "someone"})
    assert locked.json()["error"] == "terminal_locked"
    assert 0 < locked.json()["retry_after"] <= 300
    # another terminal (here: the admin token's) is not held back
    assert client.post("/v1/pickup/username", json={"username": "someone"}).status_code == 200


INVISIBLE = ["\u200b", "\u202e", "\u200b\u202e\u2066 \u200d", "\ufeff", "\u2028", "\u0301"]


@pytest.mark.parametrize("name", INVISIBLE, ids=[f"U+{ord(n[0]):04X}" for n in INVISIBLE])
def test_names_of_only_invisible_characters_are_refused(
    terminal_client: httpx.Client, client: httpx.Client, name: str
) -> None:
    for index, body in enumerate(
        (
            applicant_body(first_name=name),
            applicant_body(last_name=name),
            applicant_body(consents=[{**CONSENT, "typed_name": name}]),
        )
    ):
        answer = terminal_client.post(
            "/v1/applicants", json=body, headers={"Idempotency-Key": f"invisible-{index}"}
        )
        assert answer.status_code == 422, answer.text
    staff = client.post(
        "/v1/charts",
        json={"kind": "employee", "first_name": name, "last_name": "Doe", "portal": "x"},
    )
    assert staff.status_code == 422
    assert client.get("/v1/charts").json() == []
    # a name with a visible letter and such characters is still a name
    fine = terminal_client.post(
        "/v1/applicants",
        json=applicant_body(first_name="A" + name),
        headers={"Idempotency-Key": "visible-1"},
    )
    assert fine.status_code == 201, fine.text


def test_two_idempotency_key_headers_are_refused(terminal_client: httpx.Client) -> None:
    headers = [("Idempotency-Key", "visit-aaaa-0001"), ("Idempotency-Key", "visit-bbbb-0002")]
    answer = terminal_client.post("/v1/applicants", json=applicant_body(), headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "idempotency_key_repeated"
    one = terminal_client.post(
        "/v1/applicants", json=applicant_body(), headers=[("Idempotency-Key", "visit-aaaa-0001")]
    )
    assert one.status_code == 201


def test_integers_are_what_the_schema_says(client: httpx.Client) -> None:
    chart_id = new_chart(client)["chart_id"]
    spec = client.get("/openapi.json").json()["components"]["schemas"]["IssueCodeIn"]
    assert spec["properties"]["ttl_days"]["anyOf"][0]["type"] == "integer"
    path = f"/v1/charts/{chart_id}/pickup-code"
    assert client.post(path, json={"ttl_days": 110.0}).status_code == 201
    assert client.post(path, json={"ttl_days": 110}).status_code == 201
    for wrong in (110.5, "110", True, 1e300, 0.0):
        assert client.post(path, json={"ttl_days": wrong}).status_code == 422, wrong


def test_options_and_405_name_the_allowed_methods(client: httpx.Client) -> None:
    options = client.options("/v1/charts")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/v1/applicants").headers["allow"] == "OPTIONS, POST"
    assert client.options("/v1/charts/12").headers["allow"] == "GET, HEAD, OPTIONS"
    refused = client.delete("/v1/charts")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/v1/no-such-thing").status_code == 404


def test_the_key_file_can_be_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys" / "codes.key"
    monkeypatch.setenv("KIOSK_SERVER_CODE_KEY_FILE", str(path))
    assert code_key_file() == path
    first = code_key()
    assert path.is_file()
    assert code_key() == first
    assert len(first) == 32
