"""Answers as the engine holds them: scopes of values, typed-text parsing, display formatting.

A *scope* (:data:`Answers`) maps a question's linkId to its answer; an absent key (or
``None``) means unanswered. The value is

* the single :data:`AnswerValue` for a question that does not repeat;
* a list of values for a question that ``repeats`` (a single value is read as a list of one);
* for a repeating group, a list of scopes: one per instance of the group, each holding the
  answers to the items inside it;
* for a repeating question with items nested under it, a list of :class:`Entry`: each
  answer with its own scope for those items.

Items inside a group or question that does *not* repeat share its scope, so their answers
sit next to its own. A *path* is the tuple of instance indices (0-based, outermost first)
that leads from the root scope through the repeating containers of an item to the scope
that holds its answers; items outside repeating containers have the empty path.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.model import (
    AnswerOption,
    AnswerValue,
    Coding,
    Item,
    ItemType,
    PartialDate,
    Quantity,
    Questionnaire,
)
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.values import same_value

__all__ = [
    "AnswerError",
    "Answers",
    "Entry",
    "Path",
    "answer_key",
    "format_answer",
    "initial_answers",
    "input_text",
    "instances",
    "option_for",
    "parse_text_answer",
    "paths_of",
    "scope_at",
    "set_values",
    "values_of",
]

Answers = dict[str, Any]
Path = tuple[int, ...]


@dataclass(eq=False)
class Entry:
    """One answer of a repeating question that has items under it, with their answers."""

    value: AnswerValue
    answers: Answers = field(default_factory=dict)


# -- reading and writing scopes ------------------------------------------------------------


def values_of(item: Item, scope: Answers) -> list[AnswerValue]:
    """The answers to question *item* held in *scope* (groups have none)."""
    if item.type is ItemType.GROUP:
        return []
    raw = scope.get(item.link_id)
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    out: list[AnswerValue] = []
    for entry in entries:
        value = entry.value if isinstance(entry, Entry) else entry
        if value is not None and not isinstance(value, dict | list):
            out.append(value)
    return out


def instances(container: Item, scope: Answers) -> list[Answers]:
    """The scopes of a repeating container's instances (or answers) in *scope*."""
    raw = scope.get(container.link_id)
    if not isinstance(raw, list):
        return []
    if container.type is ItemType.GROUP:
        return [inner for inner in raw if isinstance(inner, dict)]
    return [entry.answers for entry in raw if isinstance(entry, Entry)]


def scope_at(
    questionnaire: Questionnaire, link_id: str, answers: Answers, path: Path = ()
) -> Answers | None:
    """The scope that holds *link_id*'s answers at *path* (``None`` if it does not exist).

    A *path* shorter than the item's containers leads to the scope of an outer container.
    """
    return scope_through(questionnaire.containers_of(link_id), answers, path)


def scope_through(chain: tuple[Item, ...], answers: Answers, path: Path) -> Answers | None:
    """Follow *path* through the containers *chain* from the root scope *answers*."""
    scope = answers
    for container, index in zip(chain, path, strict=False):
        found = instances(container, scope)
        if not 0 <= index < len(found):
            return None
        scope = found[index]
    return scope


def paths_of(questionnaire: Questionnaire, link_id: str, answers: Answers) -> Iterator[Path]:
    """Every path at which *link_id* currently has a scope, in document order."""
    chain = questionnaire.containers_of(link_id)
    return expand_paths(chain, answers, ())


def expand_paths(chain: tuple[Item, ...], answers: Answers, prefix: Path) -> Iterator[Path]:
    """The paths through *chain* that start with *prefix* (which must exist)."""
    scope = scope_through(chain, answers, prefix)
    if scope is None:
        return
    stack: list[tuple[int, Answers, Path]] = [(len(prefix), scope, prefix)]
    while stack:
        depth, current, path = stack.pop()
        if depth == len(chain):
            yield path
            continue
        found = instances(chain[depth], current)
        for index in reversed(range(len(found))):
            stack.append((depth + 1, found[index], (*path, index)))


