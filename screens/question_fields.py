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
* ``<input>--matches``: the options an autocomplete lists under its field as one types.

A slider (``itemControl`` slider) is the ``<input>`` itself. The fields of each kind are in
:mod:`screens.field_kinds` (with the table that picks one), :mod:`screens.typed_fields` and
:mod:`screens.chosen_fields`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import (
    Label,
    Static,
)

from kiosk.i18n import _
from kiosk.questionnaire import (
    Answers,
    AnswerValue,
    EnableState,
    Entry,
    Item,
    ItemType,
    Path,
    Questionnaire,
    answer_key,
    instances,
    values_of,
)
from kiosk.questionnaire.localized import show_answer
from kiosk.questionnaire.model import AnswerOption, Coding
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


NARROW = 100
"""Below this many columns a question with a ``shortText`` shows it instead of its text."""


PARENT_CONTROLS = frozenset({"prompt", "unit"})
"""itemControl codes of a display child that its question uses (placeholder, unit label)."""


def field_for(item: Item, scope: Answers, path: Path, ctx: FieldContext) -> ItemField:
    """The field that shows *item* at *path* (its class from :mod:`screens.field_kinds`)."""
    from screens.field_kinds import field_class  # the kinds build on this module

    if item.answer_expression is not None and item.answerable:
        # answerExpression: the options the form's answers give now, as if listed
        from kiosk.questionnaire.calculate import computed_options

        options = computed_options(ctx.questionnaire, item, ctx.answers, path)
        item = dataclasses.replace(item, options=options)
    return field_class(item)(item, scope, path, ctx)


def shown_by_parent(item: Item) -> bool:
    """A display child shown as part of its question or group, not as a field of its own:
    help, legal and instruction texts beside it, a placeholder, a unit."""
    if item.type is not ItemType.DISPLAY:
        return False
    return beside_kind(item) is not None or any(c in PARENT_CONTROLS for c in item.hints.controls)


def beside_kind(item: Item) -> str | None:
    """``help``, ``flyover``, ``legal``, ``instructions``, ``security``: a display item shown
    beside the question or group it belongs to (from the start); else ``None``."""
    return item.hints.beside if item.type is ItemType.DISPLAY else None


def option_text(item: Item, option: AnswerOption, language: str | None) -> str:
    """An option's label, or the columns that ``choiceColumn`` asks to show of it."""
    label = option.label_in(language)
    columns = [c for c in item.hints.choice_columns if c.for_display]
    if not columns or not isinstance(option.value, Coding):
        return label
    parts = {"code": option.value.code, "display": label, "system": option.value.system}
    shown = [parts.get(column.path) for column in columns]
    return " · ".join(part for part in shown if part) or label


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

    def build(
        self, items: tuple[Item, ...], scope: Answers, path: Path, *, top: bool = False
    ) -> list[ItemField]:
        """Fields for *items* (hidden ones left out) and everything nested in them.

        Help, legal and instruction texts under a question or group are shown by that
        field itself (see :func:`beside_kind`); at the *top* of a page they are fields."""
        return [
            field_for(item, scope, path, self)
            for item in items
            if not item.hidden and (top or not shown_by_parent(item))
        ]

    def claim(self, candidate: str, field: ItemField, role: str, index: int = 0) -> str:
        found = self.ids.claim(candidate)
        self.refs[found] = Ref(field, role, index)
        return found


