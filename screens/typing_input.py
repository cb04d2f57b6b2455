"""An Input whose typed characters repaint it without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class TypingInput(Input):
    """Textual's Input, minus a full screen layout per typed character.

    Input keeps its virtual size at the width of its text (to know how far it may scroll
    sideways), and a widget's virtual size is a reactive that lays out the whole screen
    whenever it changes: on a long questionnaire page that was most of a key's cost. An
    Input of fixed size shows the same either way (it scrolls its own text and has no
    scroll bars), so here the virtual size only repaints the Input. An Input sized by its
    content (``width: auto``) still asks for a layout itself when its value changes."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
