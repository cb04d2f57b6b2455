"""Which items are enabled (FHIR enableWhen with every operator, and enableBehavior).

An item is disabled when its own conditions fail, when any ancestor is disabled, or when
it is nested under a question that has no answer (FHIR nests such items inside that
question's answer, so without an answer they have nowhere to go). A question that is
disabled counts as unanswered for the conditions of other items.

Inside repeating groups enabling is decided per instance: a condition on a question in
the same instance (or in an enclosing one) looks only at that instance's answers; a
condition on a question inside a repeating group that does not enclose the item looks at
the answers of all its instances.

Operators on questions with several answers: ``=`` and the ordering operators hold when
some answer satisfies them, ``!=`` when there is an answer and none is equal; with no
answer only ``exists`` can hold. A condition on a question the questionnaire does not have
sees no answer.

An ``enableWhenExpression`` (instead of ``enableWhen``) enables its item when it gives
``true``, evaluated on the response as the ``enableWhen`` conditions alone would make it
(so that expressions cannot loop through each other), per entry inside repeating groups.

Conditions that form a loop (the loader warns) are decided in document order, as LHC-Forms
does: while an item's enabling is being decided, a question that depends on it counts as
enabled (its answers count). Every item is decided once, so this always terminates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.questionnaire.answers import (
    Answers,
    Entry,
    Path,
    expand_paths,
    instances,
    scope_at,
    values_of,
)
from kiosk.questionnaire.model import AnswerValue, EnableWhen, Item, ItemType, Questionnaire
from kiosk.questionnaire.values import compare, same_value

if TYPE_CHECKING:
    from kiosk.questionnaire.evaluation import Evaluation

Key = tuple[str, Path]


class EnableState:
    """Enabled-ness of every item instance for one set of answers, computed lazily."""

    def __init__(
        self, questionnaire: Questionnaire, answers: Answers, *, expressions: bool = True
    ) -> None:
        self.questionnaire = questionnaire
        self.answers = answers
        self.expressions = expressions
        self._cache: dict[Key, bool] = {}
        self._evaluation: Evaluation | None = None
        if questionnaire.enable_loops:  # decide in document order, whoever asks first
            for item in questionnaire.all_items():
                if not questionnaire.containers_of(item.link_id):
                    self.enabled(item.link_id)

    def enabled(self, link_id: str, path: Path = ()) -> bool:
        """Whether *link_id* is enabled at *path* (``KeyError`` for an unknown linkId)."""
        start = (link_id, path)
        cached = self._cache.get(start)
        if cached is not None:
            return cached
        self.questionnaire.item(link_id)  # KeyError for an unknown item
        # Evaluate dependencies first with an explicit stack: long enableWhen chains must
        # not exhaust Python's recursion limit.
        stack = [start]
        on_path = {start}
        while stack:
            current = stack[-1]
            dep = next(
                (
                    d
                    for d in self._depends_on(*current)
                    if d not in self._cache and d not in on_path
                ),
                None,
            )  # a dependency on the path is a loop: it counts as enabled for now
            if dep is None:
                self._cache[current] = self._compute(*current)
                on_path.discard(stack.pop())
            else:
                stack.append(dep)
                on_path.add(dep)
        return self._cache[start]

    def values(self, link_id: str, path: Path = ()) -> list[AnswerValue]:
        """The answers to *link_id* at *path* if it is enabled there, else ``[]``."""
        item = self.questionnaire.item(link_id)
        scope = scope_at(self.questionnaire, link_id, self.answers, path)
        if scope is None:
            return []
        found = values_of(item, scope)
        if not found or not self.enabled(link_id, path):
            return []
        return found

    def answer(self, link_id: str, path: Path = ()) -> AnswerValue | None:
        """The first enabled answer to *link_id* at *path*, else ``None``."""
        found = self.values(link_id, path)
        return found[0] if found else None

    # -- dependencies ------------------------------------------------------------------

    def _parent_key(self, link_id: str, path: Path) -> Key | None:
        parent = self.questionnaire.parent_of(link_id)
        if parent is None:
            return None
        return (parent.link_id, path[:-1] if parent.is_container else path)

    def _visible_paths(self, question: str, link_id: str, path: Path) -> list[Path]:
        """The paths of *question* that a condition of *link_id* at *path* looks at."""
        target_chain = self.questionnaire.containers_of(question)
        own_chain = self.questionnaire.containers_of(link_id)
        shared = 0
        for mine, theirs in zip(own_chain, target_chain, strict=False):
            if mine is not theirs:
                break
            shared += 1
        return list(expand_paths(target_chain, self.answers, path[:shared]))

    def _depends_on(self, link_id: str, path: Path) -> list[Key]:
        item = self.questionnaire.item(link_id)
        deps: list[Key] = []
        parent = self._parent_key(link_id, path)
        if parent is not None:
            deps.append(parent)
        for condition in item.enable_when:
            if condition.question not in self.questionnaire:
                continue
            deps.extend(
                (condition.question, target)
                for target in self._visible_paths(condition.question, link_id, path)
            )
        return deps

    def _compute(self, link_id: str, path: Path) -> bool:
        """Enabled-ness of *link_id* at *path*, once all it depends on is in the cache."""
        item = self.questionnaire.item(link_id)
        parent_key = self._parent_key(link_id, path)
        if parent_key is not None:
            if not self._cache.get(parent_key, True):
                return False
            parent = self.questionnaire.item(parent_key[0])
            if parent.is_question and not parent.is_container:
                scope = scope_at(self.questionnaire, parent.link_id, self.answers, parent_key[1])
                if scope is None or not values_of(parent, scope):
                    return False
        if item.enable_expression is not None and self.expressions:
            return self._expression_holds(item, path)
        if not item.enable_when:
            return True
        results = (self._holds(condition, link_id, path) for condition in item.enable_when)
        return all(results) if item.enable_behavior == "all" else any(results)

    def _expression_holds(self, item: Item, path: Path) -> bool:
        from kiosk.questionnaire.evaluation import Evaluation

        if self._evaluation is None:
            plain = EnableState(self.questionnaire, self.answers, expressions=False)
            self._evaluation = Evaluation(self.questionnaire, self.answers, plain)
        assert item.enable_expression is not None
        return self._evaluation.evaluate(item, item.enable_expression, path) == [True]

    def _holds(self, condition: EnableWhen, link_id: str, path: Path) -> bool:
        found: list[AnswerValue] = []
        if condition.question not in self.questionnaire:
            return condition.operator == "exists" and condition.answer is False
        for target in self._visible_paths(condition.question, link_id, path):
            if self._cache.get((condition.question, target), True):
                scope = scope_at(self.questionnaire, condition.question, self.answers, target)
                if scope is not None:
                    found.extend(values_of(self.questionnaire.item(condition.question), scope))
        if condition.operator == "exists":
            return bool(found) == condition.answer
        return condition_holds(condition, found)


def condition_holds(condition: EnableWhen, answers: list[AnswerValue]) -> bool:
    """Whether the (enabled) *answers* of the condition's question satisfy it (not ``exists``).

    ``=`` and ``!=`` use :func:`same_value`; the ordering operators hold only when the two
    values can be ordered (see :func:`compare`): a date to the month is neither before nor
    after a day in that month.
    """
    if not answers:
        return False
    operator, expected = condition.operator, condition.answer
    if operator == "!=":
        return not any(same_value(actual, expected) for actual in answers)
    if operator == "=":
        return any(same_value(actual, expected) for actual in answers)
    for actual in answers:
        order = compare(actual, expected)
        if order is not None and {">": order > 0, "<": order < 0, ">=": order >= 0,
                                  "<=": order <= 0}[operator]:  # fmt: skip
            return True
    return False


def is_enabled(
    questionnaire: Questionnaire, link_id: str, answers: Answers, path: Path = ()
) -> bool:
    """Whether the item *link_id* is enabled at *path* given *answers* (``KeyError`` if
    unknown)."""
    return EnableState(questionnaire, answers).enabled(link_id, path)


def active_answers(questionnaire: Questionnaire, answers: Answers) -> Answers:
    """A copy of *answers* with only the enabled answers to available questions.

    Keys keep document order; repeating groups keep all their instances (an instance
    left without answers stays as an empty scope).
    """
    state = EnableState(questionnaire, answers)
    return _active(questionnaire.items, answers, (), state)


def _active(items: tuple[Item, ...], scope: Answers, path: Path, state: EnableState) -> Answers:
    out: Answers = {}
    for item in items:
        _active_item(item, scope, path, state, out)
    return out


def _active_item(item: Item, scope: Answers, path: Path, state: EnableState, out: Answers) -> None:
    if not state.enabled(item.link_id, path):
        return
    if item.type is ItemType.GROUP:
        if item.repeats:
            out[item.link_id] = [
                _active(item.items, inner, (*path, index), state)
                for index, inner in enumerate(instances(item, scope))
            ]
        else:
            for child in item.items:
                _active_item(child, scope, path, state, out)
        return
    if not item.is_question or not item.available:
        return
    found = values_of(item, scope)
    if item.is_container:
        raw = scope.get(item.link_id)
        entries = [e for e in raw if isinstance(e, Entry)] if isinstance(raw, list) else []
        if entries:
            out[item.link_id] = [
                Entry(entry.value, _active(item.items, entry.answers, (*path, index), state))
                for index, entry in enumerate(entries)
            ]
        return
    if found:
        out[item.link_id] = list(found) if item.repeats else found[0]
    for child in item.items:
        _active_item(child, scope, path, state, out)
