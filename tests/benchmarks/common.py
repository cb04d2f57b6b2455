"""What the benchmarks share: running a command, timing it, its peak memory, the machine."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk.cli"]
# Run as a module, like the kiosk: a script given by its path is compiled from source on every
# start, a module is read from its compiled bytecode.
PLAIN = [sys.executable, "-m", "tests.benchmarks.plain_app"]
READY_PREFIX = "ready in "


def compile_bytecode() -> None:
    """Compile the project's modules the way an install does (pip writes ``__pycache__``).

    An editable checkout run with ``PYTHONDONTWRITEBYTECODE`` (as this project's machines
    are) would otherwise compile every module from source on every start, which no
    installed kiosk does."""
    import compileall

    for package in ("kiosk", "screens", "tests/benchmarks"):
        compileall.compile_dir(ROOT / package, quiet=1)


@dataclass(frozen=True)
class Run:
    """One process: wall time from spawn to its ready line (if any), its own figure, peak RSS,
    and the processor time it used in all (user and system, to its exit)."""

    spawn_to_ready_ms: float | None
    reported_ms: float | None
    peak_rss_mb: float
    cpu_ms: float = 0.0


def run(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """Run *argv* (with *env* added to the environment) to its end and measure it."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    ready_at: float | None = None
    reported: float | None = None
    for line in proc.stdout:  # the ready line is timed the moment it arrives
        if ready_at is None and line.startswith(READY_PREFIX):
            ready_at = time.perf_counter()
            reported = float(line.removeprefix(READY_PREFIX).split()[0])
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{errors[-2000:]}")
    return Run(
        spawn_to_ready_ms=None if ready_at is None else (ready_at - started) * 1000,
        reported_ms=reported,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000,
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, str]:
    """Date, cores and load: the conditions a figure was measured in."""
    load = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "nproc": str(os.cpu_count()),
        "load": f"{load[0]:.1f}",
    }
