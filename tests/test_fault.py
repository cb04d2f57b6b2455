"""Nothing lost: the kiosk's submission path killed with SIGKILL at every stage, many times,
with the real kiosk-server on loopback going up and down; then every chart is counted."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.backend.crypto import KEY_ENV_VAR, encode_key, new_key
from kiosk.backend.delivery import Submissions
from kiosk.paths import PROJECT_ROOT
from screens.confirmation import ConfirmationScreen
from screens.name_entry import NameScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.safety_helpers import SwitchableServer, remote_config, start_bare_visit, type_name
from tests.visit_helpers import tap, wait_for_screen

STAGES = ("before-store", "stored", "sending", "confirmed", "removed")
ROUNDS = 20
ROUND_DEADLINE_SECONDS = 6.0
DRAIN_DEADLINE_SECONDS = 40.0


class Child:
    """One run of tests/fault_child.py, its output lines collected by a thread."""

    def __init__(
        self, outbox: Path, server: SwitchableServer, die_at: str, names: list[str], env: dict
    ) -> None:
        url, token = server.url, str(server.token_file)
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_child", str(outbox), url, token, die_at, *names],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def wait_for(self, line: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if line in self.lines:
                return True
            if self.proc.poll() is not None:
                self._reader.join(2)
                return line in self.lines
            time.sleep(0.01)
        return False

    def end(self, seconds: float) -> int:
        """Wait up to *seconds* for it to end by itself, then SIGKILL it; its return code."""
        try:
            return self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGKILL)
            return self.proc.wait(10)
        finally:
            self._reader.join(2)

    def marked(self, tag: str) -> set[str]:
        return {line.split(" ", 1)[1] for line in self.lines if line.startswith(tag + " ")}


def test_sigkill_at_every_stage_loses_nothing_and_files_each_submission_once(
    tmp_path: Path,
) -> None:
    rng = random.Random(8)
    server = SwitchableServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "token")
    outbox = tmp_path / "data" / "outbox.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), **{KEY_ENV_VAR: encode_key(new_key())})
    intents: set[str] = set()
    acked: set[str] = set()
    killed = 0
    started = time.monotonic()
    try:
        for r in range(ROUNDS):
            up = r % 4 != 3  # every fourth round the server is down
            if up and not server.running:
                server.start()
            elif not up and server.running:
                server.stop()
            if r % 2 == 0:  # a chosen stage, first or second time it is reached
                names = [f"{r}x{j}" for j in range(2)]
                die_at = f"{STAGES[(r // 2) % len(STAGES)]}:{1 + (r // 10) % 2}"
                child = Child(outbox, server, die_at, names, env)
                code = child.end(ROUND_DEADLINE_SECONDS)
            else:  # a moment picked at random while it submits four visits
                names = [f"{r}x{j}" for j in range(4)]
                child = Child(outbox, server, "-", names, env)
                child.wait_for("READY", ROUND_DEADLINE_SECONDS)
                time.sleep(rng.uniform(0.0, 0.5))
                code = child.end(0)
            intents |= child.marked("INTENT")
            acked |= child.marked("ACK")
            killed += code == -signal.SIGKILL
        if not server.running:
            server.start()
        drain = Child(outbox, server, "-", [], env)
        assert drain.wait_for("EMPTY", DRAIN_DEADLINE_SECONDS), "the outbox did not drain"
        assert drain.end(10) == 0
        charts = server.charts()
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    per_name = Counter(c["first_name"] for c in charts)
    keys = {f"fault-visit-{c['first_name'].removeprefix('Fault')}" for c in charts}
    assert killed >= ROUNDS - 2, f"only {killed} of {ROUNDS} runs were killed"
    assert acked, "no submission was ever acknowledged"
    assert acked <= keys, f"lost after the visitor was told: {sorted(acked - keys)}"
    assert keys <= intents, "a chart nobody submitted"
    assert max(per_name.values()) == 1, f"filed twice: {per_name.most_common(3)}"
    print(
        f"\nfault test: {ROUNDS} runs, {killed} SIGKILLed, {len(intents)} submissions begun, "
        f"{len(acked)} acknowledged, {len(charts)} charts, {elapsed:.1f} s"
    )


async def test_visits_while_the_server_is_down_all_arrive_once_it_is_back(tmp_path: Path) -> None:
    server = SwitchableServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "token")
    app = KioskApp(remote_config(server, confirmation_seconds=3))
    # Retries after 0.5, 1, 2 … 4 s (the kiosk's default is 2 … 300 s), to keep the test short.
    app.submissions = Submissions(
        app.submissions.outbox, app.backend, first_retry_seconds=0.5, max_retry_seconds=4
    )
    names = [("Gwendolyn", "Ashby"), ("Bartholomew", "Quince"), ("Ximena", "Okonkwo")]
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            for first, last in names:
                await wait_for_screen(pilot, WelcomeScreen)
                start_bare_visit(app)
                await wait_for_screen(pilot, NameScreen)
                await type_name(pilot, first, last)
                await wait_for_screen(pilot, ReviewScreen)
                await tap(pilot, "#submit")
                await wait_for_screen(pilot, ConfirmationScreen, tries=600)
                assert app.screen.query("#saved-for-later"), "told it was saved for later"
                await pilot.click("#done")
            assert await app.submissions.waiting() == 3
            await asyncio.to_thread(server.start)
            assert app.submissions.last_error == "unreachable"
            for _ in range(400):  # background delivery on its own (backoff: a few seconds)
                if await app.submissions.waiting() == 0:
                    break
                await pilot.pause(0.05)
            assert await app.submissions.waiting() == 0
        charts = await asyncio.to_thread(server.charts)
    finally:
        await asyncio.to_thread(server.stop)
    assert sorted((c["first_name"], c["last_name"]) for c in charts) == sorted(names)
