"""Repeating questions, repeating groups and items under repeating answers: scopes,
per-instance enableWhen, counting rules and the nesting of the response."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kiosk.questionnaire import (
    EnableState,
    Entry,
    active_answers,
    answer_key,
    build_response,
    fresh_answers,
    initial_answers,
    is_enabled,
    problems,
    scope_at,
    set_values,
    values_of,
)

WHEN = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)
Q = "http://hl7.org/fhir/StructureDefinition/"


def occurs(low: int | None = None, high: int | None = None) -> list[dict[str, Any]]:
    found = []
    if low is not None:
        found.append({"url": Q + "questionnaire-minOccurs", "valueInteger": low})
    if high is not None:
        found.append({"url": Q + "questionnaire-maxOccurs", "valueInteger": high})
    return found


MEDICATIONS: list[dict[str, Any]] = [
    {"linkId": "takes", "type": "boolean", "text": "Do you take medicines?"},
    {
        "linkId": "meds",
        "type": "group",
        "text": "Medicines",
        "repeats": True,
        "extension": occurs(1, 3),
        "enableWhen": [{"question": "takes", "operator": "=", "answerBoolean": True}],
        "item": [
            {"linkId": "name", "type": "string", "text": "Name", "required": True},
            {"linkId": "daily", "type": "boolean", "text": "Every day?"},
            {
                "linkId": "dose",
                "type": "integer",
                "text": "Tablets a day",
                "required": True,
                "enableWhen": [{"question": "daily", "operator": "=", "answerBoolean": True}],
            },
        ],
    },
]


@pytest.fixture
def meds(make_q):  # type: ignore[no-untyped-def]
    return make_q(*MEDICATIONS)


def test_model_knows_the_containers(meds) -> None:  # type: ignore[no-untyped-def]
    assert meds.item("meds").is_container
    assert [c.link_id for c in meds.containers_of("dose")] == ["meds"]
    assert meds.containers_of("takes") == ()
    assert [p.items[0].link_id for p in meds.pages()] == ["takes", "meds"]  # shown whole


def test_fresh_answers_start_with_min_occurs_entries(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q({**MEDICATIONS[1], "extension": occurs(2), "enableWhen": None} | {})
    assert initial_answers(q) == {"meds": [{}, {}]}


def test_enable_when_is_decided_per_entry(meds) -> None:  # type: ignore[no-untyped-def]
    answers = {"takes": True, "meds": [{"name": "A", "daily": True}, {"name": "B"}]}
    state = EnableState(meds, answers)
    assert state.enabled("dose", (0,))
    assert not state.enabled("dose", (1,))
    assert problems(meds, answers) == {answer_key("dose", (0,)): "This question needs an answer."}
    assert answer_key("dose", (0,)) == "dose[1]"
    answers["meds"][0]["dose"] = 2
    assert problems(meds, answers) == {}
    answers["takes"] = False  # the whole group goes, with every entry
    assert not is_enabled(meds, "meds", answers)
    assert not is_enabled(meds, "dose", answers, (0,))
    assert active_answers(meds, answers) == {"takes": False}


def test_condition_on_an_outer_question_holds_in_every_entry(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "adult", "type": "boolean"},
        {"linkId": "jobs", "type": "group", "repeats": True, "item": [
            {"linkId": "title", "type": "string"},
            {"linkId": "night", "type": "boolean",
             "enableWhen": [{"question": "adult", "operator": "=", "answerBoolean": True}]},
        ]},
        {"linkId": "any-night", "type": "string",
         "enableWhen": [{"question": "night", "operator": "=", "answerBoolean": True}]},
    )  # fmt: skip
    answers = {"adult": True, "jobs": [{"night": False}, {"night": True}]}
    assert is_enabled(q, "night", answers, (0,))
    assert is_enabled(q, "night", answers, (1,))
    # outside the group, a condition on an item inside it looks at every entry
    assert is_enabled(q, "any-night", answers)
    answers["jobs"][1]["night"] = False
    assert not is_enabled(q, "any-night", answers)


def test_group_counts(meds) -> None:  # type: ignore[no-untyped-def]
    one = {"name": "A"}
    assert problems(meds, {"takes": True, "meds": [{}]}) == {
        "meds": "Fill in at least one entry in this section."
    }
    too_many = {"takes": True, "meds": [dict(one) for _ in range(4)]}
    assert problems(meds, too_many) == {"meds": "This section allows at most 3 entries."}
    # an entry with no answer at all is not counted (nor sent); a started one is checked
    answers = {"takes": True, "meds": [{}, {"daily": True, "dose": 1}]}
    assert problems(meds, answers) == {"name[2]": "This question needs an answer."}
    answers["meds"][1]["name"] = "B"
    assert problems(meds, answers) == {}


def test_repeating_answers(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "c", "type": "choice", "repeats": True, "extension": occurs(2, 3),
         "answerOption": [
             {"valueString": "a"}, {"valueString": "b"}, {"valueString": "c"},
             {"valueString": "d"},
             {"valueString": "none", "extension": [
                 {"url": Q + "questionnaire-optionExclusive", "valueBoolean": True}]}]},
        {"linkId": "s", "type": "string"},
    )  # fmt: skip
    assert problems(q, {"c": ["a"]}) == {"c": "Give at least 2 answers."}
    assert problems(q, {"c": ["a", "b", "c", "d"]}) == {"c": "Give at most 3 answers."}
    assert problems(q, {"c": ["a", "a"]}) == {"c": "The same answer is given more than once."}
    assert problems(q, {"c": ["a", "none"]}) == {
        "c": "'none' cannot be combined with other answers."
    }
    assert problems(q, {"c": ["a", "x"]}) == {"c": "Choose one of the listed answers."}
    assert problems(q, {"c": ["a", "b"], "s": ["x", "y"]}) == {"s": "Give only one answer."}
    response = build_response(q, {"c": ["b", "a"]}, authored=WHEN)
    assert response["item"] == [
        {"linkId": "c", "answer": [{"valueString": "b"}, {"valueString": "a"}]}
    ]


def test_several_initial_values_need_repeats(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q({"linkId": "i", "type": "integer", "repeats": True,
                "initial": [{"valueInteger": 1}, {"valueInteger": 2}]})  # fmt: skip
    assert q.item("i").initials == (1, 2)
    assert fresh_answers(q) == {"i": [1, 2]}


def test_items_under_repeating_answers(make_q, fhir_valid) -> None:  # type: ignore[no-untyped-def]
    q = make_q({
        "linkId": "pets", "type": "choice", "repeats": True,
        "answerOption": [{"valueString": "cat"}, {"valueString": "dog"}],
        "item": [{"linkId": "age", "type": "integer", "required": True}],
    })  # fmt: skip
    assert q.item("pets").is_container
    answers: dict[str, Any] = {}
    set_values(q.item("pets"), answers, ["cat", "dog"])
    assert [entry.value for entry in answers["pets"]] == ["cat", "dog"]
    assert problems(q, answers) == {
        "age[1]": "This question needs an answer.",
        "age[2]": "This question needs an answer.",
    }
    answers["pets"][1].answers["age"] = 3
    set_values(q.item("pets"), answers, ["dog"])  # a kept answer keeps its items
    assert answers["pets"][0].answers == {"age": 3}
    assert isinstance(answers["pets"][0], Entry)
    response = fhir_valid(build_response(q, answers, authored=WHEN))
    assert response.model_dump(exclude_none=True)["item"] == [
        {"linkId": "pets", "answer": [
            {"valueString": "dog", "item": [{"linkId": "age", "answer": [{"valueInteger": 3}]}]}
        ]}
    ]  # fmt: skip


def test_response_has_one_item_per_entry(meds, fhir_valid) -> None:  # type: ignore[no-untyped-def]
    answers = {
        "takes": True,
        "meds": [{"name": "A", "daily": True, "dose": 2}, {}, {"name": "B", "daily": False}],
    }
    response = build_response(meds, answers, authored=WHEN)
    fhir_valid(response)
    entries = [item for item in response["item"] if item["linkId"] == "meds"]
    assert [[i["linkId"] for i in entry["item"]] for entry in entries] == [
        ["name", "daily", "dose"],
        ["name", "daily"],
    ]


def test_scope_helpers(meds) -> None:  # type: ignore[no-untyped-def]
    answers = {"takes": True, "meds": [{"name": "A"}, {"name": "B"}]}
    assert scope_at(meds, "name", answers, (1,)) == {"name": "B"}
    assert scope_at(meds, "name", answers, (5,)) is None
    assert values_of(meds.item("name"), answers["meds"][0]) == ["A"]
