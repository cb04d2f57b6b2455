"""Start time: ``kiosk smoke`` against a plain Textual app with three widgets.

Both run in a fresh interpreter, headless, through the same harness (``kiosk.tools.smoke``), and
both are timed from spawn until their "ready" line: first screen rendered and a Tab key
taken. Runs alternate (kiosk, plain, kiosk, ...) so that a change in the machine's load
falls on both. The figure is the ratio of the medians; the target is at most 1.25.

That is the start of a terminal whose configuration has not changed since its last start.
The first start after a change also validates the file and parses every questionnaire
(see kiosk.config.cache); it is measured too, with an empty cache folder each time.
"""

from __future__ import annotations

import sys
import tempfile

from tests.benchmarks.common import KIOSK, PLAIN, compile_bytecode, machine, median, run

TARGET = 1.25


def measure(rounds: int = 10) -> dict[str, float]:
    """Medians over *rounds* alternating runs of each, in milliseconds, and their ratio."""
    kiosk: list[float] = []
    plain: list[float] = []
    kiosk_own: list[float] = []
    plain_own: list[float] = []
    kiosk_rss: list[float] = []
    plain_rss: list[float] = []
    compile_bytecode()
    run(PLAIN)  # warm the file cache for both before timing, and check the configuration
    run([*KIOSK, "smoke"])
    for _ in range(rounds):
        for argv, wall, own, rss in (
            ([*KIOSK, "smoke"], kiosk, kiosk_own, kiosk_rss),
            (PLAIN, plain, plain_own, plain_rss),
        ):
            result = run(argv)
            assert result.spawn_to_ready_ms is not None
            assert result.reported_ms is not None
            wall.append(result.spawn_to_ready_ms)
            own.append(result.reported_ms)
            rss.append(result.peak_rss_mb)
    first_after_change: list[float] = []
    for _ in range(max(3, rounds // 3)):
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-cache-") as empty:
            result = run([*KIOSK, "smoke"], env={"XDG_CACHE_HOME": empty})
        assert result.spawn_to_ready_ms is not None
        first_after_change.append(result.spawn_to_ready_ms)
    return {
        "first_after_change_ms": median(first_after_change),
        "kiosk_ms": median(kiosk),
        "plain_ms": median(plain),
        "ratio": median(kiosk) / median(plain),
        "kiosk_in_process_ms": median(kiosk_own),
        "plain_in_process_ms": median(plain_own),
        "in_process_ratio": median(kiosk_own) / median(plain_own),
        "kiosk_welcome_mb": median(kiosk_rss),
        "plain_ready_mb": median(plain_rss),
    }


def main(argv: list[str] | None = None) -> int:
    rounds = int((argv or sys.argv[1:] or ["10"])[0])
    figures = measure(rounds)
    print(
        f"start, {rounds} alternating rounds ({machine()}):\n"
        f"  kiosk smoke  {figures['kiosk_ms']:7.0f} ms from spawn "
        f"({figures['kiosk_in_process_ms']:.0f} ms in process)\n"
        f"  plain app    {figures['plain_ms']:7.0f} ms from spawn "
        f"({figures['plain_in_process_ms']:.0f} ms in process)\n"
        f"  ratio        {figures['ratio']:7.2f}  (target <= {TARGET}; "
        f"in process {figures['in_process_ratio']:.2f})\n"
        f"  first start after a configuration change {figures['first_after_change_ms']:.0f} ms "
        f"(ratio {figures['first_after_change_ms'] / figures['plain_ms']:.2f})\n"
        f"  peak RSS     kiosk at Welcome {figures['kiosk_welcome_mb']:.1f} MB, "
        f"plain app {figures['plain_ready_mb']:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
