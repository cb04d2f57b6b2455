"""Benchmark: the highest fixed offered rate the server keeps with p99 < 100 ms and no error.

Not part of the test run. Run it from the checkout:

    .venv/bin/python -m tests.benchmarks.bench_open_loop [--postgres URL] [--seconds 30]
        [--workers N] [--submission-rates 25,50,...] [--health-rates 50,100,...]

Open loop, unlike ``bench_submissions`` (where 50 clients wait for each answer before the next
request, so the offered load falls when the server slows): requests are sent at a fixed rate,
request *i* at ``start + i / rate``, whether or not earlier ones were answered, each on a free
keep-alive connection (a new one when none is free). A request's latency is counted from the
moment it was due, so a generator or server that falls behind shows as latency rather than
hiding it. Any status other than 2xx, a connection error or no answer within 10 s is an error.

The server is ``kiosk-server serve`` in its own process (with ``--workers`` processes) on a
fresh PostgreSQL database (made on the server that ``--postgres`` or
``$KIOSK_TEST_POSTGRES_URL`` names, dropped afterwards); this process is the load generator.
For ``POST /v1/applicants`` (a full visit: two FHIR QuestionnaireResponses and a consent, a
unique Idempotency-Key each, on a configured portal whose rules raise four tasks) and for
``GET /v1/health`` (the trivial endpoint: the same server and middleware, no database), each
rate is offered for ``--seconds`` in ascending order until one fails; the report gives every
step and the highest rate that passed, with the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from kiosk.server.tokens import provision_terminal_token
from tests.benchmarks.bench_submissions import Connection, postgres_database, serving
from tests.server.payloads import PORTAL, applicant_body, portal_body

P99_LIMIT_MS = 100.0
REQUEST_TIMEOUT_SECONDS = 10.0
MAX_CONNECTIONS = 512


@dataclass(frozen=True)
class Step:
    endpoint: str
    rate: float
    seconds: float
    latencies_ms: list[float]
    errors: int
    offered: int
    load: float

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("inf")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def passed(self) -> bool:
        return self.errors == 0 and self.percentile(99) < P99_LIMIT_MS

    def line(self) -> str:
        verdict = "ok" if self.passed else "FAIL"
        return (
            f"{self.endpoint:<22} {self.rate:6.0f}/s for {self.seconds:.0f} s:"
            f" p50 {self.percentile(50):7.1f} ms  p99 {self.percentile(99):7.1f} ms"
            f"  max {max(self.latencies_ms, default=float('inf')):7.1f} ms"
            f"  errors {self.errors}/{self.offered}  load {self.load:.1f}  {verdict}"
        )


Send = Callable[[Connection, int], Awaitable[tuple[int, bytes]]]


IDLE_SECONDS = 3.0
"""A connection idle longer is closed rather than used: uvicorn closes keep-alive
connections idle for 5 s, and a request sent as it does would be the client's error."""


