"""An idle visit is asked "Are you still there?", then wiped, leaving nothing behind."""

from __future__ import annotations

import asyncio
import gc
import sys
import types
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.terminal import memory
from kiosk.terminal.memory import forget_drawn_screens
from screens.confirmation import ConfirmationScreen
from screens.name_entry import NameScreen
from screens.review import ReviewScreen
from screens.still_there import StillThereScreen
from screens.welcome import WelcomeScreen
from tests.safety_helpers import demo_config, start_bare_visit, type_name
from tests.visit_helpers import wait_for_screen

FIRST, LAST = "Wilhelmina", "Zzyzx-Quartermaine"
REFERENCE = "QX7-K2M9"


LOOK_FOR = 35.0
"""Seconds to look for what a wiped visit left before giving up. Pilot's pause draws the screen
from the test's task, which sets Textual's ``visible_screen_stack`` (a list of the screens
under a pop-up) in that task's context; each later Pilot wait copies the context into a 30 s
timeout, and asyncio keeps a cancelled timeout, context and all, until its time has come or
until it sweeps its cancelled timers (see :func:`sweep_cancelled_timers`). The probes clear
that note in the test's task before they look, or each of their own pauses would copy it
again (a Welcome with nothing to redraw never sets it anew)."""


def sweep_cancelled_timers() -> None:
    """Have asyncio drop its cancelled timers at its next turn, not at their due times.

    The loop sweeps them all whenever more than half of its (over 100) timers are cancelled:
    in a running app that is soon, with every pause of a test too; a probe that mostly waits
    would leave them. A timer not cancelled is never dropped."""
    loop = asyncio.get_running_loop()
    for handle in [loop.call_later(3600, lambda: None) for _ in range(1000)]:
        handle.cancel()


def look_pauses() -> Iterator[float]:
    """Pauses between two looks, each twice the last (0.1 s to 4 s), :data:`LOOK_FOR` in all:
    a look is a full collection and a walk of all the app holds, costly in a test process that
    has run hundreds of tests."""
    waited, pause = 0.0, 0.1
    while waited < LOOK_FOR:
        yield pause
        waited += pause
        pause = min(pause * 2, 4.0)


def _go_idle(app: KioskApp, seconds: float = 10_000) -> None:
    """Pretend the last input was long ago, and let the idle timer look."""
    app.idle_tick()  # the timer has seen the current screen
    app.idle.last_input -= seconds
    app.idle_tick()


def reachable_strings(root: object, needles: tuple[str, ...]) -> list[str]:
    """Strings holding any of *needles* reachable from *root* through object references
    (modules, classes and code are not followed: they hold the program, not the visit)."""
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    seen: set[int] = set()
    stack: list[Any] = [root]
    found: list[str] = []
    while stack:
        obj = stack.pop()
        if id(obj) in seen or id(obj) in module_dicts:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if any(n in obj for n in needles):
                found.append(obj)
            continue
        if isinstance(obj, type | types.ModuleType | types.CodeType):
            continue
        if isinstance(obj, types.FunctionType):
            stack.extend(c.cell_contents for c in obj.__closure__ or () if _filled(c))
            stack.extend(obj.__defaults__ or ())
            continue
        stack.extend(gc.get_referents(obj))
    return found


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


async def still_reachable(root: object, needles: tuple[str, ...], pilot: Any) -> list[str]:
    """:func:`reachable_strings`, once nothing of the wiped visit is left waiting to run (see
    :data:`LOOK_FOR`): asyncio keeps a cancelled timer, with the context it was made in (which can
    name a widget of the visit's screens), in its queue until the timer's time has come."""
    forget_drawn_screens()  # see LOOK_FOR
    found = reachable_strings(root, needles)
    for pause in look_pauses():
        if not found:
            break
        sweep_cancelled_timers()
        await pilot.pause(pause)
        gc.collect()
        found = reachable_strings(root, needles)
    return found


async def _freed(refs: list[weakref.ref[Any]], pilot: Any) -> list[str]:
    """Wait (see :data:`LOOK_FOR`) until every referent is collected; the names of those alive.

    A screen's cancelled one-second timer keeps it referenced until that second is over,
    and a busy machine may take a while longer to run the loop that far."""
    forget_drawn_screens()  # see LOOK_FOR
    for pause in look_pauses():
        sweep_cancelled_timers()
        await pilot.pause(pause)
        gc.collect()
        alive = [type(r()).__name__ for r in refs if r() is not None]
        if not alive:
            break
    for ref in refs:  # say who holds what is left, for whoever reads a failure
        if (obj := ref()) is not None:
            holders = [type(h).__name__ for h in gc.get_referrers(obj)]
            # gc.get_referrers does not see frozen objects (gc.freeze, kiosk.terminal.memory)
            print(f"{type(obj).__name__} held by {holders}; frozen: {gc.get_freeze_count()}")
    return alive


