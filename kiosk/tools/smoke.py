"""``kiosk smoke``: start the kiosk headless and time how long until Welcome takes input.

"Ready" means two things, checked in this order:

1. the first screen has rendered: its ready check (for the kiosk: Welcome is the current
   screen and its first button's label is in the composited screen) is true;
2. it accepts input: a Tab key, sent the way a terminal's driver sends it, is handled and
   moves the focus.

Both are polled every few milliseconds while the app runs at its own pace: the poll does not
wait for the app to fall idle or force a refresh (as ``Pilot.pause`` and ``Pilot.press`` do),
so an app with something moving (Welcome's ticker) is timed like one without.
:func:`time_to_ready` is generic, so a benchmark can start any Textual app the same way.
This module imports only Textual's pieces it needs, and those lazily.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot
    from textual.widget import Widget

DEFAULT_TIMEOUT = 30.0
SMOKE_SIZE = (100, 36)
READY_PREFIX = "ready in "
POLL_SECONDS = 0.005


class NotReady(Exception):
    """The app did not become ready; the message says how far it got."""


def screen_text(app: App[Any]) -> str:
    """Everything the current screen shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips).rstrip()


def shows(app: App[Any], widget: Widget, text: str) -> bool:
    """Whether *widget* has been laid out and *text* is on the screen (checked in that order:
    the second composes the whole screen, so it waits for the first)."""
    return bool(widget.region) and bool(text) and text in screen_text(app)


def send_key(app: App[Any], key: str, character: str | None) -> None:
    """*key* as a terminal's driver delivers it to the app."""
    from textual import events

    assert app._driver is not None, "the app is not running"
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


async def _wait(predicate: Callable[[], bool], deadline: float) -> bool:
    while not predicate():
        if time.perf_counter() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
    return True


async def wait_until_ready(
    pilot: Pilot[Any], rendered: Callable[[App[Any]], bool], seconds: float
) -> None:
    """Return once *rendered* holds and a Tab moves the focus; :class:`NotReady` otherwise."""
    app = pilot.app
    deadline = time.perf_counter() + seconds
    if not await _wait(lambda: rendered(app), deadline):
        raise NotReady(f"the first screen did not render within {seconds:g} s")
    before = app.focused
    send_key(app, "tab", "\t")
    if not await _wait(lambda: app.focused is not before, deadline):
        raise NotReady(f"the first screen did not take a key within {seconds:g} s")


def time_to_ready(
    app: App[Any],
    rendered: Callable[[App[Any]], bool],
    *,
    started: float,
    timeout: float = DEFAULT_TIMEOUT,
    size: tuple[int, int] = SMOKE_SIZE,
    on_ready: Callable[[float], None] | None = None,
) -> float:
    """Run *app* headless until it is ready; milliseconds since *started* (perf_counter).

    *on_ready* is called with those milliseconds at the ready moment, before the app
    shuts down (a benchmark prints there; a test inspects the process there).
    """
    elapsed: list[float] = []
    failure: list[BaseException] = []

    async def autopilot(pilot: Pilot[Any]) -> None:
        try:
            await wait_until_ready(pilot, rendered, timeout)
            elapsed.append((time.perf_counter() - started) * 1000)
            if on_ready is not None:
                on_ready(elapsed[0])
        except BaseException as exc:  # reported by the caller, never as a traceback
            failure.append(exc)
        finally:
            app.exit()

    app.run(headless=True, size=size, auto_pilot=autopilot)
    if failure:
        raise failure[0]
    if not elapsed:
        raise NotReady("the app stopped before its first screen was ready")
    return elapsed[0]


def welcome_rendered(app: App[Any]) -> bool:
    """The kiosk's ready check: Welcome is current and its first button's label is shown."""
    from textual.widgets import Button

    from screens.welcome import WelcomeScreen

    screen = app.screen
    if not isinstance(screen, WelcomeScreen):
        return False
    buttons = screen.query("#start-applicant")
    if not buttons:
        return False
    button = buttons.first(Button)
    return button.has_focus and shows(app, button, str(button.label))


def smoke_main(args: argparse.Namespace, started: float | None = None) -> int:
    """The ``kiosk smoke`` command: 0 and the milliseconds, or 1 and the reason."""
    started = time.perf_counter() if started is None else started
    from kiosk.config import ConfigError, default_config_path, load_config

    source = getattr(args, "config", None) or default_config_path()
    try:
        config = load_config(source)
    except ConfigError as exc:
        print(f"smoke failed: {source}: the configuration is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    portal = getattr(args, "portal", None)
    if portal and portal not in {p.name for p in config.portals}:
        print(f"smoke failed: no portal named {portal!r} in {source}", file=sys.stderr)
        return 1
    from kiosk.app import KioskApp

    app = KioskApp(config, portal=portal, database_url=getattr(args, "database", None))
    try:
        time_to_ready(
            app,
            welcome_rendered,
            started=started,
            timeout=args.timeout,
            on_ready=lambda ms: print(f"{READY_PREFIX}{ms:.0f} ms", flush=True),
        )
    except NotReady as exc:
        print(f"smoke failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a crash while starting: its kind, never a traceback
        print(f"smoke failed: the kiosk crashed while starting ({exc!r})", file=sys.stderr)
        return 1
    return 0
