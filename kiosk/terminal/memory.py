"""Freeze what start-up left in memory, once, and never with a visitor's screen among it.

Start-up leaves some 200,000 long-lived objects (Textual, the embedded server); each full
collection scanning them all is a pause of 200-300 ms in somebody's typing, so once the backend
is built they are set aside for good (``gc.freeze``). A frozen object is never collected, and
``gc.get_referrers`` no longer sees what it holds: a screen frozen with them (a Confirmation
still showing its reference number, a pickup screen, one still being closed) would stay in
memory for the life of the process. So the freeze waits until the terminal is at rest (no visit,
only a fresh Welcome) and every other screen shown since start-up has been collected; until
then the app's one-second tick tries again.

Before all that, while the kiosk starts, the collector is held (:func:`hold_collection`):
start-up makes those long-lived objects and next to no garbage, yet with Python's default
thresholds the collector walks them again and again (some 40 ms in all, a full pass in Welcome's
first drawing among them; twice that on a busy machine). ``kiosk run`` and ``kiosk smoke`` hold
it from their first line; the app lets it go (:func:`release_collection`) with the rest of what
start-up leaves for later, a second after Welcome is first drawn, and settling memory does too.
"""

from __future__ import annotations

import gc
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Textual loads with the app; ``kiosk.cli`` imports this module before it
    from textual.screen import Screen

    from kiosk.app import KioskApp

MAX_TRIES = 30
"""Full collections tried while a closed screen lingers; after that memory is left unfrozen."""

_held = False
"""Whether :func:`hold_collection` turned the collector off (and so may turn it on again)."""


def hold_collection() -> None:
    """Turn the cyclic garbage collector off for start-up, unless something else already did."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collection() -> None:
    """Turn the collector back on if :func:`hold_collection` turned it off; else nothing."""
    global _held
    if _held:
        _held = False
        gc.enable()


class StartupMemory:
    """Decides when start-up's objects may be frozen, and freezes them once."""

    def __init__(self) -> None:
        self.settled = False
        self.wanted = False
        self._tries = 0
        self._screens: weakref.WeakSet[Screen[object]] = weakref.WeakSet()

    def saw(self, screen: object) -> None:
        """Note a screen shown before the freeze: it must be gone (or on the stack) first."""
        from textual.screen import Screen

        if not self.settled and isinstance(screen, Screen):
            self._screens.add(screen)

    def settle(self, app: KioskApp) -> bool:
        """Freeze now if the terminal is at rest and nothing of a visit lingers; whether it did."""
        release_collection()
        if self.settled:
            return False
        self.wanted = True
        if not _at_rest(app) or self._tries >= MAX_TRIES:
            return False
        self._tries += 1
        gc.collect()
        stack = {id(screen) for screen in app.screen_stack}
        if any(id(screen) not in stack for screen in self._screens):
            return False  # a closed screen is still being taken down: the next tick tries again
        self.settled, self.wanted = True, False
        self._screens = weakref.WeakSet()
        gc.freeze()
        return True

    def retry(self, app: KioskApp) -> None:
        """Every tick: settle if start-up asked for it and could not yet."""
        if self.wanted and not self.settled:
            self.settle(app)


def _at_rest(app: KioskApp) -> bool:
    from screens.welcome import WelcomeScreen

    stack = app.screen_stack
    return app.visit is None and len(stack) == 2 and isinstance(stack[-1], WelcomeScreen)


def forget_drawn_screens() -> None:
    """Forget, in the running context, which screens Textual last drew under a pop-up.

    Each time Textual draws, it notes the screens under a pop-up in a context variable
    (``textual._context.visible_screen_stack``) and leaves it set. Every task started later
    from that context copies the note: each widget of a screen mounted then would keep those
    screens (a wiped visit's, its visitor's name among them) alive for as long as it runs. A
    fresh Welcome is mounted after this, from a context that names none.
    """
    from textual._context import visible_screen_stack

    visible_screen_stack.set([])
