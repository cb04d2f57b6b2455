"""Limits on guessing pickup codes: per-terminal throttling with a growing lock-out, the
per-chart revocation after 100 failed confirmations, and answers whose timing tells nothing."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import httpx
from sqlalchemy import update

from kiosk.server import throttle
from kiosk.server.codes import new_code
from kiosk.server.db import create_schema, make_engine, make_sessionmaker
from kiosk.server.models import PickupCode, utc_now
from kiosk.server.settings import ServerSettings
from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.pickup_helpers import configure_portal, new_chart, redeem_body


@contextmanager
def serving(url: str, **overrides: object) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """A live server with *overrides* of the test settings: (admin client, lobby-1 client)."""
    settings = dataclasses.replace(FAST_SETTINGS, **overrides)  # type: ignore[arg-type]
    with (
        live_server(url, settings) as base,
        httpx.Client(base_url=base, headers=token_headers(url, "staff")) as admin,
        httpx.Client(base_url=base, headers=token_headers(url, "lobby-1", admin=False)) as terminal,
    ):
        configure_portal(admin)
        yield admin, terminal


def _verify(http: httpx.Client, code: str) -> httpx.Response:
    return http.post("/v1/pickup/verify", json={"code": code})


def test_five_failures_lock_the_terminal_out(server_database_url: str) -> None:
    with serving(server_database_url) as (admin, terminal):
        good = new_chart(admin)["pickup_code"]
        for _ in range(5):
            assert _verify(terminal, new_code()).status_code == 404
        locked = _verify(terminal, good)
        assert locked.status_code == 429
        body = locked.json()
        assert body["error"] == "terminal_locked"
        assert 290 <= body["retry_after"] <= 300
        assert locked.headers["Retry-After"] == str(body["retry_after"])
        redeem = terminal.post("/v1/pickup/redeem", json=redeem_body(good))
        assert redeem.status_code == 429
        # another terminal is not locked out
        other_headers = token_headers(server_database_url, "lobby-2", admin=False)
        assert admin.post("/v1/pickup/verify", json={"code": good}, headers=other_headers)
        assert _verify(admin, good).status_code == 200  # the admin token is its own terminal


def test_a_success_forgives_no_earlier_failure(server_database_url: str) -> None:
    """The probe's attack: holding one valid code, 4 wrong guesses then 1 verify of the valid
    code, over and over. The verify must not reset the count: the fifth wrong guess locks."""
    with serving(server_database_url) as (admin, terminal):
        own = new_chart(admin)["pickup_code"]
        answers = []
        for _ in range(6):
            answers.extend(_verify(terminal, new_code()).status_code for _ in range(4))
            answers.append(_verify(terminal, own).status_code)
        wrong = [code for index, code in enumerate(answers) if index % 5 != 4]
        assert wrong[:5] == [404] * 5
        assert set(wrong[5:]) == {429}
        assert answers[4] == 200
        assert set(answers[9::5]) == {429}
        # nor does a redemption: the terminal stays locked out, and its count is kept
        assert terminal.post("/v1/pickup/redeem", json=redeem_body(own)).status_code == 429


def test_wrong_dates_of_birth_count_whatever_else_succeeds(server_database_url: str) -> None:
    """Wrong dates of birth alternated with verifies of the (valid) code: at most five are
    compared, then the terminal and the chart are locked out, and the right date of birth
    is refused too, from this terminal and from another."""
    with serving(server_database_url, terminal_max_failures=5) as (admin, terminal):
        code = new_chart(admin, date_of_birth="1990-02-03")["pickup_code"]
        compared = 0
        refused = 0
        for day in range(1, 21):
            body = redeem_body(code, date_of_birth=f"1991-01-{day:02d}")
            answer = terminal.post("/v1/pickup/redeem", json=body)
            if answer.json().get("error") == "date_of_birth_mismatch":
                compared += 1
            else:
                assert answer.status_code == 429, answer.text
                refused += 1
            if day % 4 == 0:
                terminal.post("/v1/pickup/verify", json={"code": code})
        assert (compared, refused) == (5, 15)
        right = redeem_body(code, date_of_birth="1990-02-03")
        assert terminal.post("/v1/pickup/redeem", json=right).status_code == 429
        other = token_headers(server_database_url, "lobby-2", admin=False)
        answer = admin.post("/v1/pickup/redeem", json=right, headers=other)
        assert answer.status_code == 429, answer.text
        assert answer.json()["error"] == "date_of_birth_locked"
        assert 0 < answer.json()["retry_after"] <= 300


def test_lockouts_grow_and_only_time_forgets_them(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    limit = ServerSettings().guess_limit
    sessions = make_sessionmaker(engine, writes=True)
    now = utc_now()
    lobby = throttle.Subject("pickup-code", "terminal:lobby-1")

    def fail_five(at: datetime) -> int | None:
        """Five failures at *at*; the lock-out they end with, in seconds."""
        for _ in range(5):
            with sessions() as session:
                attempt = throttle.Attempt(session, limit, at)
                try:
                    attempt.hold(lobby)
                except throttle.Locked as locked:
                    return locked.retry_after
                attempt.failed()
                session.commit()
        with sessions() as session:
            try:
                throttle.Attempt(session, limit, at).hold(lobby)
            except throttle.Locked as locked:
                return locked.retry_after
        return None

    try:
        assert fail_five(now) == 300
        now += timedelta(seconds=301)
        assert fail_five(now) == 600
        now += timedelta(seconds=601)
        assert fail_five(now) == 1200
        # a day with no failure forgets the history
        now += timedelta(seconds=1200) + limit.forget_after
        assert fail_five(now) == 300
        # failures spread wider than the window never lock
        now += timedelta(seconds=301)
        for _ in range(3):
            now += limit.window
            with sessions() as session:
                attempt = throttle.Attempt(session, limit, now)
                attempt.hold(lobby)
                for _ in range(4):
                    attempt.failed()
                session.commit()
        with sessions() as session:
            throttle.Attempt(session, limit, now).hold(lobby)  # not locked
        # the longest lock-out is a day
        locked = None
        for _ in range(20):
            locked = fail_five(now)
            assert locked is not None
            now += timedelta(seconds=locked + 1)
        assert locked == 24 * 3600
    finally:
        engine.dispose()


def test_a_hundred_failed_confirmations_revoke_the_code(server_database_url: str) -> None:
    with serving(server_database_url, terminal_max_failures=10_000) as (admin, terminal):
        chart = new_chart(admin, date_of_birth="1990-02-03")
        code = chart["pickup_code"]
        wrong = redeem_body(code, date_of_birth="1991-02-03")
        right = redeem_body(code, date_of_birth="1990-02-03")
        for _ in range(99):
            assert terminal.post("/v1/pickup/redeem", json=wrong).status_code == 422
        assert _verify(terminal, code).status_code == 200  # still usable after 99
        answer = terminal.post("/v1/pickup/redeem", json=wrong)
        assert answer.json()["error"] == "date_of_birth_mismatch"
        assert terminal.post("/v1/pickup/redeem", json=right).status_code == 404  # revoked
        # staff issue a new code, and the count starts again
        fresh = admin.post(f"/v1/charts/{chart['chart_id']}/pickup-code").json()["pickup_code"]
        ok = terminal.post("/v1/pickup/redeem", json=redeem_body(fresh, date_of_birth="1990-02-03"))
        assert ok.status_code == 201, ok.text


def test_unusable_codes_cannot_be_told_apart_by_timing(server_database_url: str) -> None:
    floor = 0.08
    with serving(
        server_database_url, terminal_max_failures=10_000, invalid_code_floor_seconds=floor
    ) as (admin, terminal):
        used = new_chart(admin, first_name="Used")["pickup_code"]
        assert terminal.post("/v1/pickup/redeem", json=redeem_body(used)).status_code == 201
        expired_chart = new_chart(admin, first_name="Expired")
        engine = make_engine(server_database_url)
        try:
            with make_sessionmaker(engine)() as session:
                session.execute(
                    update(PickupCode)
                    .where(PickupCode.chart_id == expired_chart["chart_id"])
                    .values(expires_at=utc_now() - timedelta(days=1))
                )
                session.commit()
        finally:
            engine.dispose()
        kinds = {"wrong": new_code(), "expired": expired_chart["pickup_code"], "used": used}
        timings: dict[str, list[float]] = {kind: [] for kind in kinds}
        bodies = set()
        for _ in range(12):
            for kind, code in kinds.items():  # interleaved, so drift affects all alike
                started = time.perf_counter()
                answer = _verify(terminal, code)
                timings[kind].append(time.perf_counter() - started)
                bodies.add((answer.status_code, answer.content))
    assert bodies == {(404, b'{"detail":"This code cannot be used.","error":"code_invalid"}')}
    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    assert all(min(values) >= floor for values in timings.values()), timings
    spread = max(medians.values()) - min(medians.values())
    assert spread < 0.25 * floor, medians
