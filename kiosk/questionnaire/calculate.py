"""calculatedExpression and initialExpression: answers computed from FHIRPath.

Expressions (evaluated by fhirpathpy, :mod:`kiosk.questionnaire.fhirpath_eval`) see
``%resource`` (the QuestionnaireResponse as the answers stand, built leniently),
``%questionnaire`` (the questionnaire's JSON), ``%context`` (the response, or inside a
repeating group the entry the item belongs to, which is also the focus), ``%qitem`` (the
item's own JSON), ``%ucum``/``%loinc``/``%sct``, the questionnaire's and the item's (and its
ancestors') ``variable`` extensions in document order, and the SDC launch contexts, which
are always empty at a lobby terminal (so are variables that are FHIR queries). Items inside
repeating groups are computed per entry.

Each expression is evaluated only when one of its inputs changed: the answers to the
linkIds it (or a variable it can see) names, or any answer when it does not name them
(:meth:`~kiosk.questionnaire.fhirpath.Expression.link_ids`). A result that does not fit the
item (wrong type, out of range, several values for an item that does not repeat) or an
evaluation error leaves the item without an answer.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kiosk.questionnaire.answers import (
    Answers,
    Path,
    fill_initial,
    initial_answers,
    paths_of,
    scope_at,
    set_values,
    values_of,
)
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.fhirpath import BUILTIN_CONSTANTS, Expression
from kiosk.questionnaire.fhirpath_eval import Collection, Environment, EvalError, evaluate
from kiosk.questionnaire.model import (
    AnswerOption,
    AnswerValue,
    Coding,
    Item,
    ItemType,
    Quantity,
    Questionnaire,
)
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

_STATIC_NAMES = frozenset({"questionnaire", "qitem", *BUILTIN_CONSTANTS})
"""``%names`` whose value does not change while a form is filled in."""

MAX_ROUNDS = 10
"""Calculated items may feed each other; recomputing stops once nothing changes or here."""


def fresh_answers(questionnaire: Questionnaire) -> Answers:
    """The answers a visit starts with: initial values, initialExpressions, calculations."""
    answers: Answers = VisitAnswers(initial_answers(questionnaire))
    expressions = [item for item in questionnaire.all_items() if item.initial_expression]
    if expressions:
        evaluation = Evaluation(questionnaire, answers)
        for item in expressions:
            if item.initials:
                continue  # the loader warns about both; the initial values win
            assert item.initial_expression is not None
            for path in list(paths_of(questionnaire, item.link_id, answers)):
                scope = scope_at(questionnaire, item.link_id, answers, path)
                values = evaluation.answers_for(item, item.initial_expression, path)
                if values and scope is not None:
                    set_values(item, scope, values)
                    if item.is_container:
                        for entry in scope[item.link_id]:
                            fill_initial(item.items, entry.answers)
    apply_calculations(questionnaire, answers)
    return answers


class VisitAnswers(dict):  # type: ignore[type-arg]
    """The answers of one visit, carrying the engine's memo of expression results.

    The memo (the answers an expression read, and what it gave) is personal data: it lives
    and dies with the visit's answers, never with the questionnaire, which visits share.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine_memo: dict[str, dict[Any, Any]] = {}

    def clear(self) -> None:
        """Forget the answers and the memo (a visit's ``wipe``)."""
        super().clear()
        self.engine_memo.clear()


def memo_of(answers: Answers) -> dict[str, dict[Any, Any]]:
    """The memo of *answers* (a fresh one, for this call only, for plain dicts)."""
    found = getattr(answers, "engine_memo", None)
    return found if isinstance(found, dict) else {}


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


def has_calculations(questionnaire: Questionnaire) -> bool:
    return any(item.calculated is not None for item in questionnaire.all_items())


def apply_calculations(questionnaire: Questionnaire, answers: Answers) -> set[str]:
    """Set each calculated item's answer (per entry inside repeating groups) from its
    expression, until nothing changes. Returns the linkIds whose answers changed."""
    calculated = [item for item in questionnaire.all_items() if item.calculated is not None]
    changed: set[str] = set()
    if not calculated:
        return changed
    memo = memo_of(answers).setdefault("calculated", {})
    for _round in range(MAX_ROUNDS):
        evaluation = Evaluation(questionnaire, answers)
        changed_now = False
        for item in calculated:
            assert item.calculated is not None
            for path in list(paths_of(questionnaire, item.link_id, answers)):
                scope = scope_at(questionnaire, item.link_id, answers, path)
                if scope is None:
                    continue
                key = (item.link_id, path)
                fingerprint = evaluation.fingerprint(item, path)
                remembered = memo.get(key)
                if fingerprint is not None and remembered and remembered[0] == fingerprint:
                    values = remembered[1]
                else:
                    values = evaluation.answers_for(item, item.calculated, path)
                    memo[key] = (fingerprint, values)
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


