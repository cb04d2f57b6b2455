"""Answers given as JSON (``kiosk questionnaire fill``): read, check, turn into a response.

The answers file is a JSON object mapping linkIds to answers (see README, "Answers files"):

* a question: its value, or a list of values if it repeats. Values are written as at the
  terminal (``"72,5"``, ``"2024-07-31 14:30"``) or as JSON numbers and booleans; a choice
  is given by its code, display or value (or ``{"system": ..., "code": ...}``); a
  quantity is a number (with the item's only unit) or ``{"value": 72.5, "unit": "kg"}``;
* items inside a group that does not repeat, or under a question that does not repeat,
  are answered at the same level as the group or question;
* a repeating group: a list of objects, one per instance, each answering the group's items;
* a repeating question with items under it: a list of values or of
  ``{"answer": value, "items": {...}}`` objects.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.answers import (
    AnswerError,
    Answers,
    Entry,
    Path,
    answer_key,
    fill_initial,
    parse_text_answer,
)
from kiosk.questionnaire.calculate import add_entry, apply_calculations, fresh_answers
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.model import AnswerValue, Coding, Item, ItemType, Questionnaire
from kiosk.questionnaire.qr_read import disabled_answers
from kiosk.questionnaire.response import build_response
from kiosk.questionnaire.textentry import quantity_in
from kiosk.questionnaire.validate import problems
from kiosk.questionnaire.values import ValueProblem, decode_date, decode_decimal


class AnswersInvalid(ValueError):
    """The answers cannot make a response; ``errors`` lists each one by linkId."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def fill(
    questionnaire: Questionnaire,
    data: object,
    *,
    authored: datetime.datetime,
    language: str | None = None,
) -> dict[str, Any]:
    """The QuestionnaireResponse for the answers *data*, or :class:`AnswersInvalid`."""
    reader = _Reader(questionnaire)
    answers = reader.read(data)
    errors = reader.errors
    state = EnableState(questionnaire, answers)
    for key, problem in problems(questionnaire, answers, state=state, name_values=True).items():
        if key not in reader.bad_keys:  # already said what is wrong with its answer
            errors.append(_error(key, problem))
    disabled_answers(questionnaire.items, answers, (), state, errors)
    if errors:
        raise AnswersInvalid(errors)
    return build_response(questionnaire, answers, authored=authored, language=language)


def read_answers(questionnaire: Questionnaire, data: object) -> tuple[Answers, list[str]]:
    """The answers in *data* on top of the questionnaire's initial and calculated ones."""
    reader = _Reader(questionnaire)
    answers = reader.read(data)
    return answers, reader.errors


def _error(key: str, problem: str) -> str:
    return _("item '{key}': {problem}").format(key=key, problem=problem)


def _level(items: tuple[Item, ...]) -> dict[str, Item]:
    """The items answered at one level: *items*, and what sits in their shared scope."""
    found: dict[str, Item] = {}
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        found[item.link_id] = item
        if not item.is_container:
            stack.extend(reversed(item.items))
    return found


