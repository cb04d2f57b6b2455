"""One field class per kind of item, and the table that picks one for an item.

The table mirrors the engine's type table (:data:`kiosk.questionnaire.itemtypes.ITEM_TYPES`):
each item type has its field class, and a few item settings pick another one (a repeating
group shows its entries, a question with options is answered by choosing, an itemControl
asks for a drop-down, an autocomplete, or a slider; a question the visitor cannot answer
shows its value, or that it is not available here). A new item type is a class here and a
line in :data:`FIELD_FOR_TYPE`, beside its line in the engine's table.
"""

from __future__ import annotations

from decimal import Decimal

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from kiosk.i18n import _
from kiosk.questionnaire import (
    AnswerError,
    AnswerValue,
    Item,
    ItemControl,
    ItemType,
    Quantity,
    format_answer,
    option_for,
    parse_text_answer,
)
from kiosk.questionnaire.textentry import check_quantity, parse_number, quantity_in, unit_matches
from screens.autocomplete import OptionSearch
from screens.choice_layout import apply_columns, columns_for
from screens.localized_answers import parse_localized, show_answer
from screens.question_fields import (
    OTHER,
    ItemField,
    Reading,
    Ref,
    number_of,
    option_text,
    placeholder,
    typed_text,
)
from screens.slider import Slider


class GroupField(ItemField):
    """A group: its title and its items."""

    kind = "group"

    def focusable_input(self) -> Widget | None:
        return None


class RepeatingGroupField(ItemField):
    """A repeating group: its entries, each with a button to remove it, and one to add."""

    kind = "groups"

    def compose_after(self) -> ComposeResult:
        yield from self._compose_instances()

    def _compose_instances(self) -> ComposeResult:
        item = self.item
        least = max(1, item.min_occurs or 0)
        count = len(self.entries)
        for index, heading, fields in self.entries:
            with Vertical(classes="instance"):
                with Horizontal(classes="instance-head"):
                    yield Static(heading, classes="entry-heading", markup=False)
                    if count > least:
                        yield Button(
                            _("Remove this entry"),
                            id=self.ctx.claim(
                                f"{self.input_id}--remove{index + 1}",
                                self,
                                "remove-instance",
                                index,
                            ),
                            classes="remove-instance",
                        )
                yield from fields
        if item.max_occurs is None or count < item.max_occurs:
            yield Button(
                _("Add another entry"),
                id=self.ctx.claim(f"{self.input_id}--add", self, "add-instance"),
                classes="add-instance",
            )

    def focus_input(self) -> None:
        target = self.query(".add-instance, .remove-instance").first() if self.entries else None
        first_child = next(
            (f for _i, _h, fields in self.entries for f in fields if f.focusable_input()), None
        )
        if first_child is not None:
            first_child.focus_input()
        elif target is not None:
            target.focus()

    def focusable_input(self) -> Widget | None:
        return None


class DisplayField(ItemField):
    """A text to read."""

    kind = "display"


class UnavailableField(ItemField):
    """An attachment, a reference, or a question whose options are not to be had here."""

    kind = "unavailable"

    def compose_inputs(self) -> ComposeResult:
        yield Static(_("Not available here."), classes="not-available")


