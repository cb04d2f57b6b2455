"""Sending what waits in the outbox: at once for the visitor, then in the background.

:meth:`Submissions.submit` stores a submission in the outbox first and only then tries to
send it, waiting a few seconds for the backend's reference number. Whatever is not
confirmed stays in the outbox; :meth:`Submissions.run` retries it with exponential backoff
(:func:`backoff_seconds`) for as long as the kiosk runs, and from the start after a
restart. A row is removed only after the backend answered with its chart, and because the
backend de-duplicates by idempotency key, a row sent twice still makes one chart.

``on_stage`` is called with the name of each step (``stored``, ``sending``, ``confirmed``,
``removed``); the fault tests use it to kill the process at every step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from kiosk.backend.outbox import Outbox, Pending

if TYPE_CHECKING:  # kiosk.backend.client pulls in httpx, loaded once Welcome is up
    from kiosk.backend.client import BackendClient, BackendError
    from kiosk.contract.wire.applicant import ApplicantCreated

log = logging.getLogger(__name__)

APPLICANT = "applicant"
FIRST_RETRY_SECONDS = 2.0
MAX_RETRY_SECONDS = 300.0
REFUSED_RETRY_SECONDS = 3600.0
"""A submission the backend refused (4xx) waits an hour: staff see it, and may send it now."""
IDLE_POLL_SECONDS = 30.0

StageHook = Callable[[str, str], None]


def backoff_seconds(
    attempts: int,
    *,
    jitter: float = 0.2,
    first: float = FIRST_RETRY_SECONDS,
    most: float = MAX_RETRY_SECONDS,
) -> float:
    """Delay before retry number *attempts* (1-based): 2, 4, 8 … 300 s, ±*jitter*."""
    base = min(first * 2.0 ** max(attempts - 1, 0), most)
    return base * random.uniform(1 - jitter, 1 + jitter)


def _error_code(exc: BackendError) -> str:
    return f"http-{exc.status}" if exc.status else "unreachable"


class Submissions:
    """The outbox and its delivery: one per kiosk."""

    def __init__(
        self,
        outbox: Outbox,
        backend: Callable[[], Awaitable[BackendClient]],
        *,
        on_stage: StageHook | None = None,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
        max_retry_seconds: float = MAX_RETRY_SECONDS,
    ) -> None:
        self.outbox = outbox
        self._first_retry = first_retry_seconds
        self._max_retry = max_retry_seconds
        self._backend = backend
        self._on_stage = on_stage
        self._send_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self.last_error: str | None = None
        """The code of the last failed delivery (``unreachable``, ``http-503`` …), if any."""

    def _stage(self, stage: str, key: str) -> None:
        if self._on_stage is not None:
            self._on_stage(stage, key)

    async def submit(
        self, payload: dict[str, Any], key: str, *, wait_seconds: float = 8.0
    ) -> ApplicantCreated | None:
        """Store, then try to send; the receipt if the backend answered within *wait_seconds*.

        Raises `OutboxError` (or ``OSError``) only if storing failed: then
        the visitor must not be told that the submission was received.
        """
        await asyncio.to_thread(self.outbox.put, APPLICANT, key, payload)
        log.info("submission stored in outbox", extra={"event": "outbox_stored", "key": key[:8]})
        self._stage("stored", key)
        try:
            return await asyncio.wait_for(self._deliver_key(key), wait_seconds)
        except TimeoutError:
            log.info("submission left for background delivery", extra={"event": "outbox_later"})
            self.poke()
            return None

    async def _deliver_key(self, key: str) -> ApplicantCreated | None:
        async with self._send_lock:
            payload = await asyncio.to_thread(self.outbox.payload, key)
            if payload is None:
                return None  # delivered meanwhile by the background loop
            return await self._send(key, payload)

    async def _send(self, key: str, payload: dict[str, Any]) -> ApplicantCreated | None:
        """One delivery attempt of *key*; the caller holds the send lock."""
        from kiosk.backend.client import BackendError

        self._stage("sending", key)
        try:
            backend = await self._backend()
            receipt = await backend.submit_applicant(payload, key)
        except Exception as exc:  # BackendError, or a reply that is not what was expected
            if isinstance(exc, BackendError):
                code, retryable = _error_code(exc), exc.retryable
            else:
                code, retryable = type(exc).__name__, True
            self.last_error = code
            pending = [p for p in await asyncio.to_thread(self.outbox.pending) if p.key == key]
            attempts = pending[0].attempts + 1 if pending else 1
            delay = (
                backoff_seconds(attempts, first=self._first_retry, most=self._max_retry)
                if retryable
                else REFUSED_RETRY_SECONDS
            )
            if isinstance(exc, BackendError) and exc.retry_after:  # the server said when
                delay = max(delay, float(exc.retry_after))
            await asyncio.to_thread(self.outbox.failed, key, code, time.time() + delay)
            self.poke()  # the background loop recomputes when the next retry is due
            log.warning(
                "delivery failed",
                extra={
                    "event": "delivery_failed",
                    "key": key[:8],
                    "error": code,
                    "attempt": attempts,
                    "retry_in": round(delay, 1),
                },
            )
            return None
        self._stage("confirmed", key)
        await asyncio.to_thread(self.outbox.remove, key)
        self._stage("removed", key)
        self.last_error = None
        log.info(
            "submission delivered",
            extra={"event": "delivered", "key": key[:8], "new_chart": receipt.created},
        )
        return receipt

    async def deliver_due(self) -> int:
        """Send every submission that is due; how many the backend confirmed."""
        delivered = 0
        due: list[Pending] = await asyncio.to_thread(self.outbox.pending, due_by=time.time())
        for entry in due:
            async with self._send_lock:
                payload = await asyncio.to_thread(self.outbox.payload, entry.key)
                if payload is None:
                    continue
                if await self._send(entry.key, payload) is not None:
                    delivered += 1
                elif self.last_error == "unreachable":
                    break  # the rest would fail the same way; back off together
        return delivered

    async def deliver_now(self) -> int:
        """Staff: make everything due and send it."""
        await asyncio.to_thread(self.outbox.retry_all_now)
        return await self.deliver_due()

    def poke(self) -> None:
        """Wake the background loop (something new is waiting)."""
        self._wake.set()

    async def waiting(self) -> int:
        return await asyncio.to_thread(self.outbox.count)

    async def run(self) -> None:
        """Deliver forever: whenever something is due, poked, or every little while.

        A (re)start is a good moment to try everything that waits, whatever its backoff."""
        await asyncio.to_thread(self.outbox.retry_all_now)
        while True:
            try:
                await self.deliver_due()
            except Exception as exc:  # the loop must survive anything a delivery throws
                self.last_error = type(exc).__name__
                extra = {"event": "delivery_error", "error": self.last_error}
                log.error("delivery loop error", extra=extra)
            next_due = await asyncio.to_thread(self.outbox.next_due)
            delay = IDLE_POLL_SECONDS if next_due is None else next_due - time.time()
            delay = min(max(delay, 0.05), IDLE_POLL_SECONDS)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
