"""Keystroke-to-render time on the largest shared questionnaires, against a plain Input.

Run from the repository root: ``.venv/bin/python tests/benchmarks/bench_typing.py``
(not collected by pytest: only ``test_*.py`` files are). It runs the real kiosk headless
and times every key from the moment it enters the app until the frame showing its effect
has been rendered:

* **in**: the key is handed to the app's driver as ``events.Key``, exactly as a terminal
  driver (and Pilot) does it (``Driver.send_message`` posts it to the app's queue);
* **out**: every frame the screen renders passes through ``App._display`` with the
  compositor's update (``Screen._compositor_refresh``); headless Textual drops it there,
  so the benchmark turns it into the terminal's bytes itself, as a real terminal's
  ``_display`` would, and notes the time. *first frame* is the first frame after the key;
  *settled* is the last frame of the key, once the app is quiet again (no frame for
  ``QUIET`` seconds, no layout or repaint pending, no message waiting at the focused
  widget, its ancestors, the screen or the app), i.e. the frame with all of its effects:
  the character shown, the answer parsed and stored, enableWhen and calculations rerun.

Keys are sent one at a time like a fast typist: the next one once the previous key has
settled, and no sooner than ``SPACING`` seconds after it. Cursors do not blink (blink
frames are not caused by keys). The harness collects garbage once per app before timing,
and its own waiting allocates little; after that the app's garbage collection runs as it
would at a terminal, and the keys during which a full collection ran are counted.

Figures: p50 and p99 of *settled* (and of *first frame*, and of the CPU time the app's
thread spent on the key, which other load on the machine does not inflate) per scenario,
and the ratios of *settled* to references measured the same way in the same run: the keys
typed into the Name screen's plain Input, and, for the drop-downs, the same keys in a plain
Textual app holding only the same labels and drop-downs (what Textual's Select costs).
Scenarios:

* the largest questionnaire in ``tests/questionnaire/forms`` (both batches) that the kiosk
  loads, by file size (``--largest FILE_NAME`` picks another): its first ten drop-downs,
  page after page, each chosen with Enter, Down, Down, Enter, and Tab after it;
* the largest one with typed fields (by item count; ``--typed FILE_NAME`` picks another):
  every text field typed into.

The time spent in the page's own answer handling (``QuestionnairePageScreen._store``) is
printed as well. ``--speech`` runs both kiosk scenarios again with speech on (espeak-ng
synthesizing every phrase into a discarded pipe when it is installed, else a transcript
file) and gives their ratios to the same scenarios with speech off, measured in this run.
``--profile FILE`` writes a cProfile of the timed keys of the kiosk
scenarios (not of the waiting between them).
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rich.console import RenderableType  # noqa: E402
from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Input, Label, Select, TextArea  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402
from kiosk.questionnaire import (  # noqa: E402
    ItemControl,
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

SHARED = ROOT / "tests" / "questionnaire" / "forms"
SIZE = (110, 50)
ROUNDS = 3
"""Times each text field is typed (cleared with Ctrl+U in between)."""
REFERENCE_ROUNDS = 6
SPACING = 0.12
"""Seconds from one key to the next at the least (a fast typist's pace)."""
QUIET = 0.05
"""Seconds without a frame after which a key counts as settled (if nothing is pending)."""
TARGET_P99_MS = 33.0
MAX_DROP_DOWNS = 10
"""Drop-downs timed in the drop-down scenario (PHQ-9 has ten)."""
HANDLER: list[float] = []
"""Time spent in the page's own answer handling (parse, store, enableWhen, calculations)."""
PROFILE: cProfile.Profile | None = None
SPEECH = False
"""Whether the kiosk scenarios run with speech on (``--speech``)."""


def kiosk_app(config: KioskConfig, database_url: str, workdir: Path) -> KioskApp:
    """The kiosk for a scenario, with speech on when SPEECH."""
    if not SPEECH:
        return KioskApp(config, database_url=database_url)
    from kiosk.speech.speakers import EspeakSpeaker, TranscriptSpeaker, espeak_installed

    speaker = (
        EspeakSpeaker(audio=False)
        if espeak_installed()
        else TranscriptSpeaker(workdir / "speech.txt")
    )
    return KioskApp(
        replace(config, speech=True, speech_hint=False),
        database_url=database_url,
        speaker=speaker,
    )


def instrument() -> None:
    """Time ``QuestionnairePageScreen._store``, where every change of an answer goes."""
    original = QuestionnairePageScreen._store

    def timed(self, field, **options):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return original(self, field, **options)
        finally:
            HANDLER.append((time.perf_counter() - began) * 1000)

    QuestionnairePageScreen._store = timed  # type: ignore[method-assign]


@dataclass
class Samples:
    """Per key: ms to its first frame and to its last (settled) frame."""

    name: str
    first: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """CPU time of the app's thread from the key to its settled frame (blind to other load)."""
    full_gc: int = 0
    """Keys during which a full (generation 2) garbage collection ran."""
    frameless: int = 0


class Typist:
    """Sends keys to a running app one at a time and times the frames that answer them."""

    def __init__(self, app: App[object], samples: Samples, *, profile: bool = False) -> None:
        self.app = app
        self.samples = samples
        self.profile = profile
        self.frames: list[float] = []
        self.frames_cpu: list[float] = []
        self.frame = asyncio.Event()
        self.next_at = 0.0
        console = app.console
        original = app._display

        def display(screen: Screen[object], renderable: RenderableType | None) -> None:
            original(screen, renderable)  # headless: returns before writing anything
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)  # what a terminal's _display writes
            self.frames.append(time.perf_counter())
            self.frames_cpu.append(time.thread_time())
            self.frame.set()

        app._display = display  # type: ignore[method-assign]
        gc.collect()  # the start-up's garbage; from here on the app collects its own

    @staticmethod
    def key_event(key: str) -> events.Key:
        """The event a terminal driver makes of *key* (as ``App._press_keys`` does)."""
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        return events.Key(key, char)

    def busy(self) -> bool:
        """Whether a layout, repaint or message the key caused is still pending."""
        app = self.app
        screen = app.screen
        if (
            screen._layout_required
            or screen._repaint_required
            or screen._recompose_required
            or screen._dirty_widgets
        ):
            return True
        focused = screen.focused
        nodes = [app, screen, *(focused.ancestors_with_self if focused else ())]
        return any(node._message_queue.qsize() for node in nodes)

    def still_cursors(self) -> None:
        """No blinking: a blink is a frame no key caused."""
        for widget in self.app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False

    async def press(self, key: str) -> None:
        """Send *key* once the previous one settled and SPACING passed; time its frames."""
        self.still_cursors()
        delay = self.next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        event = self.key_event(key)
        event.set_sender(self.app)
        driver = self.app._driver
        assert driver is not None
        seen = len(self.frames)
        self.frame.clear()
        if self.profile and PROFILE is not None:
            PROFILE.enable()
        full_gcs = gc.get_stats()[2]["collections"]
        began_cpu = time.thread_time()
        began = time.perf_counter()
        driver.send_message(event)
        try:
            await asyncio.wait_for(self.frame.wait(), timeout=2.0)
        except TimeoutError:
            self.samples.frameless += 1
            self._stop_profile()
            self.next_at = time.perf_counter() + SPACING
            return
        while True:
            self.frame.clear()
            try:
                await asyncio.wait_for(self.frame.wait(), timeout=QUIET)
            except TimeoutError:
                if not self.busy():
                    break
        self._stop_profile()
        self.samples.first.append((self.frames[seen] - began) * 1000)
        self.samples.settled.append((self.frames[-1] - began) * 1000)
        self.samples.cpu.append((self.frames_cpu[-1] - began_cpu) * 1000)
        self.samples.full_gc += gc.get_stats()[2]["collections"] > full_gcs
        self.next_at = began + SPACING

    def _stop_profile(self) -> None:
        if self.profile and PROFILE is not None:
            PROFILE.disable()