async def _backend_built(app: KioskApp, pilot: Any) -> None:
    for _ in range(600):  # the embedded server's imports: seconds on a busy machine
        if app._backend_ready.is_set():
            return
        await pilot.pause(0.1)
    raise AssertionError("the backend was not built within 60 s")


async def test_a_confirmation_up_when_start_up_settles_is_not_frozen_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Start-up's objects are frozen once the backend is built. On a busy machine
    that can be while a Confirmation is up: it must not be frozen with them, or it (and its
    reference number) would never be freed."""
    # A terminal tries for 30 s; here Pilot's own waits can hold the Confirmation that long
    # (see LOOK_FOR), which a terminal has no Pilot to do.
    monkeypatch.setattr(memory, "MAX_TRIES", 300)
    gc.unfreeze()
    app = KioskApp(demo_config(confirmation_seconds=600))
    app.BACKEND_START_DELAY = 3600  # type: ignore[misc]  # built below, at the moment chosen
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        app.show_confirmation(REFERENCE)
        await wait_for_screen(pilot, ConfirmationScreen)
        confirmation = weakref.ref(app.screen)
        # From the app's own queue, as its start-up timer does: called from this test's task,
        # the worker would keep a copy of what Pilot last drew there (the Welcome under the
        # Confirmation) for as long as the app keeps the finished worker.
        app.call_later(app.connect_backend)
        await _backend_built(app, pilot)
        await pilot.pause()
        app.idle_tick()
        assert gc.get_freeze_count() == 0, "nothing is frozen while the Confirmation is up"
        _go_idle(app)
        await wait_for_screen(pilot, WelcomeScreen)
        assert await _freed([confirmation], pilot) == []
        for _ in range(300):  # then, at rest, on one of the app's one-second ticks (each
            if gc.get_freeze_count() > 0:  # a full collection: not called here more often)
                break
            await pilot.pause(0.1)
        assert gc.get_freeze_count() > 0
        assert await still_reachable(app, (REFERENCE,), pilot) == []
    gc.unfreeze()


async def test_an_idle_visit_is_asked_then_wiped_back_to_a_fresh_welcome() -> None:
    app = KioskApp(demo_config(idle_timeout_seconds=1, idle_warning_seconds=2))
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*FIRST)
        await wait_for_screen(pilot, StillThereScreen, tries=200)  # the real 1 s timer
        countdown = str(app.screen.query_one("#still-there-countdown", Static).render())
        assert "Clearing in" in countdown
        await wait_for_screen(pilot, WelcomeScreen, tries=300)  # the 2 s countdown
        assert app.visit is None
        assert len(app.screen_stack) == 2


async def test_continue_keeps_the_visit_and_what_was_typed() -> None:
    app = KioskApp(demo_config())
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        visit = start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*FIRST)
        _go_idle(app)
        await wait_for_screen(pilot, StillThereScreen)
        await pilot.click("#still-there-continue")
        await wait_for_screen(pilot, NameScreen)
        assert app.visit is visit
        assert app.screen.query_one("#first-name").value == FIRST  # type: ignore[attr-defined]
        app.idle_tick()  # input just now: no new prompt
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)


async def test_a_wiped_visit_is_freed_and_nothing_of_it_is_reachable() -> None:
    app = KioskApp(demo_config(idle_warning_seconds=5))
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        visit = start_bare_visit(app)
        await wait_for_screen(pilot, NameScreen)
        await type_name(pilot, FIRST, LAST)
        await wait_for_screen(pilot, ReviewScreen)
        assert visit.full_name == f"{FIRST} {LAST}"
        assert reachable_strings(app, (FIRST, LAST)), "the probe must see a live visit"
        refs = [weakref.ref(visit), *(weakref.ref(s) for s in app.screen_stack[2:])]
        assert len(refs) == 3  # the visit, its name screen and its review
        del visit
        _go_idle(app)
        await wait_for_screen(pilot, StillThereScreen)
        prompt = weakref.ref(app.screen)
        app.screen.remaining = 1
        await wait_for_screen(pilot, WelcomeScreen, tries=300)
        alive = await _freed([*refs, prompt], pilot)
        assert alive == [], f"still alive after the wipe: {alive}"
        assert app.visit is None
        assert app.steps == ()
        assert await still_reachable(app, (FIRST, LAST), pilot) == []


async def test_the_confirmation_goes_back_to_a_fresh_welcome_when_left_alone() -> None:
    app = KioskApp(demo_config(confirmation_seconds=600))
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        welcome = app.screen
        app.show_confirmation(REFERENCE)
        await wait_for_screen(pilot, ConfirmationScreen)
        confirmation = weakref.ref(app.screen)
        assert reachable_strings(app, (REFERENCE,))
        _go_idle(app)
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.screen is not welcome
        assert len(app.screen_stack) == 2
        assert await _freed([confirmation], pilot) == []
        assert await still_reachable(app, (REFERENCE,), pilot) == []
