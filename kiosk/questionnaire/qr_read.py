"""Check a QuestionnaireResponse against its questionnaire (``kiosk questionnaire validate``).

The response is read into answers (structure problems are reported on the way: unknown
or misplaced linkIds, answers of the wrong type, items nested in the wrong place), then
held to the same rules as answers given at the terminal (see
:func:`~kiosk.questionnaire.validate.problems`). Every answer to an item that enableWhen
disables is reported, and the answers under it are checked as if it were enabled, so that
each wrong one is named too. Calculated items are computed again from the response's
answers: a stored value that differs (a tampered score) is reported. Each problem names
the item (with its instance number inside repeating groups, see
:func:`~kiosk.questionnaire.answers.answer_key`).
"""

from __future__ import annotations

import copy
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.answers import (
    Answers,
    Entry,
    Path,
    answer_key,
    instances,
    paths_of,
    values_of,
)
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.jsonshape import one_value
from kiosk.questionnaire.model import AnswerValue, Item, ItemType, Questionnaire
from kiosk.questionnaire.validate import _shown, _Walker, problems
from kiosk.questionnaire.values import VALUE_KINDS, same_value

STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
_ANSWER_KEYS = frozenset({"id", "extension", "item"})


def validate_response(questionnaire: Questionnaire, data: object) -> list[str]:
    """Every problem of the response *data* (decoded JSON), each naming its item."""
    reader = _Reader(questionnaire)
    answers = reader.read(data)
    if answers is None:
        return reader.errors
    complete = isinstance(data, dict) and data.get("status") in ("completed", "amended")
    state = EnableState(questionnaire, answers)
    found = problems(questionnaire, answers, state=state, complete=complete, name_values=True)
    for key, problem in found.items():
        if key:
            reader.errors.append(_item_error(key, problem))
        else:  # a constraint of the questionnaire itself
            reader.errors.append(_("response: {problem}").format(problem=problem))
    disabled_answers(questionnaire.items, answers, (), state, reader.errors, complete)
    reader.errors.extend(changed_calculations(questionnaire, answers, state, complete))
    return reader.errors


def changed_calculations(
    questionnaire: Questionnaire, answers: Answers, state: EnableState, complete: bool
) -> list[str]:
    """Calculated items whose stored answers are not what their expressions give."""
    from kiosk.questionnaire.calculate import apply_calculations

    calculated = [item for item in questionnaire.all_items() if item.calculated is not None]
    if not calculated:
        return []
    recomputed = copy.deepcopy(answers)
    apply_calculations(questionnaire, recomputed)
    after = EnableState(questionnaire, recomputed)
    errors: list[str] = []
    for item in calculated:
        for path in paths_of(questionnaire, item.link_id, answers):
            stored = state.values(item.link_id, path)
            expected = after.values(item.link_id, path)
            if not stored and not (expected and complete):
                continue  # not stored in a response still in progress
            if len(stored) == len(expected) and all(
                same_value(a, b) for a, b in zip(stored, expected, strict=True)
            ):
                continue
            errors.append(
                _item_error(
                    answer_key(item.link_id, path),
                    _(
                        "the stored answer {stored} is not what its calculation gives ({expected})"
                    ).format(
                        stored=", ".join(_shown(v) for v in stored) or "-",
                        expected=", ".join(_shown(v) for v in expected) or "-",
                    ),
                )
            )
    return errors


def read_response(questionnaire: Questionnaire, data: object) -> tuple[Answers, list[str]]:
    """The answers held in the response *data*, and the structure problems met."""
    reader = _Reader(questionnaire)
    answers = reader.read(data)
    return answers or {}, reader.errors


def _item_error(key: str, problem: str) -> str:
    return _("item '{key}': {problem}").format(key=key, problem=problem)


