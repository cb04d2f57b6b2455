"""The way into a pickup or a returning visit: a form the backend checks before any step.

What the code entry and the sign-in share: a status line, the form held while the backend
is asked, a lock-out said as a wait time and counted down, and Back out of the visit. What
was typed stays while the screen is open.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import on
from textual.timer import Timer
from textual.widgets import Button, Static

from kiosk.backend.pickup_client import (
    PickupError,
    PickupFailure,
    account_locked_message,
    locked_message,
)
from kiosk.flow.session import Visit
from screens.base import KioskScreen
from screens.messages import EndVisit


class EntryFormScreen(KioskScreen):
    """A form with ``#back``, the status line *STATUS_ID* and the controls *HELD_IDS* (held
    while the backend is asked)."""

    STATUS_ID: ClassVar[str]
    HELD_IDS: ClassVar[tuple[str, ...]]

    def __init__(self) -> None:
        super().__init__()
        self._locked_until: float | None = None
        self._lock_kind: PickupFailure | None = None
        self._countdown: Timer | None = None

    @property
    def visit(self) -> Visit:
        visit = self.kiosk.visit
        assert visit is not None, "an entry form outlived its visit"
        return visit

    def action_back(self) -> None:
        self.post_message(EndVisit(self))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    # -- the backend's answer ------------------------------------------------------------------

    def hold(self, held: bool) -> None:
        """Hold the form while the backend is asked (no second request), or free it."""
        for widget_id in self.HELD_IDS:
            self.get_widget_by_id(widget_id).disabled = held

    def status(self, message: str, *, error: bool) -> None:
        status = self.query_one(f"#{self.STATUS_ID}", Static)
        status.update(message)
        status.set_class(error, "error")

    # -- a lock-out ----------------------------------------------------------------------------

    def lock_out(self, error: PickupError) -> None:
        """Too many attempts: say how long to wait, and count it down."""
        self._locked_until = time.monotonic() + (error.retry_after or 60)
        self._lock_kind = error.kind
        self._show_lock()
        self._countdown = self._countdown or self.set_interval(1.0, self._tick)

    def unlock(self) -> None:
        """Another answer than a lock-out: the form is free again."""
        self._locked_until = None

    def seconds_locked(self) -> int | None:
        if self._locked_until is None:
            return None
        left = round(self._locked_until - time.monotonic())
        return left if left > 0 else None

    def _show_lock(self) -> None:
        """Say how long is left, in the words of the lock-out (this terminal, or the name)."""
        seconds = self.seconds_locked()
        if seconds is None:
            return
        if self._lock_kind is PickupFailure.ACCOUNT_LOCKED:
            self.status(account_locked_message(seconds), error=True)
        else:
            self.status(locked_message(seconds), error=True)

    def _tick(self) -> None:
        """Count the lock-out down; at its end, say the form can be tried again."""
        if self._locked_until is None:
            return
        if self.seconds_locked() is None:
            self._locked_until = None
            self.lock_over()
        else:
            self._show_lock()

    def lock_over(self) -> None:
        """Hook: the lock-out is over (say so, and give the keyboard to the form)."""