class ReadOnlyField(ItemField):
    """A question the visitor does not answer (read-only, calculated, hidden): its value."""

    kind = "readonly"

    def compose_inputs(self) -> ComposeResult:
        self._shown_value = self.shown_values()
        yield Static(self._shown_value, id=self.input_id, classes="read-only-value", markup=False)

    def shown_values(self) -> str:
        found = self.values()
        if not found:
            return "—"
        return ", ".join(show_answer(self.item, v, self.language) for v in found)

    def refresh_value(self) -> None:
        """Show the item's current (e.g. calculated) value."""
        shown = self.shown_values()
        found = self.query(f"#{self.input_id}")
        if shown != self._shown_value and found:  # an update lays the page out again
            self._shown_value = shown
            found.first(Static).update(shown)


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
    """What the fields that choose among options share: an open-choice's own answer."""

    def _orientation(self) -> str:
        return " horizontal" if self.item.choice_orientation == "horizontal" else ""

    def _own_answer(self) -> str | None:
        """An open-choice answer typed by the visitor (not one of the options)."""
        for value in self.values():
            if isinstance(value, str) and option_for(self.item, value) is None:
                return value
        return None

    def _other_input(self, own: str | None) -> Input:
        draft = self.ctx.drafts.get(self.item.link_id, self.path, "other")
        return Input(
            value=draft if draft is not None else (own or ""),
            id=self.ctx.claim(f"{self.input_id}--other", self, "other"),
            placeholder=_("Your own answer"),
            max_length=self.item.max_length or 0,
            classes="other-answer",
        )

    def _other_text(self) -> Reading:
        text = self.query_one(f"#{self.input_id}--other", Input).value
        try:
            value = parse_text_answer(self.item, text)
        except AnswerError as error:
            return Reading([], error.message)
        return Reading([] if value is None else [value])

    def _chosen(self, index: int, chosen: bool) -> Reading:
        if not chosen:
            return Reading([])
        if index == OTHER:
            return self._other_text()
        return Reading([self.item.options[index].value])

    def choose_other(self) -> None:
        """Typing an open-choice's own answer chooses "Other"."""


class OptionsInColumns(ChoiceField):
    """Options laid out in as many columns as fit (``columnCount``, wrapping horizontal)."""

    option_frame = 0
    """Cells each option adds for its own border and padding."""
    set_frame = 0
    """Cells the options' container takes for its border and padding."""

    def on_resize(self, event: events.Resize) -> None:
        item = self.item
        labels = [option_text(item, o, self.language) for o in item.options]
        if item.type is ItemType.OPEN_CHOICE:
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
        own = self._own_answer()
        buttons = [
            RadioButton(
                option_text(item, o, self.language),
                value=value is not None and option_for(item, value) is o,
            )
            for o in item.options
        ]
        if item.type is ItemType.OPEN_CHOICE:
            buttons.append(RadioButton(_("Other:"), value=own is not None))
        yield RadioSet(*buttons, id=self.input_id, classes="choices" + self._orientation())
        if item.type is ItemType.OPEN_CHOICE:
            yield self._other_input(own)

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
        own = self._own_answer()
        options: list[tuple[str, int]] = [
            (option_text(item, o, self.language), index) for index, o in enumerate(item.options)
        ]
        chosen: int | object = Select.NULL
        if value is not None and (option := option_for(item, value)) is not None:
            chosen = item.options.index(option)
        if item.type is ItemType.OPEN_CHOICE:
            options.append((_("Other (type it below)"), OTHER))
            if own is not None:
                chosen = OTHER
        yield Select(options, prompt=_("Choose…"), value=chosen, id=self.input_id)  # type: ignore[arg-type]
        if item.type is ItemType.OPEN_CHOICE:
            yield self._other_input(own)

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

    def draft_typed(self, ref: Ref, text: str) -> None:
        self.ctx.drafts.set(self.item.link_id, self.path, 0, text)

    def _search(self) -> Widget:
        item = self.item
        draft = self.ctx.drafts.get(item.link_id, self.path, 0)
        value = next(iter(self.values()), None)
        text = (
            draft
            if draft is not None
            else ("" if value is None else format_answer(item, value, self.language))
        )
        return OptionSearch(
            item.options,
            self.language,
            text,
            input_id=self.input_id,
            placeholder=item.entry_format or _("Start typing, then take the suggestion"),
        )

    def compose_inputs(self) -> ComposeResult:
        yield self._search()

    def read(self) -> Reading:
        text = self.query_one(f"#{self.input_id}", Input).value.strip()
        if not text:
            return Reading([])
        wanted = text.casefold()
        for option in self.item.options:
            if (
                option.label_in(self.language).casefold() == wanted
                or option.label.casefold() == wanted
            ):
                return Reading([option.value])
        if self.item.type is ItemType.OPEN_CHOICE:
            try:
                value = parse_text_answer(self.item, text)
            except AnswerError as error:
                return Reading([], error.message)
            return Reading([] if value is None else [value])
        return Reading([], _("Choose one of the suggested answers."))


