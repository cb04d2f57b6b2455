"""The message ticker at the foot of Welcome: each message crosses from right to left, in turn."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.widget import Widget

from kiosk.config.ticker_markup import render


class Ticker(Widget):
    """Cycles through *messages*, scrolling each from the right edge off the left edge."""

    DEFAULT_CSS = """
    Ticker {
        dock: bottom;
        height: 1;
        margin: 0 0 1 0;
        background: $primary;
        color: $header-ink;
    }
    """
    STEP_SECONDS: ClassVar[float] = 0.15
    moving: ClassVar[bool] = True
    """False holds every ticker still (snapshot tests, and the large-text mode's readers)."""

    def __init__(self, messages: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.messages = [render(m) for m in messages]
        self.index = 0
        self.offset_cells = 0

    def on_mount(self) -> None:
        if self.messages and self.moving:
            self.set_interval(self.STEP_SECONDS, self.advance)

    def advance(self) -> None:
        """One cell to the left; the next message once this one has gone."""
        message = self.messages[self.index]
        self.offset_cells += 1
        if self.offset_cells > self.size.width + message.cell_len:
            self.offset_cells = 0
            self.index = (self.index + 1) % len(self.messages)
        self.refresh()

    def visible_text(self) -> Text:
        """What the ticker shows now: the message shifted in from the right edge."""
        if not self.messages:
            return Text("")
        width = max(self.size.width, 1)
        message = self.messages[self.index]
        if not self.moving:
            return message
        line = Text(" " * width) + message + Text(" " * width)
        return line[self.offset_cells : self.offset_cells + width]

    def render(self) -> Text:
        return self.visible_text()