class Evaluation:
    """One state of the answers: the response built once, variables evaluated once each."""

    def __init__(
        self, questionnaire: Questionnaire, answers: Answers, state: EnableState | None = None
    ) -> None:
        self.questionnaire = questionnaire
        self.answers = answers
        self.state = state or EnableState(questionnaire, answers)
        self.resource: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": questionnaire.canonical(),
            "status": "in-progress",
            "item": response_items(questionnaire, answers, self.state, lenient=True),
        }
        self._scopes: dict[tuple[str | None, Path], dict[str, Collection]] = {}
        self._weight = weight_lookup(questionnaire)
        self._index: dict[str, list[Any]] | None = None
        self._resolving: set[str] = set()

    # -- what an expression sees -------------------------------------------------------

    def context(self, item: Item, path: Path) -> dict[str, Any]:
        """``%context`` (and the focus) of *item*'s expressions: its own response item at
        *path*, built leniently (for a repeating group, the entry at *path*), as SDC and
        Smart Forms have it; it holds only the ``linkId`` when there is nothing to write."""
        from kiosk.questionnaire.response import _Builder

        builder = _Builder(self.state, lenient=True)
        own = path[: len(self.questionnaire.containers_of(item.link_id))]
        if item.is_container and len(path) > len(own):  # one entry of a repeating item
            scope = scope_at(self.questionnaire, item.link_id, self.answers, own)
            entry = {} if scope is None else _instance_items(item, scope, path[len(own)])
            return {"linkId": item.link_id, "item": builder.items(item.items, entry, path)}
        scope = scope_at(self.questionnaire, item.link_id, self.answers, own)
        if scope is None:
            return {"linkId": item.link_id}
        if item.type is ItemType.GROUP and not item.repeats:
            return {"linkId": item.link_id, "item": builder.items(item.items, scope, own)}
        written = builder.items((item,), scope, own)
        return written[0] if written else {"linkId": item.link_id}

    def names(self, item: Item | None, path: Path) -> dict[str, Collection]:
        """The ``%names`` an expression on *item* at *path* sees (variables evaluated once)."""
        key = (item.link_id if item is not None else None, path)
        found = self._scopes.get(key)
        if found is not None:
            return found
        if item is None:
            names: dict[str, Collection] = {
                "resource": [self.resource],
                "context": [self.resource],
                "questionnaire": [self.questionnaire.raw] if self.questionnaire.raw else [],
            }
            names.update({name: [url] for name, url in BUILTIN_CONSTANTS.items()})
            names.update({name: [] for name in self.questionnaire.launch_contexts})
            own = self.questionnaire.variables
            focus: Any = self.resource
        else:
            parent = self.questionnaire.parent_of(item.link_id)
            if parent is None:
                names = dict(self.names(None, ()))
            else:
                depth = len(self.questionnaire.containers_of(parent.link_id))
                depth += 1 if parent.is_container else 0
                names = dict(self.names(parent, path[:depth]))
            context = self.context(item, path)
            names["context"] = [context]
            raw = raw_item(self.questionnaire, item.link_id)
            names["qitem"] = [raw] if raw is not None else []
            own = item.variables
            focus = context
        memo = memo_of(self.answers).setdefault("variables", {})
        inputs: dict[str, frozenset[str] | None] = {}
        for variable in own:
            expression = variable.expression
            needs = expression.link_ids()
            for name in expression.constants & inputs.keys():
                needs = None if needs is None or inputs[name] is None else needs | inputs[name]
            outer = expression.constants - inputs.keys() - _STATIC_NAMES
            if outer - {"resource", "context", *self.questionnaire.launch_contexts}:
                needs = None  # reads an outer or another item's variable: always evaluated
            inputs[variable.name] = needs
            fingerprint = self._answers_text(needs, path)
            remembered = memo.get((key, variable.name))
            if fingerprint is not None and remembered and remembered[0] == fingerprint:
                names[variable.name] = remembered[1]
                continue
            names[variable.name] = self._value(expression, focus, names, item, typed=True)
            memo[(key, variable.name)] = (fingerprint, names[variable.name])
        self._scopes[key] = names
        return names

    def _answers_text(self, link_ids: frozenset[str] | None, path: Path) -> str | None:
        """The answers to *link_ids* as text (``None`` for "any answer")."""
        if link_ids is None:
            return None
        if self._index is None:
            self._index = _by_link_id(self.resource["item"])
        found = {link_id: self._index.get(link_id, []) for link_id in sorted(link_ids)}
        return json.dumps([path, found], default=str, sort_keys=True)

    def _value(
        self,
        expression: Expression,
        focus: Any,
        names: dict[str, Collection],
        item: Item | None,
        *,
        typed: bool = False,
    ) -> Collection:
        missing = (expression.constants - names.keys()) & _variable_owners(
            self.questionnaire
        ).keys()
        if missing:
            names = {**names, **{name: self._elsewhere(name) for name in missing}}
        try:
            return evaluate(expression, focus, Environment(names, self._weight), typed=typed)
        except EvalError:
            log.info("an expression of %s gave no value", item.link_id if item else "the form")
            return []

    def _elsewhere(self, name: str) -> Collection:
        """A variable of another item (Smart Forms allows that), as at its first entry;
        empty when there is none or it depends on itself."""
        if name in self._resolving:
            return []
        owner = _variable_owners(self.questionnaire).get(name)
        if owner is None:
            return []
        self._resolving.add(name)
        try:
            depth = len(self.questionnaire.containers_of(owner))
            return self.names(self.questionnaire.item(owner), (0,) * depth).get(name, [])
        finally:
            self._resolving.discard(name)

    def value_of(
        self, expression: Expression, names: dict[str, Collection], item: Item | None
    ) -> Collection:
        """*expression* evaluated with *names* on their ``%context``."""
        return self._value(expression, names["context"][0], names, item)

    def evaluate(self, item: Item, expression: Expression, path: Path) -> Collection:
        """*expression* (one of *item*'s) evaluated for the entry at *path*."""
        names = self.names(item, path)
        return self._value(expression, names["context"][0], names, item)

    def answers_for(self, item: Item, expression: Expression, path: Path) -> list[AnswerValue]:
        """The answers *expression* gives *item* at *path*; ``[]`` when nothing usable."""
        return to_answers(item, self.evaluate(item, expression, path))

    # -- inputs --------------------------------------------------------------------------

    def fingerprint(self, item: Item, path: Path) -> str | None:
        """The answers *item*'s calculation reads, as text; ``None`` when it may read any."""
        return self._answers_text(expression_inputs(self.questionnaire, item), path)


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


