"""Build an R4 QuestionnaireResponse (plain JSON-able dicts) from answers."""

from __future__ import annotations

import datetime
from typing import Any

from kiosk.questionnaire.answers import Answers, Entry, Path, option_for
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.model import AnswerValue, Item, ItemType, Questionnaire
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.validate import problems
from kiosk.questionnaire.values import encode_value


def build_response(
    questionnaire: Questionnaire,
    answers: Answers,
    *,
    authored: datetime.datetime,
    language: str | None = None,
    identifier: str | None = None,
) -> dict[str, Any]:
    """A ``completed`` QuestionnaireResponse for *answers*.

    Items nest as in the questionnaire (answers to items under a question go into that
    question's ``answer.item``; each instance of a repeating group is its own item);
    disabled, unanswered, display, attachment and reference items, and groups without
    answers, are left out. Each ``item.text`` is the text in *language* (the form's
    ``translation`` of it, else its own text): the text the visitor was shown. Raises
    ``ValueError`` if the answers have problems (see
    :func:`~kiosk.questionnaire.validate.problems`) or *authored* has no timezone.
    """
    state = EnableState(questionnaire, answers)
    found = problems(questionnaire, answers, state=state)
    if found:
        raise ValueError("answers have problems for linkIds: " + ", ".join(found))
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must carry a timezone")

    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if language:
        response["language"] = language.replace("_", "-")  # BCP 47: pt-BR, zh-Hans
    if identifier:
        response["identifier"] = {"value": identifier}
    response["questionnaire"] = questionnaire.canonical()
    response["status"] = "completed"
    response["authored"] = authored.isoformat(timespec="seconds")
    items = response_items(questionnaire, answers, state, language=language)
    if items:
        response["item"] = items
    return response


def response_items(
    questionnaire: Questionnaire,
    answers: Answers,
    state: EnableState | None = None,
    *,
    lenient: bool = False,
    language: str | None = None,
) -> list[dict[str, Any]]:
    """The ``item`` list of the response for *answers*, item texts in *language* (default:
    the questionnaire's own texts).

    With *lenient*, answers that cannot be written (a value of the wrong type) are left
    out instead of raising: for computing expressions over answers not yet checked.
    """
    state = state or EnableState(questionnaire, answers)
    return Builder(state, lenient, language).items(questionnaire.items, answers, ())


class Builder:
    """Writes response items for answers, one state of enabling (``lenient``: answers
    that cannot be written are left out instead of raising)."""

    def __init__(
        self, state: EnableState, lenient: bool = False, language: str | None = None
    ) -> None:
        self.state = state
        self.lenient = lenient
        self.language = language

    def header(self, item: Item) -> dict[str, Any]:
        return header(item, self.language)

    def encode(self, item: Item, value: AnswerValue) -> dict[str, Any] | None:
        if not self.lenient:
            return encode_answer(item, value)
        try:
            check_value(item, value)
            return encode_answer(item, value)
        except (AnswerError, TypeError, ValueError, AssertionError):
            return None

    def items(self, items: tuple[Item, ...], scope: Answers, path: Path) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item in items:
            out.extend(self.item(item, scope, path))
        return out

    def item(self, item: Item, scope: Answers, path: Path) -> list[dict[str, Any]]:
        if item.type is ItemType.DISPLAY or not item.available:
            return []
        if not self.state.enabled(item.link_id, path):
            return []
        if item.type is ItemType.GROUP:
            return self.group(item, scope, path)
        found = self.state.values(item.link_id, path)
        if not found:
            return []  # items nested under it are disabled too, so nothing is lost
        if item.is_container:
            raw = scope.get(item.link_id)
            entries = [e for e in raw if isinstance(e, Entry)] if isinstance(raw, list) else []
            answers = []
            for index, entry in enumerate(entries):
                answer = self.encode(item, entry.value)
                if answer is None:
                    continue
                children = self.items(item.items, entry.answers, (*path, index))
                if children:
                    answer["item"] = children
                answers.append(answer)
            return [{**self.header(item), "answer": answers}] if answers else []
        answers = [a for value in found if (a := self.encode(item, value)) is not None]
        if not answers:
            return []
        children = self.items(item.items, scope, path)
        if children:
            answers[0]["item"] = children
        return [{**self.header(item), "answer": answers}]

    def group(self, group: Item, scope: Answers, path: Path) -> list[dict[str, Any]]:
        if not group.repeats:
            children = self.items(group.items, scope, path)
            return [{**self.header(group), "item": children}] if children else []
        raw = scope.get(group.link_id)
        out = []
        for index, inner in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(inner, dict):
                continue
            children = self.items(group.items, inner, (*path, index))
            if children:
                out.append({**self.header(group), "item": children})
        return out


def encode_answer(item: Item, value: AnswerValue) -> dict[str, Any]:
    """``{"value<kind>": ...}`` for one answer to *item* (an option's full value)."""
    option = option_for(item, value) if item.options else None
    if option is not None:
        value = option.value  # the option's full coding, with system and display
    key, encoded = encode_value(value, kind=spec_for(item.type).response_kind)
    return {key: encoded}


def header(item: Item, language: str | None = None) -> dict[str, Any]:
    """``linkId``, ``definition`` and ``text`` (in *language*, if given) of a response item
    for *item*."""
    out: dict[str, Any] = {"linkId": item.link_id}
    if item.definition:
        out["definition"] = item.definition
    if item.text:
        out["text"] = item.text_in(language) if language else item.text
    return out


def answered_questions(
    questionnaire: Questionnaire, answers: Answers, state: EnableState | None = None
) -> int:
    """How many questions carry an answer (each instance of a repeating group counts)."""

    def count(items: list[dict[str, Any]]) -> int:
        total = 0
        for item in items:
            given = item.get("answer", [])
            total += bool(given) + count(item.get("item", []))
            total += sum(count(answer.get("item", [])) for answer in given)
        return total

    return count(response_items(questionnaire, answers, state, lenient=True))
