"""Evaluate the FHIRPath subset of :mod:`kiosk.questionnaire.fhirpath`.

Values are collections (Python lists) of JSON-like nodes: dicts, strings, booleans, ints,
``Decimal`` numbers, and the engine's own answer values (dates, ``Coding``, ``Quantity``).
A ``float`` met in the JSON is taken by its shortest repr. Where FHIRPath would signal
an error (a collection where one value is needed, adding text to a number), the evaluator
raises :class:`EvalError`; callers treat that as "no value".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from kiosk.questionnaire.fhirpath import (
    Binary,
    Call,
    Constant,
    Expression,
    Index,
    Literal,
    Member,
    Negate,
    Node,
    Special,
)
from kiosk.questionnaire.model import Coding, PartialDate, Quantity
from kiosk.questionnaire.values import compare, is_number

Collection = list[Any]
MAX_ELEMENTS = 100_000
"""``repeat()``/``descendants()`` stop with an error beyond this many nodes."""


class EvalError(ValueError):
    """The expression cannot be evaluated on these values."""


@dataclass(frozen=True)
class Environment:
    """What an expression can reach besides its input."""

    constant: Callable[[str], Collection]
    """The value of ``%name``; raises ``KeyError`` for an unknown name."""
    weight: Callable[[object], Decimal | None] = lambda value: None
    """The ordinalValue/itemWeight of an answer value, for ``weight()``."""


@dataclass(frozen=True, slots=True)
class _Frame:
    this: Collection
    index: int | None = None
    total: Collection | None = None


def evaluate(expression: Expression, focus: Collection, env: Environment) -> Collection:
    """The result of *expression* on *focus*; raises :class:`EvalError`."""
    try:
        return _Evaluator(env).eval(expression.root, focus, _Frame(focus))
    except (InvalidOperation, OverflowError, RecursionError) as error:
        raise EvalError(str(error)) from None


def _has_part(element: object, name: str) -> bool:
    """Whether *name* is a field of an engine Coding or Quantity *element*."""
    if isinstance(element, Coding):
        return name in ("system", "code", "display")
    return isinstance(element, Quantity) and name in ("value", "unit", "system", "code")


def _flat(value: object, out: Collection) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for element in value:
            _flat(element, out)
    elif isinstance(value, float):
        out.append(Decimal(repr(value)))
    else:
        out.append(value)


def _plain(value: object) -> object:
    """Codings and quantities as the dicts FHIRPath sees, for equality."""
    if isinstance(value, Coding):
        return {k: v for k, v in (("system", value.system), ("code", value.code),
                                  ("display", value.display)) if v is not None}  # fmt: skip
    if isinstance(value, Quantity):
        parts = (("value", value.value), ("unit", value.unit), ("system", value.system),
                 ("code", value.code))  # fmt: skip
        return {k: v for k, v in parts if v is not None}
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _equal(a: object, b: object) -> bool:
    a, b = _plain(a), _plain(b)
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _single(collection: Collection) -> object:
    if len(collection) != 1:
        raise EvalError("expected a single value")
    return collection[0]


def _truth(collection: Collection) -> bool | None:
    """Singleton evaluation as a Boolean: empty is unknown, one non-Boolean value is true."""
    if not collection:
        return None
    value = _single(collection)
    return value if isinstance(value, bool) else True


def _number(collection: Collection) -> int | Decimal | None:
    if not collection:
        return None
    value = _single(collection)
    if not is_number(value):
        raise EvalError("expected a number")
    assert isinstance(value, int | Decimal)
    return value


class _Evaluator:
    def __init__(self, env: Environment) -> None:
        self.env = env

    def eval(self, node: Node, focus: Collection, frame: _Frame) -> Collection:
        if isinstance(node, Literal):
            return [] if node.value is None else [node.value]
        if isinstance(node, Constant):
            try:
                return list(self.env.constant(node.name))
            except KeyError:
                raise EvalError(f"unknown %{node.name}") from None
        if isinstance(node, Special):
            if node.name == "this":
                return list(frame.this)
            if node.name == "index":
                return [] if frame.index is None else [frame.index]
            return list(frame.total or [])
        if isinstance(node, Member):
            base = focus if node.target is None else self.eval(node.target, focus, frame)
            return self.member(base, node.name)
        if isinstance(node, Call):
            base = focus if node.target is None else self.eval(node.target, focus, frame)
            return self.call(node, base, frame)
        if isinstance(node, Index):
            base = self.eval(node.target, focus, frame)
            position = _number(self.eval(node.index, focus, frame))
            if not isinstance(position, int) or position < 0 or position >= len(base):
                return []
            return [base[position]]
        if isinstance(node, Negate):
            value = _number(self.eval(node.operand, focus, frame))
            return [] if value is None else [-value]
        assert isinstance(node, Binary)
        return self.binary(node, focus, frame)

    # -- paths ---------------------------------------------------------------------------

    @staticmethod
    def member(base: Collection, name: str) -> Collection:
        out: Collection = []
        for element in base:
            if isinstance(element, dict):
                if name in element:
                    _flat(element[name], out)
                elif element.get("resourceType") == name:
                    out.append(element)
                else:  # a choice type: "value" finds "valueCoding", "valueDecimal", ...
                    size = len(name)
                    for key, value in element.items():
                        if key.startswith(name) and len(key) > size and key[size].isupper():
                            _flat(value, out)
            elif _has_part(element, name):
                _flat(getattr(element, name), out)
        return out

    # -- operators -----------------------------------------------------------------------

    def binary(self, node: Binary, focus: Collection, frame: _Frame) -> Collection:
        op = node.op
        left = self.eval(node.left, focus, frame)
        if op in ("and", "or", "implies"):
            return self.logic(op, left, node, focus, frame)
        right = self.eval(node.right, focus, frame)
        if op == "xor":
            a, b = _truth(left), _truth(right)
            return [] if a is None or b is None else [a != b]
        if op == "|":
            out: Collection = []
            for value in left + right:
                if not any(_equal(value, seen) for seen in out):
                    out.append(value)
            return out
        if op in ("=", "!="):
            if not left or not right:
                return []
            same = len(left) == len(right) and all(
                _equal(a, b) for a, b in zip(left, right, strict=True)
            )
            return [same if op == "=" else not same]
        if op in ("~", "!~"):
            same = len(left) == len(right) and all(
                _equivalent(a, b) for a, b in zip(left, right, strict=True)
            )
            return [same if op == "~" else not same]
        if op in ("<", ">", "<=", ">="):
            if not left or not right:
                return []
            order = compare(_plain(_single(left)), _plain(_single(right)))
            if order is None:
                return []
            return [{"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]]
        if op in ("in", "contains"):
            needle, haystack = (left, right) if op == "in" else (right, left)
            if not needle:
                return []
            value = _single(needle)
            return [any(_equal(value, other) for other in haystack)]
        if op == "&":
            texts = [_text(side) for side in (left, right)]
            return ["".join(texts)]
        return _arithmetic(op, left, right)

    def logic(
        self, op: str, left: Collection, node: Binary, focus: Collection, frame: _Frame
    ) -> Collection:
        a = _truth(left)
        if op == "and" and a is False:
            return [False]
        if op == "or" and a is True:
            return [True]
        if op == "implies" and a is False:
            return [True]
        b = _truth(self.eval(node.right, focus, frame))
        if op == "and":
            if b is False:
                return [False]
            return [True] if a and b else []
        if op == "or":
            if b is True:
                return [True]
            return [False] if a is False and b is False else []
        if b is True:  # implies, with a true or unknown
            return [True]
        return [False] if a is True and b is False else []

    # -- functions -----------------------------------------------------------------------

    def call(self, node: Call, base: Collection, frame: _Frame) -> Collection:
        name, args = node.name, node.args

        def each(arg_index: int, element: object, position: int) -> Collection:
            element_frame = _Frame([element], position, frame.total)
            return self.eval(args[arg_index], [element], element_frame)

        if name == "where":
            return [e for i, e in enumerate(base) if _truth(each(0, e, i))]
        if name == "select":
            return [value for i, e in enumerate(base) for value in each(0, e, i)]
        if name == "exists":
            if args:
                return [any(_truth(each(0, e, i)) for i, e in enumerate(base))]
            return [bool(base)]
        if name == "all":
            return [all(_truth(each(0, e, i)) for i, e in enumerate(base))]
        if name == "repeat":
            return self.repeat(base, lambda e, i: each(0, e, i))
        if name == "iif":
            condition = _truth(self.eval(args[0], base, _Frame(base, None, frame.total)))
            if condition:
                return self.eval(args[1], base, _Frame(base, None, frame.total))
            if len(args) == 3:
                return self.eval(args[2], base, _Frame(base, None, frame.total))
            return []
        if name == "aggregate":
            total = self.eval(args[1], base, frame) if len(args) == 2 else []
            for i, element in enumerate(base):
                total = self.eval(args[0], [element], _Frame([element], i, total))
            return total
        values = [self.eval(arg, frame.this, frame) for arg in args]
        return _function(name, base, values, self.env)

    @staticmethod
    def repeat(base: Collection, step: Callable[[object, int], Collection]) -> Collection:
        out: Collection = []
        seen: set[int] = set()
        queue = list(base)
        while queue:
            current = queue.pop(0)
            for value in step(current, 0):
                key = id(value)
                if isinstance(value, dict | list):
                    if key in seen:
                        continue
                    seen.add(key)
                elif any(_equal(value, other) for other in out):
                    continue
                out.append(value)
                queue.append(value)
                if len(out) > MAX_ELEMENTS:
                    raise EvalError("too many elements")
        return out


def _equivalent(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
    if is_number(a) and is_number(b):
        return a == b
    return _equal(a, b)


def _text(collection: Collection) -> str:
    if not collection:
        return ""
    value = _single(collection)
    if not isinstance(value, str):
        raise EvalError("expected text")
    return value


def _arithmetic(op: str, left: Collection, right: Collection) -> Collection:
    if not left or not right:
        return []
    a, b = _single(left), _single(right)
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return [a + b]
    if not (is_number(a) and is_number(b)):
        raise EvalError(f"'{op}' needs numbers")
    assert isinstance(a, int | Decimal)
    assert isinstance(b, int | Decimal)
    if op == "+":
        return [a + b]
    if op == "-":
        return [a - b]
    if op == "*":
        return [a * b]
    if b == 0:
        return []  # division by zero is empty in FHIRPath
    if op == "/":
        return [Decimal(a) / Decimal(b)]
    if op == "div":
        quotient = Decimal(a) / Decimal(b)
        return [int(quotient)]
    result = Decimal(a) % Decimal(b)  # mod: the sign follows the dividend, as in FHIRPath
    return [int(result) if isinstance(a, int) and isinstance(b, int) else result]


def _function(name: str, base: Collection, args: list[Collection], env: Environment) -> Collection:
    if name == "empty":
        return [not base]
    if name == "count":
        return [len(base)]
    if name == "not":
        truth = _truth(base)
        return [] if truth is None else [not truth]
    if name == "first":
        return base[:1]
    if name == "last":
        return base[-1:]
    if name == "tail":
        return base[1:]
    if name in ("skip", "take"):
        amount = _number(args[0])
        if not isinstance(amount, int):
            raise EvalError(f"{name}() needs a whole number")
        return base[max(amount, 0) :] if name == "skip" else base[: max(amount, 0)]
    if name == "distinct":
        out: Collection = []
        for value in base:
            if not any(_equal(value, seen) for seen in out):
                out.append(value)
        return out
    if name in ("sum", "min", "max", "avg"):
        return _aggregate(name, base)
    if name in ("weight", "ordinal"):
        weights = [env.weight(value) for value in base]
        return [weight for weight in weights if weight is not None]
    if name == "children":
        out = []
        for value in base:
            if isinstance(value, dict):
                for child in value.values():
                    _flat(child, out)
        return out
    if name == "descendants":
        return _Evaluator.repeat(base, lambda e, i: _function("children", [e], [], env))
    if name == "hasValue":
        return [len(base) == 1 and not isinstance(base[0], dict)]
    if not base:
        return []
    value = _single(base)
    if name == "length":
        if not isinstance(value, str):
            raise EvalError("length() needs text")
        return [len(value)]
    if name == "toString":
        return [_to_string(value)]
    if name == "toDecimal":
        return _to_decimal(value)
    if name == "toInteger":
        return _to_integer(value)
    if not is_number(value):
        raise EvalError(f"{name}() needs a number")
    assert isinstance(value, int | Decimal)
    if name == "abs":
        return [abs(value)]
    if name in ("floor", "ceiling"):
        rounding = ROUND_FLOOR if name == "floor" else ROUND_CEILING
        return [int(Decimal(value).to_integral_value(rounding=rounding))]
    precision = _number(args[0]) if args else 0
    if not isinstance(precision, int) or precision < 0:
        raise EvalError("round() needs a whole number of places")
    return [Decimal(value).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)]


def _aggregate(name: str, base: Collection) -> Collection:
    if not all(is_number(value) for value in base):
        raise EvalError(f"{name}() needs numbers")
    if name == "sum":
        return [sum(base, 0)]
    if not base:
        return []
    if name == "min":
        return [min(base)]
    if name == "max":
        return [max(base)]
    return [Decimal(sum(base, 0)) / len(base)]


def _to_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time | PartialDate):
        return value.isoformat()
    if isinstance(value, str | int | Decimal):
        return str(value)
    raise EvalError("toString() needs a primitive value")


def _to_decimal(value: object) -> Collection:
    if isinstance(value, bool):
        return [Decimal(int(value))]
    if is_number(value):
        assert isinstance(value, int | Decimal)
        return [Decimal(value)]
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return []
        return [number] if number.is_finite() else []
    return []


def _to_integer(value: object) -> Collection:
    if isinstance(value, bool):
        return [int(value)]
    if isinstance(value, int):
        return [value]
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return [int(value)]
    return []
