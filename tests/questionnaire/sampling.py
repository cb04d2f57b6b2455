"""Generate valid answers for any loaded questionnaire (test helper).

The walker answers every enabled question the visitor could answer, makes as many
instances of repeating groups as they ask for, and repeats until nothing is left to
answer. *pick* chooses among the valid candidates, so the same walker gives a fixed
sample (first candidate) or hypothesis-drawn answers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from kiosk.questionnaire import (
    AnswerError,
    Answers,
    AnswerValue,
    EnableState,
    Entry,
    Item,
    ItemType,
    Path,
    Questionnaire,
    apply_calculations,
    fresh_answers,
    instances,
    new_instance,
    set_values,
    values_of,
)
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.textentry import quantity_in

Pick = Callable[[Sequence[Any]], Any]


def first(options: Sequence[Any]) -> Any:
    return options[0]


def candidates(item: Item) -> list[AnswerValue]:
    """Values of *item*'s type, valid ones first where that is easy to know."""
    if item.options:
        return [option.value for option in item.options]
    if item.type is ItemType.CHOICE:
        return []  # options computed at the terminal (answerExpression): none here
    numbers = [Decimal("1.5"), Decimal(50), Decimal(2), Decimal(0), Decimal("99.25")]
    units = item.units or (None,)
    by_type: dict[ItemType, list[Any]] = {
        ItemType.BOOLEAN: [True, False],
        ItemType.INTEGER: [7, 50, 1, 2, 0, 99],
        ItemType.DECIMAL: numbers,
        ItemType.DATE: [
            datetime.date(1990, 7, 31),
            datetime.date(2021, 1, 1),
            datetime.date(2021, 6, 15),
            datetime.date(2022, 2, 2),
        ],
        ItemType.DATETIME: [
            datetime.datetime(2021, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            datetime.datetime(2022, 5, 6, 7, 8, 9, tzinfo=datetime.UTC),
        ],
        ItemType.TIME: [datetime.time(10, 30), datetime.time(14, 0)],
        ItemType.STRING: ["x", "a.b@example.org", "second answer", "3"],
        ItemType.TEXT: ["line one\nline two", "another text"],
        ItemType.URL: ["https://example.org", "https://example.org/b"],
        ItemType.OPEN_CHOICE: ["x", "y"],
        ItemType.QUANTITY: [quantity_in(value, unit) for value in numbers for unit in units],
    }
    return by_type[item.type]


def valid_values(item: Item) -> list[AnswerValue]:
    out: list[AnswerValue] = []
    for value in candidates(item):
        try:
            check_value(item, value)
        except AnswerError:
            continue
        out.append(value)
    return out


def fill(questionnaire: Questionnaire, pick: Pick = first, rounds: int = 6) -> Answers:
    """Answers for *questionnaire* that :func:`problems` accepts (when the form allows it)."""
    answers = fresh_answers(questionnaire)
    for _round in range(rounds):
        state = EnableState(questionnaire, answers)
        if not _Filler(questionnaire, pick, state).items(questionnaire.items, answers, ()):
            break
        apply_calculations(questionnaire, answers)
    return answers


class _Filler:
    def __init__(self, questionnaire: Questionnaire, pick: Pick, state: EnableState) -> None:
        self.questionnaire = questionnaire
        self.pick = pick
        self.state = state

    def items(self, items: tuple[Item, ...], scope: Answers, path: Path) -> bool:
        changed = False
        for item in items:
            changed |= self.item(item, scope, path)
        return changed

    def item(self, item: Item, scope: Answers, path: Path) -> bool:
        if not self.state.enabled(item.link_id, path):
            return False
        if item.type is ItemType.GROUP:
            if not item.repeats:
                return self.items(item.items, scope, path)
            changed = False
            wanted = max(1, item.min_occurs or 0)
            if item.max_occurs is not None:
                wanted = min(wanted, item.max_occurs)
            found = scope.setdefault(item.link_id, [])
            while len(found) < wanted:
                found.append(new_instance(item))
                changed = True
            for index, inner in enumerate(instances(item, scope)):
                changed |= self.items(item.items, inner, (*path, index))
            return changed
        changed = False
        if item.answerable and not values_of(item, scope):
            values = self.values(item)
            if values:
                set_values(item, scope, values)
                changed = True
        if item.is_container:
            raw = scope.get(item.link_id)
            entries = [e for e in raw if isinstance(e, Entry)] if isinstance(raw, list) else []
            for index, entry in enumerate(entries):
                changed |= self.items(item.items, entry.answers, (*path, index))
        elif item.is_question:
            changed |= self.items(item.items, scope, path)
        return changed

    def values(self, item: Item) -> list[AnswerValue]:
        valid = valid_values(item)
        if not valid:
            return []
        if not item.repeats:
            return [self.pick(valid)]
        wanted = max(1, item.min_occurs or 0)
        if item.max_occurs is not None:
            wanted = min(wanted, item.max_occurs)
        usable = [v for v in valid if not _exclusive(item, v)] if wanted > 1 else valid
        chosen: list[AnswerValue] = []
        pool = list(usable)
        while pool and len(chosen) < wanted:
            value = self.pick(pool)
            pool.remove(value)
            chosen.append(value)
        return chosen


def _exclusive(item: Item, value: AnswerValue) -> bool:
    return any(o.exclusive and o.value == value for o in item.options)
