"""calculatedExpression and initialExpression: answers computed from FHIRPath.

Expressions see ``%resource`` (the QuestionnaireResponse as the answers stand, built
leniently), ``%questionnaire`` (the questionnaire's JSON), ``%context`` (the response too:
the loader only allows calculated items outside repeating groups), ``%qitem`` (the item's
own JSON), ``%ucum``/``%loinc``/``%sct``, the questionnaire's and the item's (and its
ancestors') ``variable`` extensions in document order, and the SDC launch contexts, which
are always empty at a lobby terminal. A result that does not fit the item (wrong type,
out of range, several values for an item that does not repeat) or an evaluation error
leaves the item without an answer.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kiosk.questionnaire.answers import (
    Answers,
    fill_initial,
    initial_answers,
    scope_at,
    set_values,
    values_of,
)
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.fhirpath import BUILTIN_CONSTANTS, Expression
from kiosk.questionnaire.fhirpath_eval import Collection, Environment, EvalError, evaluate
from kiosk.questionnaire.model import AnswerValue, Coding, Item, ItemType, Questionnaire
from kiosk.questionnaire.response import response_items
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.values import (
    ValueProblem,
    decimal_fits,
    decode_coding,
    decode_date,
    decode_datetime,
    decode_quantity,
    decode_time,
    is_number,
    same_value,
)

log = logging.getLogger(__name__)

MAX_ROUNDS = 10
"""Calculated items may feed each other; recomputing stops once nothing changes or here."""


def fresh_answers(questionnaire: Questionnaire) -> Answers:
    """The answers a visit starts with: initial values, initialExpressions, calculations."""
    answers = initial_answers(questionnaire)
    expressions = [item for item in questionnaire.all_items() if item.initial_expression]
    if expressions:
        resource = _resource(questionnaire, answers)
        for item in expressions:
            if questionnaire.containers_of(item.link_id) or item.initials:
                continue  # the loader refuses both; a hand-built model is left alone
            assert item.initial_expression is not None
            values = _evaluate_for(questionnaire, item, item.initial_expression, resource)
            if values:
                set_values(item, answers, values)
                if item.is_container:
                    for entry in answers[item.link_id]:
                        fill_initial(item.items, entry.answers)
    apply_calculations(questionnaire, answers)
    return answers


def has_calculations(questionnaire: Questionnaire) -> bool:
    return any(item.calculated is not None for item in questionnaire.all_items())


def apply_calculations(questionnaire: Questionnaire, answers: Answers) -> set[str]:
    """Set each calculated item's answer from its expression, until nothing changes.

    Returns the linkIds whose answers changed.
    """
    calculated = [item for item in questionnaire.all_items() if item.calculated is not None]
    changed: set[str] = set()
    for _round in range(MAX_ROUNDS):
        resource = _resource(questionnaire, answers)
        changed_now = False
        for item in calculated:
            scope = scope_at(questionnaire, item.link_id, answers)
            if scope is None or questionnaire.containers_of(item.link_id):
                continue
            assert item.calculated is not None
            values = _evaluate_for(questionnaire, item, item.calculated, resource)
            old = values_of(item, scope)
            if len(old) == len(values) and all(
                same_value(a, b) and type(a) is type(b) for a, b in zip(old, values, strict=True)
            ):
                continue
            set_values(item, scope, values)
            changed.add(item.link_id)
            changed_now = True
        if not changed_now:
            break
    return changed


def _resource(questionnaire: Questionnaire, answers: Answers) -> dict[str, Any]:
    state = EnableState(questionnaire, answers)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire.canonical(),
        "status": "in-progress",
        "item": response_items(questionnaire, answers, state, lenient=True),
    }


def _evaluate_for(
    questionnaire: Questionnaire, item: Item, expression: Expression, resource: dict[str, Any]
) -> list[AnswerValue]:
    """The answers *expression* gives *item*; ``[]`` when it gives nothing usable."""
    names: dict[str, Collection] = {
        "resource": [resource],
        "context": [resource],
        "questionnaire": [questionnaire.raw] if questionnaire.raw is not None else [],
        "qitem": [raw] if (raw := raw_item(questionnaire, item.link_id)) is not None else [],
    }
    names.update({name: [url] for name, url in BUILTIN_CONSTANTS.items()})
    names.update({name: [] for name in questionnaire.launch_contexts})
    env = Environment(names.__getitem__, weight_lookup(questionnaire))
    try:
        outer = reversed(list(questionnaire.ancestors(item.link_id)))
        in_scope = [*questionnaire.variables, *(v for a in outer for v in a.variables)]
        for variable in (*in_scope, *item.variables):
            names[variable.name] = evaluate(variable.expression, [resource], env)
        result = evaluate(expression, [resource], env)
    except EvalError:
        log.info("expression of item %s gave no value", item.link_id)
        return []
    return to_answers(item, result)


def to_answers(item: Item, result: Collection) -> list[AnswerValue]:
    """Turn an expression's result into valid answers of *item* (or ``[]``)."""
    if not result or (len(result) > 1 and not item.repeats):
        return []
    values: list[AnswerValue] = []
    for raw in result:
        value = _convert(item, raw)
        if value is None:
            return []
        option = next((o for o in item.options if same_value(value, o.value)), None)
        if option is not None:
            value = option.value
        try:
            check_value(item, value)
        except AnswerError:
            return []
        values.append(value)
    return values


