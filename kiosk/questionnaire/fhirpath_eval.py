"""Evaluate questionnaire expressions with fhirpathpy (the port of fhirpath.js).

Results come back as plain values: strings, booleans, ints, ``Decimal`` numbers, JSON
objects (dicts), quantities as ``{"value", "unit", "code"}`` dicts and dates, times and
date-times as their ISO text. Where FHIRPath signals an error (or fhirpathpy lacks
something), :func:`evaluate` raises :class:`EvalError`; callers treat that as "no value".

The engine adds what fhirpath.js adds for SDC forms: ``weight()``/``ordinal()`` (an
answer's ordinalValue, from the questionnaire's options), ``answers()`` (every answer in a
response), and aggregates (``sum``, ``min``, ``max``, ``avg``) that work on response data.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from kiosk.questionnaire.fhirpath import LINK_ID_STEP, Expression, FhirPathError

Collection = list[Any]


class EvalError(ValueError):
    """The expression cannot be evaluated on these values."""


@dataclass(frozen=True)
class Environment:
    """What an expression can reach besides its focus."""

    variables: Mapping[str, Collection] = field(default_factory=dict)
    """``%name`` -> its value (``%resource``, ``%context``, ``%questionnaire``, variables...)."""
    weight: Callable[[object], Decimal | None] = lambda value: None
    """The ordinalValue/itemWeight of an answer value, for ``weight()`` and ``ordinal()``."""


@cache
def _model() -> dict[str, Any]:
    from fhirpathpy.models import models

    return models["r4"]


def evaluate(
    expression: Expression, focus: Any, env: Environment, *, typed: bool = False
) -> Collection:
    """The result of *expression* on *focus* (a JSON object or a list of them).

    With *typed*, values keep fhirpathpy's own form (a Quantity answer stays a Quantity):
    for variables, whose values other expressions use."""
    from fhirpathpy import apply_parsed_path

    _register_link_id_step()
    try:
        tree = expression.evaluation_tree()
    except FhirPathError as error:
        raise EvalError(str(error)) from None
    options = {"userInvocationTable": _functions(env.weight), "returnRawData": True}
    variables = dict(env.variables)
    if "context" in variables:
        variables["context"] = [_typed(value) for value in variables["context"]]
    try:
        result = apply_parsed_path(_typed(focus), tree, variables, _model(), options)
    except Exception as error:  # fhirpathpy raises plain exceptions
        raise EvalError(str(error)) from None
    out: Collection = []
    _flat(result, out, typed)
    return out


@cache
def _register_link_id_step() -> None:
    """Teach fhirpathpy's evaluator the engine's ``where(linkId = '...')`` node."""
    from fhirpathpy.engine.evaluators import evaluators

    evaluators.setdefault(LINK_ID_STEP, link_id_step)


def link_id_step(ctx: dict[str, Any], data: object, node: dict[str, Any]) -> list[Any]:
    """``where(linkId = 'literal')`` (a :data:`LINK_ID_STEP` node) on *data*, as fhirpathpy's
    ``where`` does it: the elements whose ``linkId`` is the literal, with ``$this`` and
    ``$index`` left at the last element as its criterion leaves them."""
    from fhirpathpy.engine import util
    from fhirpathpy.engine.nodes import ResourceNode

    if not isinstance(data, list):
        return []
    wanted = node["linkId"]
    found = []
    for element in data:
        content = element.data if isinstance(element, ResourceNode) else element
        if isinstance(content, dict) and content.get("linkId") == wanted:
            found.append(element)
    if data:
        ctx["$index"] = len(data) - 1
        ctx["$this"] = util.arraify(data[-1])
    return list(util.flatten(found))


def _typed(value: Any) -> Any:
    """A response item (a JSON object with a linkId) typed as one, so that ``answer.value``
    finds ``valueCoding``... (a resource carries its type in ``resourceType``)."""
    from fhirpathpy.engine.nodes import ResourceNode

    if isinstance(value, dict) and "linkId" in value and "resourceType" not in value:
        return ResourceNode.create_node(value, "QuestionnaireResponse.item")
    return value


def _flat(value: object, out: Collection, typed: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, list | tuple):
        for element in value:
            _flat(element, out, typed)
        return
    out.append(value if typed else plain(value))


def plain(value: object) -> Any:
    """A fhirpathpy value as a plain one."""
    from fhirpathpy.engine.nodes import FP_Quantity, FP_TimeBase, ResourceNode

    if isinstance(value, ResourceNode):
        return plain(value.data)
    if isinstance(value, FP_Quantity):
        number = Decimal(str(value.value))
        unit = value.unit.strip("'") if isinstance(value.unit, str) else None
        return {"value": number, "unit": unit, "code": unit, "system": "http://unitsofmeasure.org"}
    if isinstance(value, FP_TimeBase):
        return str(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _numbers(inputs: list[Any]) -> list[Decimal | int]:
    numbers: list[Decimal | int] = []
    for value in inputs:
        value = plain(value)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise ValueError("not a number")
        numbers.append(value)
    return numbers


def _sum(inputs: list[Any]) -> list[Any]:
    numbers = _numbers(inputs)
    return [sum(numbers)] if numbers else [0]


def _min(inputs: list[Any]) -> list[Any]:
    numbers = _numbers(inputs)
    return [min(numbers)] if numbers else []


def _max(inputs: list[Any]) -> list[Any]:
    numbers = _numbers(inputs)
    return [max(numbers)] if numbers else []


def _avg(inputs: list[Any]) -> list[Any]:
    numbers = _numbers(inputs)
    try:
        return [Decimal(sum(numbers)) / len(numbers)] if numbers else []
    except InvalidOperation:
        return []


def _answers(inputs: list[Any]) -> list[Any]:
    """Every ``answer`` under the given responses or items, answers nested in answers too
    (typed as QuestionnaireResponse answers, so that ``value`` finds ``valueCoding``...)."""
    from fhirpathpy.engine.nodes import ResourceNode

    return [
        ResourceNode.create_node(answer, "QuestionnaireResponse.item.answer")
        for answer in _answer_objects(inputs)
    ]


def _answer_objects(inputs: list[Any]) -> list[Any]:
    found: list[Any] = []
    stack = [plain(value) for value in reversed(inputs)]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        given = node.get("answer")
        answers: list[Any] = given if isinstance(given, list) else []
        for answer in answers:
            if isinstance(answer, dict):
                found.append(answer)
        children: list[Any] = []
        for answer in answers:
            if isinstance(answer, dict) and isinstance(answer.get("item"), list):
                children.extend(answer["item"])
        if isinstance(node.get("item"), list):
            children = [*node["item"], *children]
        stack.extend(reversed(children))
    return found


def _functions(weight: Callable[[object], Decimal | None]) -> dict[str, Any]:
    def weights(inputs: list[Any]) -> list[Any]:
        found = []
        for value in inputs:
            value = plain(value)
            if isinstance(value, dict) and "value" not in value and "code" not in value:
                value = next((v for k, v in value.items() if k.startswith("value")), value)
            found_weight = weight(value)
            if found_weight is not None:
                found.append(found_weight)
        return found

    zero: dict[int, list[str]] = {0: []}
    return {
        "weight": {"fn": weights, "arity": zero},
        "ordinal": {"fn": weights, "arity": zero},
        "answers": {"fn": _answers, "arity": zero},
        "sum": {"fn": _sum, "arity": zero},
        "min": {"fn": _min, "arity": zero},
        "max": {"fn": _max, "arity": zero},
        "avg": {"fn": _avg, "arity": zero},
    }