async def ready(pilot: Pilot[None]) -> None:
    """Let the app settle after untimed steps (focusing a field, filling a page)."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await asyncio.sleep(QUIET)


async def reference(path: Path, database_url: str, workdir: Path) -> Samples:
    """The same kind of keys typed into the Name screen's plain Input, for comparison."""
    samples = Samples("Input")
    app = KioskApp(one_questionnaire_config(workdir, path), database_url=database_url)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#start-applicant")
        await ready(pilot)
        typist = Typist(app, samples)
        for round_ in range(REFERENCE_ROUNDS):
            if round_:
                await typist.press("ctrl+u")
            for key in "abcdefghij":
                await typist.press(key)
    return samples


class PlainSelects(App[None]):
    """A plain Textual app: a label and a drop-down per drop-down item of *questionnaire*."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        super().__init__()
        self.questionnaire = questionnaire

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for item in self.questionnaire.all_items():
                if item.options and item.item_control is ItemControl.DROP_DOWN:
                    yield Label(item.label_in(None))
                    yield Select([(o.label_in(None), n) for n, o in enumerate(item.options)])


async def plain_selects(questionnaire: Questionnaire) -> Samples:
    """The drop-down keys in a plain Textual app: what Textual's Select costs by itself."""
    samples = Samples("plain Select")
    app = PlainSelects(questionnaire)
    async with app.run_test(size=SIZE) as pilot:
        typist = Typist(app, samples)
        for select in list(app.query(Select))[:MAX_DROP_DOWNS]:
            select.focus()
            await ready(pilot)
            for key in ("enter", "down", "down", "enter", "tab"):
                await typist.press(key)
    return samples


