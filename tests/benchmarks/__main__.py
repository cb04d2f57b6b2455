"""Run every benchmark: ``.venv/bin/python -m tests.benchmarks [--quick]``.

Start and memory are measured here; the typing benchmark (``bench_typing.py``, written
with the questionnaire engine) is run as well when it is present. Each prints its figures;
a markdown row for README's performance table closes the output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.benchmarks import bench_memory, bench_start
from tests.benchmarks.common import ROOT, machine

TYPING = Path(__file__).with_name("bench_typing.py")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    start = bench_start.measure(rounds=3 if quick else 10)
    print(
        f"start: kiosk {start['kiosk_ms']:.0f} ms, plain {start['plain_ms']:.0f} ms, "
        f"ratio {start['ratio']:.2f} (target <= {bench_start.TARGET})",
        flush=True,
    )
    memory = bench_memory.measure(rounds=1 if quick else 3)
    print(
        f"memory: kiosk visit {memory['kiosk_mb']:.1f} MB, plain {memory['plain_mb']:.1f} MB, "
        f"ratio {memory['ratio']:.2f} (target <= {bench_memory.TARGET})",
        flush=True,
    )
    status = 0
    if TYPING.exists():
        print("typing (bench_typing.py):", flush=True)
        status = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_typing"], cwd=ROOT, check=False
        ).returncode
    else:
        print("typing: bench_typing.py is not here yet; skipped")
    m = machine()
    print("\nREADME rows (date, nproc, load average at the end):")
    print(
        f"| Start to Welcome (`kiosk smoke`) vs plain Textual, median | "
        f"{start['kiosk_ms']:.0f} ms vs {start['plain_ms']:.0f} ms | "
        f"**{start['ratio']:.2f}** | <= 1.25 | {m['date']}, nproc {m['nproc']}, load {m['load']} |"
    )
    print(
        f"| Peak RSS, complete applicant visit vs plain Textual, median | "
        f"{memory['kiosk_mb']:.0f} MB vs {memory['plain_mb']:.0f} MB | "
        f"**{memory['ratio']:.2f}** | <= 2 | {m['date']}, nproc {m['nproc']}, load {m['load']} |"
    )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
