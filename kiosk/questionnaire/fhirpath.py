"""FHIRPath expressions of a questionnaire: checked at load, parsed once, on demand.

Expressions are evaluated by fhirpathpy (the Python port of fhirpath.js, which LHC-Forms
uses; :mod:`kiosk.questionnaire.fhirpath_eval`). Its ANTLR parser takes ~4 ms an
expression, 1.1 s for the 232 of the largest shared form, so :func:`parse` does not run it:

* at load, a fast hand-written parser checks the syntax and collects the ``%names`` and
  functions used; a function neither fhirpathpy nor the engine (:data:`ENGINE_FUNCTIONS`)
  has is a :class:`FhirPathError`. Syntax beyond what that parser reads (date and time
  literals, quantities, ``is``/``as``, ...) is handed to fhirpathpy's own parser instead;
* fhirpathpy's parse tree is made the first time the expression is evaluated
  (:meth:`Expression.tree`), kept for the process by its text, and kept on disk in the
  kiosk's cache directory, so that a kiosk parses each expression of its forms once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.i18n import _

log = logging.getLogger(__name__)


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
"""Functions whose arguments the hand-written syntax check knows (any other function that
fhirpathpy or the engine has is accepted with any arguments)."""

ENGINE_FUNCTIONS = frozenset({"weight", "ordinal", "answers", "sum", "min", "max", "avg"})
"""Functions the engine adds to fhirpathpy (``weight``/``ordinal``: an answer's
ordinalValue; ``answers``: every answer of a response, SDC's PHQ-9 uses it) or replaces
(the aggregates, which fhirpathpy cannot add over response data)."""


FHIRPATHPY_FUNCTIONS = frozenset(
    [
        "abs",
        "aggregate",
        "all",
        "allFalse",
        "allTrue",
        "anyFalse",
        "anyTrue",
        "as",
        "avg",
        "ceiling",
        "children",
        "coalesce",
        "combine",
        "contains",
        "convertsToBoolean",
        "convertsToDate",
        "convertsToDateTime",
        "convertsToDecimal",
        "convertsToInteger",
        "convertsToQuantity",
        "convertsToString",
        "convertsToTime",
        "count",
        "decode",
        "descendants",
        "distinct",
        "empty",
        "encode",
        "endsWith",
        "exclude",
        "exists",
        "exp",
        "extension",
        "first",
        "floor",
        "iif",
        "indexOf",
        "intersect",
        "is",
        "isDistinct",
        "join",
        "last",
        "length",
        "ln",
        "log",
        "lower",
        "matches",
        "max",
        "min",
        "not",
        "now",
        "ofType",
        "power",
        "repeat",
        "replace",
        "replaceMatches",
        "round",
        "select",
        "single",
        "skip",
        "split",
        "sqrt",
        "startsWith",
        "subsetOf",
        "substring",
        "sum",
        "supersetOf",
        "tail",
        "take",
        "timeOfDay",
        "toBoolean",
        "toChars",
        "toDate",
        "toDateTime",
        "toDecimal",
        "toInteger",
        "toQuantity",
        "toString",
        "toTime",
        "today",
        "trace",
        "trim",
        "truncate",
        "type",
        "union",
        "upper",
        "where",
    ]
)
"""fhirpathpy's functions, listed here so that loading a form does not import fhirpathpy
(a test keeps the list equal to fhirpathpy's own)."""


def known_functions() -> frozenset[str]:
    """Every function an expression may call."""
    return FHIRPATHPY_FUNCTIONS | ENGINE_FUNCTIONS


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
    """A checked expression, with the ``%names`` and functions it uses."""

    source: str
    root: Node | None
    """The hand-written parser's tree (``None`` when fhirpathpy's parser checked it)."""
    constants: frozenset[str]
    functions: frozenset[str]

    def tree(self) -> dict[str, Any]:
        """fhirpathpy's parse tree (made once per text; :class:`FhirPathError` if it fails)."""
        return parsed_tree(self.source)

    def evaluation_tree(self) -> dict[str, Any]:
        """:meth:`tree` with the steps ``where(linkId = '...')`` made :data:`LINK_ID_STEP`
        nodes (see :func:`with_link_id_steps`), as the engine evaluates it."""
        found = _STEPPED.get(self.source)
        if found is None:
            found = with_link_id_steps(self.tree())
            _STEPPED[self.source] = found
        return found

    def link_ids(self) -> frozenset[str] | None:
        """The linkIds whose answers this expression reads, ``None`` when it may read any
        (it reaches the response without naming the items, or calls ``descendants()``,
        ``repeat()``, ``answers()``, ``children()``)."""
        return _link_ids(self.source)

    def reads_focus(self) -> bool:
        """Whether the expression may read its focus (the item's ``%context``); only
        when it certainly does not can the focus be left out."""
        return _needs_focus(self.source)


_LINK_ID = re.compile(r"linkId\s*(?:=|~)\s*'((?:[^'\\]|\\.)*)'")
_ANY_ITEM = frozenset({"descendants", "repeat", "answers", "children", "trace"})


@cache
def _link_ids(source: str) -> frozenset[str] | None:
    expression = parse(source)
    if expression.functions & _ANY_ITEM:
        return None
    named = frozenset(_LINK_ID.findall(source))
    reads_answers = bool(expression.constants & {"resource", "context"})
    if expression.root is None:  # checked by fhirpathpy: where it reads is not known here
        reads_answers = reads_answers or "linkId" in source or not expression.constants
    else:
        reads_answers = reads_answers or _reads_focus(expression.root)
    if reads_answers and not named:
        return None
    return named


def _reads_focus(node: Node | None) -> bool:
    """Whether *node* reads the focus (a path that does not start at a ``%name``), outside
    the arguments that functions evaluate per element (there ``linkId`` is the element's)."""
    if node is None:
        return False
    if isinstance(node, Member):
        if node.target is None:  # 'null', which forms write for {}, is no element's name
            return node.name != "null"
        return _reads_focus(node.target)
    if isinstance(node, Call):
        spec = FUNCTIONS.get(node.name)
        per_element = node.target is not None and spec is not None and spec.lazy
        inner = () if per_element else node.args
        return _reads_focus(node.target) or any(_reads_focus(arg) for arg in inner)
    if isinstance(node, Binary):
        return _reads_focus(node.left) or _reads_focus(node.right)
    if isinstance(node, Index):
        return _reads_focus(node.target) or _reads_focus(node.index)
    if isinstance(node, Negate):
        return _reads_focus(node.operand)
    return False


_FOCUS_FREE = frozenset({"today", "now", "timeOfDay", "iif"})
"""Functions that, called without a target, do not apply to the focus themselves."""


@cache
def _needs_focus(source: str) -> bool:
    root = parse(source).root
    return root is None or _uses_focus(root)


def _uses_focus(node: Node | None) -> bool:
    """Whether *node* may read the focus (conservatively: ``$this`` anywhere outside the
    arguments functions evaluate per element, a path or a function without a target)."""
    if node is None or isinstance(node, Literal | Constant):
        return False
    if isinstance(node, Special):
        return True
    if isinstance(node, Member):
        if node.target is None:
            return node.name != "null"
        return _uses_focus(node.target)
    if isinstance(node, Call):
        if node.target is None and node.name not in _FOCUS_FREE:
            return True
        spec = FUNCTIONS.get(node.name)
        per_element = node.target is not None and spec is not None and spec.lazy
        inner = () if per_element else node.args
        return _uses_focus(node.target) or any(_uses_focus(arg) for arg in inner)
    if isinstance(node, Binary):
        return _uses_focus(node.left) or _uses_focus(node.right)
    if isinstance(node, Index):
        return _uses_focus(node.target) or _uses_focus(node.index)
    return _uses_focus(node.operand)


_MEMORY: dict[str, dict[str, Any]] = {}
_STEPPED: dict[str, dict[str, Any]] = {}

LINK_ID_STEP = "KioskLinkIdStep"
"""The node type of a ``where(linkId = 'literal')`` step (evaluated by
:func:`kiosk.questionnaire.fhirpath_eval.link_id_step`)."""


def with_link_id_steps(tree: dict[str, Any]) -> dict[str, Any]:
    """A copy of fhirpathpy's *tree* in which each ``where(linkId = 'literal')`` call is a
    :data:`LINK_ID_STEP` node holding the literal.

    Forms walk the response with such steps (``%resource.item.where(linkId='a').item...``)
    and fhirpathpy interprets the criterion element by element, which made them most of an
    expression's time; the engine's node gives the same elements (and leaves ``$this`` and
    ``$index`` as ``where`` does). Any other criterion (``~``, an escaped literal, a quoted
    name, more than one condition) is left to fhirpathpy."""
    if tree.get("type") == "FunctionInvocation":
        literal = _link_id_criterion(tree)
        if literal is not None:
            return {"type": LINK_ID_STEP, "linkId": literal, "text": tree.get("text", "")}
    copied = dict(tree)
    children = tree.get("children")
    if isinstance(children, list):
        copied["children"] = [
            with_link_id_steps(child) if isinstance(child, dict) else child for child in children
        ]
    return copied


def _link_id_criterion(call: dict[str, Any]) -> str | None:
    """The literal of a ``where(linkId = 'literal')`` FunctionInvocation node, else ``None``."""
    function = _only_child(call, "Functn")
    parts = function.get("children") if function else None
    if not isinstance(parts, list) or len(parts) != 2:
        return None
    if _node(parts[0], "Identifier").get("text") != "where":
        return None
    params = _node(parts[1], "ParamList")
    if len(params.get("children") or []) != 1:
        return None
    condition = _node(params["children"][0], "EqualityExpression")
    if condition.get("terminalNodeText") != ["="] or len(condition.get("children") or []) != 2:
        return None
    left, right = condition["children"]
    member = _only_child(_only_child(_node(left, "TermExpression"), "InvocationTerm"),
                         "MemberInvocation")  # fmt: skip
    name = _only_child(member, "Identifier")
    if name is None or name.get("text") != "linkId":
        return None
    literal = _only_child(_only_child(_node(right, "TermExpression"), "LiteralTerm"),
                          "StringLiteral")  # fmt: skip
    text = literal.get("text") if literal is not None else None
    if not isinstance(text, str) or len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return None
    body = text[1:-1]
    return None if "\\" in body or "'" in body else body


def _node(node: object, kind: str) -> dict[str, Any]:
    """*node* if it is a tree node of type *kind*, else an empty one."""
    return node if isinstance(node, dict) and node.get("type") == kind else {}


def _only_child(node: dict[str, Any] | None, kind: str) -> dict[str, Any] | None:
    """The child of *node* when it has one, and that one is a *kind*."""
    children = node.get("children") if node else None
    if not isinstance(children, list) or len(children) != 1:
        return None
    first = _node(children[0], kind)
    return first or None


def clear_caches() -> None:
    """Forget every checked expression and parse tree held in memory (not those on disk):
    for benchmarks that measure a first load."""
    parse.cache_clear()
    _link_ids.cache_clear()
    _needs_focus.cache_clear()
    _MEMORY.clear()
    _STEPPED.clear()


def parsed_tree(source: str) -> dict[str, Any]:
    """fhirpathpy's tree for *source*: from memory, the disk cache, or its parser."""
    found = _MEMORY.get(source)
    if found is not None:
        return found
    path = _cache_path(source)
    tree: dict[str, Any] | None = None
    if path is not None:
        try:
            tree = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tree = None
    if tree is None:
        tree = _antlr_parse(source)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(".tmp")
                temporary.write_text(json.dumps(tree), encoding="utf-8")
                temporary.replace(path)
            except OSError:
                log.info("cannot keep a parsed expression in %s", path.parent)
    _MEMORY[source] = tree
    return tree


def _antlr_parse(source: str) -> dict[str, Any]:
    """fhirpathpy's parser, as ``fhirpathpy.parser.parse`` runs it, except that a syntax
    error is an error (fhirpathpy's own error listener ignores them and recovers)."""
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.tree.Tree import ParseTreeWalker
    from fhirpathpy.parser.ASTPathListener import ASTPathListener
    from fhirpathpy.parser.generated.FHIRPathLexer import FHIRPathLexer
    from fhirpathpy.parser.generated.FHIRPathParser import FHIRPathParser

    try:
        lexer = FHIRPathLexer(InputStream(source))
        lexer.removeErrorListeners()
        lexer.addErrorListener(_RaiseOnSyntaxError())
        parser = FHIRPathParser(CommonTokenStream(lexer))
        parser.buildParseTrees = True
        parser.removeErrorListeners()
        parser.addErrorListener(_RaiseOnSyntaxError())
        listener = ASTPathListener()
        ParseTreeWalker().walk(listener, parser.expression())
        if parser.getCurrentToken().type != -1:  # not all of the text was read
            raise FhirPathError(_("the expression has text after its end"))
        return listener.parentStack[0]
    except FhirPathError:
        raise
    except Exception as error:
        raise FhirPathError(_("not valid FHIRPath ({error})").format(error=error)) from None


class _RaiseOnSyntaxError:
    """An ANTLR error listener (``antlr4.error.ErrorListener``'s methods) that makes a
    syntax error a :class:`FhirPathError` and ignores the parser's ambiguity reports."""

    def syntaxError(  # ANTLR names these methods
        self,
        recognizer: object,
        symbol: object,
        line: int,
        column: int,
        message: str,
        error: object,
    ) -> None:
        raise FhirPathError(
            _("unexpected '{text}' at position {position}").format(
                text=getattr(symbol, "text", "") or "", position=column + 1
            )
        )

    def reportAmbiguity(self, *details: object) -> None:
        """Not an error."""

    def reportAttemptingFullContext(self, *details: object) -> None:
        """Not an error."""

    def reportContextSensitivity(self, *details: object) -> None:
        """Not an error."""


def _cache_path(source: str) -> Path | None:
    try:
        from fhirpathpy import __version__

        from kiosk.paths import user_cache_dir

        digest = hashlib.sha256(f"{__version__}\0{source}".encode()).hexdigest()
        return user_cache_dir() / "fhirpath" / digest[:2] / f"{digest}.json"
    except Exception:  # no cache directory: parse every time
        return None


# -- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<datetime>@(?:T[0-9:.]+
                   |[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?(?:T[0-9:.]*(?:Z|[+-][0-9:]+)?)?))
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
_CALENDAR_UNITS = frozenset(
    [
        "year",
        "years",
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "hour",
        "hours",
        "minute",
        "minutes",
        "second",
        "seconds",
        "millisecond",
        "milliseconds",
    ]
)
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
            unit = self.current
            if unit.kind == "string" or (unit.kind == "ident" and unit.text in _CALENDAR_UNITS):
                self.advance()  # a quantity: 1.5 'kg', 90 days
                return Literal(f"{text} {unit.text}")
            return Literal(Decimal(text) if "." in text else int(text))
        if token.kind == "datetime":
            self.advance()
            return Literal(token.text)
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
        if spec is None and name not in known_functions():
            raise FhirPathError(_("function '{name}()' is not supported").format(name=name))
        if spec is not None and not spec.min_args <= len(args) <= spec.max_args:
            raise FhirPathError(
                _("function '{name}()' takes {low} to {high} arguments").format(
                    name=name, low=spec.min_args, high=spec.max_args
                )
            )
        self.functions.add(name)
        return Call(target, name, tuple(args))


@cache
def parse(source: str) -> Expression:
    """Check *source*, or raise :class:`FhirPathError` naming what is wrong or missing."""
    if not source.strip():
        raise FhirPathError(_("the expression is empty"))
    try:
        parser = _Parser(source)
        root = parser.expression()
        if parser.current.kind != "end":
            raise parser.unexpected()
    except FhirPathError as error:  # beyond the fast check: fhirpathpy's parser decides
        return _checked_by_fhirpathpy(source, error)
    return Expression(source, root, frozenset(parser.constants), frozenset(parser.functions))


_CALLED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_CONSTANT = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*|'[^']*'|`[^`]*`)")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'")


def _checked_by_fhirpathpy(source: str, error: FhirPathError) -> Expression:
    """Syntax the fast check does not read (date and time literals, quantities, ``is``...)."""
    code = _STRING.sub("''", source)
    unknown = sorted(frozenset(_CALLED.findall(code)) - known_functions() - _KEYWORD_OPS)
    if unknown:
        raise FhirPathError(_("function '{name}()' is not supported").format(name=unknown[0]))
    try:
        parsed_tree(source)
    except FhirPathError:
        raise error from None
    functions = frozenset(_CALLED.findall(code)) - _KEYWORD_OPS
    constants = frozenset(name.strip("'`") for name in _CONSTANT.findall(source))
    return Expression(source, None, constants, functions)
