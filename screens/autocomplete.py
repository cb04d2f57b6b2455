"""An answer picked from a long list by typing (``itemControl`` autocomplete).

The visitor types; the options that match are listed under the field as they type (the
engine's :func:`kiosk.questionnaire.valuesets.search`: each typed word starts a word of
the label, case and accents ignored). Down moves into the list, Enter or a tap takes the
highlighted option; the field then holds its label, which the page reads as that option.
The field also completes in place (Right takes the grey suggestion).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList

from kiosk.questionnaire.model import AnswerOption
from kiosk.questionnaire.valuesets import search

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

    def __init__(
        self,
        options: tuple[AnswerOption, ...],
        language: str | None,
        value: str,
        *,
        input_id: str,
        placeholder: str,
    ) -> None:
        super().__init__(classes="option-search")
        self.options = options
        self.language = language
        self.labels = [option.label_in(language) for option in options]
        self._known = {label.casefold() for label in self.labels}
        self.input_id = input_id
        self._value = value
        self._placeholder = placeholder
        self._shown: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(
            value=self._value,
            id=self.input_id,
            placeholder=self._placeholder,
            suggester=SuggestFromList(self.labels, case_sensitive=False),
        )
        yield OptionList(id=f"{self.input_id}--matches")

    @property
    def matches(self) -> list[str]:
        """The labels listed now."""
        return list(self._shown)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, typed: str) -> None:
        found: list[str] = []
        if typed.strip().casefold() not in self._known:  # an exact answer lists nothing
            chosen = search(self.options, typed, self.language, MATCHES_SHOWN)
            found = [option.label_in(self.language) for option in chosen]
        if found == self._shown:
            return
        self._shown = found
        matches = self.query_one(OptionList)
        matches.clear_options()
        matches.add_options(found)
        self.set_class(bool(found), "-matching")

    def action_into_matches(self) -> None:
        matches = self.query_one(OptionList)
        if self._shown and not matches.has_focus:
            matches.focus()
            matches.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        label = self._shown[event.option_index]
        field = self.query_one(Input)
        field.value = label
        field.cursor_position = len(label)
        field.focus()
