"""The fields answered by typing: one class per item type (string, text, url, time, date,
dateTime, decimal, integer, quantity), each with its own placeholder and input.

What was typed is kept as drafts from the page's Changed events (see
:class:`~screens.question_drafts.Drafts`) and read by the engine in the visitor's locale
(:func:`kiosk.questionnaire.localized.parse_typed`): a field never parses text itself.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Select, Static, TextArea

from kiosk.i18n import _
from kiosk.i18n.languages import date_hint, datetime_hint, visitor_date_order
from kiosk.questionnaire import AnswerError, AnswerValue, Item, Quantity
from kiosk.questionnaire.constraints import bounds
from kiosk.questionnaire.localized import parse_typed, show_answer, typed_text
from kiosk.questionnaire.model import Coding
from kiosk.questionnaire.textentry import unit_matches
from screens.question_fields import ItemField, Reading, Ref, control_text
from screens.typing_input import TypingInput


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
        return TypingInput(
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
