"""Memory: peak resident memory of a complete applicant visit against the plain app.

The kiosk's visit is ``kiosk drive`` on the shipped demo scenario (both questionnaires,
submitted to the embedded backend on a fresh SQLite file); the plain app starts and takes
a typed name. Peak RSS is the kernel's figure for each process (``wait4``). Runs alternate;
the figure is the ratio of the medians; the target is at most 2.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.benchmarks.common import KIOSK, PLAIN, ROOT, machine, median, run

TARGET = 2.0
SCENARIO = ROOT / "tests" / "scenarios" / "demo_applicant_visit.toml"


def measure(rounds: int = 3) -> dict[str, float]:
    kiosk: list[float] = []
    plain: list[float] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        for number in range(rounds):
            database = f"sqlite:///{Path(tmp) / f'visit-{number}.sqlite3'}"
            shots = str(Path(tmp) / f"shots-{number}")
            visit = [*KIOSK, "drive", str(SCENARIO), "--database", database, "--screenshots", shots]
            kiosk.append(run(visit).peak_rss_mb)
            plain.append(run([*PLAIN, "--visit"]).peak_rss_mb)
    return {
        "kiosk_mb": median(kiosk),
        "plain_mb": median(plain),
        "ratio": median(kiosk) / median(plain),
    }


def main(argv: list[str] | None = None) -> int:
    rounds = int((argv or sys.argv[1:] or ["3"])[0])
    figures = measure(rounds)
    print(
        f"memory, {rounds} alternating rounds ({machine()}):\n"
        f"  kiosk visit  {figures['kiosk_mb']:7.1f} MB peak RSS\n"
        f"  plain app    {figures['plain_mb']:7.1f} MB peak RSS\n"
        f"  ratio        {figures['ratio']:7.2f}  (target <= {TARGET})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
