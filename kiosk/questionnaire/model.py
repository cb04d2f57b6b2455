"""Typed, immutable model of the FHIR R4 Questionnaire as the kiosk runs it.

The model only holds what the engine understands; :mod:`kiosk.questionnaire.loader` turns
JSON into it and refuses anything that would change which answers are valid or what the
QuestionnaireResponse contains without the engine knowing.

Answers live in *scopes* (see :mod:`kiosk.questionnaire.answers`): the root scope, one
scope per instance of a repeating group, and one per answer of a repeating question that
has items nested under it. Such repeating items are the *containers* of the scopes.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kiosk.questionnaire.bounds import CalendarBound
from kiosk.questionnaire.hints import NO_HINTS, ItemHints, read_entry_mode
from kiosk.questionnaire.translations import Translations, translate

if TYPE_CHECKING:
    from kiosk.questionnaire.fhirpath import Expression


class ItemType(StrEnum):
    """Every FHIR R4 ``Questionnaire.item.type``."""

    GROUP = "group"
    DISPLAY = "display"
    BOOLEAN = "boolean"
    DECIMAL = "decimal"
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "dateTime"
    TIME = "time"
    STRING = "string"
    TEXT = "text"
    URL = "url"
    CHOICE = "choice"
    OPEN_CHOICE = "open-choice"
    ATTACHMENT = "attachment"
    REFERENCE = "reference"
    QUANTITY = "quantity"


UNAVAILABLE_TYPES = frozenset({ItemType.ATTACHMENT, ItemType.REFERENCE})
"""Types a lobby terminal cannot answer: shown as "not available here" and left out."""


class ItemControl(StrEnum):
    """The ``questionnaire-itemControl`` codes the kiosk maps to a widget."""

    RADIO_BUTTON = "radio-button"
    CHECK_BOX = "check-box"
    DROP_DOWN = "drop-down"
    AUTOCOMPLETE = "autocomplete"


@dataclass(frozen=True, slots=True)
class Coding:
    """A FHIR Coding; two codings *match* on system and code (see ``values.same_value``)."""

    system: str | None
    code: str | None
    display: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A FHIR Quantity answer: a number and (usually) a unit."""

    value: Decimal
    unit: str | None = None
    system: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A FHIR date with only a year (``2021``) or a year and month (``2021-05``)."""

    year: int
    month: int | None = None

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, 1)

    def last_day(self) -> datetime.date:
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def isoformat(self) -> str:
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.isoformat()


AnswerValue = (
    bool
    | int
    | Decimal
    | str
    | datetime.datetime
    | datetime.date
    | datetime.time
    | PartialDate
    | Coding
    | Quantity
)
"""One answer: ``bool`` (boolean), ``int`` (integer), ``Decimal`` (decimal), ``str``
(string, text, url, open-choice free text), ``datetime.date`` or :class:`PartialDate`
(date), an aware ``datetime.datetime`` (dateTime), ``datetime.time`` (time),
:class:`Quantity` (quantity), or for an item with options the chosen option's value."""


@dataclass(frozen=True, slots=True)
class AnswerOption:
    """One permitted answer and the label shown for it."""

    value: AnswerValue
    label: str
    label_translations: Translations = ()
    prefix: str | None = None
    """``questionnaire-optionPrefix``, e.g. ``"a)"``."""
    weight: Decimal | None = None
    """``ordinalValue`` / ``itemWeight``: the score of this option."""
    exclusive: bool = False
    """``questionnaire-optionExclusive``: cannot be combined with other answers."""

    def label_in(self, language: str | None = None) -> str:
        """The label in *language* (default: the visitor's), else the base label."""
        return translate(self.label, self.label_translations, language)


OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")


@dataclass(frozen=True, slots=True)
class EnableWhen:
    """One condition; for ``exists`` the ``answer`` is a bool."""

    question: str
    operator: str
    answer: AnswerValue


@dataclass(frozen=True, slots=True)
class Variable:
    """A named FHIRPath expression (the ``variable`` extension)."""

    name: str
    expression: Expression


