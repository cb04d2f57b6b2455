"""The kiosk's submission path in a process of its own, for the SIGKILL fault test.

``python -m tests.fault_child OUTBOX URL TOKEN_FILE DIE_AT NAME...`` opens the outbox (key from
``$KIOSK_OUTBOX_KEY``), starts background delivery to the kiosk-server at URL, and submits
one applicant per NAME exactly as the review screen does (:meth:`Submissions.submit`). It
prints ``READY``, ``INTENT key`` before a submission, ``ACK key`` once the visitor would be
told it was received, and ``EMPTY`` when nothing waits. ``DIE_AT`` is ``stage:n`` (the
process SIGKILLs itself at the n-th time it reaches *stage*) or ``-``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from kiosk.backend.client import BackendClient
from kiosk.backend.delivery import Submissions
from kiosk.backend.embedded import connect
from kiosk.backend.outbox import open_outbox
from kiosk.config import BackendConfig, OutboxConfig
from tests.server.payloads import applicant_body


def payload(name: str) -> dict[str, Any]:
    return applicant_body(first_name=f"Fault{name}", last_name="Testcase")


async def main(outbox_file: str, url: str, token: str, die_at: str, names: list[str]) -> int:
    stage_name, _, nth = die_at.partition(":")
    seen: dict[str, int] = {}

    def on_stage(stage: str, key: str) -> None:
        seen[stage] = seen.get(stage, 0) + 1
        if stage == stage_name and seen[stage] == int(nth):
            os.kill(os.getpid(), signal.SIGKILL)

    outbox = open_outbox(OutboxConfig(database=Path(outbox_file)))
    client = connect(BackendConfig(url=url, token_file=Path(token), timeout_seconds=3))

    async def backend() -> BackendClient:
        return client

    submissions = Submissions(outbox, backend, on_stage=on_stage)
    delivery = asyncio.create_task(submissions.run())
    print("READY", flush=True)
    for name in names:
        key = f"fault-visit-{name}"
        print(f"INTENT {key}", flush=True)
        on_stage("before-store", key)
        await submissions.submit(payload(name), key, wait_seconds=1.0)
        print(f"ACK {key}", flush=True)
    for _ in range(100_000):  # until the background loop has delivered everything
        if not await submissions.waiting():
            break
        await asyncio.sleep(0.05)
    print("EMPTY", flush=True)
    delivery.cancel()
    await client.aclose()
    outbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:5], sys.argv[5:])))
