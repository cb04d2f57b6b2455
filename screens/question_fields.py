"""Widgets for questionnaire items: one field per item instance, with its label and error line.

Widget ids (all unique on a page):

* ``q-<linkId>``: the item's input (characters outside ``[A-Za-z0-9_-]`` become ``_``; a
  clash gets ``-2``, ``-3``, ...). Inside the n-th entry of a repeating group (or under the
  n-th answer of a repeating question) the id gets ``__<n>``, deeper levels ``_<m>``:
  ``q-dose__2``, ``q-dose__2_1``. The error line is the input's id + ``-error``.
* ``<input>--a<k>``: the k-th answer (k >= 2) of a repeating typed question, with
  ``<input>--remove-a<k>`` beside it and ``<input>--add`` below the answers.
* ``<input>--o<k>``: the check box of the k-th option of a repeating choice.
* ``<input>--other``: an open-choice's field for the visitor's own answer.
* ``<input>--unit``: the unit of a quantity with several units.
* ``<input>--add`` and ``<input>--remove<n>``: add an entry to a repeating group, remove
  its n-th entry.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from kiosk.i18n import _
from kiosk.languages import date_hint, datetime_hint, format_date_entry, visitor_date_order
from kiosk.questionnaire import (
    AnswerError,
    Answers,
    AnswerValue,
    EnableState,
    Entry,
    Item,
    ItemControl,
    ItemType,
    Path,
    Quantity,
    Questionnaire,
    answer_key,
    format_answer,
    input_text,
    instances,
    option_for,
    parse_text_answer,
    values_of,
)
from kiosk.questionnaire.constraints import bounds
from kiosk.questionnaire.textentry import check_quantity, parse_number, quantity_in, unit_matches
from screens.localized_answers import parse_localized, show_answer, typed_datetime
from screens.question_drafts import Drafts

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
OTHER = -1
"""The Select value (and RadioSet index past the options) of an open-choice's own answer."""


def widget_id(link_id: str) -> str:
    """The id of the input for the item *link_id* outside repeating groups (before clashes)."""
    return "q-" + _UNSAFE.sub("_", link_id)


def walk(items: tuple[Item, ...]) -> Iterator[Item]:
    """Every item under *items*, depth first, in document order."""
    for item in items:
        yield item
        yield from walk(item.items)


def placeholder(item: Item) -> str:
    """The questionnaire's entryFormat, else what *item*'s type and limits allow (no made-up
    example: "A number from 35 to 45", "A whole number")."""
    if item.entry_format:
        return item.entry_format
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL, ItemType.QUANTITY):
        return number_hint(item)
    examples = {
        ItemType.DATE: date_hint(order=visitor_date_order()),
        ItemType.DATETIME: datetime_hint(order=visitor_date_order()),
        ItemType.TIME: _("Hour:minute, for example 14:30"),
        ItemType.URL: _("A web address, for example https://example.org"),
    }
    return examples.get(item.type, "")


def number_hint(item: Item) -> str:
    """A number field's placeholder from the item's type and its own minValue/maxValue."""
    low, high = (
        None if bound is None else show_answer(item, _number(bound)) for bound in bounds(item)
    )
    whole = item.type is ItemType.INTEGER
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


def kind_of(item: Item) -> str:
    """How the terminal shows *item* (see :class:`ItemField`)."""
    if item.type is ItemType.GROUP:
        return "groups" if item.repeats else "group"
    if item.type is ItemType.DISPLAY:
        return "display"
    if not item.available:
        return "unavailable"
    if not item.answerable:
        return "readonly"
    if item.type is ItemType.BOOLEAN:
        return "boolean"
    if item.options:
        if item.repeats:
            return "checkboxes"
        if item.item_control is ItemControl.DROP_DOWN:
            return "select"
        if item.item_control is ItemControl.AUTOCOMPLETE:
            return "autocomplete"
        return "radio"
    return "text"


def typed_text(item: Item, value: AnswerValue) -> str:
    """*value* as typed: a date in the locale's order, anything else as the engine reads it."""
    if item.type is ItemType.DATE and type(value) is datetime.date:
        return format_date_entry(value, order=visitor_date_order(item.entry_format))
    if item.type is ItemType.DATETIME and isinstance(value, datetime.datetime):
        return typed_datetime(value)
    return input_text(item, value)


