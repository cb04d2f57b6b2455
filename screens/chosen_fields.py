"""The fields answered by choosing: yes or no, options (radio buttons, a drop-down, an
autocomplete, check boxes) and a number on a scale.

An open-choice's own answer (its "Other:" and the field beside it) is typed: it is kept as
a draft from the page's Changed events and read by the engine
(:func:`kiosk.questionnaire.localized.parse_typed`), like the text an autocomplete holds
(:func:`kiosk.questionnaire.localized.parse_chosen`).
"""

from __future__ import annotations

from decimal import Decimal

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select
from textual.widgets.select import NoSelection

from kiosk.i18n import _
from kiosk.questionnaire import AnswerError, AnswerValue, format_answer, option_for
from kiosk.questionnaire.localized import parse_chosen, parse_typed, takes_own_answer
from screens.autocomplete import OptionSearch
from screens.choice_layout import apply_columns, columns_for
from screens.question_fields import OTHER, ItemField, Reading, Ref, option_text
from screens.slider import Slider
from screens.typing_input import TypingInput

# -- chosen answers ----------------------------------------------------------------------


class BooleanField(ItemField):
    """Yes or No."""

    kind = "boolean"

    def compose_inputs(self) -> ComposeResult:
        value = next(iter(self.values()), None)
        yield RadioSet(
            RadioButton(_("Yes"), value=value is True),
            RadioButton(_("No"), value=value is False),
            id=self.input_id,
            classes="choices",
        )

    def read(self) -> Reading:
        pressed = self.query_one(f"#{self.input_id}", RadioSet).pressed_index
        return Reading([] if pressed < 0 else [pressed == 0])


class ChoiceField(ItemField):
    """What the fields that choose among options share: the visitor's own answer (an
    open-choice's "Other:", typed into its own field)."""

    @property
    def takes_own(self) -> bool:
        return takes_own_answer(self.item)

    def _orientation(self) -> str:
        return " horizontal" if self.item.choice_orientation == "horizontal" else ""

    def _own_answer(self) -> str | None:
        """An open-choice answer typed by the visitor (not one of the options)."""
        for value in self.values():
            if isinstance(value, str) and option_for(self.item, value) is None:
                return value
        return None

    def _own_text(self) -> str:
        """What the visitor's own answer field holds: the draft, else the stored answer."""
        draft = self.ctx.drafts.get(self.item.link_id, self.path, "other")
        return draft if draft is not None else (self._own_answer() or "")

    def _other_input(self) -> Input:
        return TypingInput(
            value=self._own_text(),
            id=self.ctx.claim(f"{self.input_id}--other", self, "other"),
            placeholder=_("Your own answer"),
            max_length=self.item.max_length or 0,
            classes="other-answer",
        )

    def _other_text(self) -> Reading:
        try:
            value = parse_typed(self.item, self._own_text(), self.language)
        except AnswerError as error:
            return Reading([], error.message)
        return Reading([] if value is None else [value])

    def _chosen(self, index: int, chosen: bool) -> Reading:
        if not chosen:
            return Reading([])
        if index == OTHER:
            return self._other_text()
        return Reading([self.item.options[index].value])

    def take_typed(self, ref: Ref, text: str) -> None:
        if ref.role != "other":
            return
        self.ctx.drafts.set(self.item.link_id, self.path, "other", text)
        if text.strip():
            self.choose_other()

    def choose_other(self) -> None:
        """Typing the visitor's own answer chooses "Other"."""


class OptionsInColumns(ChoiceField):
    """Options laid out in as many columns as fit (``columnCount``, wrapping horizontal)."""

    option_frame = 0
    """Cells each option adds for its own border and padding."""
    set_frame = 0
    """Cells the options' container takes for its border and padding."""

    def on_resize(self, event: events.Resize) -> None:
        item = self.item
        labels = [option_text(item, o, self.language) for o in item.options]
        if self.takes_own:
            labels.append(_("Other:"))
        columns = columns_for(
            labels,
            event.size.width - self.set_frame,
            wanted=item.hints.column_count,
            horizontal=item.choice_orientation == "horizontal",
            extra=self.option_frame,
        )
        found = self.query(f"#{self.input_id}")
        if found:
            apply_columns(found.first(), columns)


class RadioField(OptionsInColumns):
    """One option among a few, each shown (radio buttons)."""

    kind = "radio"
    set_frame = 4  # the radio set's border and padding

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        value = next(iter(self.values()), None)
        buttons = [
            RadioButton(
                option_text(item, o, self.language),
                value=value is not None and option_for(item, value) is o,
            )
            for o in item.options
        ]
        if self.takes_own:
            buttons.append(RadioButton(_("Other:"), value=self._own_answer() is not None))
        yield RadioSet(*buttons, id=self.input_id, classes="choices" + self._orientation())
        if self.takes_own:
            yield self._other_input()

    def read(self) -> Reading:
        pressed = self.query_one(f"#{self.input_id}", RadioSet).pressed_index
        return self._chosen(pressed if pressed < len(self.item.options) else OTHER, pressed >= 0)

    def choose_other(self) -> None:
        buttons = self.query(RadioButton)
        if buttons and not buttons.last().value:
            buttons.last().value = True


