"""The screens' field classes mirror the engine's type table, and never switch on a type.

A new item type is a line in the engine's table (:data:`kiosk.questionnaire.itemtypes.ITEM_TYPES`),
a field class and a line in :data:`screens.field_kinds.FIELD_FOR_TYPE`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.questionnaire import ItemType, Questionnaire
from kiosk.questionnaire.itemtypes import ITEM_TYPES
from kiosk.questionnaire.model import UNAVAILABLE_TYPES
from screens.field_kinds import FIELD_FOR_TYPE, field_class
from screens.question_fields import ItemField

SCREENS = Path(__file__).resolve().parents[2] / "screens"
WIDGET_MODULES = (
    "field_kinds.py",
    "typed_fields.py",
    "chosen_fields.py",
    "question_fields.py",
    "question_drafts.py",
    "autocomplete.py",
    "slider.py",
    "choice_layout.py",
)
OPTIONS = [{"valueString": "one"}, {"valueString": "two"}]


def test_every_type_of_the_engines_table_has_exactly_one_field_class() -> None:
    assert set(FIELD_FOR_TYPE) == set(ITEM_TYPES)  # a line on each side, no more, no fewer
    for item_type, cls in FIELD_FOR_TYPE.items():
        assert issubclass(cls, ItemField), item_type
        assert cls.kind != "item", f"{cls.__name__} names no kind"


def test_each_type_a_terminal_asks_with_a_fixed_kind_of_answer_has_a_class_of_its_own() -> None:
    """Boolean, numbers, dates, times, texts, quantity: one class each. choice and
    open-choice (whose answers take their kind from the option) are both chosen with
    radio buttons unless their settings ask for another field."""
    fixed = {
        item_type: FIELD_FOR_TYPE[item_type]
        for item_type, spec in ITEM_TYPES.items()
        if spec.answerable and spec.response_kind is not None and item_type not in UNAVAILABLE_TYPES
    }
    assert len(fixed) == 10
    assert len(set(fixed.values())) == len(fixed), fixed


def test_a_plain_item_of_each_type_is_shown_by_its_types_class(
    make_q: Callable[..., Questionnaire],
) -> None:
    def plain(item_type: ItemType) -> dict[str, Any]:
        item: dict[str, Any] = {"linkId": item_type.value, "type": item_type.value, "text": "?"}
        if item_type in (ItemType.CHOICE, ItemType.OPEN_CHOICE):
            item["answerOption"] = OPTIONS
        if item_type is ItemType.GROUP:
            item["item"] = [{"linkId": "inside", "type": "string", "text": "?"}]
        return item

    questionnaire = make_q(*(plain(item_type) for item_type in ItemType))
    for item_type in ItemType:
        item = questionnaire.item(item_type.value)
        assert field_class(item) is FIELD_FOR_TYPE[item_type], item_type


def _switches(path: Path) -> list[str]:
    """``x.type ==/is/in ...`` and ``x.kind == ...`` comparisons inside the module's classes."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for compare in ast.walk(node):
            if not isinstance(compare, ast.Compare):
                continue
            operands = [compare.left, *compare.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr in ("type", "kind") for o in operands):
                found.append(f"{path.name}:{compare.lineno}: {ast.unparse(compare)}")
    return found


def test_no_field_switches_on_the_items_type_or_its_own_kind() -> None:
    found = [line for name in WIDGET_MODULES for line in _switches(SCREENS / name)]
    assert found == []
