"""Keystroke-to-render time at the terminal, on the largest shared questionnaires.

Run from the repository root: ``.venv/bin/python tests/benchmarks/bench_typing.py``
(not collected by pytest: only ``test_*.py`` files are). It runs the real kiosk headless
through Textual's Pilot and times every key from the press until the app is idle again:
the key handled, the answer parsed and stored, enableWhen and calculations rerun, and the
screen refreshed. It prints the median (p50) and the 99th percentile per questionnaire,
the same for keys typed into the Name screen's plain Input (what Textual and Pilot cost
by themselves), and the time spent in the page's own answer handling:

* the largest questionnaire in ``../shared/questionnaires`` that the kiosk loads (by file
  size; PHQ-9, whose answers are drop-downs feeding a calculated total): every drop-down
  chosen with Enter, Down, Enter, and Tab between them;
* the largest one with typed fields (by item count): every text field typed into.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.app import KioskApp  # noqa: E402
from kiosk.questionnaire import (  # noqa: E402
    Questionnaire,
    QuestionnaireRefused,
    input_text,
    load_questionnaire,
)
from screens.questionnaire_page import QuestionnairePageScreen  # noqa: E402
from tests.questionnaire.sampling import valid_values  # noqa: E402
from tests.questionnaire.screen_driver import (  # noqa: E402
    fill_page,
    one_questionnaire_config,
    shown,
    start,
)

SHARED = ROOT.parent / "shared" / "questionnaires"
SIZE = (110, 50)
ROUNDS = 3
HANDLER: list[float] = []
"""Time spent in the page's own answer handling (parse, store, enableWhen, calculations)."""


def instrument() -> None:
    """Time ``QuestionnairePageScreen._store``, where every change of an answer goes."""
    original = QuestionnairePageScreen._store

    def timed(self, field):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return original(self, field)
        finally:
            HANDLER.append((time.perf_counter() - began) * 1000)

    QuestionnairePageScreen._store = timed  # type: ignore[method-assign]


async def baseline(path: Path, database_url: str, workdir: Path) -> list[float]:
    """The same keys typed into the Name screen's plain Input, for comparison."""
    samples: list[float] = []
    app = KioskApp(one_questionnaire_config(workdir, path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#start-applicant")
        await pilot.pause()
        for key in "abcdefghij" * 3:
            await timed_press(pilot, key, samples)
    return samples


def loadable() -> list[tuple[Path, Questionnaire]]:
    found = []
    for path in sorted(SHARED.glob("*.json")):
        if path.name.endswith(".response.json"):
            continue
        try:
            found.append((path, load_questionnaire(path)))
        except QuestionnaireRefused:
            continue
    return found


async def timed_press(pilot, key: str, samples: list[float]) -> None:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    samples.append((time.perf_counter() - began) * 1000)


async def drop_downs(path: Path, database_url: str, workdir: Path) -> list[float]:
    samples: list[float] = []
    app = KioskApp(one_questionnaire_config(workdir, path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        for field in list(screen.ctx.fields.values()):
            if field.kind != "select" or not shown(field):
                continue
            field.focus_input()
            await pilot.pause()
            for key in ("enter", "down", "down", "enter", "tab"):
                await timed_press(pilot, key, samples)
    return samples


async def typing(path: Path, database_url: str, workdir: Path) -> list[float]:
    samples: list[float] = []
    app = KioskApp(one_questionnaire_config(workdir, path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for _page in range(20):
            screen = app.screen
            if not isinstance(screen, QuestionnairePageScreen):
                break
            for field in list(screen.ctx.fields.values()):
                if field.kind != "text" or not shown(field) or field.values():
                    continue
                values = valid_values(field.item)
                if not values:
                    continue
                field.focus_input()
                await pilot.pause()
                for round_ in range(ROUNDS):
                    if round_:
                        await timed_press(pilot, "ctrl+u", samples)  # clear it, type again
                    for key in input_text(field.item, values[0]):
                        await timed_press(pilot, "space" if key == " " else key, samples)
            await fill_page(pilot)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    print(f"{name}: {len(samples)} keystrokes, p50 {p50:.1f} ms, p99 {p99:.1f} ms")


async def main() -> None:
    forms = loadable()
    largest = max(forms, key=lambda f: f[0].stat().st_size)
    typed = [f for f in forms if any(i.answerable and not i.options and i.type.value not in
             ("boolean", "choice") for i in f[1].all_items())]  # fmt: skip
    largest_typed = max(typed, key=lambda f: (len(list(f[1].all_items())), f[0].stat().st_size))
    instrument()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("a", "b", "c"):
            (work / name).mkdir()
        url = f"sqlite:///{work / 'bench.sqlite3'}"
        report("Name screen, plain Input (baseline)", await baseline(largest[0], url, work / "c"))
        report(f"{largest[0].name} (drop-downs)", await drop_downs(largest[0], url, work / "a"))
        report(f"{largest_typed[0].name} (typing)", await typing(largest_typed[0], url, work / "b"))
        report("  of which the page's answer handling", HANDLER)


if __name__ == "__main__":
    asyncio.run(main())
