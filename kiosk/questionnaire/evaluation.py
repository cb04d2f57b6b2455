"""One state of a visit's answers, as the questionnaire's FHIRPath expressions see it.

Expressions (evaluated by fhirpathpy, :mod:`kiosk.questionnaire.fhirpath_eval`) see
``%resource`` (the QuestionnaireResponse as the answers stand, built leniently),
``%questionnaire`` (the questionnaire's JSON), ``%context`` (the item's own response item;
for a repeating group, the entry; it is also the focus), ``%qitem`` (the item's own
JSON), ``%ucum``/``%loinc``/``%sct``, the questionnaire's and the item's (and its
ancestors') ``variable`` extensions in document order, another item's variable by its
name (as Smart Forms allows), and the SDC launch contexts, which are always empty at a
lobby terminal.

What is worked out is remembered with the visit's answers (:class:`EngineMemo`) and used
again while its inputs (:mod:`kiosk.questionnaire.dependencies`) did not change
(:mod:`kiosk.questionnaire.changes`): each variable's value, each calculated item's
result, and the response, kept in parts, one per top-level item, so that a change builds
again only the parts it can touch. Everything is worked out on first use: a variable
no expression being evaluated reads is not evaluated, and the response is not built
while every result still holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from kiosk.questionnaire.answers import Answers, Path, scope_at
from kiosk.questionnaire.changes import Changes
from kiosk.questionnaire.dependencies import STATIC_NAMES, Dependencies, Inputs, dependencies_of
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.fhirpath import BUILTIN_CONSTANTS, Expression
from kiosk.questionnaire.fhirpath_eval import Collection, Environment, EvalError, evaluate, plain
from kiosk.questionnaire.model import AnswerValue, Coding, Item, ItemType, Questionnaire
from kiosk.questionnaire.response import Builder
from kiosk.questionnaire.values import ValueProblem, decode_coding, same_value

log = logging.getLogger(__name__)

ScopeKey = tuple[str | None, Path]
"""The item whose variables a scope holds (``None``: the questionnaire), and its path."""

T = TypeVar("T")
K = TypeVar("K")


Kept = tuple[int, str | None, T]
"""A remembered result: the generation of the answers it was worked out from, the answers
it read (:meth:`Evaluation.fingerprint`), and the result."""


@dataclass
class EngineMemo:
    """What the engine worked out for one visit's answers (see :class:`Kept`).

    It holds answers (and results computed from them): personal data, kept with the
    visit's answers and wiped with them, never with the questionnaire."""

    changes: Changes = field(default_factory=Changes)
    calculated: dict[tuple[str, Path], Kept[list[AnswerValue]]] = field(default_factory=dict)
    """(linkId, path) -> what its calculation gave."""
    variables: dict[tuple[bool, ScopeKey, str], Kept[Collection]] = field(default_factory=dict)
    """(with enableWhenExpressions?, scope, name) -> its value."""
    response: dict[tuple[bool, str], tuple[int, list[dict[str, Any]]]] = field(default_factory=dict)
    """(with enableWhenExpressions?, top-level linkId) -> (generation, its response items)."""

    def clear(self) -> None:
        self.changes = Changes()
        self.calculated.clear()
        self.variables.clear()
        self.response.clear()


