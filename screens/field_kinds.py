"""One field class per kind of item, and the table that picks one for an item.

The table mirrors the engine's type table (:data:`kiosk.questionnaire.itemtypes.ITEM_TYPES`):
each item type has its field class in :data:`FIELD_FOR_TYPE`, and a few item settings pick
another one (:func:`field_class`: a repeating group shows its entries, a question with
options is answered by choosing, an itemControl asks for a drop-down, an autocomplete or a
slider; a question the visitor cannot answer shows its value, or that it is not available
here). A new item type is a class here and a line in :data:`FIELD_FOR_TYPE`, beside its line
in the engine's table.

The fields never switch on the item's type: what differs between types is the class. They
never parse what was typed either: the engine does, in the visitor's locale
(:mod:`kiosk.questionnaire.localized`), from the drafts the page keeps from its widgets'
Changed events.
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
from textual.widgets.select import NoSelection

from kiosk.i18n import _
from kiosk.i18n.languages import date_hint, datetime_hint, visitor_date_order
from kiosk.questionnaire import (
    AnswerError,
    AnswerValue,
    Item,
    ItemControl,
    ItemType,
    Quantity,
    format_answer,
    instances,
    option_for,
)
from kiosk.questionnaire.constraints import bounds
from kiosk.questionnaire.localized import (
    parse_chosen,
    parse_typed,
    show_answer,
    takes_own_answer,
    typed_text,
)
from kiosk.questionnaire.model import Coding
from kiosk.questionnaire.textentry import unit_matches
from screens.autocomplete import OptionSearch
from screens.choice_layout import apply_columns, columns_for
from screens.question_fields import (
    OTHER,
    ItemField,
    Reading,
    Ref,
    beside_kind,
    control_text,
    option_text,
)
from screens.slider import Slider

# -- groups and texts --------------------------------------------------------------------


class GroupField(ItemField):
    """A group: its title and its items."""

    kind = "group"

    def compose_heading(self) -> ComposeResult:
        if self.item.text or self.item.prefix:
            yield Static(self.label_text(), classes="group-title", markup=False)

    def focusable_input(self) -> Widget | None:
        return None


class RepeatingGroupField(GroupField):
    """A repeating group: its entries, each with a button to remove it, and one to add."""

    kind = "groups"

    def _prepare_children(self) -> None:
        item = self.item
        for index, inner in enumerate(instances(item, self.scope)):
            heading = _("Entry {number}").format(number=index + 1)
            self.entries.append(
                (index, heading, self.ctx.build(item.items, inner, (*self.path, index)))
            )

    def compose_after(self) -> ComposeResult:
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


class DisplayField(ItemField):
    """A text to read."""

    kind = "display"
    has_error_line = False

    def compose_heading(self) -> ComposeResult:
        kind = beside_kind(self.item)
        classes = "display-text" + (f" beside-{kind}" if kind else "")
        yield Static(self.label_text(), classes=classes, markup=False)


class UnavailableField(ItemField):
    """An attachment, a reference, or a question whose options are not to be had here."""

    kind = "unavailable"

    def compose_inputs(self) -> ComposeResult:
        yield Static(_("Not available here."), classes="not-available")


class ReadOnlyField(ItemField):
    """A question the visitor does not answer (read-only, calculated, hidden): its value."""

    kind = "readonly"
    _shown_value: str | None = None
    """What the value line shows now."""

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
        return Input(
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


# -- typed answers -----------------------------------------------------------------------


class TypedField(ItemField):
    """Typed answers: one row per answer (a repeating question adds and removes rows).

    What was typed is kept as drafts (see :class:`~screens.question_drafts.Drafts`) and
    read by the engine (:func:`kiosk.questionnaire.localized.parse_typed`)."""

    kind = "text"
    row_classes = "row"

    def hint(self) -> str:
        """The placeholder when the form gives none: what the type and its limits allow
        (no made-up example: "A number from 35 to 45", "A whole number")."""
        return ""

    def placeholder(self) -> str:
        """The questionnaire's entryFormat, else :meth:`hint`."""
        return self.item.entry_format or self.hint()

    def take_typed(self, ref: Ref, text: str) -> None:
        if ref.role not in ("row", "main"):
            return
        rows = self.row_texts()
        while len(rows) <= ref.index:
            rows.append("")
        rows[ref.index] = text
        self.ctx.drafts.set_rows(self.item.link_id, self.path, rows)

    def take_unit(self, index: int | None) -> None:
        text = "" if index is None else str(index)
        self.ctx.drafts.set(self.item.link_id, self.path, "unit", text)

    def row_texts(self) -> list[str]:
        """The texts of a typed answer's rows (one per answer; at least one)."""
        drafted = self.ctx.drafts.rows(self.item.link_id, self.path)
        if drafted is not None:
            return drafted or [""]
        return [typed_text(self.item, v, self.language) for v in self.values()] or [""]

    def shown_row_texts(self) -> list[str]:
        """The rows as (re)built."""
        return self.row_texts()

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
                with Horizontal(classes=self.row_classes):
                    yield self.typed_input(text, widget_id)
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

    def typed_input(self, text: str, widget_id: str) -> Widget:
        """The widget one answer is typed into."""
        item = self.item
        return Input(
            value=text,
            id=widget_id,
            placeholder=control_text(item, "prompt", self.language) or self.placeholder(),
            max_length=item.max_length or 0,
        )

    def _unit(self) -> ComposeResult:
        units = self.item.units
        shown_unit = control_text(self.item, "unit", self.language)
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
            return int(drafted) if drafted.isdigit() else None
        for value in self.values():
            if isinstance(value, Quantity):
                for index, unit in enumerate(self.item.units):
                    if unit_matches(value, unit):
                        return index
        return None

    def _chosen_unit(self) -> Coding | None:
        index = self.chosen_unit_index()
        return None if index is None else self.item.units[index]

    def read(self) -> Reading:
        values: list[AnswerValue] = []
        problem = None
        for text in self.row_texts()[: None if self.item.repeats else 1]:
            try:
                value = parse_typed(self.item, text, self.language, unit=self._chosen_unit())
            except AnswerError as error:
                problem = problem or error.message
                continue
            if value is not None:
                values.append(value)
        return Reading(values, problem)


