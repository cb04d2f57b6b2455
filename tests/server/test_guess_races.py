"""Parallel guesses against the lock-out, on one and on two ``kiosk-server serve`` processes
sharing one database (SQLite file, PostgreSQL): checking and counting are one atomic step,
so however many wrong guesses arrive at once, at most five are evaluated."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kiosk.server.codes import new_code
from kiosk.server.tokens import provision_terminal_token
from tests.server.conftest import DATABASES, _fresh_postgres_url
from tests.server.processes import server_processes


@pytest.fixture(scope="module", params=DATABASES)
def two_servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, list[str]]]:
    """(database URL, base URLs of two server processes on it)."""
    folder = tmp_path_factory.mktemp("servers")
    if request.param == "sqlite":
        url = f"sqlite:///{(folder / 'kiosk.sqlite3').as_posix()}"
    else:
        url = _fresh_postgres_url(request)
    with server_processes(url, folder, count=2) as bases:
        yield url, bases


def fire_at_once(
    requests: list[tuple[str, str, dict[str, object], dict[str, str]]],
) -> list[httpx.Response]:
    """POST every (base URL, path, body, headers) at the same moment, each on its own
    connection; the answers in the same order."""
    start = threading.Barrier(len(requests))

    def send(request: tuple[str, str, dict[str, object], dict[str, str]]) -> httpx.Response:
        base, path, body, headers = request
        with httpx.Client(base_url=base, timeout=120.0, headers=headers) as http:
            http.get("/v1/health")  # connected before the start
            start.wait()
            return http.post(path, json=body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def bearer(database_url: str, terminal: str, *, admin: bool = False) -> dict[str, str]:
    token = provision_terminal_token(database_url, terminal, admin=admin)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("parallel", [20, 50])
@pytest.mark.parametrize("processes", [1, 2])
def test_parallel_wrong_guesses_evaluate_at_most_five(
    two_servers: tuple[str, list[str]], processes: int, parallel: int
) -> None:
    url, bases = two_servers
    headers = bearer(url, f"racer-{secrets.token_hex(4)}")  # a fresh terminal, never locked
    requests = [
        (bases[index % processes], "/v1/pickup/verify", {"code": new_code()}, headers)
        for index in range(parallel)
    ]
    answers = Counter(answer.status_code for answer in fire_at_once(requests))
    assert answers == {404: 5, 429: parallel - 5}
