"""Returning visitors over real HTTP, on SQLite and PostgreSQL: signing in with the login
made from a pickup code, the lock-outs (per terminal, per username, and the attack patterns
of the pickup lock-out), and the visit token's life (submit once, end, other terminals)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import select

from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import VisitSession
from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.payloads import RESPIRATOR
from tests.server.pickup_helpers import (
    PRIVACY_TEXT,
    configure_portal,
    consent,
    documents,
    new_chart,
    redeem_body,
)

PASSWORD = "lantern-octopus-47"


@contextmanager
def serving(url: str, **overrides: object) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """A live server: (admin client, lobby-1 client), with the portal configured."""
    settings = dataclasses.replace(FAST_SETTINGS, **overrides)  # type: ignore[arg-type]
    with (
        live_server(url, settings) as base,
        httpx.Client(base_url=base, headers=token_headers(url, "staff"), timeout=30) as admin,
        httpx.Client(
            base_url=base, headers=token_headers(url, "lobby-1", admin=False), timeout=30
        ) as terminal,
    ):
        configure_portal(admin)
        yield admin, terminal


def _account(admin: httpx.Client, terminal: httpx.Client, username: str, **chart: object) -> int:
    """A chart whose pickup code was redeemed for *username* with everything signed."""
    made = new_chart(admin, **chart)
    body = redeem_body(
        made["pickup_code"],
        username=username,
        consents=[consent(), consent("privacy", PRIVACY_TEXT)],
        documents=documents(),
    )
    redeemed = terminal.post("/v1/pickup/redeem", json=body)
    assert redeemed.status_code == 201, redeemed.text
    return int(made["chart_id"])


def _login(http: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    return http.post("/v1/login", json={"username": username, "password": password})


def test_sign_in_shows_only_what_is_due(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        chart_id = _account(admin, terminal, "jane.doe", language="es")
        signed = _login(terminal, "JANE.DOE")  # usernames are unique regardless of case
        assert signed.status_code == 201, signed.text
        body = signed.json()
        assert body["masked_name"] == "J*** D***"
        assert body["username"] == "jane.doe"
        assert body["language"] == "es"
        assert body["consents_due"] == []
        assert body["questionnaires"] == []
        assert "first_name" not in body  # a lobby terminal: nothing else of the chart
        assert "Jane" not in signed.text

        # Staff assign a form after the first visit: the next sign-in offers it.
        assigned = admin.post(
            f"/v1/charts/{chart_id}/assignments",
            json={"questionnaire": RESPIRATOR["questionnaire"].split("|")[0]},
        )
        assert assigned.status_code == 201, assigned.text
        again = admin.post(
            f"/v1/charts/{chart_id}/assignments",
            json={"questionnaire": RESPIRATOR["questionnaire"]},
        )
        assert again.json()["error"] == "already_assigned"
        token = _login(terminal, "jane.doe").json()
        assert [q["questionnaire"] for q in token["questionnaires"]] == [
            RESPIRATOR["questionnaire"]
        ]
        visit = {"visit_token": token["visit_token"]}
        assert terminal.post("/v1/visit/status", json=visit).json()["questionnaires"]
        filed = terminal.post(
            "/v1/visit/submit", json={**visit, "documents": [documents()[1]], "consents": []}
        )
        assert filed.status_code == 200, filed.text
        assert filed.json() == {"consents_due": [], "questionnaires": []}
        twice = terminal.post("/v1/visit/submit", json={**visit, "documents": []})
        assert (twice.status_code, twice.json()["error"]) == (409, "visit_submitted")
        chart = admin.get(f"/v1/charts/{chart_id}").json()
        assert [d["document_type"] for d in chart["documents"]].count(
            RESPIRATOR["document_type"]
        ) == 2
        assert terminal.post("/v1/visit/end", json=visit).status_code == 204
        assert terminal.post("/v1/visit/status", json=visit).json()["error"] == "visit_invalid"


def test_unknown_username_and_wrong_password_get_one_answer(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        _account(admin, terminal, "jane.doe")
        wrong = _login(terminal, "jane.doe", "not-her-password")
        unknown = _login(terminal, "nobody.here", PASSWORD)
        assert wrong.status_code == unknown.status_code == 403
        assert (
            wrong.json()
            == unknown.json()
            == {
                "detail": "This username and password do not match.",
                "error": "login_invalid",
            }
        )


def test_wrong_passwords_lock_the_account_and_the_terminal(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        _account(admin, terminal, "jane.doe")
        other = httpx.Client(
            base_url=str(terminal.base_url),
            headers=token_headers(server_database_url, "lobby-2", admin=False),
            timeout=30,
        )
        with other:
            # 3 wrong at lobby-1 and 2 at lobby-2: the account is locked wherever it is tried
            for _ in range(3):
                assert _login(terminal, "jane.doe", "wrong-password-1").status_code == 403
            for _ in range(2):
                assert _login(other, "jane.doe", "wrong-password-2").status_code == 403
            locked = _login(other, "jane.doe")  # the right password, too late
            assert locked.status_code == 429
            assert locked.json()["error"] == "account_locked"
            assert 290 <= locked.json()["retry_after"] <= 300
            assert locked.headers["Retry-After"] == str(locked.json()["retry_after"])
            # An unknown username locks the same way: nothing tells the two apart.
            for _ in range(2):
                assert _login(other, "ghost.user", "x-wrong-x").status_code == 403
            # lobby-1 has 3 failures; two more on other names lock the terminal
            for name in ("someone.a", "someone.b"):
                assert _login(terminal, name, "wrong-password-3").status_code == 403
            blocked = _login(terminal, "anyone.c")
            assert (blocked.status_code, blocked.json()["error"]) == (429, "terminal_locked")
            # Passwords are counted on their own (throttle kind ``password``): codes still work.
            code = new_chart(admin, first_name="Kim")["pickup_code"]
            assert terminal.post("/v1/pickup/verify", json={"code": code}).status_code == 200


def test_a_success_does_not_forgive_earlier_failures(server_database_url: str) -> None:
    """The attack pattern of the pickup lock-out: holding a login of one's own, alternate
    wrong guesses at someone else's password with a good sign-in of one's own."""
    with serving(server_database_url) as (admin, terminal):
        _account(admin, terminal, "victim.one", first_name="Vic")
        _account(admin, terminal, "attacker.own", first_name="Att")
        wrong = 0
        answer = _login(terminal, "victim.one", "guess-0-xx")
        while answer.status_code == 403 and wrong < 50:
            wrong += 1
            if wrong % 2 == 0:  # every second guess, a good sign-in of one's own
                own = _login(terminal, "attacker.own")
                if own.status_code == 429:
                    break
                assert own.status_code == 201
            answer = _login(terminal, "victim.one", f"guess-{wrong}-xx")
        assert wrong == 5  # exactly as many as without the successes between
        other = token_headers(server_database_url, "lobby-9", admin=False)
        from_elsewhere = admin.post(
            "/v1/login", json={"username": "victim.one", "password": PASSWORD}, headers=other
        )
        assert from_elsewhere.json()["error"] == "account_locked"


def test_parallel_guesses_do_not_get_past_the_limit(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        _account(admin, terminal, "jane.doe")
        answers: list[int] = []
        lock = threading.Lock()

        def guess(index: int) -> None:
            answer = _login(terminal, "jane.doe", f"parallel-guess-{index}")
            with lock:
                answers.append(answer.status_code)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(answers) == 20
        assert answers.count(403) <= 5  # at most 5 passwords were checked
        assert answers.count(429) >= 15


def test_visit_tokens_are_the_terminals_and_end_with_a_reset(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        chart_id = _account(admin, terminal, "jane.doe")
        token = _login(terminal, "jane.doe").json()["visit_token"]
        other = token_headers(server_database_url, "lobby-2", admin=False)
        stolen = admin.post("/v1/visit/status", json={"visit_token": token}, headers=other)
        assert stolen.json()["error"] == "visit_invalid"
        reset = admin.post(f"/v1/charts/{chart_id}/reset-login")
        assert reset.status_code == 201
        assert terminal.post("/v1/visit/status", json={"visit_token": token}).status_code == 404
        assert _login(terminal, "jane.doe").status_code == 403  # the password is disabled
        # the new code makes a new login: the username may stay (the terminal asks first)
        new_code = reset.json()["pickup_code"]
        ask = {"username": "JANE.DOE"}
        assert terminal.post("/v1/pickup/username", json=ask).json() == {"available": False}
        mine = terminal.post("/v1/pickup/username", json={**ask, "code": new_code})
        assert mine.json() == {"available": True}
        other_code = new_chart(admin, first_name="Joe")["pickup_code"]
        theirs = terminal.post("/v1/pickup/username", json={**ask, "code": other_code})
        assert theirs.json() == {"available": False}
        redeemed = terminal.post(
            "/v1/pickup/redeem",
            json=redeem_body(reset.json()["pickup_code"], password="harbor-lantern-58"),
        )
        assert redeemed.status_code == 201, redeemed.text
        assert _login(terminal, "jane.doe", "harbor-lantern-58").status_code == 201


def test_an_expired_visit_token_is_refused(server_database_url: str) -> None:
    from datetime import timedelta

    with serving(server_database_url, visit_ttl=timedelta(seconds=1)) as (admin, terminal):
        _account(admin, terminal, "jane.doe")
        token = _login(terminal, "jane.doe").json()["visit_token"]
        engine = make_engine(server_database_url)
        try:
            with make_sessionmaker(engine)() as session:
                row = session.scalars(select(VisitSession)).one()
                assert row.expires_at - row.created_at == timedelta(seconds=1)
        finally:
            engine.dispose()
        import time

        time.sleep(1.2)
        answer = terminal.post("/v1/visit/status", json={"visit_token": token})
        assert answer.json()["error"] == "visit_invalid"


def test_the_date_of_birth_is_checked_at_the_identity_step(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        code = new_chart(admin, date_of_birth="1985-04-23")["pickup_code"]
        wrong = terminal.post(
            "/v1/pickup/confirm", json={"code": code, "date_of_birth": "1985-04-24"}
        )
        assert (wrong.status_code, wrong.json()["error"]) == (422, "date_of_birth_mismatch")
        right = terminal.post(
            "/v1/pickup/confirm", json={"code": code, "date_of_birth": "1985-04-23"}
        )
        assert right.json() == {"confirmed": True}
        # each mismatch counts as a failed attempt of the terminal
        for _ in range(4):
            terminal.post("/v1/pickup/confirm", json={"code": code, "date_of_birth": "1999-01-01"})
        locked = terminal.post(
            "/v1/pickup/confirm", json={"code": code, "date_of_birth": "1985-04-23"}
        )
        assert locked.status_code == 429


def test_an_unknown_username_costs_the_same_argon2_work(sqlite_url: str) -> None:
    """Timing tells nothing: an unknown username is checked against a dummy hash made with
    the server's own argon2 parameters, exactly once, like a real login's hash."""
    from argon2 import extract_parameters

    from kiosk.contract.wire.returning import LoginIn
    from kiosk.server.db import create_schema
    from kiosk.server.passwords import hasher
    from kiosk.server.returning import LoginInvalid, _dummy_hash, sign_in

    params = FAST_SETTINGS.password_hashing
    real = hasher(params).hash("lantern-octopus-47")
    assert extract_parameters(_dummy_hash(params)) == extract_parameters(real)
    checked: list[str] = []

    def verify(stored: str, password: str) -> bool:
        checked.append(stored)
        return False

    engine = make_engine(sqlite_url)
    try:
        create_schema(engine)
        sessions = make_sessionmaker(engine, writes=True)
        payload = LoginIn(username="nobody.here", password="whatever-1")
        try:
            sign_in(sessions, FAST_SETTINGS, "lobby-1", payload, verify)
        except LoginInvalid:
            pass
        else:
            raise AssertionError("an unknown username signed in")
    finally:
        engine.dispose()
    assert checked == [_dummy_hash(params)]


def test_a_token_limited_to_other_portals_cannot_sign_in_here(server_database_url: str) -> None:
    from kiosk.server.tokens import provision_terminal_token

    with serving(server_database_url) as (admin, terminal):
        _account(admin, terminal, "jane.doe")
        elsewhere = provision_terminal_token(server_database_url, "lobby-7", portals=["other"])
        answer = admin.post(
            "/v1/login",
            json={"username": "jane.doe", "password": PASSWORD},
            headers={"Authorization": f"Bearer {elsewhere}"},
        )
        assert (answer.status_code, answer.json()["error"]) == (403, "login_invalid")