class FieldIds:
    """Unique widget ids for one page, handed out in compose order."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.roots: dict[str, str] = {}

    def claim(self, candidate: str) -> str:
        found, n = candidate, 2
        while found in self.used:
            found = f"{candidate}-{n}"
            n += 1
        self.used.add(found)
        return found

    def base(self, link_id: str, path: Path) -> str:
        root = self.roots.get(link_id)
        if root is None:
            root = self.roots[link_id] = self.claim(widget_id(link_id))
        if not path:
            return root
        return self.claim(root + "__" + "_".join(str(index + 1) for index in path))


@dataclass(frozen=True)
class Ref:
    """What a widget is to the page: which field, which role, which row/option/entry."""

    field: ItemField
    role: str
    index: int = 0


@dataclass
class Reading:
    """The answers a field's widgets hold now, and what is wrong with what was typed."""

    values: list[AnswerValue]
    problem: str | None = None


class FieldContext:
    """Everything the fields of one page are built from, and the lookups they leave."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Answers,
        drafts: Drafts,
        language: str | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.answers = answers
        self.drafts = drafts
        self.language = language
        self.ids = FieldIds()
        self.refs: dict[str, Ref] = {}
        self.fields: dict[str, ItemField] = {}
        """answer key -> field, in document order."""

    def build(self, items: tuple[Item, ...], scope: Answers, path: Path) -> list[ItemField]:
        """Fields for *items* (hidden ones left out) and everything nested in them."""
        return [ItemField(item, scope, path, self) for item in items if not item.hidden]

    def claim(self, candidate: str, field: ItemField, role: str, index: int = 0) -> str:
        found = self.ids.claim(candidate)
        self.refs[found] = Ref(field, role, index)
        return found


class ItemField(Vertical):
    """One item at one path: a group with its children (or entries), a display text, or a
    question with its input(s) and error line."""

    DEFAULT_CSS = """
    ItemField {
        height: auto;
    }
    """

    def __init__(self, item: Item, scope: Answers, path: Path, ctx: FieldContext) -> None:
        self.item = item
        self.scope = scope
        self.path = path
        self.ctx = ctx
        self.key = answer_key(item.link_id, path)
        self.kind = kind_of(item)
        self.input_id = ctx.ids.base(item.link_id, path)
        ctx.refs[self.input_id] = Ref(self, "main")
        ctx.fields[self.key] = self
        super().__init__(
            id=f"field-{self.input_id}",
            classes=f"item-field item-{item.type.value} kind-{self.kind}",
        )
        self._shown_problem: str | None = None
        self._shown_value: str | None = None
        """What a read-only field's value line shows now."""
        self.children_fields: list[ItemField] = []
        self.entries: list[tuple[int, str, list[ItemField]]] = []
        """Repeating groups and repeating questions with items: (index, heading, fields)."""
        self._prepare_children()

    # -- building ------------------------------------------------------------------------

    @property
    def language(self) -> str | None:
        return self.ctx.language

    def _prepare_children(self) -> None:
        item, ctx = self.item, self.ctx
        if item.is_container:
            raw = self.scope.get(item.link_id)
            if item.type is ItemType.GROUP:
                for index, inner in enumerate(instances(item, self.scope)):
                    heading = _("Entry {number}").format(number=index + 1)
                    self.entries.append(
                        (index, heading, ctx.build(item.items, inner, (*self.path, index)))
                    )
            else:
                for index, entry in enumerate(raw if isinstance(raw, list) else []):
                    if isinstance(entry, Entry):
                        heading = _("About “{answer}”:").format(
                            answer=show_answer(item, entry.value, self.language)
                        )
                        fields = ctx.build(item.items, entry.answers, (*self.path, index))
                        self.entries.append((index, heading, fields))
        else:
            self.children_fields = ctx.build(item.items, self.scope, self.path)

    def values(self) -> list[AnswerValue]:
        return values_of(self.item, self.scope)

    def compose(self) -> ComposeResult:
        item = self.item
        label = item.label_in(self.language)
        if item.type is ItemType.GROUP:
            if item.text or item.prefix:
                yield Static(label, classes="group-title", markup=False)
        elif item.type is ItemType.DISPLAY:
            yield Static(label, classes="display-text", markup=False)
        else:
            needed = item.answerable and (item.required or (item.min_occurs or 0) > 0)
            marker = _(" (required)") if needed else ""
            yield Label(label + marker, classes="field-label", markup=False)
        yield from self._compose_inputs()
        if item.type is not ItemType.DISPLAY:
            yield Static("", id=f"{self.input_id}-error", classes="field-error")
        if self.children_fields:
            with Vertical(classes="nested"):
                yield from self.children_fields
        if self.kind == "groups":
            yield from self._compose_instances()
        elif self.entries:
            for _index, heading, fields in self.entries:
                with Vertical(classes="nested answer-items"):
                    yield Static(heading, classes="entry-heading", markup=False)
                    yield from fields

    def _compose_inputs(self) -> ComposeResult:
        kind = self.kind
        if kind == "unavailable":
            yield Static(_("Not available here."), classes="not-available")
        elif kind == "readonly":
            self._shown_value = self.shown_values()
            yield Static(
                self._shown_value, id=self.input_id, classes="read-only-value", markup=False
            )
        elif kind == "boolean":
            yield self._boolean()
        elif kind == "radio":
            yield from self._radio()
        elif kind == "select":
            yield from self._select()
        elif kind == "autocomplete":
            yield self._autocomplete()
        elif kind == "checkboxes":
            yield from self._checkboxes()
        elif kind == "text":
            yield from self._rows()

    def shown_values(self) -> str:
        found = self.values()
        if not found:
            return "—"
        return ", ".join(show_answer(self.item, v, self.language) for v in found)

    def _orientation(self) -> str:
        return " horizontal" if self.item.choice_orientation == "horizontal" else ""

    def _boolean(self) -> Widget:
        value = next(iter(self.values()), None)
        return RadioSet(
            RadioButton(_("Yes"), value=value is True),
            RadioButton(_("No"), value=value is False),
            id=self.input_id,
            classes="choices",
        )

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

    def _radio(self) -> ComposeResult:
        item = self.item
        value = next(iter(self.values()), None)
        own = self._own_answer()
        buttons = [
            RadioButton(
                o.label_in(self.language), value=value is not None and option_for(item, value) is o
            )
            for o in item.options
        ]
        if item.type is ItemType.OPEN_CHOICE:
            buttons.append(RadioButton(_("Other:"), value=own is not None))
        yield RadioSet(*buttons, id=self.input_id, classes="choices" + self._orientation())
        if item.type is ItemType.OPEN_CHOICE:
            yield self._other_input(own)

    def _select(self) -> ComposeResult:
        item = self.item
        value = next(iter(self.values()), None)
        own = self._own_answer()
        options: list[tuple[str, int]] = [
            (o.label_in(self.language), index) for index, o in enumerate(item.options)
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

    def _autocomplete(self) -> Widget:
        item = self.item
        draft = self.ctx.drafts.get(item.link_id, self.path, 0)
        value = next(iter(self.values()), None)
        text = (
            draft
            if draft is not None
            else ("" if value is None else format_answer(item, value, self.language))
        )
        labels = [o.label_in(self.language) for o in item.options]
        return Input(
            value=text,
            id=self.input_id,
            placeholder=item.entry_format or _("Start typing, then take the suggestion"),
            suggester=SuggestFromList(labels, case_sensitive=False),
        )

    def _checkboxes(self) -> ComposeResult:
        item = self.item
        found = self.values()
        own = self._own_answer()
        with Vertical(id=self.input_id, classes="choices checks" + self._orientation()):
            for index, option in enumerate(item.options):
                ticked = any(option_for(item, v) is option for v in found)
                yield Checkbox(
                    option.label_in(self.language),
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

    def _rows(self) -> ComposeResult:
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
            placeholder=placeholder(item),
            max_length=item.max_length or 0,
        )

    def _unit(self) -> ComposeResult:
        units = self.item.units
        if len(units) == 1:
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

    # -- reading the widgets -------------------------------------------------------------

    def read(self) -> Reading:
        """The answers the widgets hold now (for the kinds the visitor answers)."""
        kind = self.kind
        if kind == "boolean":
            pressed = self.query_one(f"#{self.input_id}", RadioSet).pressed_index
            return Reading([] if pressed < 0 else [pressed == 0])
        if kind == "radio":
            pressed = self.query_one(f"#{self.input_id}", RadioSet).pressed_index
            return self._chosen(
                pressed if pressed < len(self.item.options) else OTHER, pressed >= 0
            )
        if kind == "select":
            value = self.query_one(f"#{self.input_id}", Select).value
            return self._chosen(value if isinstance(value, int) else OTHER, isinstance(value, int))
        if kind == "autocomplete":
            return self._autocompleted()
        if kind == "checkboxes":
            return self._ticked()
        if kind == "text":
            return self._typed()
        return Reading(self.values())

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

    def _autocompleted(self) -> Reading:
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

    def _ticked(self) -> Reading:
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

    def _typed(self) -> Reading:
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

    # -- showing state -------------------------------------------------------------------

    def show_error(self, problem: str | None) -> None:
        """Say what is wrong beside the field (or clear it)."""
        if self.item.type is ItemType.DISPLAY or problem == self._shown_problem:
            return  # unchanged: no re-layout while the visitor types
        self._shown_problem = problem
        error = self.query_one(f"#{self.input_id}-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
        self.set_class(problem is not None, "has-problem")

    def focus_input(self) -> None:
        """Focus the first thing the visitor can act on in this field."""
        if self.kind == "groups":
            target = self.query(".add-instance, .remove-instance").first() if self.entries else None
            first_child = next(
                (f for _i, _h, fields in self.entries for f in fields if f.focusable_input()), None
            )
            if first_child is not None:
                first_child.focus_input()
            elif target is not None:
                target.focus()
            return
        widget = self.focusable_input()
        if widget is not None:
            widget.focus()

    def focusable_input(self) -> Widget | None:
        if not self.item.answerable or self.kind in ("group", "groups"):
            return None
        if self.kind == "checkboxes":
            return self.query(Checkbox).first()
        return self.query_one(f"#{self.input_id}")

    def refresh_value(self) -> None:
        """Show a read-only (e.g. calculated) item's current value."""
        if self.kind == "readonly":
            shown = self.shown_values()
            if shown != self._shown_value:  # an update lays the page out again
                self._shown_value = shown
                self.query_one(f"#{self.input_id}", Static).update(shown)


def review_lines(
    questionnaire: Questionnaire,
    answers: Answers,
    items: tuple[Item, ...],
    state: EnableState,
    language: str | None = None,
) -> list[str]:
    """``label: answer`` for each enabled question among *items*, entries numbered."""
    lines: list[str] = []
    _review(items, answers, (), state, language, lines, "")
    return lines


def _review(
    items: tuple[Item, ...],
    scope: Answers,
    path: Path,
    state: EnableState,
    language: str | None,
    lines: list[str],
    indent: str,
) -> None:
    for item in items:
        if item.hidden or not state.enabled(item.link_id, path):
            continue
        if item.type is ItemType.GROUP and item.repeats:
            for index, inner in enumerate(instances(item, scope)):
                lines.append(indent + _("{section}, entry {number}:").format(
                    section=item.label_in(language), number=index + 1))  # fmt: skip
                _review(item.items, inner, (*path, index), state, language, lines, indent + "  ")
            continue
        if item.is_question and item.available:
            found = state.values(item.link_id, path)
            shown = ", ".join(show_answer(item, v, language) for v in found) or _("(no answer)")
            lines.append(review_line(indent, item.label_in(language), shown))
        elif item.type is ItemType.GROUP and (item.prefix or item.text) and item.items:
            # The group's own question ("7. Do you take medication for ...?") heads its
            # sub-questions, so that "Blood pressure: Yes" says what it answers.
            lines.append(indent + item.label_in(language))
        inner_indent = indent + "  " if item.items and (item.prefix or item.text) else indent
        if item.is_container:
            raw = scope.get(item.link_id)
            for index, entry in enumerate(raw if isinstance(raw, list) else []):
                if isinstance(entry, Entry):
                    _review(
                        item.items,
                        entry.answers,
                        (*path, index),
                        state,
                        language,
                        lines,
                        inner_indent,
                    )
        elif item.type is not ItemType.DISPLAY:
            _review(item.items, scope, path, state, language, lines, inner_indent)


def review_line(indent: str, label: str, shown: str) -> str:
    """``label: answer`` at *indent*: no second colon after a label that ends with one, and
    the further lines of a multi-line answer indented under the label."""
    label = label.rstrip()
    if not label.endswith((":", "：")):
        label += ":"
    continuation = "\n" + indent + "    "
    return f"{indent}{label} " + continuation.join(shown.splitlines() or [""])