def set_values(item: Item, scope: Answers, values: list[AnswerValue]) -> None:
    """Store *values* as *item*'s answers in *scope* (an empty list: unanswered).

    For a repeating question with nested items, an answer kept from before keeps its
    nested answers.
    """
    if not values:
        scope.pop(item.link_id, None)
        return
    if item.is_container:
        old = scope.get(item.link_id)
        previous = (
            [entry for entry in old if isinstance(entry, Entry)] if isinstance(old, list) else []
        )
        entries: list[Entry] = []
        for value in values:
            match = next((e for e in previous if same_value(value, e.value)), None)
            if match is not None:
                previous.remove(match)
                entries.append(Entry(value, match.answers))
            else:
                entries.append(Entry(value, {}))
        scope[item.link_id] = entries
    elif item.repeats:
        scope[item.link_id] = list(values)
    else:
        scope[item.link_id] = values[0]


def answer_key(link_id: str, path: Path = ()) -> str:
    """How problems name *link_id* at *path*: ``dose`` at the root, ``dose[2]`` in the
    second instance of its repeating group, ``dose[2.1]`` one level deeper (1-based)."""
    if not path:
        return link_id
    return f"{link_id}[{'.'.join(str(index + 1) for index in path)}]"


# -- initial answers -----------------------------------------------------------------------


def initial_answers(questionnaire: Questionnaire) -> Answers:
    """The root scope a fresh session starts with: ``initial[x]`` values, and for each
    repeating group as many instances as ``questionnaire-minOccurs`` asks (at least one)."""
    scope: Answers = {}
    fill_initial(questionnaire.items, scope)
    return scope


def fill_initial(items: tuple[Item, ...], scope: Answers) -> None:
    """Put the initial answers of *items* (and what is nested in them) into *scope*."""
    for item in items:
        if item.type is ItemType.GROUP and item.repeats:
            count = max(1, item.min_occurs or 0)
            made: list[Answers] = []
            for _index in range(count):
                inner: Answers = {}
                fill_initial(item.items, inner)
                made.append(inner)
            scope[item.link_id] = made
            continue
        if item.is_question and item.available and item.initials:
            set_values(item, scope, list(item.initials))
        if item.is_container:
            raw = scope.get(item.link_id)
            for entry in raw if isinstance(raw, list) else []:
                fill_initial(item.items, entry.answers)
        else:
            fill_initial(item.items, scope)


def new_instance(group: Item) -> Answers:
    """A fresh instance of a repeating group, with its initial answers."""
    inner: Answers = {}
    fill_initial(group.items, inner)
    return inner


# -- typed text and display ----------------------------------------------------------------


def parse_text_answer(item: Item, text: str) -> AnswerValue | None:
    """The value the visitor typed for *item*, ``None`` if blank; raises :class:`AnswerError`.

    Only for items answered by typing; other types raise ``TypeError``.
    """
    parse = spec_for(item.type).parse
    if parse is None:
        raise TypeError(f"{item.type} items are not answered by typing")
    if not text.strip():
        return None
    return parse(item, text)


def option_for(item: Item, value: AnswerValue) -> AnswerOption | None:
    """The option of *item* whose value matches *value* (codings match on system and code)."""
    return next((option for option in item.options if same_value(value, option.value)), None)


def format_answer(item: Item, value: AnswerValue, language: str | None = None) -> str:
    """*value* as the review screen shows it (option labels in the visitor's language)."""
    if item.options:
        option = option_for(item, value)
        if option is not None:
            return option.label_in(language)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Coding):
        return value.display or value.code or ""
    if isinstance(value, Quantity):
        unit = value.unit or value.code
        return f"{value.value} {unit}" if unit else str(value.value)
    return input_text(item, value)


def input_text(item: Item, value: AnswerValue) -> str:
    """*value* as typed into a text field: what :func:`parse_text_answer` reads back."""
    if isinstance(value, Quantity):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        local = value.astimezone()
        if local.utcoffset() != value.utcoffset():
            return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
        return local.strftime("%Y-%m-%d %H:%M" if not local.second else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, datetime.date | PartialDate):
        return value.isoformat()
    if isinstance(value, Coding):
        return value.display or value.code or ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)
