"""A FHIRPath subset for calculatedExpression, initialExpression and variables: the parser.

Everything outside the subset is a :class:`FhirPathError` at load time, so a questionnaire
is refused rather than computed wrongly. The subset (documented in the README):

* literals: ``'strings'``, numbers, ``true``/``false``, the empty collection ``{}``;
* ``%variables`` (``%resource``, ``%questionnaire``, ``%context``, ``%qitem``, named
  ``variable`` extensions, launch contexts, ``%ucum``/``%loinc``/``%sct``), ``$this``,
  ``$index``, ``$total``;
* paths (``item.answer.value``, with FHIR choice types: ``value`` finds ``valueCoding``),
  indexers ``[n]``;
* operators ``* / div mod + - & | = != ~ !~ < > <= >= in contains and or xor implies``
  and unary ``-``;
* the functions in :data:`FUNCTIONS`.

Evaluation is in :mod:`kiosk.questionnaire.fhirpath_eval`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kiosk.i18n import _


class FhirPathError(ValueError):
    """The expression is not in the supported subset; ``str()`` is a localized reason."""


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    min_args: int
    max_args: int
    lazy: bool = False
    """Arguments are evaluated per element of the input (``where``, ``select``, ...)."""


FUNCTIONS: dict[str, FunctionSpec] = {
    "empty": FunctionSpec(0, 0),
    "exists": FunctionSpec(0, 1, lazy=True),
    "all": FunctionSpec(1, 1, lazy=True),
    "count": FunctionSpec(0, 0),
    "not": FunctionSpec(0, 0),
    "where": FunctionSpec(1, 1, lazy=True),
    "select": FunctionSpec(1, 1, lazy=True),
    "repeat": FunctionSpec(1, 1, lazy=True),
    "first": FunctionSpec(0, 0),
    "last": FunctionSpec(0, 0),
    "tail": FunctionSpec(0, 0),
    "skip": FunctionSpec(1, 1),
    "take": FunctionSpec(1, 1),
    "distinct": FunctionSpec(0, 0),
    "iif": FunctionSpec(2, 3, lazy=True),
    "sum": FunctionSpec(0, 0),
    "min": FunctionSpec(0, 0),
    "max": FunctionSpec(0, 0),
    "avg": FunctionSpec(0, 0),
    "aggregate": FunctionSpec(1, 2, lazy=True),
    "toDecimal": FunctionSpec(0, 0),
    "toInteger": FunctionSpec(0, 0),
    "toString": FunctionSpec(0, 0),
    "round": FunctionSpec(0, 1),
    "abs": FunctionSpec(0, 0),
    "floor": FunctionSpec(0, 0),
    "ceiling": FunctionSpec(0, 0),
    "length": FunctionSpec(0, 0),
    "weight": FunctionSpec(0, 0),
    "ordinal": FunctionSpec(0, 0),
    "children": FunctionSpec(0, 0),
    "descendants": FunctionSpec(0, 0),
    "hasValue": FunctionSpec(0, 0),
}
"""The supported functions (``sum``, ``min``, ``max``, ``avg``, ``weight`` and ``ordinal``
are the SDC and fhirpath.js additions that scoring forms use)."""

BUILTIN_CONSTANTS: dict[str, str] = {
    "ucum": "http://unitsofmeasure.org",
    "loinc": "http://loinc.org",
    "sct": "http://snomed.info/sct",
}

STANDARD_NAMES = frozenset({"resource", "questionnaire", "context", "qitem", *BUILTIN_CONSTANTS})
"""``%names`` every expression may use (besides variables and launch contexts)."""

# -- the syntax tree ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    value: object  # None: the empty collection


@dataclass(frozen=True, slots=True)
class Constant:
    name: str  # %name


@dataclass(frozen=True, slots=True)
class Special:
    name: str  # this, index or total


@dataclass(frozen=True, slots=True)
class Member:
    target: Node | None  # None: on $this
    name: str


@dataclass(frozen=True, slots=True)
class Call:
    target: Node | None
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Index:
    target: Node
    index: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Node


Node = Literal | Constant | Special | Member | Call | Index | Binary | Negate


@dataclass(frozen=True)
class Expression:
    """A parsed expression, with the ``%names`` and functions it uses."""

    source: str
    root: Node
    constants: frozenset[str]
    functions: frozenset[str]


# -- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<delimited>`(?:[^`\\]|\\.)*`)
  | (?P<constant>%(?:[A-Za-z_][A-Za-z0-9_]*|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`))
  | (?P<special>\$(?:this|index|total))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|!~|[-+*/&|=~<>(),.\[\]{}])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"'": "'", '"': '"', "`": "`", "\\": "\\", "/": "/", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t"}  # fmt: skip
_KEYWORD_OPS = frozenset({"and", "or", "xor", "implies", "div", "mod", "in", "contains"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    position: int


def _unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        following = body[i + 1 : i + 2]
        if following == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif following in _ESCAPES:
            out.append(_ESCAPES[following])
            i += 2
        else:
            raise FhirPathError(_("unknown escape '\\{char}'").format(char=following))
    return "".join(out)


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            if source[position] == "@":
                raise FhirPathError(_("date and time literals are not supported"))
            raise FhirPathError(
                _("unexpected '{text}' at position {position}").format(
                    text=source[position], position=position + 1
                )
            )
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


# -- the parser --------------------------------------------------------------------------

_LEVELS: tuple[frozenset[str], ...] = (
    frozenset({"implies"}),
    frozenset({"or", "xor"}),
    frozenset({"and"}),
    frozenset({"in", "contains"}),
    frozenset({"=", "~", "!=", "!~"}),
    frozenset({"<", ">", "<=", ">="}),
    frozenset({"|"}),
    frozenset({"+", "-", "&"}),
    frozenset({"*", "/", "div", "mod"}),
)
"""Binary operators from the loosest to the tightest binding."""

MAX_NESTING = 300
"""Bounds the parser's (and so the evaluator's) recursion."""


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.position = 0
        self.depth = 0
        self.constants: set[str] = set()
        self.functions: set[str] = set()

    @property
    def current(self) -> _Token:
        return self.tokens[self.position]

    def advance(self) -> _Token:
        token = self.current
        self.position += 1
        return token

    def is_op(self, text: str) -> bool:
        token = self.current
        return (token.kind == "op" and token.text == text) or (
            token.kind == "ident" and token.text == text and text in _KEYWORD_OPS
        )

    def expect(self, text: str) -> None:
        if not self.is_op(text):
            raise self.unexpected()
        self.advance()

    def unexpected(self) -> FhirPathError:
        token = self.current
        if token.kind == "end":
            return FhirPathError(_("the expression ends too early"))
        return FhirPathError(
            _("unexpected '{text}' at position {position}").format(
                text=token.text, position=token.position + 1
            )
        )

    def expression(self, level: int = 0) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FhirPathError(_("the expression is nested too deeply"))
        left = self.expression(level + 1)
        while True:
            token = self.current
            if token.kind == "ident" and token.text in ("is", "as"):
                raise FhirPathError(_("operator '{op}' is not supported").format(op=token.text))
            if token.kind not in ("op", "ident") or token.text not in _LEVELS[level]:
                break
            if token.kind == "ident" and token.text not in _KEYWORD_OPS:
                break
            self.advance()
            left = Binary(token.text, left, self.expression(level + 1))
        self.depth -= 1
        return left

    def unary(self) -> Node:
        if self.is_op("-"):
            self.advance()
            return Negate(self.unary())
        if self.is_op("+"):
            self.advance()
            return self.unary()
        return self.postfix(self.term())

    def postfix(self, node: Node) -> Node:
        while True:
            if self.is_op("."):
                self.advance()
                node = self.invocation(node)
            elif self.is_op("["):
                self.advance()
                index = self.expression()
                self.expect("]")
                node = Index(node, index)
            else:
                return node

    def term(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            text = token.text
            return Literal(Decimal(text) if "." in text else int(text))
        if token.kind == "string":
            self.advance()
            return Literal(_unescape(token.text[1:-1]))
        if token.kind == "constant":
            self.advance()
            name = token.text[1:]
            if name[:1] in ("'", "`"):
                name = _unescape(name[1:-1])
            self.constants.add(name)
            return Constant(name)
        if token.kind == "special":
            self.advance()
            return Special(token.text[1:])
        if self.is_op("("):
            self.advance()
            inner = self.expression()
            self.expect(")")
            return inner
        if self.is_op("{"):
            self.advance()
            self.expect("}")
            return Literal(None)
        if token.kind == "ident" and token.text in ("true", "false"):
            self.advance()
            return Literal(token.text == "true")
        return self.invocation(None)

    def invocation(self, target: Node | None) -> Node:
        token = self.current
        if token.kind == "ident":
            name = token.text
        elif token.kind == "delimited":
            name = _unescape(token.text[1:-1])
        else:
            raise self.unexpected()
        self.advance()
        if not self.is_op("("):
            return Member(target, name)
        self.advance()
        args: list[Node] = []
        if not self.is_op(")"):
            args.append(self.expression())
            while self.is_op(","):
                self.advance()
                args.append(self.expression())
        self.expect(")")
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise FhirPathError(_("function '{name}()' is not supported").format(name=name))
        if not spec.min_args <= len(args) <= spec.max_args:
            raise FhirPathError(
                _("function '{name}()' takes {low} to {high} arguments").format(
                    name=name, low=spec.min_args, high=spec.max_args
                )
            )
        self.functions.add(name)
        return Call(target, name, tuple(args))


def parse(source: str) -> Expression:
    """Parse *source*, or raise :class:`FhirPathError` naming what is not supported."""
    if not source.strip():
        raise FhirPathError(_("the expression is empty"))
    parser = _Parser(source)
    root = parser.expression()
    if parser.current.kind != "end":
        raise parser.unexpected()
    return Expression(source, root, frozenset(parser.constants), frozenset(parser.functions))