class Pool:
    """Keep-alive connections, each used by one request at a time; more are opened on demand."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.headers = host, int(port), headers
        self.idle: list[tuple[float, Connection]] = []
        self.opened = 0

    async def take(self) -> Connection:
        now = time.monotonic()
        while self.idle:
            since, connection = self.idle.pop()
            if now - since < IDLE_SECONDS:
                return connection
            await connection.close()
            self.opened -= 1
        if self.opened >= MAX_CONNECTIONS:
            raise RuntimeError("too many connections open")
        connection = Connection(self.host, self.port, self.headers)
        await connection.open()
        self.opened += 1
        return connection

    def give_back(self, connection: Connection) -> None:
        self.idle.append((time.monotonic(), connection))

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for _, c in self.idle), return_exceptions=True)


async def offer(
    endpoint: str, pool: Pool, send: Send, rate: float, seconds: float, first_index: int
) -> Step:
    """Send at *rate* per second for *seconds*; each latency counted from when it was due."""
    count = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()

    async def one(index: int, due: float) -> None:
        nonlocal errors
        connection = None
        try:
            connection = await pool.take()
            status, _ = await asyncio.wait_for(
                send(connection, first_index + index), REQUEST_TIMEOUT_SECONDS
            )
            if not 200 <= status < 300:
                errors += 1
        except (
            OSError,
            TimeoutError,
            asyncio.IncompleteReadError,
            ValueError,
            IndexError,  # no status line: the connection was closed
            RuntimeError,
        ):
            errors += 1
            if connection is not None:
                await connection.close()
                pool.opened -= 1
            return
        latencies.append((loop.time() - due) * 1000)
        pool.give_back(connection)

    tasks = []
    start = loop.time() + 0.05
    for index in range(count):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    return Step(endpoint, rate, seconds, latencies, errors, count, os.getloadavg()[0])


async def climb(
    endpoint: str, pool: Pool, send: Send, rates: list[float], seconds: float, index: list[int]
) -> list[Step]:
    """Offer each rate in turn until one fails; every step's figures."""
    steps = []
    for rate in rates:
        step = await offer(endpoint, pool, send, rate, seconds, index[0])
        index[0] += step.offered
        print(step.line(), flush=True)
        steps.append(step)
        if not step.passed:
            break
        await asyncio.sleep(2)  # let the last answers and the server settle
    return steps


def best(steps: list[Step]) -> str:
    passed = [s.rate for s in steps if s.passed]
    return f"{max(passed):.0f}/s" if passed else "none of the rates"


def run(
    database_url: str,
    workers: int,
    seconds: float,
    submission_rates: list[float],
    health_rates: list[float],
) -> None:
    token = provision_terminal_token(database_url, "bench-lobby")
    headers = {"Authorization": f"Bearer {token}"}
    body = json.dumps(applicant_body()).encode("utf-8")
    run_id = secrets.token_hex(4)

    async def health(connection: Connection, _index: int) -> tuple[int, bytes]:
        return await connection.request("GET", "/v1/health")

    async def submit(connection: Connection, index: int) -> tuple[int, bytes]:
        key = f"Idempotency-Key: open-{run_id}-{index:08d}\r\n"
        return await connection.request(
            "POST", "/v1/applicants", body, key + "Content-Type: application/json\r\n"
        )

    with serving(database_url, workers=workers) as base:
        admin = provision_terminal_token(database_url, "bench-admin", admin=True)
        httpx.put(
            f"{base}/v1/portals/{PORTAL}",
            json=portal_body(),
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        ).raise_for_status()

        async def both() -> tuple[list[Step], list[Step]]:
            pool = Pool(base, headers)
            index = [0]
            try:
                await offer("warm-up", pool, submit, 10, 3, 10**7)
                submissions = await climb(
                    "POST /v1/applicants", pool, submit, submission_rates, seconds, index
                )
                trivial = await climb("GET /v1/health", pool, health, health_rates, seconds, index)
            finally:
                await pool.close()
            return submissions, trivial

        submissions, trivial = asyncio.run(both())
    print(
        f"highest rate with p99 < {P99_LIMIT_MS:.0f} ms and no error, {seconds:.0f} s each,"
        f" {workers} worker(s): POST /v1/applicants {best(submissions)},"
        f" GET /v1/health {best(trivial)}"
    )


def _rates(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--submission-rates", type=_rates, default=_rates("25,50,75,100,125,150"))
    parser.add_argument("--health-rates", type=_rates, default=_rates("50,100,200,300,400,600"))
    args = parser.parse_args(argv)
    if not args.postgres:
        print("give --postgres URL or set KIOSK_TEST_POSTGRES_URL", file=sys.stderr)
        return 2
    print(
        f"open-loop benchmark on PostgreSQL: nproc {os.cpu_count()},"
        f" load average {os.getloadavg()[0]:.1f} at the start, {time.strftime('%Y-%m-%d %H:%M')}",
        flush=True,
    )
    with postgres_database(args.postgres) as url:
        run(url, args.workers, args.seconds, args.submission_rates, args.health_rates)
    return 0


if __name__ == "__main__":
    sys.exit(main())