class SelectField(ChoiceField):
    """One option from a drop-down (``itemControl`` drop-down)."""

    kind = "select"

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        value = next(iter(self.values()), None)
        options: list[tuple[str, int]] = [
            (option_text(item, o, self.language), index) for index, o in enumerate(item.options)
        ]
        chosen: int | NoSelection = Select.NULL
        if value is not None and (option := option_for(item, value)) is not None:
            chosen = item.options.index(option)
        if self.takes_own:
            options.append((_("Other (type it below)"), OTHER))
            if self._own_answer() is not None:
                chosen = OTHER
        yield Select(options, prompt=_("Choose…"), value=chosen, id=self.input_id)
        if self.takes_own:
            yield self._other_input()

    def read(self) -> Reading:
        value = self.query_one(f"#{self.input_id}", Select).value
        return self._chosen(value if isinstance(value, int) else OTHER, isinstance(value, int))

    def choose_other(self) -> None:
        select = self.query_one(f"#{self.input_id}", Select)
        if select.value != OTHER:
            select.value = OTHER


class AutocompleteField(ChoiceField):
    """One option found by typing (``itemControl`` autocomplete)."""

    kind = "autocomplete"

    def take_typed(self, ref: Ref, text: str) -> None:
        self.ctx.drafts.set(self.item.link_id, self.path, 0, text)

    def _text(self) -> str:
        """What the field holds: the draft, else the stored answer's label."""
        item = self.item
        draft = self.ctx.drafts.get(item.link_id, self.path, 0)
        if draft is not None:
            return draft
        value = next(iter(self.values()), None)
        return "" if value is None else format_answer(item, value, self.language)

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        yield OptionSearch(
            item.options,
            self.language,
            self._text(),
            input_id=self.input_id,
            placeholder=item.entry_format or _("Start typing, then take the suggestion"),
        )

    def read(self) -> Reading:
        try:
            value = parse_chosen(self.item, self._text(), self.language)
        except AnswerError as error:
            return Reading([], error.message)
        return Reading([] if value is None else [value])


class CheckboxesField(OptionsInColumns):
    """Any number of options (check boxes): a repeating question with options."""

    kind = "checkboxes"
    option_frame = 4  # a check box's own border and padding

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        found = self.values()
        with Vertical(id=self.input_id, classes="choices checks" + self._orientation()):
            for index, option in enumerate(item.options):
                ticked = any(option_for(item, v) is option for v in found)
                yield Checkbox(
                    option_text(item, option, self.language),
                    value=ticked,
                    id=self.ctx.claim(f"{self.input_id}--o{index + 1}", self, "check", index),
                )
            if self.takes_own:
                yield Checkbox(
                    _("Other:"),
                    value=self._own_answer() is not None,
                    id=self.ctx.claim(f"{self.input_id}--o-other", self, "check", OTHER),
                )
        if self.takes_own:
            yield self._other_input()

    def read(self) -> Reading:
        values: list[AnswerValue] = []
        problem = None
        for box in self.query(Checkbox):
            ref = self.ctx.refs.get(box.id or "")
            if ref is None or ref.field is not self or not box.value:
                continue
            if ref.index == OTHER:
                other = self._other_text()
                values.extend(other.values)
                problem = other.problem
            else:
                values.append(self.item.options[ref.index].value)
        return Reading(values, problem)

    def focusable_input(self) -> Widget | None:
        return self.query(Checkbox).first()

    def choose_other(self) -> None:
        box = self.query_one(f"#{self.input_id}--o-other", Checkbox)
        if not box.value:
            box.value = True


# -- numbers on a scale ------------------------------------------------------------------


class SliderField(ItemField):
    """A number on a scale (``itemControl`` slider, ``sliderStepValue``): a decimal."""

    kind = "slider"

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        step = item.hints.slider_step or Decimal(1)
        low = number_of(item.min_value)
        if low is None:
            low = Decimal(0)
        high = number_of(item.max_value)
        if high is None:
            high = max(low + step * 10, Decimal(10))
        value = next(iter(self.values()), None)
        yield Slider(low, high, step, number_of(value), id=self.input_id)

    def read(self) -> Reading:
        chosen = self.query_one(f"#{self.input_id}", Slider).value
        return Reading([] if chosen is None else [self.answer(chosen)])

    def answer(self, chosen: Decimal) -> AnswerValue:
        """The answer of the number chosen on the scale."""
        return chosen


class IntegerSliderField(SliderField):
    """A whole number on a scale."""

    def answer(self, chosen: Decimal) -> AnswerValue:
        return int(chosen)


def number_of(value: object) -> Decimal | None:
    """A slider's number from an integer or decimal answer or bound (``None``: none)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)
