"""The one-time use code portal over real HTTP: verify, redeem, follow-ups, the race."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from kiosk.server.codes import normalize_code
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import Chart, Login, PickupCode, utc_now
from tests.server.live import token_headers
from tests.server.pickup_helpers import (
    CONSENT_TEXT,
    all_consents,
    configure_portal,
    consent,
    documents,
    new_chart,
    redeem_body,
)


@pytest.fixture
def admin(client: httpx.Client) -> httpx.Client:
    configure_portal(client)
    return client


def _expire_codes(database_url: str, chart_id: int) -> None:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            session.execute(
                update(PickupCode)
                .where(PickupCode.chart_id == chart_id)
                .values(expires_at=utc_now() - timedelta(seconds=1))
            )
            session.commit()
    finally:
        engine.dispose()


def test_a_new_chart_comes_with_a_well_formed_code(admin: httpx.Client) -> None:
    issued = new_chart(admin)
    code = issued["pickup_code"]
    assert normalize_code(code) == code
    assert len(code.replace("-", "")) == 12
    chart = admin.get(f"/v1/charts/{issued['chart_id']}").json()
    assert chart["kind"] == "employee"
    assert chart["login_enabled"] is False
    assert chart["provider_organization"] == "Harbor Occupational Health"


def test_verify_says_only_what_the_terminal_needs(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    issued = new_chart(admin, date_of_birth="1990-02-03")
    answer = terminal_client.post("/v1/pickup/verify", json={"code": issued["pickup_code"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["masked_name"] == "J*** D***"
    assert body["date_of_birth_required"] is True
    assert [c["form_id"] for c in body["consents_due"]] == ["preplacement-evaluation", "privacy"]
    assert {c["reason"] for c in body["consents_due"]} == {"never_signed"}
    assert len(body["questionnaires"]) == 2
    text = answer.text
    for private in ("Jane", "Doe", "1990", "jane.doe@example.org", issued["reference"]):
        assert private not in text
    assert "chart_id" not in body
    # lower case, spaces instead of dashes and look-alike letters are forgiven
    typed = issued["pickup_code"].lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert terminal_client.post("/v1/pickup/verify", json={"code": typed}).status_code == 200


def test_a_code_with_a_typo_is_malformed_not_invalid(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    code = new_chart(admin)["pickup_code"]
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    first = code[0]
    typo = alphabet[(alphabet.index(first) + 1) % 32] + code[1:]
    answer = terminal_client.post("/v1/pickup/verify", json={"code": typo})
    assert answer.status_code == 422
    assert answer.json()["error"] == "code_malformed"


def test_wrong_expired_used_and_revoked_codes_get_the_same_answer(
    admin: httpx.Client, terminal_client: httpx.Client, server_database_url: str
) -> None:
    used = new_chart(admin, first_name="Used")
    redeemed = terminal_client.post("/v1/pickup/redeem", json=redeem_body(used["pickup_code"]))
    assert redeemed.status_code == 201, redeemed.text
    expired = new_chart(admin, first_name="Expired")
    _expire_codes(server_database_url, expired["chart_id"])
    revoked = new_chart(admin, first_name="Revoked")
    admin.post(f"/v1/charts/{revoked['chart_id']}/pickup-code")
    wrong = _valid_unknown_code()

    answers = [
        terminal_client.post("/v1/pickup/verify", json={"code": code})
        for code in (wrong, expired["pickup_code"], used["pickup_code"], revoked["pickup_code"])
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json() == {"detail": "This code cannot be used.", "error": "code_invalid"}
    headers = [{k: v for k, v in a.headers.items() if k != "date"} for a in answers]
    assert all(h == headers[0] for h in headers)


def _valid_unknown_code() -> str:
    from kiosk.server.codes import new_code

    return new_code()


def test_redeem_creates_the_login_and_files_everything_at_once(
    admin: httpx.Client, terminal_client: httpx.Client, server_database_url: str
) -> None:
    issued = new_chart(admin, date_of_birth="1990-02-03")
    body = redeem_body(
        issued["pickup_code"],
        date_of_birth="1990-02-03",
        consents=all_consents(),
        documents=documents(),
    )
    answer = terminal_client.post("/v1/pickup/redeem", json=body)
    assert answer.status_code == 201, answer.text
    redeemed = answer.json()
    assert redeemed["username"] == "jane.doe"
    assert redeemed["consents_due"] == []
    assert redeemed["questionnaires"] == []
    assert redeemed["redemption"].startswith("rdm_")

    chart = admin.get(f"/v1/charts/{issued['chart_id']}").json()
    assert chart["login_enabled"] is True
    assert len(chart["documents"]) == 2
    assert {c["terminal"] for c in chart["consents"]} == {"lobby-1"}
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            login = session.scalars(select(Login)).one()
    finally:
        engine.dispose()
    assert login.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(login.password_hash, "lantern-octopus-47")
    # single use
    again = terminal_client.post("/v1/pickup/verify", json={"code": issued["pickup_code"]})
    assert again.status_code == 404


def test_follow_ups_file_the_rest_and_are_bound_to_the_terminal(
    admin: httpx.Client,
    terminal_client: httpx.Client,
    base_url: str,
    server_database_url: str,
) -> None:
    issued = new_chart(admin)
    answer = terminal_client.post("/v1/pickup/redeem", json=redeem_body(issued["pickup_code"]))
    assert answer.status_code == 201, answer.text
    redemption = answer.json()["redemption"]
    assert len(answer.json()["consents_due"]) == 2

    other = httpx.Client(
        base_url=base_url, headers=token_headers(server_database_url, "lobby-2", admin=False)
    )
    with other:
        stolen = other.post(
            "/v1/pickup/consents", json={"redemption": redemption, "consents": all_consents()}
        )
    assert stolen.status_code == 404
    assert stolen.json()["error"] == "redemption_invalid"

    stale = consent(text="an older text\n")
    refused = terminal_client.post(
        "/v1/pickup/consents", json={"redemption": redemption, "consents": [stale]}
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "consent_invalid"

    signed = terminal_client.post(
        "/v1/pickup/consents", json={"redemption": redemption, "consents": all_consents()}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["consents_due"] == []
    assert len(signed.json()["questionnaires"]) == 2

    first, second = documents()
    filed = terminal_client.post(
        "/v1/pickup/documents", json={"redemption": redemption, "documents": [first]}
    )
    assert [q["questionnaire"] for q in filed.json()["questionnaires"]] == [second["questionnaire"]]
    twice = terminal_client.post(
        "/v1/pickup/documents", json={"redemption": redemption, "documents": [first]}
    )
    assert twice.status_code == 422
    assert twice.json()["error"] == "document_invalid"
    done = terminal_client.post(
        "/v1/pickup/documents", json={"redemption": redemption, "documents": [second]}
    )
    assert done.json() == {"consents_due": [], "questionnaires": []}
    status = terminal_client.post("/v1/pickup/status", json={"redemption": redemption})
    assert status.json() == {"consents_due": [], "questionnaires": []}


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short7!", "at least 8 characters"),
        ("password123", "too common"),
        ("  QWERTYUIOP ", "too common"),
        ("jane.doe.x", "must not be the username"),
    ],
)
def test_password_rules(
    admin: httpx.Client, terminal_client: httpx.Client, password: str, reason: str
) -> None:
    issued = new_chart(admin)
    body = redeem_body(issued["pickup_code"], username="jane.doe.x", password=password)
    answer = terminal_client.post("/v1/pickup/redeem", json=body)
    assert answer.status_code == 422
    problems = answer.json()["detail"]
    assert problems[0]["loc"] == ["body", "password"]
    assert reason in problems[0]["msg"]
    assert password.strip() not in answer.text
    # the code was not consumed
    verify = terminal_client.post("/v1/pickup/verify", json={"code": issued["pickup_code"]})
    assert verify.status_code == 200


def test_usernames_are_unique_regardless_of_case(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    first = new_chart(admin)
    second = new_chart(admin, first_name="John")
    assert terminal_client.post("/v1/pickup/username", json={"username": "Jane.Doe"}).json() == {
        "available": True
    }
    ok = terminal_client.post("/v1/pickup/redeem", json=redeem_body(first["pickup_code"]))
    assert ok.status_code == 201
    assert terminal_client.post("/v1/pickup/username", json={"username": "JANE.DOE"}).json() == {
        "available": False
    }
    taken = terminal_client.post(
        "/v1/pickup/redeem", json=redeem_body(second["pickup_code"], username="JANE.doe")
    )
    assert taken.status_code == 409
    assert taken.json()["error"] == "username_taken"
    bad = terminal_client.post(
        "/v1/pickup/redeem", json=redeem_body(second["pickup_code"], username="-x")
    )
    assert bad.status_code == 422
    assert (
        terminal_client.post("/v1/pickup/verify", json={"code": second["pickup_code"]}).status_code
        == 200
    )


def test_the_date_of_birth_must_match(admin: httpx.Client, terminal_client: httpx.Client) -> None:
    issued = new_chart(admin, date_of_birth="1990-02-03")
    missing = terminal_client.post("/v1/pickup/redeem", json=redeem_body(issued["pickup_code"]))
    assert missing.json()["error"] == "date_of_birth_required"
    wrong = terminal_client.post(
        "/v1/pickup/redeem", json=redeem_body(issued["pickup_code"], date_of_birth="1990-03-02")
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "date_of_birth_mismatch"
    right = terminal_client.post(
        "/v1/pickup/redeem", json=redeem_body(issued["pickup_code"], date_of_birth="1990-02-03")
    )
    assert right.status_code == 201


def test_two_terminals_racing_with_one_code_exactly_one_wins(
    admin: httpx.Client, base_url: str, server_database_url: str
) -> None:
    issued = new_chart(admin)
    racers = 6
    clients = [
        httpx.Client(
            base_url=base_url,
            headers=token_headers(server_database_url, f"lobby-{i}", admin=False),
            timeout=60,
        )
        for i in range(racers)
    ]
    barrier = threading.Barrier(racers)
    answers: list[Any] = [None] * racers

    def race(index: int) -> None:
        body = redeem_body(issued["pickup_code"], username=f"racer{index}")
        barrier.wait()
        try:
            answers[index] = clients[index].post("/v1/pickup/redeem", json=body)
        except BaseException as exc:  # reported below
            answers[index] = exc

    threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for http in clients:
        http.close()
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [404] * (racers - 1), [a.text for a in answers]
    assert {a.json()["error"] for a in answers if a.status_code == 404} == {"code_invalid"}
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            assert len(session.scalars(select(Login)).all()) == 1
            chart = session.get_one(Chart, issued["chart_id"])
            assert chart.login_enabled
    finally:
        engine.dispose()


def test_a_new_code_revokes_the_old_one(admin: httpx.Client, terminal_client: httpx.Client) -> None:
    issued = new_chart(admin)
    again = admin.post(f"/v1/charts/{issued['chart_id']}/pickup-code", json={"ttl_days": 2})
    assert again.status_code == 201
    fresh = again.json()
    assert fresh["pickup_code"] != issued["pickup_code"]
    old = terminal_client.post("/v1/pickup/verify", json={"code": issued["pickup_code"]})
    new = terminal_client.post("/v1/pickup/verify", json={"code": fresh["pickup_code"]})
    assert (old.status_code, new.status_code) == (404, 200)


def test_consents_signed_on_a_changed_text_are_due_again(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    issued = new_chart(admin)
    redeemed = terminal_client.post(
        "/v1/pickup/redeem",
        json=redeem_body(issued["pickup_code"], consents=all_consents()),
    ).json()
    assert redeemed["consents_due"] == []
    due = admin.get(f"/v1/charts/{issued['chart_id']}/consents-due").json()
    assert due == []
    configure_portal(admin, consent_text=CONSENT_TEXT + "Amended.\n")
    due = admin.get(f"/v1/charts/{issued['chart_id']}/consents-due").json()
    assert [(d["form_id"], d["reason"]) for d in due] == [
        ("preplacement-evaluation", "text_changed")
    ]