class CheckboxesField(OptionsInColumns):
    """Any number of options (check boxes): a repeating question with options."""

    kind = "checkboxes"
    option_frame = 4  # a check box's own border and padding

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        found = self.values()
        own = self._own_answer()
        with Vertical(id=self.input_id, classes="choices checks" + self._orientation()):
            for index, option in enumerate(item.options):
                ticked = any(option_for(item, v) is option for v in found)
                yield Checkbox(
                    option_text(item, option, self.language),
                    value=ticked,
                    id=self.ctx.claim(f"{self.input_id}--o{index + 1}", self, "check", index),
                )
            if item.type is ItemType.OPEN_CHOICE:
                yield Checkbox(
                    _("Other:"),
                    value=own is not None,
                    id=self.ctx.claim(f"{self.input_id}--o-other", self, "check", OTHER),
                )
        if item.type is ItemType.OPEN_CHOICE:
            yield self._other_input(own)

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


class SliderField(ItemField):
    """A number on a scale (``itemControl`` slider, ``sliderStepValue``)."""

    kind = "slider"

    def _scale(self) -> Widget:
        item = self.item
        step = item.hints.slider_step or Decimal(1)
        low = number_of(item.min_value, Decimal(0))
        high = number_of(item.max_value, max(low + step * 10, Decimal(10)))
        value = next(iter(self.values()), None)
        return Slider(low, high, step, number_of(value, None), id=self.input_id)

    def compose_inputs(self) -> ComposeResult:
        yield self._scale()

    def read(self) -> Reading:
        chosen = self.query_one(f"#{self.input_id}", Slider).value
        if chosen is None:
            return Reading([])
        return Reading([int(chosen) if self.item.type is ItemType.INTEGER else chosen])


class TypedField(ItemField):
    """Typed answers: one row per answer (a repeating question adds and removes rows)."""

    kind = "text"

    def draft_typed(self, ref: Ref, text: str) -> None:
        if ref.role not in ("row", "main"):
            return
        rows = self.row_texts()
        while len(rows) <= ref.index:
            rows.append("")
        rows[ref.index] = text
        self.ctx.drafts.set_rows(self.item.link_id, self.path, rows)

    def row_texts(self) -> list[str]:
        """The texts of a typed answer's rows (one per answer; at least one)."""
        drafted = self.ctx.drafts.rows(self.item.link_id, self.path)
        if drafted is not None:
            return drafted or [""]
        return [typed_text(self.item, v) for v in self.values()] or [""]

    def shown_row_texts(self) -> list[str]:
        """The rows as (re)built: dates that were read are written in the current locale's
        order, so that a change of language rewrites them; anything unread stays as typed."""
        texts = self.row_texts()
        if self.item.type in (ItemType.DATE, ItemType.DATETIME):
            values = self.values()
            if values and len(values) == len([text for text in texts if text.strip()]):
                return [typed_text(self.item, value) for value in values]
        return texts

    def row_id(self, row: int) -> str:
        return self.input_id if row == 0 else f"{self.input_id}--a{row + 1}"

    def compose_inputs(self) -> ComposeResult:
        item = self.item
        texts = self.shown_row_texts()
        if not item.repeats:
            texts = texts[:1]
        with Vertical(classes="rows"):
            for row, text in enumerate(texts):
                widget_id = (
                    self.input_id
                    if row == 0
                    else self.ctx.claim(self.row_id(row), self, "row", row)
                )
                if row == 0:
                    self.ctx.refs[widget_id] = Ref(self, "row", 0)
                with Horizontal(classes="row -area" if item.type is ItemType.TEXT else "row"):
                    yield self._typed_input(text, widget_id)
                    if row == 0:
                        yield from self._unit()
                    if item.repeats and len(texts) > 1:
                        yield Button(
                            _("Remove"),
                            id=self.ctx.claim(
                                f"{self.input_id}--remove-a{row + 1}", self, "remove-row", row
                            ),
                            classes="remove-row",
                        )
            if item.repeats and (item.max_occurs is None or len(texts) < item.max_occurs):
                yield Button(
                    _("Add another answer"),
                    id=self.ctx.claim(f"{self.input_id}--add", self, "add-row"),
                    classes="add-row",
                )

    def _typed_input(self, text: str, widget_id: str) -> Widget:
        item = self.item
        if item.type is ItemType.TEXT:
            return TextArea(text, id=widget_id, soft_wrap=True, show_line_numbers=False)
        return Input(
            value=text,
            id=widget_id,
            placeholder=self._child_control("prompt") or placeholder(item),
            max_length=item.max_length or 0,
        )

    def _unit(self) -> ComposeResult:
        units = self.item.units
        shown_unit = self._child_control("unit")
        if not units and shown_unit:
            yield Static(shown_unit, classes="unit", markup=False)
        elif len(units) == 1:
            yield Static(units[0].display or units[0].code or "", classes="unit", markup=False)
        elif len(units) > 1:
            chosen = self.chosen_unit_index()
            yield Select(
                [(u.display or u.code or "", index) for index, u in enumerate(units)],
                prompt=_("Unit"),
                value=Select.NULL if chosen is None else chosen,
                id=self.ctx.claim(f"{self.input_id}--unit", self, "unit"),
                classes="unit-select",
            )

    def chosen_unit_index(self) -> int | None:
        drafted = self.ctx.drafts.get(self.item.link_id, self.path, "unit")
        if drafted is not None:
            return int(drafted) if drafted.lstrip("-").isdigit() and int(drafted) >= 0 else None
        for value in self.values():
            if isinstance(value, Quantity):
                for index, unit in enumerate(self.item.units):
                    if unit_matches(value, unit):
                        return index
        return None

    def read(self) -> Reading:
        values: list[AnswerValue] = []
        problem = None
        for text in self.row_texts()[: None if self.item.repeats else 1]:
            try:
                value = self._parse_row(text)
            except AnswerError as error:
                problem = problem or error.message
                continue
            if value is not None:
                values.append(value)
        return Reading(values, problem)

    def _parse_row(self, text: str) -> AnswerValue | None:
        item = self.item
        if item.type is not ItemType.QUANTITY or len(item.units) < 2 or not text.strip():
            return parse_localized(item, text)  # dates in the visitor's way, numbers' limits
        chosen = self.chosen_unit_index()  # the unit comes from the drop-down beside it
        unit = None if chosen is None else item.units[chosen]
        value = quantity_in(parse_number(text), unit)
        check_quantity(item, value)
        return value


