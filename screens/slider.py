"""A number chosen on a scale (``itemControl`` slider): arrow keys, Home/End or a tap."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Slider(Widget, can_focus=True):
    """A value from *low* to *high* in steps of *step*; ``None`` until the visitor moves it."""

    DEFAULT_CSS = """
    Slider {
        height: 1;
        width: 64;
        max-width: 100%;
    }
    Slider:focus {
        text-style: bold;
        background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,minus", "step(-1)", show=False),
        Binding("right,plus,equals_sign", "step(1)", show=False),
        Binding("home", "to_end(0)", show=False),
        Binding("end", "to_end(1)", show=False),
    ]

    value: reactive[Decimal | None] = reactive(None)

    class Changed(Message):
        def __init__(self, slider: Slider, value: Decimal | None) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> Slider:
            return self.slider

    def __init__(
        self,
        low: Decimal,
        high: Decimal,
        step: Decimal,
        value: Decimal | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.low, self.high = low, max(low, high)
        self.step = step if step > 0 else Decimal(1)
        self.set_reactive(Slider.value, None if value is None else self._fit(value))

    @property
    def steps(self) -> int:
        return int((self.high - self.low) / self.step)

    def _fit(self, value: Decimal) -> Decimal:
        """*value* moved onto the scale: within the ends, on a step."""
        value = min(max(value, self.low), self.high)
        return self.low + round((value - self.low) / self.step) * self.step

    def watch_value(self, value: Decimal | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, direction: int) -> None:
        start = self.value if self.value is not None else self.low - self.step * direction
        if self.value is None and direction < 0:
            start = self.high + self.step
        self.value = self._fit(start + self.step * direction)

    def action_to_end(self, end: int) -> None:
        self.value = self.high if end else self.low

    def _ends(self) -> tuple[str, str, str]:
        shown = "—" if self.value is None else _plain(self.value)
        return _plain(self.low), _plain(self.high), shown

    def _track_width(self) -> int:
        low, high, shown = self._ends()
        return max(3, self.size.width - len(low) - len(high) - len(shown) - 7)

    def render(self) -> Text:
        low, high, shown = self._ends()
        width = self._track_width()
        track = ["─"] * width
        if self.value is not None and self.steps:
            position = round(float((self.value - self.low) / (self.high - self.low)) * (width - 1))
            track[position] = "●"
        elif self.value is not None:
            track[0] = "●"
        return Text(f"{low} ├{''.join(track)}┤ {high}   {shown}")

    def on_click(self, event: events.Click) -> None:
        low = self._ends()[0]
        offset = event.x - len(low) - 2
        width = self._track_width()
        if 0 <= offset < width:
            share = Decimal(offset) / Decimal(max(1, width - 1))
            self.value = self._fit(self.low + share * (self.high - self.low))
        self.focus()


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text