def loadable() -> list[tuple[Path, Questionnaire]]:
    found = []
    for path in sorted(SHARED.rglob("*.json")):
        if path.name.endswith(".response.json"):
            continue
        try:
            found.append((path, load_questionnaire(path)))
        except QuestionnaireRefused:
            continue
    return found


async def drop_downs(path: Path, database_url: str, workdir: Path) -> Samples:
    """Every drop-down of the form's pages, page after page (answered, then Next), until
    ``MAX_DROP_DOWNS`` were timed."""
    samples = Samples("kiosk")
    app = kiosk_app(one_questionnaire_config(workdir, path), database_url, workdir)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        typist = Typist(app, samples, profile=True)
        done = 0
        for _page in range(40):
            screen = app.screen
            if not isinstance(screen, QuestionnairePageScreen) or done >= MAX_DROP_DOWNS:
                break
            for item_field in list(screen.ctx.fields.values()):
                if item_field.kind != "select" or not shown(item_field) or done >= MAX_DROP_DOWNS:
                    continue
                item_field.focus_input()
                await ready(pilot)
                for key in ("enter", "down", "down", "enter", "tab"):
                    await typist.press(key)
                done += 1
            await fill_page(pilot)
    return samples


async def typing(path: Path, database_url: str, workdir: Path) -> Samples:
    samples = Samples("kiosk")
    app = kiosk_app(one_questionnaire_config(workdir, path), database_url, workdir)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        typist = Typist(app, samples, profile=True)
        for _page in range(20):
            screen = app.screen
            if not isinstance(screen, QuestionnairePageScreen):
                break
            for item_field in list(screen.ctx.fields.values()):
                if item_field.kind != "text" or not shown(item_field) or item_field.values():
                    continue
                values = valid_values(item_field.item)
                if not values:
                    continue
                item_field.focus_input()
                await ready(pilot)
                for round_ in range(ROUNDS):
                    if round_:
                        await typist.press("ctrl+u")  # clear it, type again
                    for key in input_text(item_field.item, values[0]):
                        await typist.press("space" if key == " " else key)
            await fill_page(pilot)
    return samples


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 (nearest rank) of *samples*."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def report(name: str, samples: Samples, *references: Samples) -> None:
    """One line: settled, first-frame and CPU percentiles, and ratios to the references."""
    p50, p99 = percentiles(samples.settled)
    f50, f99 = percentiles(samples.first)
    c50, c99 = percentiles(samples.cpu)
    line = (
        f"{name}: {len(samples.settled)} keys; settled p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
        f"first frame p50 {f50:.1f} ms, p99 {f99:.1f} ms; "
        f"CPU p50 {c50:.1f} ms, p99 {c99:.1f} ms; {samples.full_gc} with a full GC"
    )
    for reference_ in references:
        b50, b99 = percentiles(reference_.settled)
        line += f"; vs {reference_.name} p50 x{p50 / b50:.2f}, p99 x{p99 / b99:.2f}"
    if references:
        verdict = "meets" if p99 < TARGET_P99_MS else "misses"
        line += f" ({verdict} p99 < {TARGET_P99_MS:.0f} ms)"
    if samples.frameless:
        line += f"; {samples.frameless} keys without a frame"
    print(line, flush=True)


