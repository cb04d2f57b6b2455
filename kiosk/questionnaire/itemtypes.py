"""The registry of item types: what each one accepts and how it is written.

Adding an item type means adding an :class:`ItemType` member and one entry here (plus any
parser in :mod:`kiosk.questionnaire.textentry`); the loader, validation and response
building all consult this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.questionnaire import textentry as t
from kiosk.questionnaire.model import AnswerValue, Item, ItemType
from kiosk.questionnaire.values import value_kind

_CHOSEN = frozenset({"Coding", "String", "Integer", "Date", "Time"})


@dataclass(frozen=True)
class TypeSpec:
    """How one item type is answered."""

    type: ItemType
    answer_kinds: frozenset[str] = frozenset()
    """``[x]`` suffixes comparable with its answers (initial, enableWhen); empty: no answers."""
    response_kind: str | None = None
    """``value[x]`` suffix forced in the response; ``None``: taken from the answer value."""
    parse: Callable[[Item, str], AnswerValue] | None = None
    """Parses typed text; ``None`` when the answer is chosen rather than typed."""
    check: Callable[[Item, object], None] | None = None
    """Raises ``AnswerError`` for a stored answer of the wrong type or beyond kiosk limits."""
    option_kinds: frozenset[str] = frozenset()
    """``answerOption.value[x]`` suffixes allowed (empty: no answerOption)."""
    range_kinds: frozenset[str] = frozenset()
    """``minValue``/``maxValue`` suffixes allowed (empty: no range)."""
    text_rules: bool = False
    """maxLength, minLength and regex apply."""

    @property
    def answerable(self) -> bool:
        return self.check is not None

    def comparable_kinds(self, item: Item) -> frozenset[str]:
        """The ``[x]`` suffixes an enableWhen or ``initial`` may use for *item*."""
        if item.options:
            kinds = frozenset(value_kind(option.value) for option in item.options)
            return kinds | {"String"} if self.type is ItemType.OPEN_CHOICE else kinds
        return self.answer_kinds


ITEM_TYPES: dict[ItemType, TypeSpec] = {
    spec.type: spec
    for spec in (
        TypeSpec(ItemType.GROUP),
        TypeSpec(ItemType.DISPLAY),
        TypeSpec(ItemType.BOOLEAN, frozenset({"Boolean"}), "Boolean", None, t.check_boolean),
        TypeSpec(
            ItemType.INTEGER,
            frozenset({"Integer"}),
            "Integer",
            t.parse_integer,
            t.check_integer,
            option_kinds=frozenset({"Integer"}),
            range_kinds=frozenset({"Integer"}),
        ),
        TypeSpec(
            ItemType.DECIMAL,
            frozenset({"Decimal", "Integer"}),
            "Decimal",
            t.parse_decimal,
            t.check_decimal,
            range_kinds=frozenset({"Decimal", "Integer"}),
        ),
        TypeSpec(
            ItemType.DATE,
            frozenset({"Date"}),
            "Date",
            t.parse_date,
            t.check_date,
            option_kinds=frozenset({"Date"}),
            range_kinds=frozenset({"Date"}),
        ),
        TypeSpec(
            ItemType.DATETIME,
            frozenset({"DateTime", "Date"}),
            "DateTime",
            t.parse_datetime,
            t.check_datetime,
            range_kinds=frozenset({"DateTime", "Date"}),
        ),
        TypeSpec(
            ItemType.TIME,
            frozenset({"Time"}),
            "Time",
            t.parse_time,
            t.check_time,
            option_kinds=frozenset({"Time"}),
            range_kinds=frozenset({"Time"}),
        ),
        TypeSpec(
            ItemType.STRING,
            frozenset({"String"}),
            "String",
            t.parse_string,
            t.check_string,
            option_kinds=frozenset({"String"}),
            text_rules=True,
        ),
        TypeSpec(
            ItemType.TEXT,
            frozenset({"String"}),
            "String",
            t.parse_text,
            t.check_text,
            text_rules=True,
        ),
        TypeSpec(
            ItemType.URL,
            frozenset({"String", "Uri"}),
            "Uri",
            t.parse_url,
            t.check_url,
            text_rules=True,
        ),
        TypeSpec(ItemType.CHOICE, check=t.check_chosen, option_kinds=_CHOSEN),
        TypeSpec(
            ItemType.OPEN_CHOICE,
            frozenset({"String"}),
            None,
            t.parse_string,
            t.check_open_choice,
            option_kinds=frozenset({"Coding", "String"}),
            text_rules=True,
        ),
        TypeSpec(
            ItemType.QUANTITY,
            frozenset({"Quantity"}),
            "Quantity",
            t.parse_quantity,
            t.check_quantity,
            range_kinds=frozenset({"Quantity"}),
        ),
        TypeSpec(ItemType.ATTACHMENT, check=t.check_unavailable),
        TypeSpec(ItemType.REFERENCE, check=t.check_unavailable),
    )
}


def spec_for(item_type: ItemType) -> TypeSpec:
    """The registry entry of *item_type*."""
    return ITEM_TYPES[item_type]
