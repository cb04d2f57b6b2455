"""Start time: ``kiosk smoke`` against a plain Textual app with three widgets.

Both run in a fresh interpreter, headless, through the same harness (``kiosk.tools.smoke``),
at the same terminal size (100x36), both as modules read from compiled bytecode (as an
installed kiosk is), and both are timed from spawn until their "ready" line: first screen
rendered and a Tab key taken. Each round runs the kiosk, then the plain app, so that a change
in the machine's load falls on both; the figure is the median of the rounds' ratios (kiosk
over plain), and the target is at most 1.25. The processor time each process used to its exit
is compared the same way: on a busy machine it wavers less than the wall time.

That is the start of a terminal whose configuration has not changed since its last start.
The first start after a change also validates the file and parses every questionnaire
(see kiosk.config.cache); it is measured too, with an empty cache folder each time.
"""

from __future__ import annotations

import sys
import tempfile

from tests.benchmarks.common import KIOSK, PLAIN, Run, compile_bytecode, machine, median, run

TARGET = 1.25


def measure(rounds: int = 10) -> dict[str, float]:
    """Medians over *rounds* rounds of each, in milliseconds, and of the rounds' ratios."""
    kiosk: list[Run] = []
    plain: list[Run] = []
    compile_bytecode()
    run(PLAIN)  # warm the file cache for both before timing, and check the configuration
    run([*KIOSK, "smoke"])
    for _ in range(rounds):
        kiosk.append(run([*KIOSK, "smoke"]))
        plain.append(run(PLAIN))
    first_after_change: list[float] = []
    for _ in range(max(3, rounds // 3)):
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-cache-") as empty:
            result = run([*KIOSK, "smoke"], env={"XDG_CACHE_HOME": empty})
        assert result.spawn_to_ready_ms is not None
        first_after_change.append(result.spawn_to_ready_ms)

    def ms(runs: list[Run], field: str) -> list[float]:
        values = [getattr(r, field) for r in runs]
        assert None not in values, f"a process printed no ready line ({field})"
        return values

    def ratio(field: str) -> float:
        return median([k / p for k, p in zip(ms(kiosk, field), ms(plain, field), strict=True)])

    return {
        "first_after_change_ms": median(first_after_change),
        "kiosk_ms": median(ms(kiosk, "spawn_to_ready_ms")),
        "plain_ms": median(ms(plain, "spawn_to_ready_ms")),
        "ratio": ratio("spawn_to_ready_ms"),
        "ratio_of_medians": median(ms(kiosk, "spawn_to_ready_ms"))
        / median(ms(plain, "spawn_to_ready_ms")),
        "kiosk_in_process_ms": median(ms(kiosk, "reported_ms")),
        "plain_in_process_ms": median(ms(plain, "reported_ms")),
        "in_process_ratio": ratio("reported_ms"),
        "kiosk_cpu_ms": median(ms(kiosk, "cpu_ms")),
        "plain_cpu_ms": median(ms(plain, "cpu_ms")),
        "cpu_ratio": ratio("cpu_ms"),
        "kiosk_welcome_mb": median(ms(kiosk, "peak_rss_mb")),
        "plain_ready_mb": median(ms(plain, "peak_rss_mb")),
    }


def main(argv: list[str] | None = None) -> int:
    rounds = int((argv or sys.argv[1:] or ["10"])[0])
    figures = measure(rounds)
    print(
        f"start, {rounds} rounds ({machine()}):\n"
        f"  kiosk smoke  {figures['kiosk_ms']:7.0f} ms from spawn "
        f"({figures['kiosk_in_process_ms']:.0f} ms in process, "
        f"{figures['kiosk_cpu_ms']:.0f} ms of processor to its exit)\n"
        f"  plain app    {figures['plain_ms']:7.0f} ms from spawn "
        f"({figures['plain_in_process_ms']:.0f} ms in process, "
        f"{figures['plain_cpu_ms']:.0f} ms of processor to its exit)\n"
        f"  ratio        {figures['ratio']:7.2f}  the rounds' median (target <= {TARGET}; "
        f"ratio of the medians {figures['ratio_of_medians']:.2f}, "
        f"in process {figures['in_process_ratio']:.2f}, processor {figures['cpu_ratio']:.2f})\n"
        f"  first start after a configuration change {figures['first_after_change_ms']:.0f} ms "
        f"(ratio {figures['first_after_change_ms'] / figures['plain_ms']:.2f})\n"
        f"  peak RSS     kiosk at Welcome {figures['kiosk_welcome_mb']:.1f} MB, "
        f"plain app {figures['plain_ready_mb']:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