class _Reader:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.errors: list[str] = []
        self.bad_keys: set[str] = set()
        self.answers: Answers = {}
        """The root scope being read."""

    def read(self, data: object) -> Answers:
        answers = fresh_answers(self.questionnaire)
        self.answers = answers
        if not isinstance(data, dict):
            self.errors.append(_("answers: the JSON is not an object mapping linkIds to answers"))
            return answers
        self.scope(data, self.questionnaire.items, answers, ())
        apply_calculations(self.questionnaire, answers)
        return answers

    def scope(
        self, data: dict[str, Any], items: tuple[Item, ...], scope: Answers, path: Path
    ) -> None:
        level = _level(items)
        for link_id, given in data.items():
            key = answer_key(link_id, path)
            item = level.get(link_id)
            if item is None:
                if link_id in self.questionnaire:
                    outer = self.questionnaire.containers_of(link_id)
                    where = outer[-1].link_id if outer else None
                    self.errors.append(
                        _error(key, _("is answered inside '{container}', not here").format(
                            container=where)) if where else _error(key, _("is not answered here"))
                    )  # fmt: skip
                else:
                    self.errors.append(_error(key, _("is not in the questionnaire")))
                continue
            self.item(item, given, scope, path)

    def item(self, item: Item, given: Any, scope: Answers, path: Path) -> None:
        key = answer_key(item.link_id, path)
        if item.type is ItemType.DISPLAY:
            self.errors.append(_error(key, _("is a display item and takes no answer")))
            return
        if item.type is ItemType.GROUP:
            if item.repeats:
                self.group_instances(item, given, scope, path)
            elif isinstance(given, dict):
                self.scope(given, item.items, scope, path)
            else:
                self.errors.append(_error(key, _("is a group: answer its items instead")))
            return
        if not item.available:
            self.errors.append(_error(key, _("cannot be answered at a lobby terminal")))
            return
        if not item.answerable:
            self.errors.append(_error(key, _("is filled in by the questionnaire; leave it out")))
            return
        if item.is_container:
            self.entries(item, given, scope, path)
            return
        given_list = given if isinstance(given, list) else [given]
        values = [v for raw in given_list if (v := self.value(item, raw, key)) is not None]
        if given is None or given == []:
            scope.pop(item.link_id, None)
        elif values:
            scope[item.link_id] = values if isinstance(given, list) else values[0]

    def group_instances(self, group: Item, given: Any, scope: Answers, path: Path) -> None:
        key = answer_key(group.link_id, path)
        if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
            self.errors.append(
                _error(key, _("is a repeating group: give a list of objects, one per entry"))
            )
            return
        scope[group.link_id] = []
        for instance in given:  # each entry as the visitor adds it: initialExpressions first
            index = add_entry(self.questionnaire, self.answers, group, path)
            self.scope(instance, group.items, scope[group.link_id][index], (*path, index))

    def entries(self, item: Item, given: Any, scope: Answers, path: Path) -> None:
        key = answer_key(item.link_id, path)
        made: list[Entry] = []
        for index, raw in enumerate(given if isinstance(given, list) else [given]):
            nested = None
            if isinstance(raw, dict) and "answer" in raw:
                nested = raw.get("items") or {}
                raw = raw["answer"]
                if not isinstance(nested, dict):
                    self.errors.append(_error(key, _("'items' must be an object")))
                    nested = {}
            value = self.value(item, raw, key)
            if value is None:
                continue
            entry = Entry(value, {})
            fill_initial(item.items, entry.answers)
            if nested:
                self.scope(nested, item.items, entry.answers, (*path, index))
            made.append(entry)
        if made:
            scope[item.link_id] = made
        else:
            scope.pop(item.link_id, None)

    def value(self, item: Item, raw: Any, key: str) -> AnswerValue | None:
        try:
            return decode_answer(item, raw)
        except AnswerError as error:
            self.bad_keys.add(key)
            self.errors.append(
                _error(key, _("answer {answer}: {problem}").format(
                    answer=_json_text(raw), problem=error.message))
            )  # fmt: skip
            return None


def _json_text(raw: Any) -> str:
    if isinstance(raw, Decimal):
        return str(raw)  # as written in the file
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(raw)


def decode_answer(item: Item, raw: Any) -> AnswerValue:
    """One answer of *item* from its JSON form (see the module docstring)."""
    if item.options:
        option = _matching_option(item, raw)
        if option is not None:
            return option
        if item.type is not ItemType.OPEN_CHOICE or not isinstance(raw, str):
            labels = ", ".join(o.label for o in item.options[:12])
            raise AnswerError(_("Choose one of: {labels}.").format(labels=labels))
    if item.type is ItemType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        raise AnswerError(_("Answer true or false."))
    if item.type is ItemType.QUANTITY:
        return _quantity(item, raw)
    if isinstance(raw, bool) or raw is None or isinstance(raw, dict | list):
        raise AnswerError(_("This answer is not valid. Please answer the question again."))
    if item.type is ItemType.INTEGER and isinstance(raw, int):
        return raw
    if item.type is ItemType.DECIMAL and isinstance(raw, int | float | Decimal):
        return decode_decimal(raw)
    text = str(raw)
    try:
        value = parse_text_answer(item, text)
    except AnswerError:
        if item.type in (ItemType.DATE, ItemType.DATETIME):
            try:
                return decode_date(text)  # a partial date: 2021 or 2021-05
            except ValueProblem:
                pass
        raise
    if value is None:
        raise AnswerError(_("Type an answer, not only spaces."))
    return value


def _matching_option(item: Item, raw: Any) -> AnswerValue | None:
    for option in item.options:
        value = option.value
        if isinstance(value, Coding):
            if (
                isinstance(raw, dict)
                and raw.get("code") == value.code
                and (raw.get("system") in (None, value.system))
            ):
                return value
            if isinstance(raw, str) and raw in (value.code, value.display, option.label):
                return value
        elif raw == option.label or (type(raw) is type(value) and raw == value):
            return value
    return None


def _quantity(item: Item, raw: Any) -> AnswerValue:
    unit_text: str | None = None
    if isinstance(raw, dict):
        unit_text = raw.get("unit") or raw.get("code")
        raw = raw.get("value")
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise AnswerError(_('Give a number, or {"value": number, "unit": unit}.'))
    try:
        number = decode_decimal(raw) if not isinstance(raw, str) else Decimal(raw.replace(",", "."))
    except (ValueProblem, ArithmeticError):
        raise AnswerError(_("Enter a number, for example 72.5.")) from None
    if unit_text is None:
        if len(item.units) > 1:
            raise AnswerError(_("Choose a unit for this answer."))
        return quantity_in(number, item.units[0] if item.units else None)
    for unit in item.units:
        if unit_text in (unit.code, unit.display):
            return quantity_in(number, unit)
    if item.units:
        raise AnswerError(_("Choose one of the listed units."))
    return quantity_in(number, Coding(None, None, unit_text))