class VisitAnswers(dict[str, Any]):
    """The answers of one visit, carrying the engine's memo of what it worked out.

    The memo is personal data: it lives and dies with the visit's answers, never with the
    questionnaire, which visits share.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine_memo = EngineMemo()

    def clear(self) -> None:
        """Forget the answers and the memo (a visit's ``wipe``)."""
        super().clear()
        self.engine_memo.clear()


def memo_of(answers: Answers) -> EngineMemo:
    """The memo of *answers* (a fresh one, for the caller only, for plain dicts)."""
    found = getattr(answers, "engine_memo", None)
    return found if isinstance(found, EngineMemo) else EngineMemo()


class Evaluation:
    """One state of the answers: what expressions see, worked out on first use."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Answers,
        state: EnableState | None = None,
        *,
        memo: EngineMemo | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.answers = answers
        self.state = state or EnableState(questionnaire, answers)
        self.memo = memo if memo is not None else memo_of(answers)
        self.generation = self.memo.changes.look(answers)
        self.dependencies: Dependencies = dependencies_of(questionnaire)
        self._variant = self.state.expressions
        self._resource: dict[str, Any] | None = None
        self._contexts: dict[ScopeKey, dict[str, Any]] = {}
        self._index: dict[str, list[Any]] | None = None
        self._resolving: set[str] = set()

    # -- the response ------------------------------------------------------------------

    @property
    def resource(self) -> dict[str, Any]:
        """``%resource``: the response as the answers stand, its parts built again only
        where an answer they depend on changed."""
        if self._resource is None:
            items: list[dict[str, Any]] = []
            builder: Builder | None = None
            changes, dependencies = self.memo.changes, self.dependencies
            for top in self.questionnaire.items:
                key = (self._variant, top.link_id)
                kept = self.memo.response.get(key)
                if kept is None or not changes.unchanged_since(
                    kept[0], dependencies.of_items((top,))
                ):
                    builder = builder or Builder(self.state, lenient=True)
                    kept = (self.generation, builder.item(top, self.answers, ()))
                    self.memo.response[key] = kept
                items.extend(kept[1])
            self._resource = {
                "resourceType": "QuestionnaireResponse",
                "questionnaire": self.questionnaire.canonical(),
                "status": "in-progress",
                "item": items,
            }
        return self._resource

    def context(self, item: Item, path: Path) -> dict[str, Any]:
        """``%context`` (and the focus) of *item*'s expressions: its own response item at
        *path*, built leniently (for a repeating group, the entry at *path*), as SDC and
        Smart Forms have it; it holds only the ``linkId`` when there is nothing to write."""
        key = (item.link_id, path)
        found = self._contexts.get(key)
        if found is None:
            found = self._context(item, path)
            self._contexts[key] = found
        return found

    def _context(self, item: Item, path: Path) -> dict[str, Any]:
        builder = Builder(self.state, lenient=True)
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

    # -- names -------------------------------------------------------------------------

    def _scope_of(self, item: Item | None, path: Path) -> tuple[Item | None, Path] | None:
        """The scope enclosing *item*'s at *path* (``None`` for the questionnaire's)."""
        if item is None:
            return None
        parent = self.questionnaire.parent_of(item.link_id)
        if parent is None:
            return (None, ())
        depth = len(self.questionnaire.containers_of(parent.link_id))
        depth += 1 if parent.is_container else 0
        return (parent, path[:depth])

    def lookup(self, name: str, item: Item | None, path: Path, visible: int = -1) -> Collection:
        """The value of ``%name`` for an expression on *item* at *path*; raises
        ``KeyError`` when it is not defined. *visible* limits the item's own variables to
        its first ones (a variable sees only those before it)."""
        owner: Item | None = item
        where, limit = path, visible
        while True:
            own = self.questionnaire.variables if owner is None else owner.variables
            count = len(own) if limit < 0 else limit
            for index in reversed(range(count)):
                if own[index].name == name:
                    return self._variable(owner, where, index)
            if owner is None:
                return self._standard(name)
            if name == "context":
                return [self.context(owner, where)]
            if name == "qitem":
                raw = raw_item(self.questionnaire, owner.link_id)
                return [raw] if raw is not None else []
            outer = self._scope_of(owner, where)
            assert outer is not None
            owner, where = outer
            limit = -1

    def _standard(self, name: str) -> Collection:
        if name in ("resource", "context"):
            return [self.resource]
        if name == "questionnaire":
            return [self.questionnaire.raw] if self.questionnaire.raw else []
        if name in BUILTIN_CONSTANTS:
            return [BUILTIN_CONSTANTS[name]]
        if name in self.questionnaire.launch_contexts:
            return []
        if name in self.dependencies.owners:
            return self._elsewhere(name)
        raise KeyError(name)

    def _variable(self, owner: Item | None, path: Path, index: int) -> Collection:
        """The value of the *index*-th variable of *owner* at *path* (remembered while its
        inputs do not change)."""
        variables = self.questionnaire.variables if owner is None else owner.variables
        variable = variables[index]
        key = (self._variant, (owner.link_id if owner else None, path), variable.name)
        return self.remembered(
            self.memo.variables,
            key,
            self.dependencies.of_variable(owner, variable.name),
            partial(self.fingerprint, variable.expression, owner, path, index),
            partial(self._value, variable.expression, owner, path, typed=True, visible=index),
        )

    def remembered(
        self,
        table: dict[K, Kept[T]],
        key: K,
        inputs: Inputs,
        fingerprint: Callable[[], str | None],
        compute: Callable[[], T],
    ) -> T:
        """The result kept in *table* under *key* while it holds, else *compute*'s (then
        kept). It holds while none of its *inputs* changed; when some did, while what the
        expression reads (its *fingerprint*) is still the same, so that a change stops
        where it makes no difference (a variable worked out again to the same value)."""
        kept = table.get(key)
        if kept is not None and self.memo.changes.unchanged_since(kept[0], inputs):
            return kept[2]
        now = fingerprint()
        if kept is not None and now is not None and kept[1] == now:
            table[key] = (self.generation, now, kept[2])
            return kept[2]
        value = compute()
        table[key] = (self.generation, now, value)
        return value

    def fingerprint(
        self, expression: Expression, item: Item | None, path: Path, visible: int = -1
    ) -> str | None:
        """What *expression* on *item* at *path* reads, as text: the answers to the linkIds
        it names as the response shows them, its ``%context`` when it reads that (the entry
        at *path* may hold other answers than the one that was there before), and the
        values of the variables it uses (``None`` when it may read any answer)."""
        named = expression.link_ids()
        if named is None:
            return None
        answers: dict[str, list[Any]] = {}
        if named:
            if self._index is None:
                self._index = _by_link_id(self.resource["item"])
            answers = {link_id: self._index.get(link_id, []) for link_id in named}
        context = None
        if item is not None and ("context" in expression.constants or expression.reads_focus()):
            context = self.context(item, path)
        variables: dict[str, Any] = {}
        for name in expression.constants - STATIC_NAMES - {"resource", "context"}:
            try:
                variables[name] = [plain(value) for value in self.lookup(name, item, path, visible)]
            except KeyError:
                variables[name] = None
        return json.dumps([path, answers, context, variables], default=str, sort_keys=True)

    def _elsewhere(self, name: str) -> Collection:
        """A variable of another item (Smart Forms allows that), as at its first entry;
        empty when it depends on itself."""
        if name in self._resolving:
            return []
        owner = self.questionnaire.item(self.dependencies.owners[name])
        self._resolving.add(name)
        try:
            depth = len(self.questionnaire.containers_of(owner.link_id))
            try:
                return self.lookup(name, owner, (0,) * depth)
            except KeyError:
                return []
        finally:
            self._resolving.discard(name)

    # -- evaluating --------------------------------------------------------------------

    def _value(
        self,
        expression: Expression,
        item: Item | None,
        path: Path,
        *,
        typed: bool = False,
        visible: int = -1,
    ) -> Collection:
        names: dict[str, Collection] = {}
        for name in expression.constants:
            try:
                names[name] = self.lookup(name, item, path, visible)
            except KeyError:
                continue  # undefined: fhirpathpy says so, and the result is no value
        focus: Any
        if "context" in names:
            focus = names["context"][0]
        elif not expression.reads_focus():
            focus = {}  # not read: not worth building
        else:
            focus = self.resource if item is None else self.context(item, path)
        try:
            return evaluate(expression, focus, Environment(names, self.weight), typed=typed)
        except EvalError:
            log.info("an expression of %s gave no value", item.link_id if item else "the form")
            return []

    @property
    def weight(self) -> Callable[[object], Decimal | None]:
        return weight_lookup(self.questionnaire)

    def evaluate(self, item: Item | None, expression: Expression, path: Path = ()) -> Collection:
        """*expression* (one of *item*'s, or of the questionnaire for ``None``) evaluated
        for the entry at *path*."""
        return self._value(expression, item, path)

    def names(self, item: Item | None, path: Path) -> dict[str, Collection]:
        """Every ``%name`` an expression on *item* at *path* sees (for tests and tools;
        evaluating works them out one by one, as expressions use them)."""
        found: dict[str, Collection] = {}
        chain: list[tuple[Item | None, Path]] = []
        scope: tuple[Item | None, Path] | None = (item, path)
        while scope is not None:
            chain.append(scope)
            scope = self._scope_of(*scope)
        candidates = {"resource", "context", "questionnaire", "qitem", *BUILTIN_CONSTANTS}
        candidates |= set(self.questionnaire.launch_contexts)
        for owner, _path in chain:
            own = self.questionnaire.variables if owner is None else owner.variables
            candidates |= {variable.name for variable in own}
        for name in sorted(candidates):
            try:
                found[name] = self.lookup(name, item, path)
            except KeyError:
                continue
        return found

    def value_of(
        self, expression: Expression, names: Mapping[str, Collection], item: Item | None
    ) -> Collection:
        """*expression* evaluated with *names* on their ``%context``."""
        try:
            return evaluate(
                expression, names["context"][0], Environment(names, self.weight), typed=False
            )
        except EvalError:
            return []


def raw_item(questionnaire: Questionnaire, link_id: str) -> dict[str, Any] | None:
    """The JSON of the item *link_id* in the questionnaire it was loaded from."""
    index = questionnaire.runtime.get("raw_items")
    if not isinstance(index, dict):
        index = {}
        stack = list(questionnaire.raw.get("item") or []) if questionnaire.raw else []
        while stack:
            entry = stack.pop()
            if isinstance(entry, dict):
                own = entry.get("linkId")
                if isinstance(own, str):
                    index.setdefault(own, entry)  # the first occurrence the loader keeps
                stack.extend(entry.get("item") or [])
        questionnaire.runtime["raw_items"] = index
    found = index.get(link_id)
    return found if isinstance(found, dict) else None


def _by_link_id(items: list[Any]) -> dict[str, list[Any]]:
    """Every response item's answers (``None`` for a group) by linkId, wherever nested."""
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


def _instance_items(container: Item, scope: Answers, index: int) -> Answers:
    raw = scope.get(container.link_id)
    if not isinstance(raw, list) or not 0 <= index < len(raw):
        return {}
    entry = raw[index]
    if isinstance(entry, dict):
        return entry
    found = getattr(entry, "answers", {})
    return found if isinstance(found, dict) else {}


class WeightLookup:
    """``weight()``: the ordinalValue of an answer, from the options that carry one."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self._weights: list[tuple[Coding | AnswerValue, Decimal]] = [
            (option.value, option.weight)
            for item in questionnaire.questions()
            for option in item.options
            if option.weight is not None
        ]

    def __call__(self, value: object) -> Decimal | None:
        if isinstance(value, dict):
            try:
                value = decode_coding(value)
            except ValueProblem:
                return None
        for option_value, option_weight in self._weights:
            if same_value(value, option_value):
                return option_weight
        return None


def weight_lookup(questionnaire: Questionnaire) -> WeightLookup:
    """The :class:`WeightLookup` of *questionnaire* (made once, then kept with it)."""
    found = questionnaire.runtime.get("weight")
    if not isinstance(found, WeightLookup):
        found = WeightLookup(questionnaire)
        questionnaire.runtime["weight"] = found
    return found
