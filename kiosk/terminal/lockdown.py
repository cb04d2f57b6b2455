"""Keeping the visitor inside the kiosk: blocked keys, clean signals, crashes survived.

A lobby terminal has no way out for a visitor. The keys that quit, suspend or interrupt a
terminal program are bound to nothing; the command palette is off. SIGTERM and SIGHUP
(the service manager, a closed session) end the kiosk cleanly; SIGINT, SIGQUIT and SIGTSTP
are ignored in case the terminal still turns keys into signals.

A crash inside a screen is logged by exception type and place only (an exception's message
may hold what the visitor typed), the visit is wiped, and a fresh Welcome comes back with a
polite message. If crashes repeat, the app exits with :data:`CRASH_EXIT_CODE` and
:func:`run_supervised` starts a fresh one.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App

log = logging.getLogger(__name__)

BLOCKED_KEYS = ("ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p")
"""Quit, interrupt, suspend, quit-signal and the command palette: they do nothing."""

CRASH_EXIT_CODE = 70
"""The app's return code when it gave up after repeated crashes (EX_SOFTWARE)."""

CRASH_WINDOW_SECONDS = 30.0
MAX_CRASHES_IN_WINDOW = 3
RESTART_LIMIT = 10
"""How many fresh apps :func:`run_supervised` starts before it gives up to the service manager."""

TERMINATING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
IGNORED_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP)


def blocking_bindings() -> list[Binding]:
    """Priority bindings that swallow every key a visitor could use to leave."""
    return [
        Binding(key, "ignore", show=False, priority=True, id=f"block-{key}") for key in BLOCKED_KEYS
    ]


def crash_place(error: BaseException) -> str:
    """``file:line in function`` of the innermost frame: where, never what."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown"
    frame = frames[-1]
    file = frame.filename.replace("\\", "/").rsplit("/", 2)
    return f"{'/'.join(file[-2:])}:{frame.lineno} in {frame.name}"


class CrashCounter:
    """Counts recent crashes to tell a one-off from a loop."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._times: list[float] = []

    def record(self) -> bool:
        """Note a crash; True while recovery in place is still worth trying."""
        now = self._clock()
        self._times = [t for t in self._times if now - t < CRASH_WINDOW_SECONDS] + [now]
        return len(self._times) <= MAX_CRASHES_IN_WINDOW


def log_crash(error: BaseException) -> None:
    """Log a crash without its message or locals (they may hold personal data)."""
    from textual.worker import WorkerFailed

    if isinstance(error, WorkerFailed):  # a worker's own error says where it happened
        error = error.error
    log.error(
        "screen crashed",
        extra={"event": "crash", "error": type(error).__name__, "where": crash_place(error)},
    )


def install_signal_handlers(app: App[Any]) -> None:
    """SIGTERM/SIGHUP end *app* cleanly; interrupt, quit and suspend signals are ignored.

    Call from the app's event loop, on the main thread (only the real run, not tests).
    """
    loop = asyncio.get_running_loop()
    for sig in TERMINATING_SIGNALS:
        loop.add_signal_handler(sig, _terminate, app, sig)
    for sig in IGNORED_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def _terminate(app: App[object], sig: signal.Signals) -> None:
    log.info("kiosk stopping", extra={"event": "stop", "signal": sig.name})
    app.exit(return_code=0)


def run_supervised(make_app: Callable[[bool], App[object]]) -> int:
    """Run apps from *make_app* until one ends other than by crashing.

    *make_app* gets True when it follows a crash (its Welcome then says sorry). Returns the
    last app's return code; after :data:`RESTART_LIMIT` crashed apps, :data:`CRASH_EXIT_CODE`
    so that the service manager restarts the whole process.
    """
    recovered = False
    for _ in range(RESTART_LIMIT):
        app = make_app(recovered)
        app.run()
        code = app.return_code or 0
        if code != CRASH_EXIT_CODE:
            return code
        log.error("kiosk restarting after repeated crashes", extra={"event": "restart"})
        recovered = True
    return CRASH_EXIT_CODE
