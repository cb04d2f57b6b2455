"""The kiosk in a real terminal (a pty): control keys do not end it, SIGTERM/SIGHUP do, cleanly."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

import pytest

from kiosk.paths import PROJECT_ROOT

CHILD = """
from kiosk.app import KioskApp
from kiosk.terminal.lockdown import run_supervised
from tests.safety_helpers import demo_config

config = demo_config()
raise SystemExit(run_supervised(lambda after: KioskApp(config, handle_signals=True)))
"""

CONTROL_KEYS = {"ctrl+c": b"\x03", "ctrl+q": b"\x11", "ctrl+z": b"\x1a", "ctrl+\\": b"\x1c"}


def _read(fd: int, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out


def _wait_exit(pid: int, fd: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        _read(fd, 0.1)
    return None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_control_keys_do_not_end_the_kiosk_but_a_signal_does_cleanly(sig: signal.Signals) -> None:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="36")
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the kiosk, on the pty
        os.chdir(PROJECT_ROOT)
        os.execve(sys.executable, [sys.executable, "-c", CHILD], env)
    try:
        screen = b""
        deadline = time.monotonic() + 60
        while b"Welcome" not in screen and time.monotonic() < deadline:
            screen += _read(fd, 0.5)
        assert b"Welcome" in screen, "the kiosk did not show Welcome"
        for name, key in CONTROL_KEYS.items():
            os.write(fd, key)
            screen += _read(fd, 0.3)
            assert os.waitpid(pid, os.WNOHANG) == (0, 0), f"{name} ended the kiosk"
        screen += _read(fd, 0.5)
        assert os.waitpid(pid, os.WNOHANG) == (0, 0)
        os.kill(pid, sig)
        code = _wait_exit(pid, fd, 20)
        if code is not None:
            pid = 0  # reaped
        assert code == 0, f"exit code {code} after {sig.name}"
        assert b"Traceback" not in screen
    finally:
        if pid and os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
