"""Real ``kiosk-server serve`` processes on one database, for tests across processes.

Each process is started with the production command line on a port the OS picks
(``--port 0``); its base URL is read from the start-up line it logs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

STARTUP_TIMEOUT_SECONDS = 60.0
_LISTENING = re.compile(r"on (http://127\.0\.0\.1:\d+)")


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/v1/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def server_process(
    database_url: str, log_path: Path, extra_args: Sequence[str] = ()
) -> Iterator[str]:
    """One ``kiosk-server serve`` on *database_url*; yields its base URL, then stops it."""
    command = [
        sys.executable,
        "-m",
        "kiosk.server.cli",
        "serve",
        "--database",
        database_url,
        "--port",
        "0",
        *extra_args,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ}
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            text = log_path.read_text(encoding="utf-8", errors="replace")
            match = _LISTENING.search(text)
            if match is not None and _healthy(match[1]):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"kiosk-server did not start:\n{text[-2000:]}")
            time.sleep(0.05)
        yield match[1]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@contextmanager
def server_processes(database_url: str, folder: Path, count: int = 2) -> Iterator[list[str]]:
    """*count* ``kiosk-server serve`` processes on one database; yields their base URLs."""
    with ExitStack() as stack:
        urls = [
            stack.enter_context(server_process(database_url, folder / f"server-{index}.log"))
            for index in range(count)
        ]
        yield urls
