"""An answer picked from a long list by typing (``itemControl`` autocomplete).

The visitor types; the options that match (see :mod:`kiosk.questionnaire.option_search`)
are listed under the field as they type. Down moves into the list, Enter or a tap takes
the highlighted option; the field then holds its label, which the page reads as that
option. The field also completes in place (Right takes the grey suggestion).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList

from kiosk.questionnaire.option_search import OptionIndex

MATCHES_SHOWN = 8


class OptionSearch(Vertical):
    """An :class:`Input` (id *input_id*) with the matching options listed under it."""

    DEFAULT_CSS = """
    OptionSearch {
        height: auto;
        width: 64;
        max-width: 100%;
    }
    OptionSearch > Input {
        width: 100%;
    }
    OptionSearch > OptionList {
        height: auto;
        max-height: 10;
        width: 100%;
        display: none;
    }
    OptionSearch.-matching > OptionList {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "into_matches", show=False),
    ]

    def __init__(self, labels: list[str], value: str, *, input_id: str, placeholder: str) -> None:
        super().__init__(classes="option-search")
        self.index = OptionIndex.of(labels)
        self.input_id = input_id
        self._value = value
        self._placeholder = placeholder
        self._shown: list[int] = []

    def compose(self) -> ComposeResult:
        yield Input(
            value=self._value,
            id=self.input_id,
            placeholder=self._placeholder,
            suggester=SuggestFromList(self.index.labels, case_sensitive=False),
        )
        yield OptionList(id=f"{self.input_id}--matches")

    @property
    def matches(self) -> list[str]:
        """The labels listed now."""
        return [self.index.labels[i] for i in self._shown]

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, typed: str) -> None:
        exact = self.index.exact(typed) is not None
        found = [] if exact else self.index.search(typed, MATCHES_SHOWN)
        if found == self._shown:
            return
        self._shown = found
        matches = self.query_one(OptionList)
        matches.clear_options()
        matches.add_options([self.index.labels[i] for i in found])
        self.set_class(bool(found), "-matching")

    def action_into_matches(self) -> None:
        matches = self.query_one(OptionList)
        if self._shown and not matches.has_focus:
            matches.focus()
            matches.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        label = self.index.labels[self._shown[event.option_index]]
        field = self.query_one(Input)
        field.value = label
        field.cursor_position = len(label)
        field.focus()
