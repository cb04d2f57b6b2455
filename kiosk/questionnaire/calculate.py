"""calculatedExpression and initialExpression: answers computed from FHIRPath.

What expressions see, and how results are remembered with the visit's answers, is
:mod:`kiosk.questionnaire.evaluation`. Items inside repeating groups are computed per
entry; an entry added later (:func:`add_entry`) gets its initial values and
initialExpressions then, evaluated for that entry.

A calculation is evaluated again only when one of its inputs changed
(:mod:`kiosk.questionnaire.dependencies`: the answers it, or a variable it uses, reads,
with what decides whether they are shown; any answer when it does not name them), and
calculated items that feed each other are recomputed until nothing changes. A result that
does not fit the item (wrong type, out of range, several values for an item that does not
repeat) or an evaluation error leaves the item without an answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any

from kiosk.questionnaire.answers import (
    Answers,
    Path,
    expand_paths,
    fill_initial,
    initial_answers,
    new_instance,
    paths_of,
    scope_at,
    set_values,
    values_of,
)
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.dependencies import dependencies_of
from kiosk.questionnaire.evaluation import (
    EngineMemo,
    Evaluation,
    VisitAnswers,
    memo_of,
    raw_item,
    weight_lookup,
)
from kiosk.questionnaire.fhirpath import Expression
from kiosk.questionnaire.fhirpath_eval import Collection
from kiosk.questionnaire.model import (
    AnswerOption,
    AnswerValue,
    Coding,
    Item,
    ItemType,
    Quantity,
    Questionnaire,
    walk_items,
)
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

__all__ = [
    "EngineMemo",
    "Evaluation",
    "VisitAnswers",
    "add_entry",
    "apply_calculations",
    "computed_options",
    "fresh_answers",
    "has_calculations",
    "memo_of",
    "raw_item",
    "to_answers",
    "weight_lookup",
]

MAX_ROUNDS = 10
"""Calculated items may feed each other; recomputing stops once nothing changes or here."""


def fresh_answers(questionnaire: Questionnaire) -> Answers:
    """The answers a visit starts with: initial values, initialExpressions, calculations."""
    answers: Answers = VisitAnswers(initial_answers(questionnaire))
    targets = (
        (item, path)
        for item in _initial_expression_items(questionnaire.items)
        for path in list(paths_of(questionnaire, item.link_id, answers))
    )
    _run_initial_expressions(questionnaire, answers, targets)
    apply_calculations(questionnaire, answers)
    return answers


def add_entry(questionnaire: Questionnaire, answers: Answers, group: Item, path: Path) -> int:
    """Add an entry to the repeating group *group* whose entries sit at *path*: with its
    initial values, and its items' initialExpressions evaluated for that entry (``%context``
    and the variables of the entry, the answers as they stand). Returns its index.

    Calculations are not run; the caller runs them with the rest of the change."""
    scope = scope_at(questionnaire, group.link_id, answers, path)
    if scope is None:
        raise KeyError(f"no scope for {group.link_id!r} at {path}")
    entries = scope.setdefault(group.link_id, [])
    entries.append(new_instance(group))
    index = len(entries) - 1
    entry_path = (*path, index)
    targets = (
        (item, found)
        for item in _initial_expression_items(group.items)
        for found in list(expand_paths(questionnaire.containers_of(item.link_id), answers,
                                       entry_path))
    )  # fmt: skip
    _run_initial_expressions(questionnaire, answers, targets)
    return index


def _initial_expression_items(items: tuple[Item, ...]) -> Iterator[Item]:
    """The items among *items* (and inside them) whose answers an initialExpression gives
    (not those with initial values: the loader warns about both, and those win)."""
    return (
        item
        for item in walk_items(items)
        if item.initial_expression is not None and not item.initials
    )


def _run_initial_expressions(
    questionnaire: Questionnaire, answers: Answers, targets: Iterable[tuple[Item, Path]]
) -> None:
    """Evaluate the initialExpression of each (item, path), all on the answers as they
    were before the first, and store what fits."""
    evaluation: Evaluation | None = None
    for item, path in targets:
        assert item.initial_expression is not None
        evaluation = evaluation or Evaluation(questionnaire, answers)
        scope = scope_at(questionnaire, item.link_id, answers, path)
        values = to_answers(item, evaluation.evaluate(item, item.initial_expression, path))
        if values and scope is not None:
            set_values(item, scope, values)
            if item.is_container:
                for entry in scope[item.link_id]:
                    fill_initial(item.items, entry.answers)


def expressions_of(questionnaire: Questionnaire) -> list[tuple[str | None, Expression]]:
    """Every FHIRPath expression of *questionnaire*, with the linkId of its item."""
    found: list[tuple[str | None, Expression]] = [
        (None, v.expression) for v in questionnaire.variables
    ]
    found += [(None, c.expression) for c in questionnaire.constraints]
    for item in questionnaire.all_items():
        own = [v.expression for v in item.variables] + [c.expression for c in item.constraints]
        single = (
            item.calculated,
            item.initial_expression,
            item.enable_expression,
            item.answer_expression,
        )
        own += [expression for expression in single if expression is not None]
        found += [(item.link_id, expression) for expression in own]
    return found


def precompile(questionnaire: Questionnaire) -> list[str]:
    """Parse every expression with fhirpathpy now (keeping the trees in the disk cache, so
    that the first visit does not wait for them); what it cannot parse, by linkId."""
    from kiosk.i18n import _
    from kiosk.questionnaire.fhirpath import FhirPathError

    problems: list[str] = []
    for link_id, expression in expressions_of(questionnaire):
        try:
            expression.tree()
        except FhirPathError as error:
            problem = f"{expression.source}: {error}"
            if link_id is not None:
                problem = _("item '{link_id}': {problem}").format(link_id=link_id, problem=problem)
            problems.append(problem)
    return problems


def calculated_items(questionnaire: Questionnaire) -> tuple[Item, ...]:
    """The items with a calculatedExpression, in document order (found once per form)."""
    found = questionnaire.runtime.get("calculated")
    if not isinstance(found, tuple):
        found = tuple(item for item in questionnaire.all_items() if item.calculated is not None)
        questionnaire.runtime["calculated"] = found
    return found


def has_calculations(questionnaire: Questionnaire) -> bool:
    return bool(calculated_items(questionnaire))


def apply_calculations(questionnaire: Questionnaire, answers: Answers) -> set[str]:
    """Set each calculated item's answer (per entry inside repeating groups) from its
    expression, until nothing changes. Returns the linkIds whose answers changed.

    A calculation whose inputs did not change since it was last evaluated (for these
    answers: see :class:`~kiosk.questionnaire.evaluation.VisitAnswers`) keeps its result
    without being evaluated again; the response it reads is built only if one is."""
    calculated = calculated_items(questionnaire)
    changed: set[str] = set()
    if not calculated:
        return changed
    memo = memo_of(answers)
    dependencies = dependencies_of(questionnaire)
    for _round in range(MAX_ROUNDS):
        evaluation = Evaluation(questionnaire, answers, memo=memo)
        changed_now = False
        for item in calculated:
            assert item.calculated is not None
            expression = item.calculated
            inputs = dependencies.of_expression(item, expression)
            for path in list(paths_of(questionnaire, item.link_id, answers)):
                scope = scope_at(questionnaire, item.link_id, answers, path)
                if scope is None:
                    continue
                values = evaluation.remembered(
                    memo.calculated,
                    (item.link_id, path),
                    inputs,
                    partial(evaluation.fingerprint, expression, item, path),
                    partial(_calculate, evaluation, item, expression, path),
                )
                old = values_of(item, scope)
                if len(old) == len(values) and all(
                    same_value(a, b) and type(a) is type(b)
                    for a, b in zip(old, values, strict=True)
                ):
                    continue
                set_values(item, scope, values)
                changed.add(item.link_id)
                changed_now = True
        if not changed_now:
            break
    return changed


def _calculate(
    evaluation: Evaluation, item: Item, expression: Expression, path: Path
) -> list[AnswerValue]:
    return to_answers(item, evaluation.evaluate(item, expression, path))


def computed_options(
    questionnaire: Questionnaire, item: Item, answers: Answers, path: Path = ()
) -> tuple[AnswerOption, ...]:
    """The options *item*'s ``answerExpression`` gives for the answers as they stand (its
    static options when it has none): codings, or values of the item's type."""
    if item.answer_expression is None:
        return item.options
    found: list[AnswerOption] = []
    for raw in Evaluation(questionnaire, answers).evaluate(item, item.answer_expression, path):
        value = _convert(item, raw) if not isinstance(raw, dict) else _coding_of(raw)
        if value is not None and not any(same_value(value, o.value) for o in found):
            label = value.display or value.code or "" if isinstance(value, Coding) else str(value)
            found.append(AnswerOption(value, label))
    return tuple(found)


def _coding_of(raw: dict[str, Any]) -> Coding | None:
    try:
        return decode_coding({k: raw[k] for k in ("system", "code", "display") if k in raw})
    except ValueProblem:
        return None


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
            if is_number(raw) and Decimal(raw) == int(raw):
                return int(raw)
            return None
        if kind is ItemType.DECIMAL:
            if not is_number(raw):
                return None
            value = Decimal(raw)
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
            if is_number(raw):  # a score: the number in the item's own unit
                unit = item.units[0] if len(item.units) == 1 else None
                return Quantity(
                    Decimal(raw),
                    unit.display or unit.code if unit else None,
                    unit.system if unit else None,
                    unit.code if unit else None,
                )
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
