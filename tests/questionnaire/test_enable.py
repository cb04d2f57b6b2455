"""enableWhen: operators, any/all, ancestors, nesting under questions, disabled sources."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from kiosk.questionnaire import Coding, Questionnaire, active_answers, is_enabled


def when(question: str, operator: str = "=", **answer: Any) -> dict[str, Any]:
    return {"question": question, "operator": operator, **answer}


def target(*conditions: dict[str, Any], behavior: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": "t", "type": "string", "enableWhen": list(conditions)}
    if behavior:
        item["enableBehavior"] = behavior
    return item


SOURCES: list[dict[str, Any]] = [
    {"linkId": "b", "type": "boolean"},
    {"linkId": "i", "type": "integer"},
    {"linkId": "d", "type": "decimal"},
    {"linkId": "dt", "type": "date"},
    {"linkId": "s", "type": "string"},
    {"linkId": "c", "type": "choice", "answerOption": [
        {"valueCoding": {"system": "http://s", "code": "yes", "display": "Yes"}},
        {"valueCoding": {"system": "http://s", "code": "no", "display": "No"}},
    ]},
    {"linkId": "cs", "type": "choice", "answerOption": [{"valueString": "red"}]},
]  # fmt: skip

YES = Coding("http://s", "yes", "Yes")


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        (when("b", answerBoolean=True), {"b": True}, True),
        (when("b", answerBoolean=True), {"b": False}, False),
        (when("b", answerBoolean=True), {}, False),
        (when("b", answerBoolean=False), {}, False),  # unanswered is not false
        (when("i", answerInteger=1), {"i": 1}, True),
        (when("i", answerInteger=1), {"i": 2}, False),
        (when("i", answerInteger=1), {"i": True}, False),  # True is not 1
        (when("d", answerDecimal=Decimal("2.5")), {"d": Decimal("2.50")}, True),
        (when("d", answerDecimal=Decimal("2.5")), {"d": Decimal("2.51")}, False),
        (when("d", answerInteger=2), {"d": Decimal("2.0")}, True),
        (when("dt", answerDate="2020-01-31"), {"dt": datetime.date(2020, 1, 31)}, True),
        (when("dt", answerDate="2020-01-31"), {"dt": datetime.date(2020, 2, 1)}, False),
        (when("s", answerString="Ab"), {"s": "Ab"}, True),
        (when("s", answerString="Ab"), {"s": "ab"}, False),
        (when("c", answerCoding={"system": "http://s", "code": "yes"}), {"c": YES}, True),
        (when("c", answerCoding={"code": "yes"}), {"c": YES}, True),  # no system: code only
        (when("c", answerCoding={"code": "yes"}), {"c": Coding(None, "yes", None)}, True),
        (when("c", answerCoding={"system": "http://other", "code": "yes"}), {"c": YES}, False),
        (when("c", answerCoding={"code": "no"}), {"c": YES}, False),
        (when("cs", answerString="red"), {"cs": "red"}, True),
        (when("s", "exists", answerBoolean=True), {"s": "x"}, True),
        (when("s", "exists", answerBoolean=True), {}, False),
        (when("s", "exists", answerBoolean=True), {"s": None}, False),
        (when("s", "exists", answerBoolean=False), {}, True),
        (when("s", "exists", answerBoolean=False), {"s": "x"}, False),
    ],
)
def test_single_condition(make_q, condition, answers, expected) -> None:
    q = make_q(*SOURCES, target(condition))
    assert is_enabled(q, "t", answers) is expected


@pytest.mark.parametrize(
    ("behavior", "answers", "expected"),
    [
        (None, {"b": True}, True),  # missing enableBehavior: any
        ("any", {"i": 1}, True),
        ("any", {}, False),
        ("all", {"b": True}, False),
        ("all", {"b": True, "i": 1}, True),
    ],
)
def test_any_and_all(make_q, behavior, answers, expected) -> None:
    conditions = (when("b", answerBoolean=True), when("i", answerInteger=1))
    q = make_q(*SOURCES, target(*conditions, behavior=behavior))
    assert is_enabled(q, "t", answers) is expected


def test_items_without_conditions_are_enabled(intake: Questionnaire) -> None:
    assert is_enabled(intake, "nickname", {})
    assert is_enabled(intake, "about", {})
    with pytest.raises(KeyError):
        is_enabled(intake, "unknown", {})


def test_disabled_ancestor_disables_descendants(intake: Questionnaire) -> None:
    night = {"shift": intake.item("shift").options[1].value}
    assert is_enabled(intake, "night-details", night)
    assert is_enabled(intake, "night-ok", night)
    day = {"shift": intake.item("shift").options[0].value}
    assert not is_enabled(intake, "night-details", day)
    assert not is_enabled(intake, "night-ok", day)
    assert not is_enabled(intake, "night-notes", {})


def test_nested_under_question(intake: Questionnaire) -> None:
    # cigarettes sits under smoker and is enabled when smoker = true
    assert is_enabled(intake, "cigarettes", {"smoker": True})
    assert not is_enabled(intake, "cigarettes", {"smoker": False})
    assert not is_enabled(intake, "cigarettes", {})


def test_nested_under_unanswered_question_without_conditions(make_q) -> None:
    q = make_q({"linkId": "p", "type": "string", "item": [{"linkId": "child", "type": "integer"}]})
    assert not is_enabled(q, "child", {})
    assert is_enabled(q, "child", {"p": "x"})


def test_disabled_question_counts_as_unanswered(make_q) -> None:
    q = make_q(
        {"linkId": "a", "type": "boolean"},
        {"linkId": "b", "type": "boolean", "enableWhen": [when("a", answerBoolean=True)]},
        {"linkId": "c", "type": "string", "enableWhen": [when("b", "exists", answerBoolean=True)]},
        {"linkId": "d", "type": "string", "enableWhen": [when("b", "exists", answerBoolean=False)]},
    )
    stale = {"a": False, "b": True}  # b was answered before a changed
    assert not is_enabled(q, "b", stale)
    assert not is_enabled(q, "c", stale)
    assert is_enabled(q, "d", stale)
    assert is_enabled(q, "c", {"a": True, "b": True})


def test_condition_on_a_later_item(make_q) -> None:
    q = make_q(
        {"linkId": "first", "type": "string", "enableWhen": [when("last", answerBoolean=True)]},
        {"linkId": "last", "type": "boolean"},
    )
    assert is_enabled(q, "first", {"last": True})
    assert not is_enabled(q, "first", {"last": False})


def test_active_answers(intake: Questionnaire) -> None:
    day = intake.item("shift").options[0].value
    answers = {
        "consent": True,
        "smoker": False,
        "cigarettes": 10,  # disabled: smoker is false
        "shift": day,
        "night-ok": True,  # disabled group
        "nickname": None,  # None is no answer
        "not-in-questionnaire": "x",
        "about": "groups take no answers",
        "birthdate": datetime.date(1990, 1, 1),
    }
    active = active_answers(intake, answers)
    assert active == {
        "birthdate": datetime.date(1990, 1, 1),
        "smoker": False,
        "shift": day,
        "consent": True,
    }
    assert list(active) == ["birthdate", "smoker", "shift", "consent"]  # document order


def test_long_condition_chains_do_not_recurse(make_q) -> None:
    items = [{"linkId": "q0", "type": "boolean"}]
    items += [
        {
            "linkId": f"q{n}",
            "type": "boolean",
            "enableWhen": [when(f"q{n - 1}", answerBoolean=True)],
        }
        for n in range(1, 3000)
    ]
    q = make_q(*items)
    assert is_enabled(q, "q2999", {f"q{n}": True for n in range(3000)})
    assert not is_enabled(q, "q2999", {f"q{n}": n != 1500 for n in range(3000)})


def test_a_loop_terminates_in_a_defined_order() -> None:
    """While a is decided, b (which depends on a) counts as enabled: its answer counts."""
    from kiosk.questionnaire import EnableWhen, Item, ItemType

    a = Item("a", ItemType.BOOLEAN, enable_when=(EnableWhen("b", "exists", True),))
    b = Item("b", ItemType.BOOLEAN, enable_when=(EnableWhen("a", "exists", True),))
    q = Questionnaire(None, None, None, None, "loop", (a, b), enable_loops=True)
    assert (is_enabled(q, "a", {}), is_enabled(q, "b", {})) == (False, False)
    answers = {"a": True, "b": True}
    assert (is_enabled(q, "a", answers), is_enabled(q, "b", answers)) == (True, True)
    # b answered only: deciding a (first in document order) needs b, which sees a, still
    # undecided, as enabled but without an answer: b is disabled, so a is too
    assert (is_enabled(q, "a", {"b": True}), is_enabled(q, "b", {"b": True})) == (False, False)
