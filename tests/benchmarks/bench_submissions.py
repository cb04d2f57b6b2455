"""Benchmark: applicant submissions per second and their latency, 50 concurrent clients.

Not part of the test run (pytest collects ``test_*.py`` only). Run it from the checkout:

    .venv/bin/python -m tests.benchmarks.bench_submissions [--postgres URL] [--requests N]

It starts ``kiosk-server serve`` as a separate process on a loopback port, once on a fresh
SQLite file and once on a fresh PostgreSQL database (made on the server that ``--postgres``
or ``$KIOSK_TEST_POSTGRES_URL`` names, and dropped afterwards). Against each it sends, with
``--clients`` concurrent keep-alive connections, first ``GET /v1/health`` (the ceiling: the
same server, the same auth-free path through the middleware, no database), then
``POST /v1/applicants`` (a full visit: two FHIR QuestionnaireResponses and a consent, a
unique Idempotency-Key each, on a configured portal whose rules raise four tasks), then the
ceiling again. It prints requests per second, p50 and p99 latency, the ratio of submissions
to the mean of the two ceilings (two, so that a change in the machine's other load during
the run shows), and the load average before and after. Every loop is bounded in count and
time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk.server.tokens import provision_terminal_token
from tests.server.payloads import applicant_body
from tests.server.pickup_helpers import PORTAL, portal_body

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT_SECONDS = 120.0


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<26} {self.rate:8.1f} req/s   p50 {self.percentile(50):6.1f} ms"
            f"   p99 {self.percentile(99):6.1f} ms   ({self.requests} requests,"
            f" {self.failures} failed)"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(database_url: str, workers: int = 1) -> Iterator[str]:
    """``kiosk-server serve`` (with *workers* processes) in its own process; yields its URL."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.server.cli",
            "serve",
            "--database",
            database_url,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_SERVER_LOG", os.devnull), "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/v1/health", timeout=1)
                if workers > 1:
                    time.sleep(10)  # let every worker finish starting
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kiosk-server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(30)


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a load generator light enough
    that the server, not the client, is what gets measured on a small machine."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: str = ""
    ) -> tuple[int, bytes]:
        assert self.reader is not None
        assert self.writer is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.fixed}{headers}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode("ascii") + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


Send = Callable[[Connection, int], Awaitable[tuple[int, bytes]]]


async def _load(
    name: str, base: str, headers: dict[str, str], clients: int, total: int, send: Send
) -> Result:
    host, port = base.removeprefix("http://").split(":")
    connections = [Connection(host, int(port), headers) for _ in range(clients)]
    await asyncio.gather(*(c.open() for c in connections))
    latencies: list[float] = []
    failures = 0
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_LIMIT_SECONDS

    async def worker(connection: Connection) -> None:
        nonlocal failures
        for index in counter:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            status, _body = await send(connection, index)
            latencies.append(time.perf_counter() - started)
            if status >= 300:
                failures += 1

    try:
        # warm-up: one request per connection, not measured
        await asyncio.gather(*(send(c, -1 - i) for i, c in enumerate(connections)))
        started = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in connections))
        seconds = time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    return Result(name, len(latencies), seconds, latencies, failures)


@dataclass(frozen=True)
class Run:
    """One database's figures: the ceiling before and after the submissions."""

    ceilings: tuple[Result, Result]
    submissions: Result
    load: tuple[float, float]

    def lines(self) -> list[str]:
        ceiling = sum(c.rate for c in self.ceilings) / 2
        return [
            self.ceilings[0].line(),
            self.submissions.line(),
            self.ceilings[1].line(),
            f"{'':<26} submissions / ceiling = {self.submissions.rate / ceiling:.2f}"
            f"   (load average {self.load[0]:.2f} before, {self.load[1]:.2f} after)",
        ]


def run_against(label: str, database_url: str, clients: int, total: int) -> Run:
    provision = provision_terminal_token(database_url, "bench-lobby")
    headers = {"Authorization": f"Bearer {provision}"}
    run_id = secrets.token_hex(4)
    body = json.dumps(applicant_body()).encode("utf-8")

    async def health(connection: Connection, _index: int) -> tuple[int, bytes]:
        return await connection.request("GET", "/v1/health")

    async def submit(connection: Connection, index: int) -> tuple[int, bytes]:
        key = f"Idempotency-Key: bench-{run_id}-{index + 1000:07d}\r\n"
        return await connection.request(
            "POST", "/v1/applicants", body, key + "Content-Type: application/json\r\n"
        )

    with serving(database_url) as base:
        admin = provision_terminal_token(database_url, "bench-admin", admin=True)
        configured = httpx.put(
            f"{base}/v1/portals/{PORTAL}",
            json=portal_body(),
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        )
        configured.raise_for_status()
        load_before = os.getloadavg()[0]

        def ceiling() -> Result:
            return asyncio.run(
                _load(f"{label}: GET /v1/health", base, headers, clients, total, health)
            )

        before = ceiling()
        submissions = asyncio.run(
            _load(f"{label}: POST /v1/applicants", base, headers, clients, total, submit)
        )
        after = ceiling()
    return Run((before, after), submissions, (load_before, os.getloadavg()[0]))


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    from sqlalchemy import make_url

    from kiosk.server.db import make_engine

    name = f"kiosk_bench_{secrets.token_hex(4)}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint and database")
    parser.add_argument("--postgres", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    args = parser.parse_args(argv)

    print(
        f"kiosk-server benchmark: {args.clients} concurrent clients, {args.requests} requests"
        f" per endpoint, nproc {os.cpu_count()}"
    )
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder, 'bench.sqlite3').as_posix()}"
        runs.append(run_against("SQLite", sqlite, args.clients, args.requests))
    if args.postgres:
        with postgres_database(args.postgres) as url:
            runs.append(run_against("PostgreSQL", url, args.clients, args.requests))
    else:
        print("PostgreSQL skipped: give --postgres URL or set KIOSK_TEST_POSTGRES_URL")
    for run in runs:
        print("\n".join(run.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