class ItemField(Vertical):
    """One item at one path: a group with its children (or entries), a display text, or a
    question with its input(s) and error line.

    What differs between kinds of item (how the inputs are built, read and focused) is in
    the subclasses, one per kind (see :mod:`screens.field_kinds`); :func:`field_for` picks one.
    This class is a question's: its label, its inputs (none here), its error line.
    """

    kind = "item"
    """The kind's name (``text``, ``radio``, ``select``...): the ``kind-<name>`` class."""
    has_error_line = True
    """Whether a problem can be said under the field (not under a display text)."""

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
        self.input_id = ctx.ids.base(item.link_id, path)
        ctx.refs[self.input_id] = Ref(self, "main")
        ctx.fields[self.key] = self
        super().__init__(
            id=f"field-{self.input_id}",
            classes=f"item-field item-{item.type.value} kind-{self.kind}",
        )
        self._shown_problem: str | None = None
        self.children_fields: list[ItemField] = []
        self.entries: list[tuple[int, str, list[ItemField]]] = []
        """Repeating groups and repeating questions with items: (index, heading, fields)."""
        self._prepare_children()

    # -- building ------------------------------------------------------------------------

    @property
    def language(self) -> str | None:
        return self.ctx.language

    def _prepare_children(self) -> None:
        """The fields of the items under this one: one set per answer of a repeating
        question that has items (headed by the answer), else one set."""
        item, ctx = self.item, self.ctx
        if not item.is_container:
            self.children_fields = ctx.build(item.items, self.scope, self.path)
            return
        raw = self.scope.get(item.link_id)
        for index, entry in enumerate(raw if isinstance(raw, list) else []):
            if isinstance(entry, Entry):
                heading = _("About “{answer}”:").format(
                    answer=show_answer(item, entry.value, self.language)
                )
                fields = ctx.build(item.items, entry.answers, (*self.path, index))
                self.entries.append((index, heading, fields))

    def values(self) -> list[AnswerValue]:
        return values_of(self.item, self.scope)

    def label_text(self) -> str:
        """Prefix and text as the visitor reads them: the formatted text (rendering-xhtml
        or -markdown) as plain text, or the shortText on a narrow screen, unless the text
        is shown translated."""
        item, language = self.item, self.language
        label = item.label_in(language)
        if item.text_in(language) != item.text:
            return label  # the translation, not the base language's formatting
        hints = item.hints
        text = hints.rich_text
        if hints.short_text and self.app.size.width < NARROW:
            text = hints.short_text
        if not text:
            return label
        return " ".join(part for part in (item.prefix_in(language), text) if part)

    def _beside(self) -> list[Item]:
        """The help, legal and instruction texts shown under the label (not hidden ones)."""
        return [
            child
            for child in self.item.items
            if beside_kind(child) is not None and not child.hidden
        ]

    def compose(self) -> ComposeResult:
        item = self.item
        if item.hints.instruction:
            yield Static(item.hints.instruction, classes="item-instruction", markup=False)
        yield from self.compose_heading()
        for child in self._beside():
            text = ItemField.label_of(child, self.language)
            yield Static(text, classes=f"beside beside-{beside_kind(child)}", markup=False)
        yield from self.compose_inputs()
        if self.has_error_line:
            yield Static("", id=f"{self.input_id}-error", classes="field-error")
        if self.children_fields:
            with Vertical(classes="nested"):
                yield from self.children_fields
        yield from self.compose_after()

    def compose_heading(self) -> ComposeResult:
        """The question's label, marked when an answer is needed."""
        item = self.item
        needed = item.answerable and (item.required or (item.min_occurs or 0) > 0)
        marker = _(" (required)") if needed else ""
        yield Label(self.label_text() + marker, classes="field-label", markup=False)

    def compose_inputs(self) -> ComposeResult:
        """The widgets the visitor answers with (none for groups and display texts)."""
        yield from ()

    def compose_after(self) -> ComposeResult:
        """After the field: the items asked about each answer of a repeating question."""
        for _index, heading, fields in self.entries:
            with Vertical(classes="nested answer-items"):
                yield Static(heading, classes="entry-heading", markup=False)
                yield from fields

    @staticmethod
    def label_of(item: Item, language: str | None) -> str:
        """*item*'s text as shown: its formatted text unless translated."""
        if item.hints.rich_text and item.text_in(language) == item.text:
            return item.hints.rich_text
        return item.label_in(language)

    # -- drafts and answers --------------------------------------------------------------

    def read(self) -> Reading:
        """The answers the field holds now, and what is wrong with what was typed."""
        return Reading(self.values())

    def take_typed(self, ref: Ref, text: str) -> None:
        """Keep *text*, which a Changed event says the widget *ref* holds now, as a draft
        (see :class:`~screens.question_drafts.Drafts`)."""

    def take_unit(self, index: int | None) -> None:
        """Keep the unit a Changed event says was chosen (its index; ``None``: none)."""

    # -- showing state -------------------------------------------------------------------

    def show_error(self, problem: str | None) -> None:
        """Say what is wrong beside the field (or clear it)."""
        if not self.has_error_line or problem == self._shown_problem:
            return  # unchanged: no re-layout while the visitor types
        self._shown_problem = problem
        error = self.query_one(f"#{self.input_id}-error", Static)
        error.update(problem or "")
        error.set_class(problem is not None, "shown")
        self.set_class(problem is not None, "has-problem")

    def focus_input(self) -> None:
        """Focus the first thing the visitor can act on in this field."""
        widget = self.focusable_input()
        if widget is not None:
            widget.focus()

    def focusable_input(self) -> Widget | None:
        if not self.item.answerable:
            return None
        return self.query_one(f"#{self.input_id}")

    def refresh_value(self) -> None:
        """Show a read-only (e.g. calculated) item's current value (read-only fields)."""


def control_text(item: Item, control: str, language: str | None) -> str | None:
    """The text of *item*'s display child with itemControl *control* (``prompt``, ``unit``)."""
    for child in item.items:
        if child.type is ItemType.DISPLAY and child.hints.has(control):
            return child.text_in(language) or None
    return None


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
