"""Parallel wrong passwords against the sign-in lock-out, on one and on two ``kiosk-server
serve`` processes sharing one database (SQLite file, PostgreSQL): at most five are checked,
per terminal and per username, however many arrive at once."""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from tests.server.test_server_processes import bearer, fire_at_once, two_servers

__all__ = ["two_servers"]  # the module's servers, shared with the code-guess races


@pytest.mark.parametrize("processes", [1, 2])
def test_parallel_wrong_passwords_for_one_username(
    two_servers: tuple[str, list[str]], processes: int
) -> None:
    url, bases = two_servers
    username = f"someone.{secrets.token_hex(4)}"  # unknown names are counted like real ones
    requests = [
        (
            bases[index % processes],
            "/v1/login",
            {"username": username, "password": f"guess-{index}-xx"},
            bearer(url, f"guesser-{secrets.token_hex(4)}"),  # a fresh terminal each
        )
        for index in range(20)
    ]
    answers = fire_at_once(requests)
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {403: 5, 429: 15}
    assert {a.json()["error"] for a in answers if a.status_code == 429} == {"account_locked"}


@pytest.mark.parametrize("processes", [1, 2])
def test_parallel_wrong_passwords_from_one_terminal(
    two_servers: tuple[str, list[str]], processes: int
) -> None:
    url, bases = two_servers
    headers = bearer(url, f"racer-{secrets.token_hex(4)}")
    requests = [
        (
            bases[index % processes],
            "/v1/login",
            {"username": f"name-{index}-{secrets.token_hex(3)}", "password": "guess-xx-1"},
            headers,
        )
        for index in range(20)
    ]
    answers = fire_at_once(requests)
    assert Counter(answer.status_code for answer in answers) == {403: 5, 429: 15}
    assert {a.json()["error"] for a in answers if a.status_code == 429} == {"terminal_locked"}
