"""Which answers each expression can read: the dependency map of a questionnaire.

Built once per questionnaire (kept in ``Questionnaire.runtime``) and used to evaluate an
expression only when one of its inputs changed (:mod:`kiosk.questionnaire.changes`).

An input is a linkId whose *stored* answers (or, for a repeating item, its number of
entries) can change what the expression gives. That is more than the linkIds it names:

* a named item is read as the response shows it, so what decides whether it is enabled
  counts too (the questions of its ``enableWhen`` and of its ancestors', the question it
  is nested under, what an ``enableWhenExpression`` reads), and for a group or a question
  with items under it, everything inside it (a group without answers is not written);
* the variables it uses, wherever they are defined (the item's own, its ancestors', the
  questionnaire's, or another item's, as Smart Forms allows), with their inputs;
* the repeating items around the expression's own item, whose entries give its path.

``None`` stands for "any answer": an expression that reaches the response without naming
the items it reads (see :meth:`~kiosk.questionnaire.fhirpath.Expression.link_ids`).
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.questionnaire.fhirpath import BUILTIN_CONSTANTS, Expression
from kiosk.questionnaire.model import Item, Questionnaire

Inputs = frozenset[str] | None
"""LinkIds whose answers an expression can read; ``None``: any."""

STATIC_NAMES = frozenset({"questionnaire", "qitem", *BUILTIN_CONSTANTS})
"""``%names`` whose value does not change while a form is filled in."""

_READ_BY_LINK_IDS = frozenset({"resource", "context"})
"""``%names`` whose reads :meth:`Expression.link_ids` accounts for."""


def dependencies_of(questionnaire: Questionnaire) -> Dependencies:
    """The dependency map of *questionnaire* (made on first use, then kept with it)."""
    found = questionnaire.runtime.get("dependencies")
    if not isinstance(found, Dependencies):
        found = Dependencies(questionnaire)
        questionnaire.runtime["dependencies"] = found
    return found


class Dependencies:
    """The inputs of the expressions, variables and response parts of one questionnaire.

    Two sets for each expression: the linkIds it *names* (with those the variables it uses
    name), whose answers as the response shows them decide its value; and its *inputs*,
    the stored answers those depend on (:meth:`shown`), which can be checked without
    building the response."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.owners: dict[str, str] = {}
        """Variable name -> the linkId of the first item that defines it."""
        for item in questionnaire.all_items():
            for variable in item.variables:
                self.owners.setdefault(variable.name, item.link_id)
        self._shown: dict[str, Inputs] = {}
        self._named: dict[tuple[str | None, str], Inputs] = {}
        self._inputs: dict[tuple[str | None, str], Inputs] = {}
        self._variables: dict[tuple[str | None, str], Inputs] = {}
        self._resolving: set[tuple[str | None, str]] = set()

    # -- expressions and variables -----------------------------------------------------

    def named(self, item: Item | None, expression: Expression) -> Inputs:
        """The linkIds *expression* on *item* (``None``: on the questionnaire) reads in the
        response, directly or through the variables it uses."""
        key = (item.link_id if item is not None else None, expression.source)
        if key not in self._named:
            self._named[key] = self._reads(expression, self._visible(item))
        return self._named[key]

    def of_expression(self, item: Item | None, expression: Expression) -> Inputs:
        """The inputs of *expression* on *item* (``None``: on the questionnaire)."""
        key = (item.link_id if item is not None else None, expression.source)
        if key not in self._inputs:
            self._inputs[key] = self._with_place(
                item, self.shown_or_none(self.named(item, expression))
            )
        return self._inputs[key]

    def named_variable(self, item: Item | None, name: str) -> Inputs:
        """The linkIds the variable *name* of *item* (or of the questionnaire) reads."""
        return self._visible(item).get(name, frozenset())

    def of_variable(self, item: Item | None, name: str) -> Inputs:
        """The inputs of the variable *name* as defined on *item* (or the questionnaire)."""
        key = (item.link_id if item is not None else None, "%" + name)
        if key not in self._inputs:
            named = self.named_variable(item, name)
            self._inputs[key] = self._with_place(item, self.shown_or_none(named))
        return self._inputs[key]

    def _with_place(self, item: Item | None, found: Inputs) -> Inputs:
        """*found*, and the repeating items around *item* (whose entries give its path)."""
        if found is None or item is None:
            return found
        return found | {c.link_id for c in self.questionnaire.containers_of(item.link_id)}

    def _visible(self, item: Item | None) -> dict[str, Inputs]:
        """The variables an expression on *item* sees, with the linkIds each reads, in the
        order the engine defines them (the questionnaire's, then each ancestor's, then the
        item's)."""
        chain: list[Item] = []
        if item is not None:
            chain = [*reversed(list(self.questionnaire.ancestors(item.link_id))), item]
        visible: dict[str, Inputs] = {}
        owners: list[Item | None] = [None, *chain]
        for owner in owners:
            variables = self.questionnaire.variables if owner is None else owner.variables
            for variable in variables:
                key = (owner.link_id if owner is not None else None, variable.name)
                if key not in self._variables:
                    self._variables[key] = self._reads(variable.expression, visible)
                visible[variable.name] = self._variables[key]
        return visible

    def _reads(self, expression: Expression, visible: dict[str, Inputs]) -> Inputs:
        found = expression.link_ids()
        for name in expression.constants - STATIC_NAMES - _READ_BY_LINK_IDS:
            if found is None:
                return None
            if name in visible:
                other = visible[name]
            elif name in self.owners:
                other = self._elsewhere(name)
            else:
                continue  # a launch context (always empty here) or undefined: no answers
            found = None if other is None else found | other
        return found

    def _elsewhere(self, name: str) -> Inputs:
        """The inputs of another item's variable (``None`` when it depends on itself)."""
        owner = self.questionnaire.item(self.owners[name])
        key = (owner.link_id, name)
        if key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            return self.named_variable(owner, name)
        finally:
            self._resolving.discard(key)

    # -- what an item's place in the response depends on ---------------------------------

    def shown_or_none(self, link_ids: Inputs) -> Inputs:
        """:meth:`shown`, or ``None`` for any answer."""
        return None if link_ids is None else self.shown(link_ids)

    def shown(self, link_ids: Iterable[str]) -> Inputs:
        """The inputs of the answers to *link_ids* as the response shows them."""
        found: set[str] = set()
        for link_id in link_ids:
            own = self._shown.get(link_id, frozenset())
            if link_id not in self._shown:
                own = self._closure(link_id)
                self._shown[link_id] = own
            if own is None:
                return None
            found |= own
        return frozenset(found)

    def _closure(self, start: str) -> Inputs:
        """Everything whose answers decide how *start* appears in the response: its own
        answers, whether it is enabled, and what is inside it."""
        questionnaire = self.questionnaire
        found: set[str] = {start}
        if start not in questionnaire:
            return frozenset(found)
        seen: set[tuple[bool, str]] = set()
        stack: list[tuple[bool, str]] = [(True, start)]  # (its content too?, linkId)
        while stack:
            entry = stack.pop()
            if entry in seen:
                continue
            seen.add(entry)
            content, link_id = entry
            item = questionnaire.item(link_id)
            found.add(link_id)
            found.update(c.link_id for c in questionnaire.containers_of(link_id))
            parent = questionnaire.parent_of(link_id)
            if parent is not None:
                stack.append((False, parent.link_id))  # its enabling, and its answer
            for condition in item.enable_when:
                if condition.question in questionnaire:
                    stack.append((False, condition.question))
            if item.enable_expression is not None:
                reads = self.named(item, item.enable_expression)
                if reads is None:
                    return None
                stack.extend((True, other) for other in reads if other in questionnaire)
                found.update(reads)
            if content:
                stack.extend((True, child.link_id) for child in item.items)
        return frozenset(found)

    def of_items(self, items: Iterable[Item]) -> Inputs:
        """The inputs of the response parts written for *items* (and what is inside)."""
        return self.shown(item.link_id for item in items)