def _convert(item: Item, raw: object) -> AnswerValue | None:
    kind = item.type
    try:
        if kind is ItemType.BOOLEAN:
            return raw if isinstance(raw, bool) else None
        if kind is ItemType.INTEGER:
            if is_number(raw) and Decimal(raw) == int(raw):  # type: ignore[arg-type]
                return int(raw)  # type: ignore[arg-type]
            return None
        if kind is ItemType.DECIMAL:
            if not is_number(raw):
                return None
            value = Decimal(raw)  # type: ignore[arg-type]
            return value if decimal_fits(value) else None
        if kind in (ItemType.STRING, ItemType.TEXT, ItemType.URL):
            return raw if isinstance(raw, str) else None
        if kind is ItemType.DATE:
            return raw if isinstance(raw, datetime.date) else decode_date(raw)
        if kind is ItemType.DATETIME:
            return raw if isinstance(raw, datetime.datetime) else decode_datetime(raw)
        if kind is ItemType.TIME:
            return raw if isinstance(raw, datetime.time) else decode_time(raw)
        if kind is ItemType.QUANTITY:
            return decode_quantity(raw)
        if kind in (ItemType.CHOICE, ItemType.OPEN_CHOICE):
            if isinstance(raw, Coding):
                return raw
            if isinstance(raw, dict):
                return decode_coding(raw)
            if isinstance(raw, str | int) and not isinstance(raw, bool):
                return raw
    except (ValueProblem, ArithmeticError, ValueError):
        return None
    return None


def raw_item(questionnaire: Questionnaire, link_id: str) -> dict[str, Any] | None:
    """The JSON of the item *link_id* in the questionnaire it was loaded from."""
    if questionnaire.raw is None:
        return None
    stack = list(questionnaire.raw.get("item") or [])
    while stack:
        entry = stack.pop()
        if isinstance(entry, dict):
            if entry.get("linkId") == link_id:
                return entry
            stack.extend(entry.get("item") or [])
    return None


def weight_lookup(questionnaire: Questionnaire) -> Callable[[object], Decimal | None]:
    """``weight()``: the ordinalValue of an answer, from the options that carry one."""
    weights: list[tuple[Coding | AnswerValue, Decimal]] = [
        (option.value, option.weight)
        for item in questionnaire.questions()
        for option in item.options
        if option.weight is not None
    ]

    def weight(value: object) -> Decimal | None:
        if isinstance(value, dict):
            try:
                value = decode_coding(value)
            except ValueProblem:
                return None
        for option_value, option_weight in weights:
            if same_value(value, option_value):
                return option_weight
        return None

    return weight