@dataclass(frozen=True, slots=True)
class Constraint:
    """A ``targetConstraint``: *expression* must give ``true``, else *human* is shown."""

    key: str
    expression: Expression
    human: str
    severity: str = "error"
    human_translations: Translations = ()


@dataclass(frozen=True)
class Item:
    """A questionnaire item: a group, a display text or a question."""

    link_id: str
    type: ItemType
    text: str = ""
    prefix: str | None = None
    required: bool = False
    max_length: int | None = None
    options: tuple[AnswerOption, ...] = ()
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: str = "any"
    initials: tuple[AnswerValue, ...] = ()
    """``initial[x]`` and options with ``initialSelected``, in order."""
    items: tuple[Item, ...] = ()
    definition: str | None = None
    repeats: bool = False
    read_only: bool = False
    hidden: bool = False
    """``questionnaire-hidden``: not shown; its value (initial or calculated) is still sent."""
    min_length: int | None = None
    regex: str | None = None
    regex_message: str | None = None
    """What to tell the visitor when the regex does not match (a questionnaire's own text)."""
    regex_message_translations: Translations = ()
    min_value: AnswerValue | CalendarBound | None = None
    max_value: AnswerValue | CalendarBound | None = None
    """``minValue``/``maxValue``: a value, or a date relative to today (``today()``)."""
    max_decimal_places: int | None = None
    min_occurs: int | None = None
    max_occurs: int | None = None
    entry_format: str | None = None
    """``entryFormat``: the placeholder to show in an empty field."""
    item_control: ItemControl | None = None
    choice_orientation: str | None = None
    """``horizontal`` or ``vertical`` (``questionnaire-choiceOrientation``)."""
    units: tuple[Coding, ...] = ()
    """quantity: the units to choose from (``unitOption``) or the one ``questionnaire-unit``;
    decimal and integer: the unit shown beside the field."""
    calculated: Expression | None = None
    initial_expression: Expression | None = None
    variables: tuple[Variable, ...] = ()
    text_translations: Translations = ()
    prefix_translations: Translations = ()
    enable_expression: Expression | None = None
    """``enableWhenExpression``: enabled when it gives ``true`` (replaces ``enableWhen``)."""
    answer_expression: Expression | None = None
    """``answerExpression``: the options, computed from the form's own data."""
    constraints: tuple[Constraint, ...] = ()
    """``targetConstraint`` (and R4's ``questionnaire-constraint``) on this item."""
    unavailable_reason: str | None = None
    """Why a question the kiosk would otherwise ask cannot be answered here (its options
    could not be found offline, ...): shown as "not available here", never sent."""
    hints: ItemHints = NO_HINTS
    """Rendering hints (help texts, shortText, columns, slider step...): never validity."""

    @property
    def is_question(self) -> bool:
        """True for items that take an answer (not group, not display)."""
        return self.type not in (ItemType.GROUP, ItemType.DISPLAY)

    @property
    def available(self) -> bool:
        """False for attachment and reference, and for a question whose options cannot be
        found offline: shown as "not available here", never sent."""
        return self.type not in UNAVAILABLE_TYPES and self.unavailable_reason is None

    @property
    def answerable(self) -> bool:
        """True when the visitor answers it: an available, visible, editable question."""
        return (
            self.is_question
            and self.available
            and not self.hidden
            and not self.read_only
            and self.calculated is None
        )

    @property
    def initial(self) -> AnswerValue | None:
        """The first initial answer (all of them: ``initials``)."""
        return self.initials[0] if self.initials else None

    @property
    def is_container(self) -> bool:
        """True when each instance or answer of this item holds its own scope of answers."""
        return self.repeats and (
            self.type is ItemType.GROUP or (self.is_question and bool(self.items))
        )

    @property
    def label(self) -> str:
        """Prefix and text as shown to the visitor (the linkId if both are empty)."""
        return " ".join(part for part in (self.prefix, self.text) if part) or self.link_id

    def text_in(self, language: str | None = None) -> str:
        """The text in *language* (default: the visitor's), else the base text."""
        return translate(self.text, self.text_translations, language)

    def regex_message_in(self, language: str | None = None) -> str | None:
        """:attr:`regex_message` in *language* (default: the visitor's)."""
        if self.regex_message is None:
            return None
        return translate(self.regex_message, self.regex_message_translations, language)

    def prefix_in(self, language: str | None = None) -> str | None:
        if self.prefix is None:
            return None
        return translate(self.prefix, self.prefix_translations, language)

    def label_in(self, language: str | None = None) -> str:
        """:attr:`label` in *language*."""
        parts = (self.prefix_in(language), self.text_in(language))
        return " ".join(part for part in parts if part) or self.link_id