class _Reader:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.errors: list[str] = []

    def problem(self, problem: str) -> None:
        self.errors.append(_("response: {problem}").format(problem=problem))

    def read(self, data: object) -> Answers | None:
        if not isinstance(data, dict):
            self.problem(_("the JSON is not an object"))
            return None
        if data.get("resourceType") != "QuestionnaireResponse":
            self.problem(
                _("resourceType is '{found}', expected 'QuestionnaireResponse'").format(
                    found=data.get("resourceType")
                )
            )
            return None
        status = data.get("status")
        if status not in STATUSES:
            self.problem(_("'status' must be one of {codes}").format(codes=", ".join(STATUSES)))
        reference = data.get("questionnaire")
        if reference is not None and not self.names_questionnaire(reference):
            self.problem(
                _("it answers questionnaire '{found}', not '{expected}'").format(
                    found=reference, expected=self.questionnaire.canonical()
                )
            )
        answers: Answers = {}
        raw_items = data.get("item")
        if raw_items is not None:
            if not isinstance(raw_items, list):
                self.problem(_("'item' must be a list"))
            else:
                self.items(raw_items, self.questionnaire.items, answers, ())
        return answers

    def names_questionnaire(self, reference: object) -> bool:
        q = self.questionnaire
        if not isinstance(reference, str):
            return False
        url, _bar, version = reference.partition("|")
        if q.url and url == q.url:
            return not version or not q.version or version == q.version
        if q.id and (url == f"Questionnaire/{q.id}" or url.endswith(f"/Questionnaire/{q.id}")):
            return True
        return reference == q.canonical()

    # -- items -----------------------------------------------------------------------

    def items(
        self, raw_items: list[Any], expected: tuple[Item, ...], scope: Answers, path: Path
    ) -> None:
        by_link = {item.link_id: item for item in expected}
        seen: set[str] = set()
        for raw in raw_items:
            link_id = raw.get("linkId") if isinstance(raw, dict) else None
            if not isinstance(link_id, str):
                self.problem(_("an item has no linkId"))
                continue
            item = by_link.get(link_id)
            key = answer_key(link_id, path)
            if item is None:
                if link_id in self.questionnaire:
                    self.errors.append(
                        _item_error(key, _("is not where the questionnaire puts it"))
                    )
                else:
                    self.errors.append(_item_error(key, _("is not in the questionnaire")))
                continue
            if link_id in seen and not (item.type is ItemType.GROUP and item.repeats):
                self.errors.append(_item_error(key, _("appears more than once")))
                continue
            seen.add(link_id)
            assert isinstance(raw, dict)
            self.item(item, raw, scope, path)

    def item(self, item: Item, raw: dict[str, Any], scope: Answers, path: Path) -> None:
        key = answer_key(item.link_id, path)
        children = raw.get("item")
        raw_answers = raw.get("answer")
        if children is not None and not isinstance(children, list):
            self.errors.append(_item_error(key, _("'item' must be a list")))
            children = None
        if item.type in (ItemType.GROUP, ItemType.DISPLAY):
            if raw_answers is not None:
                self.errors.append(_item_error(key, _("a {type} item takes no answer").format(
                    type=item.type)))  # fmt: skip
            if item.type is ItemType.DISPLAY:
                if children:
                    self.errors.append(_item_error(key, _("a display item has no items")))
                return
            if item.repeats:
                inner: Answers = {}
                found = scope.setdefault(item.link_id, [])
                found.append(inner)
                self.items(children or [], item.items, inner, (*path, len(found) - 1))
            else:
                self.items(children or [], item.items, scope, path)
            return
        if children:
            self.errors.append(
                _item_error(key, _("items under a question belong in its answer's 'item'"))
            )
        if raw_answers is None:
            return
        if not isinstance(raw_answers, list):
            self.errors.append(_item_error(key, _("'answer' must be a list")))
            return
        self.answers(item, raw_answers, scope, path)

    def answers(self, item: Item, raw_answers: list[Any], scope: Answers, path: Path) -> None:
        key = answer_key(item.link_id, path)
        values: list[AnswerValue] = []
        entries: list[Entry] = []
        nested: list[list[Any]] = []

        def report(problem: str) -> None:
            self.errors.append(_item_error(key, problem))

        for raw in raw_answers:
            if not isinstance(raw, dict):
                self.errors.append(_item_error(key, _("an answer is not an object")))
                continue
            found = one_value(
                raw,
                "value",
                "answer",
                _ANSWER_KEYS,
                _answer_kinds(item),
                report,
            )
            if found is None:
                continue
            value = found[1]
            values.append(value)
            inner = raw.get("item")
            if inner is not None and not isinstance(inner, list):
                self.errors.append(_item_error(key, _("'item' must be a list")))
                inner = None
            if item.is_container:
                entries.append(Entry(value, {}))
                nested.append(inner or [])
            elif inner:
                if not item.items:
                    self.errors.append(_item_error(key, _("this question has no nested items")))
                nested.append(inner)
        if item.is_container:
            scope[item.link_id] = entries
            for index, (entry, inner) in enumerate(zip(entries, nested, strict=True)):
                self.items(inner, item.items, entry.answers, (*path, index))
            return
        if values:
            scope[item.link_id] = values if len(values) > 1 or item.repeats else values[0]
        for inner in nested:
            self.items(inner, item.items, scope, path)


def _answer_kinds(item: Item) -> frozenset[str]:
    spec = spec_for(item.type)
    if spec.response_kind is not None:
        return frozenset({spec.response_kind})
    if item.type is ItemType.OPEN_CHOICE:
        return frozenset({"Coding", "String"})
    if item.type is ItemType.CHOICE:
        return spec.comparable_kinds(item) or spec.option_kinds
    return frozenset(VALUE_KINDS)


def disabled_answers(
    items: tuple[Item, ...],
    scope: Answers,
    path: Path,
    state: EnableState,
    errors: list[str],
    complete: bool = True,
) -> None:
    """Report each answered item that enableWhen disables, then every wrong answer under
    it, checked as if it were enabled."""
    for item in items:
        enabled = state.enabled(item.link_id, path)
        if not enabled and _has_answers(item, scope):
            errors.append(
                _item_error(
                    answer_key(item.link_id, path),
                    _("has an answer, but enableWhen disables this item"),
                )
            )
            walker = _Walker(_AsIfEnabled(state.questionnaire, state.answers), complete, True)
            walker.walk((item,), scope, path)
            for key, problem in walker.found.items():
                errors.append(_item_error(key, problem))
            continue
        if not enabled:
            continue
        if item.is_container:
            for index, inner in enumerate(instances(item, scope)):
                disabled_answers(item.items, inner, (*path, index), state, errors, complete)
        else:
            disabled_answers(item.items, scope, path, state, errors, complete)


class _AsIfEnabled(EnableState):
    """Every item enabled: to check the answers given under a disabled item."""

    def enabled(self, link_id: str, path: Path = ()) -> bool:
        return True


def _has_answers(item: Item, scope: Answers) -> bool:
    if item.is_question:
        return bool(values_of(item, scope))
    if item.repeats:
        return any(instances(item, scope))
    return any(_has_answers(child, scope) for child in item.items)