class StringField(TypedField):
    """One line of text (string; an open-choice without options to choose from)."""


class TextField(TypedField):
    """Text that may span lines (text): a text area."""

    row_classes = "row -area"

    def typed_input(self, text: str, widget_id: str) -> Widget:
        return TextArea(text, id=widget_id, soft_wrap=True, show_line_numbers=False)


class UrlField(TypedField):
    """A web address (url)."""

    def hint(self) -> str:
        return _("A web address, for example https://example.org")


class TimeField(TypedField):
    """A time of day (time)."""

    def hint(self) -> str:
        return _("Hour:minute, for example 14:30")


class DateField(TypedField):
    """A date (date), typed the visitor's one way (their locale's order, or entryFormat's)."""

    def hint(self) -> str:
        return date_hint(order=visitor_date_order(language=self.language))

    def shown_row_texts(self) -> list[str]:
        """Dates that were read are written in the current locale's order, so that a
        change of language rewrites them; anything unread stays as typed."""
        texts = self.row_texts()
        values = self.values()
        if values and len(values) == len([text for text in texts if text.strip()]):
            return [typed_text(self.item, value, self.language) for value in values]
        return texts


class DateTimeField(DateField):
    """A date and a time (dateTime): the date as in every date field, then the time."""

    def hint(self) -> str:
        return datetime_hint(order=visitor_date_order(language=self.language))