@dataclass(frozen=True)
class Page:
    """What one kiosk screen shows.

    For a top-level group, ``items`` are the group's children (for a repeating group, the
    group itself, so that its entries are shown) and ``link_id`` is the group's
    (check ``is_enabled`` on it to skip a disabled page); for a run of top-level non-group
    items, ``items`` are those items and ``link_id`` is ``None``. Hidden top-level items
    are left out, and a page would have nothing but hidden items is not made.
    """

    title: str
    items: tuple[Item, ...]
    link_id: str | None = None
    title_translations: Translations = ()

    def title_in(self, language: str | None = None) -> str:
        return translate(self.title, self.title_translations, language)


@dataclass(frozen=True)
class Questionnaire:
    """A loaded questionnaire (see :func:`load_questionnaire`, :func:`parse_questionnaire`).

    ``_index``, ``_parents`` and ``_containers`` are derived lookups.
    """

    id: str | None
    url: str | None
    version: str | None
    name: str | None
    title: str
    items: tuple[Item, ...]
    language: str | None = None
    title_translations: Translations = ()
    variables: tuple[Variable, ...] = ()
    launch_contexts: tuple[str, ...] = ()
    """Names of SDC launch contexts; the kiosk has none, so they evaluate to nothing."""
    raw: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    """The JSON it was loaded from: ``%questionnaire`` in expressions."""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """What the loader ignored or could not use (localized, each naming the linkId)."""
    enable_loops: bool = field(default=False, compare=False)
    """Some enableWhen conditions form a loop (see :mod:`kiosk.questionnaire.enable`)."""
    constraints: tuple[Constraint, ...] = ()
    """``targetConstraint``s on the questionnaire itself."""
    runtime: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Caches of the engine kept with the form (expression inputs, last results)."""
    _index: dict[str, Item] = field(init=False, repr=False, compare=False)
    _parents: dict[str, Item | None] = field(init=False, repr=False, compare=False)
    _containers: dict[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Item] = {}
        parents: dict[str, Item | None] = {}
        containers: dict[str, tuple[Item, ...]] = {}
        stack: list[tuple[tuple[Item, ...], Item | None, tuple[Item, ...]]] = [
            (self.items, None, ())
        ]
        while stack:  # no recursion: nesting depth is bounded by the loader, not by Python
            items, parent, chain = stack.pop()
            for item in reversed(items):
                if item.link_id in index:
                    raise ValueError(f"duplicate linkId {item.link_id!r}")
                index[item.link_id] = item
                parents[item.link_id] = parent
                containers[item.link_id] = chain
                inner = (*chain, item) if item.is_container else chain
                stack.append((item.items, item, inner))
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_parents", parents)
        object.__setattr__(self, "_containers", containers)

    def canonical(self) -> str:
        """What ``QuestionnaireResponse.questionnaire`` names this questionnaire by."""
        if self.url:
            return f"{self.url}|{self.version}" if self.version else self.url
        if self.id:
            return f"Questionnaire/{self.id}"
        return "#" + quote(self.title, safe="")

    def title_in(self, language: str | None = None) -> str:
        """The title in *language* (default: the visitor's), else the base title."""
        return translate(self.title, self.title_translations, language)

    def item(self, link_id: str) -> Item:
        """The item with *link_id* (``KeyError`` if there is none)."""
        return self._index[link_id]

    def __contains__(self, link_id: object) -> bool:
        return link_id in self._index

    def parent_of(self, link_id: str) -> Item | None:
        """The item containing *link_id*: ``None`` at top level, ``KeyError`` if unknown."""
        return self._parents[link_id]

    def ancestors(self, link_id: str) -> Iterator[Item]:
        """The items containing *link_id*, nearest first."""
        parent = self.parent_of(link_id)
        while parent is not None:
            yield parent
            parent = self._parents[parent.link_id]

    def containers_of(self, link_id: str) -> tuple[Item, ...]:
        """The repeating items whose instances hold *link_id*'s answers, outermost first."""
        return self._containers[link_id]

    def all_items(self) -> Iterator[Item]:
        """Every item (groups and display items too), depth first, in document order."""
        yield from walk_items(self.items)

    def questions(self) -> Iterator[Item]:
        """Every item that takes an answer, depth first, in document order."""
        return (item for item in self.all_items() if item.is_question)

    @property
    def entry_mode(self) -> str | None:
        """``sdc-questionnaire-entryMode``: ``sequential``, ``prior-edit``, ``random`` or None."""
        return read_entry_mode(self.raw)

    def pages(self) -> tuple[Page, ...]:
        """One page per top-level group; consecutive other top-level items share one page.

        With entryMode ``sequential`` or ``prior-edit`` every page is split further into one
        page per item (a question with its nested items, or a sub-group), so that the
        questions come one at a time.
        """
        pages = self._pages()
        if self.entry_mode not in ("sequential", "prior-edit"):
            return pages
        return tuple(
            Page(page.title, (item,), page.link_id, page.title_translations)
            for page in pages
            for item in page.items
            if not item.hidden
        )

    def _pages(self) -> tuple[Page, ...]:
        pages: list[Page] = []
        loose: list[Item] = []

        def flush() -> None:
            if loose:
                pages.append(Page(self.title, tuple(loose), None, self.title_translations))
                loose.clear()

        for item in self.items:
            if item.hidden:
                continue
            if item.type is ItemType.GROUP:
                flush()
                # a repeating group is shown whole, with its entries and their buttons
                shown = (item,) if item.repeats else item.items
                if item.text:
                    pages.append(Page(item.text, shown, item.link_id, item.text_translations))
                else:
                    pages.append(Page(self.title, shown, item.link_id, self.title_translations))
            else:
                loose.append(item)
        flush()
        return tuple(pages)


def walk_items(items: tuple[Item, ...]) -> Iterator[Item]:
    """*items* and everything nested in them, depth first, in document order."""
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        yield item
        stack.append(iter(item.items))


class QuestionnaireRefused(Exception):
    """The questionnaire cannot be used; ``reasons`` lists every problem found (localized)."""

    def __init__(self, reasons: list[str], source: str = "") -> None:
        self.reasons = list(reasons)
        self.source = source
        header = f"{source}: " if source else ""
        super().__init__(header + "; ".join(self.reasons))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and parse a Questionnaire JSON file; raises :class:`QuestionnaireRefused`."""
    from kiosk.questionnaire.loader import load

    return load(path)


@cache
def _load_version(path: Path, mtime_ns: int, size: int) -> Questionnaire:
    return load_questionnaire(path)


def load_questionnaire_once(path: Path) -> Questionnaire:
    """:func:`load_questionnaire`, parsed once per version of the file (its time and size):
    the check at start-up and every visit after it share one parse."""
    try:
        stat = path.stat()
    except OSError:
        return load_questionnaire(path)  # refused with the reason, like any unreadable file
    return _load_version(path, stat.st_mtime_ns, stat.st_size)


def parse_questionnaire(data: object, source: str = "") -> Questionnaire:
    """Parse decoded Questionnaire JSON; raises :class:`QuestionnaireRefused`."""
    from kiosk.questionnaire.loader import parse

    return parse(data, source)
