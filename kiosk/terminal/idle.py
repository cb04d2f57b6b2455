"""The idle timer: an abandoned visit is asked "Are you still there?", then wiped.

:class:`IdleWatch` only measures time since the last input; :func:`check_idle` (called
every second by the app) decides what an idle terminal does:

* during a visit, after ``idle_timeout_seconds``: the "Are you still there?" prompt with a
  countdown of ``idle_warning_seconds``; no answer wipes the visit and Welcome returns;
* on any other screen but Welcome (the confirmation with its reference number, a goodbye,
  the staff screen), after ``confirmation_seconds``: straight back to a fresh Welcome.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)


class IdleWatch:
    """Seconds since the visitor last touched the terminal."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last_input = clock()
        self._screen_id = 0

    def screen_shown(self, screen: object) -> None:
        """A new screen counts as input: each screen gets its full time (id only, no ref)."""
        if id(screen) != self._screen_id:
            self._screen_id = id(screen)
            self.touch()

    def touch(self) -> None:
        """Input arrived."""
        self.last_input = self._clock()

    def idle_for(self) -> float:
        return self._clock() - self.last_input


def check_idle(app: KioskApp) -> None:
    """Act on an idle terminal (see the module docstring); cheap when nothing is due."""
    from screens.still_there import StillThereScreen
    from screens.welcome import WelcomeScreen

    screen = app.screen
    if isinstance(screen, StillThereScreen):
        return  # its own countdown decides
    app.idle.screen_shown(screen)
    idle = app.idle.idle_for()
    if app.visit is not None:
        if idle >= app.config.idle_timeout_seconds:
            log.info("visitor asked whether still there", extra={"event": "idle_prompt"})
            app.push_screen(StillThereScreen(app.config.idle_warning_seconds), _answered(app))
        return
    if not isinstance(screen, WelcomeScreen) and idle >= app.config.confirmation_seconds:
        log.info("idle terminal reset to welcome", extra={"event": "idle_reset"})
        app.reset_to_welcome()


def _answered(app: KioskApp) -> Callable[[bool | None], None]:
    def answered(still_there: bool | None) -> None:
        if still_there:
            app.idle.touch()
            log.info("visitor still there", extra={"event": "idle_continue"})
        else:
            log.info("visit abandoned: idle timeout", extra={"event": "visit_abandoned"})
            app.reset_to_welcome()

    return answered