class DecimalField(TypedField):
    """A number (decimal)."""

    whole = False
    """Whether the number is a whole one (its placeholder says so)."""

    def hint(self) -> str:
        return number_hint(self.item, whole=self.whole, language=self.language)


class IntegerField(DecimalField):
    """A whole number (integer)."""

    whole = True


class QuantityField(DecimalField):
    """A number in a unit (quantity): the unit beside it, or a drop-down of units."""


def number_hint(item: Item, *, whole: bool, language: str | None = None) -> str:
    """A number field's placeholder from its own minValue/maxValue."""
    low, high = (
        None if bound is None else show_answer(item, _number(bound), language)
        for bound in bounds(item)
    )
    if low is not None and high is not None:
        text = (
            _("A whole number from {low} to {high}")
            if whole
            else _("A number from {low} to {high}")
        )
        return text.format(low=low, high=high)
    if low is not None:
        text = _("A whole number of at least {low}") if whole else _("A number of at least {low}")
        return text.format(low=low)
    if high is not None:
        text = _("A whole number of at most {high}") if whole else _("A number of at most {high}")
        return text.format(high=high)
    return _("A whole number") if whole else _("A number")


def _number(bound: AnswerValue) -> AnswerValue:
    """A bound as a plain number (a quantity's value: the unit is shown beside the field)."""
    return bound.value if isinstance(bound, Quantity) else bound


# -- the table ---------------------------------------------------------------------------


FIELD_FOR_TYPE: dict[ItemType, type[ItemField]] = {
    ItemType.GROUP: GroupField,
    ItemType.DISPLAY: DisplayField,
    ItemType.BOOLEAN: BooleanField,
    ItemType.DECIMAL: DecimalField,
    ItemType.INTEGER: IntegerField,
    ItemType.DATE: DateField,
    ItemType.DATETIME: DateTimeField,
    ItemType.TIME: TimeField,
    ItemType.STRING: StringField,
    ItemType.TEXT: TextField,
    ItemType.URL: UrlField,
    ItemType.CHOICE: RadioField,
    ItemType.OPEN_CHOICE: RadioField,  # with "Other:" and a field for the visitor's own answer
    ItemType.ATTACHMENT: UnavailableField,
    ItemType.REFERENCE: UnavailableField,
    ItemType.QUANTITY: QuantityField,
}
"""The field of each item type (one line per line of the engine's type table)."""

FIELD_FOR_CONTROL: dict[ItemControl | None, type[ItemField]] = {
    ItemControl.DROP_DOWN: SelectField,
    ItemControl.AUTOCOMPLETE: AutocompleteField,
}
"""A question with options that does not repeat: the field its ``itemControl`` asks for
(radio buttons otherwise)."""

SLIDER_FOR_TYPE: dict[ItemType, type[ItemField]] = {
    ItemType.INTEGER: IntegerSliderField,
    ItemType.DECIMAL: SliderField,
}
"""A number item with ``itemControl`` slider (and no options)."""

WITHOUT_OPTIONS: dict[ItemType, type[ItemField]] = {
    ItemType.CHOICE: UnavailableField,  # its answerExpression gives nothing to choose here
    ItemType.OPEN_CHOICE: StringField,  # the visitor's own answer only
}
"""A choice type whose item has no options to choose from."""


def field_class(item: Item) -> type[ItemField]:
    """The class that shows *item*: its type's, unless its settings ask for another."""
    if item.type is ItemType.GROUP and item.repeats:
        return RepeatingGroupField
    if item.is_question and not item.available:
        return UnavailableField
    if item.is_question and not item.answerable:
        return ReadOnlyField
    if item.options:
        if item.repeats:
            return CheckboxesField
        return FIELD_FOR_CONTROL.get(item.item_control, RadioField)
    if item.hints.has("slider") and item.type in SLIDER_FOR_TYPE:
        return SLIDER_FOR_TYPE[item.type]
    return WITHOUT_OPTIONS.get(item.type, FIELD_FOR_TYPE[item.type])