FIELD_FOR_TYPE: dict[ItemType, type[ItemField]] = {
    ItemType.GROUP: GroupField,
    ItemType.DISPLAY: DisplayField,
    ItemType.BOOLEAN: BooleanField,
    ItemType.DECIMAL: TypedField,
    ItemType.INTEGER: TypedField,
    ItemType.DATE: TypedField,
    ItemType.DATETIME: TypedField,
    ItemType.TIME: TypedField,
    ItemType.STRING: TypedField,
    ItemType.TEXT: TypedField,
    ItemType.URL: TypedField,
    ItemType.CHOICE: TypedField,  # with options (the usual case): see field_class
    ItemType.OPEN_CHOICE: TypedField,
    ItemType.ATTACHMENT: UnavailableField,
    ItemType.REFERENCE: UnavailableField,
    ItemType.QUANTITY: TypedField,
}
"""The field of each item type (one line per line of the engine's type table)."""

_BY_CONTROL: dict[ItemControl, type[ItemField]] = {
    ItemControl.DROP_DOWN: SelectField,
    ItemControl.AUTOCOMPLETE: AutocompleteField,
}
_SLIDER_TYPES = (ItemType.INTEGER, ItemType.DECIMAL)


def field_class(item: Item) -> type[ItemField]:
    """The class that shows *item*: its type's, unless its settings ask for another."""
    if item.type is ItemType.GROUP and item.repeats:
        return RepeatingGroupField
    if item.is_question and not item.available:
        return UnavailableField
    if item.type is ItemType.CHOICE and item.answer_expression is not None and not item.options:
        return UnavailableField  # its answerExpression gives nothing to choose from here
    if item.is_question and not item.answerable:
        return ReadOnlyField
    if item.type is ItemType.BOOLEAN:
        return BooleanField
    if item.hints.has("slider") and not item.options and item.type in _SLIDER_TYPES:
        return SliderField
    if item.options:
        if item.repeats:
            return CheckboxesField
        return _BY_CONTROL.get(item.item_control, RadioField)  # type: ignore[arg-type]
    return FIELD_FOR_TYPE[item.type]
