"""Two ``kiosk-server serve`` processes on one database (SQLite file, PostgreSQL), as a clinic
network that has outgrown one process runs it: the lock-out, single redemption and
idempotency hold across them, and however many wrong guesses arrive at once, at most five
are evaluated."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from kiosk.server.codes import new_code
from kiosk.server.tokens import provision_terminal_token
from tests.server.conftest import DATABASES, _fresh_postgres_url
from tests.server.payloads import applicant_body, configure_payload_portal
from tests.server.pickup_helpers import new_chart, redeem_body
from tests.server.processes import server_process, server_processes


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
    configure_payload_portal(url)
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


def test_the_lock_out_holds_across_processes(two_servers: tuple[str, list[str]]) -> None:
    url, bases = two_servers
    headers = bearer(url, f"lobby-{secrets.token_hex(4)}")
    answers = []
    for index in range(10):  # one after another, alternating between the processes
        with httpx.Client(base_url=bases[index % 2], headers=headers, timeout=60) as http:
            answers.append(http.post("/v1/pickup/verify", json={"code": new_code()}).status_code)
    assert answers == [404] * 5 + [429] * 5


def test_one_code_is_redeemed_once_across_processes(two_servers: tuple[str, list[str]]) -> None:
    url, bases = two_servers
    with httpx.Client(base_url=bases[0], headers=bearer(url, "staff", admin=True)) as admin:
        code = new_chart(admin, first_name="Racer")["pickup_code"]
    requests = [
        (
            bases[index % 2],
            "/v1/pickup/redeem",
            redeem_body(code, username=f"racer.{index}"),
            bearer(url, f"kiosk-{secrets.token_hex(4)}"),
        )
        for index in range(12)
    ]
    answers = Counter(answer.status_code for answer in fire_at_once(requests))
    assert answers == {201: 1, 404: 11}


def test_one_key_files_one_chart_across_processes(two_servers: tuple[str, list[str]]) -> None:
    url, bases = two_servers
    terminal = f"lobby-{secrets.token_hex(4)}"
    key = {"Idempotency-Key": f"visit-{secrets.token_hex(8)}"}
    headers = {**bearer(url, terminal), **key}
    body = applicant_body(first_name="Idem", last_name=terminal)
    requests = [(bases[index % 2], "/v1/applicants", body, headers) for index in range(20)]
    answers = fire_at_once(requests)
    assert sorted(answer.status_code for answer in answers) == [200] * 19 + [201]
    assert len({answer.json()["chart_id"] for answer in answers}) == 1
    # the same key from another terminal is that terminal's own visit
    other = {**bearer(url, f"lobby-{secrets.token_hex(4)}"), **key}
    with httpx.Client(base_url=bases[1], headers=other) as http:
        theirs = http.post("/v1/applicants", json=body)
    assert theirs.status_code == 201
    assert theirs.json()["chart_id"] != answers[0].json()["chart_id"]


def test_serve_with_two_workers(server_database_url: str, tmp_path: Path) -> None:
    """``serve --workers 2``: two worker processes share the port and the database."""
    log_path = tmp_path / "workers.log"
    with server_process(server_database_url, log_path, ["--workers", "2"]) as base:
        deadline = time.monotonic() + 60
        while log_path.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, log_path.read_text()[-2000:]
            time.sleep(0.1)
        headers = bearer(server_database_url, "lobby-1")
        requests = [(base, "/v1/pickup/verify", {"code": new_code()}, headers)] * 20
        answers = Counter(answer.status_code for answer in fire_at_once(requests))
    assert answers == {404: 5, 429: 15}
    records = [json.loads(line) for line in log_path.read_text().splitlines()]
    started = {r["message"] for r in records if r["message"].startswith("Started server process")}
    assert len(started) == 2