def expression_inputs(questionnaire: Questionnaire, item: Item) -> frozenset[str] | None:
    """The linkIds whose answers *item*'s calculation (with every variable it can see)
    reads; ``None`` when it may read any. Kept per questionnaire."""
    cache: dict[str, frozenset[str] | None] = questionnaire.runtime.setdefault("inputs", {})
    if item.link_id in cache:
        return cache[item.link_id]
    variables = list(questionnaire.variables)
    for ancestor in reversed(list(questionnaire.ancestors(item.link_id))):
        variables.extend(ancestor.variables)
    variables.extend(item.variables)
    expressions = [variable.expression for variable in variables]
    if item.calculated is not None:
        expressions.append(item.calculated)
    known = {variable.name for variable in variables} | _STATIC_NAMES
    known |= {"resource", "context", *questionnaire.launch_contexts}
    inputs: set[str] = set()
    result: frozenset[str] | None = None
    for expression in expressions:
        named = expression.link_ids()
        if named is None or expression.constants - known:  # another item's variable
            break
        inputs |= named
    else:
        result = frozenset(inputs)
    cache[item.link_id] = result
    return result


def _variable_owners(questionnaire: Questionnaire) -> dict[str, str]:
    """Variable name -> the linkId of the first item that defines it."""
    owners: dict[str, str] | None = questionnaire.runtime.get("owners")
    if owners is None:
        owners = {}
        for item in questionnaire.all_items():
            for variable in item.variables:
                owners.setdefault(variable.name, item.link_id)
        questionnaire.runtime["owners"] = owners
    return owners


def _instance_items(container: Item, scope: Answers, index: int) -> Answers:
    raw = scope.get(container.link_id)
    if not isinstance(raw, list) or not 0 <= index < len(raw):
        return {}
    entry = raw[index]
    return entry if isinstance(entry, dict) else getattr(entry, "answers", {})


def _by_link_id(items: list[Any]) -> dict[str, list[Any]]:
    """Every response item (and answer) by linkId, wherever it is nested."""
    found: dict[str, list[Any]] = {}
    stack: list[Any] = list(items)
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("linkId"), str):
            found.setdefault(node["linkId"], []).append(node.get("answer"))
        stack.extend(node.get("item") or [])
        for answer in node.get("answer") or []:
            if isinstance(answer, dict):
                stack.extend(answer.get("item") or [])
    return found


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
            if is_number(raw):  # a score: the number in the item's own unit
                unit = item.units[0] if len(item.units) == 1 else None
                return Quantity(
                    Decimal(raw),  # type: ignore[arg-type]
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