async def speech_on(
    drop_down_form: Path,
    typed_form: Path,
    url: str,
    work: Path,
    chosen_off: Samples,
    typed_off: Samples,
    base: Samples,
) -> None:
    """The two kiosk scenarios again with speech on, against themselves with speech off."""
    global SPEECH
    SPEECH = True
    try:
        for name in ("d", "e"):
            (work / name).mkdir()
        chosen_off.name = typed_off.name = "speech off"
        chosen = await drop_downs(drop_down_form, url, work / "d")
        report(f"{drop_down_form.name} (drop-downs), speech on", chosen, chosen_off, base)
        typed = await typing(typed_form, url, work / "e")
        report(f"{typed_form.name} (typing), speech on", typed, typed_off, base)
    finally:
        SPEECH = False


async def main(argv: list[str]) -> None:
    global PROFILE
    profile_to = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    if profile_to:
        PROFILE = cProfile.Profile()
    forms = loadable()
    largest = max(forms, key=lambda f: f[0].stat().st_size)
    typed = [f for f in forms if any(i.answerable and not i.options and i.type.value not in
             ("boolean", "choice") for i in f[1].all_items())]  # fmt: skip
    largest_typed = max(typed, key=lambda f: (len(list(f[1].all_items())), f[0].stat().st_size))
    if "--largest" in argv:  # a given form for the drop-down scenario (to compare runs)
        wanted = argv[argv.index("--largest") + 1]
        largest = next(f for f in forms if f[0].name == wanted)
    if "--typed" in argv:  # a given form for the typing scenario (to compare runs)
        wanted = argv[argv.index("--typed") + 1]
        largest_typed = next(f for f in forms if f[0].name == wanted)
    instrument()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("a", "b", "c"):
            (work / name).mkdir()
        url = f"sqlite:///{work / 'bench.sqlite3'}"
        base = await reference(largest[0], url, work / "c")
        report("Name screen, plain Input (reference)", base)
        plain = await plain_selects(largest[1])
        report("plain Textual app, the same drop-downs (reference)", plain)
        chosen = await drop_downs(largest[0], url, work / "a")
        report(f"{largest[0].name} (drop-downs)", chosen, base, plain)
        typed_samples = await typing(largest_typed[0], url, work / "b")
        report(f"{largest_typed[0].name} (typing)", typed_samples, base)
        h50, h99 = percentiles(HANDLER)
        print(f"  the page's answer handling: {len(HANDLER)} calls, p50 {h50:.1f}, p99 {h99:.1f}")
        if "--speech" in argv:
            await speech_on(largest[0], largest_typed[0], url, work, chosen, typed_samples, base)
    print(f"load average {os.getloadavg()[0]:.2f} at the end", flush=True)
    if PROFILE is not None and profile_to:
        PROFILE.dump_stats(profile_to)
        print(f"profile of the timed kiosk keys written to {profile_to}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
