"""What the visitor has typed or ticked on a screen, kept across a rebuild of that screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.screen import Screen
from textual.widgets import Checkbox, Input, TextArea


@dataclass
class FormState:
    """Values of the screen's inputs by widget id, and which one had the focus."""

    values: dict[str, str | bool] = field(default_factory=dict)
    focused: str | None = None
    scroll: dict[str, float] = field(default_factory=dict)


def capture(screen: Screen[Any], *, values: bool = True) -> FormState:
    """The values of every input with an id on *screen* (with *values*), focus and scrolling."""
    state = FormState(focused=screen.focused.id if screen.focused is not None else None)
    for widget in screen.query("Input, TextArea, Checkbox") if values else ():
        if widget.id is None:
            continue
        if isinstance(widget, Input):
            state.values[widget.id] = widget.value
        elif isinstance(widget, TextArea):
            state.values[widget.id] = widget.text
        elif isinstance(widget, Checkbox):
            state.values[widget.id] = widget.value
    for scroller in screen.query(".keep-scroll"):
        if scroller.id is not None:
            state.scroll[scroller.id] = scroller.scroll_y
    return state


def restore(screen: Screen[Any], state: FormState) -> None:
    """Put *state* back into the rebuilt *screen* (widgets that are gone are skipped)."""
    for widget_id, value in state.values.items():
        found = screen.query(f"#{widget_id}")
        if not found:
            continue
        widget = found.first()
        if isinstance(widget, Input) and isinstance(value, str) and widget.value != value:
            widget.value = value
        elif isinstance(widget, TextArea) and isinstance(value, str) and widget.text != value:
            widget.text = value
        elif isinstance(widget, Checkbox) and isinstance(value, bool):
            widget.value = value
    for widget_id, y in state.scroll.items():
        found = screen.query(f"#{widget_id}")
        if found:
            found.first().scroll_to(y=y, animate=False)
    if state.focused is not None:
        found = screen.query(f"#{state.focused}")
        if found and found.first().focusable:
            widget = found.first()
            if isinstance(widget, Input):
                # Typing goes on after what was typed, rather than replacing it.
                widget.select_on_focus = False
                widget.cursor_position = len(widget.value)
            widget.focus()
