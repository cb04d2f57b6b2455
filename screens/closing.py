"""A screen that ends a visit: it returns to Welcome with Done, Escape, or by itself."""

from __future__ import annotations

from textual import on
from textual.widgets import Button

from screens.base import KioskScreen


class ClosingScreen(KioskScreen):
    """Pops itself after *seconds*; its compose must yield a ``#done`` button."""

    CSS_PATH = "closing.tcss"

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds

    def on_mount(self) -> None:
        self.query_one("#done", Button).focus()
        # A one-second tick, not one long timer: a cancelled asyncio timer keeps its context
        # (and so this screen, with its reference number) alive until it would have fired.
        self._left = self.seconds
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.close()

    @on(Button.Pressed, "#done")
    def close(self) -> None:
        if self.is_current:
            self.app.pop_screen()
            self.kiosk.reset_preferences()

    def action_back(self) -> None:
        self.close()
