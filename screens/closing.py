"""A screen that ends a visit: it returns to Welcome with Done, Escape, or by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from kiosk.i18n import _
from screens.base import KioskScreen
from screens.messages import Closed

if TYPE_CHECKING:
    from textual._path import CSSPathType


def done_list(done: list[str], later: list[str]) -> ComposeResult:
    """``#done-list``: what the visit did (ticked), then what is left for the portal."""
    with Vertical(id="done-list"):
        for line in done:
            yield Static("✓ " + line, markup=False, classes="done-item")
        for line in later:
            yield Static(
                _("Still to do in the portal: {title}").format(title=line),
                markup=False,
                classes="later-item",
            )


class ClosingScreen(KioskScreen):
    """Closes after *seconds*; its compose must yield a ``#done`` button."""

    CSS_PATH: ClassVar[CSSPathType | None] = "closing.tcss"

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
        """Welcome again, in the terminal's own language and colours."""
        if self.is_current:
            self.post_message(Closed(self))

    def action_back(self) -> None:
        self.close()
