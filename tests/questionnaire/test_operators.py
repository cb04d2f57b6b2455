"""enableWhen: every operator against every answer type, and several answers at once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from kiosk.questionnaire import Coding, PartialDate, Quantity, is_enabled

UTC = datetime.UTC
KG = {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}


def kg(value: str) -> Quantity:
    return Quantity(Decimal(value), "kg", "http://unitsofmeasure.org", "kg")


# (source item type, answer[x] key, JSON answer, value below, equal value, value above)
CASES: list[tuple[str, str, Any, Any, Any, Any]] = [
    ("integer", "answerInteger", 5, 4, 5, 6),
    ("decimal", "answerDecimal", Decimal("2.5"), Decimal("2.4"), Decimal("2.50"), Decimal(3)),
    ("date", "answerDate", "2020-06-15", datetime.date(2020, 6, 14), datetime.date(2020, 6, 15),
     datetime.date(2021, 1, 1)),
    ("dateTime", "answerDateTime", "2020-06-15T10:00:00Z",
     datetime.datetime(2020, 6, 15, 9, 59, tzinfo=UTC),
     datetime.datetime(2020, 6, 15, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
     datetime.datetime(2020, 6, 15, 10, 0, 1, tzinfo=UTC)),
    ("time", "answerTime", "10:30:00", datetime.time(9, 0), datetime.time(10, 30),
     datetime.time(23, 59)),
    ("string", "answerString", "m", "a", "m", "z"),
    ("quantity", "answerQuantity", KG, kg("69.9"), kg("70.0"), kg("71")),
]  # fmt: skip

EXPECTED = {  # operator -> enabled for (below, equal, above, unanswered)
    "=": (False, True, False, False),
    "!=": (True, False, True, False),
    ">": (False, False, True, False),
    "<": (True, False, False, False),
    ">=": (False, True, True, False),
    "<=": (True, True, False, False),
}


@pytest.mark.parametrize("operator", sorted(EXPECTED))
@pytest.mark.parametrize(("source", "key", "raw", "below", "equal", "above"), CASES,
                         ids=[case[0] for case in CASES])  # fmt: skip
def test_operator_matrix(make_q, operator, source, key, raw, below, equal, above) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "s", "type": source},
        {"linkId": "t", "type": "string",
         "enableWhen": [{"question": "s", "operator": operator, key: raw}]},
    )  # fmt: skip
    got = tuple(is_enabled(q, "t", answers) for answers in ({"s": below}, {"s": equal},
                                                            {"s": above}, {}))  # fmt: skip
    assert got == EXPECTED[operator]


@pytest.mark.parametrize(
    ("operator", "answer", "values", "expected"),
    [
        ("=", True, True, True),
        ("=", True, False, False),
        ("!=", True, False, True),
        ("!=", True, True, False),
        ("exists", True, True, True),
        ("exists", False, True, False),
    ],
)
def test_boolean(make_q, operator, answer, values, expected) -> None:  # type: ignore[no-untyped-def]
    key = "answerBoolean"
    q = make_q(
        {"linkId": "b", "type": "boolean"},
        {"linkId": "t", "type": "string",
         "enableWhen": [{"question": "b", "operator": operator, key: answer}]},
    )  # fmt: skip
    assert is_enabled(q, "t", {"b": values}) is expected


def test_coding_equality_and_inequality(make_q) -> None:  # type: ignore[no-untyped-def]
    options = [{"valueCoding": {"system": "http://s", "code": c}} for c in ("a", "b")]
    q = make_q(
        {"linkId": "c", "type": "choice", "answerOption": options},
        {"linkId": "eq", "type": "string",
         "enableWhen": [{"question": "c", "operator": "=", "answerCoding": {"code": "a"}}]},
        {"linkId": "ne", "type": "string", "enableWhen": [
            {"question": "c", "operator": "!=", "answerCoding": {"system": "http://s", "code": "a"}}
        ]},
    )  # fmt: skip
    a, b = Coding("http://s", "a"), Coding("http://s", "b")
    assert [is_enabled(q, "eq", {"c": v}) for v in (a, b)] == [True, False]
    assert [is_enabled(q, "ne", {"c": v}) for v in (a, b)] == [False, True]
    assert not is_enabled(q, "ne", {})  # no answer: only "exists" can hold


def test_partial_dates_are_ordered_only_when_the_order_is_certain(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "d", "type": "date"},
        {"linkId": "t", "type": "string",
         "enableWhen": [{"question": "d", "operator": ">", "answerDate": "2020-06"}]},
    )  # fmt: skip
    assert is_enabled(q, "t", {"d": datetime.date(2020, 7, 1)})
    assert not is_enabled(q, "t", {"d": datetime.date(2020, 6, 30)})
    assert not is_enabled(q, "t", {"d": PartialDate(2020)})  # 2020 may be before or after


def test_quantities_in_other_units_are_not_compared(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "w", "type": "quantity"},
        {"linkId": "t", "type": "string",
         "enableWhen": [{"question": "w", "operator": ">", "answerQuantity": KG}]},
    )  # fmt: skip
    pounds = Quantity(Decimal(200), "lb", "http://unitsofmeasure.org", "[lb_av]")
    assert not is_enabled(q, "t", {"w": pounds})


def test_several_answers(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "n", "type": "integer", "repeats": True},
        {"linkId": "eq", "type": "string",
         "enableWhen": [{"question": "n", "operator": "=", "answerInteger": 3}]},
        {"linkId": "ne", "type": "string",
         "enableWhen": [{"question": "n", "operator": "!=", "answerInteger": 3}]},
        {"linkId": "gt", "type": "string",
         "enableWhen": [{"question": "n", "operator": ">", "answerInteger": 5}]},
    )  # fmt: skip
    answers = {"n": [1, 3]}
    assert is_enabled(q, "eq", answers)  # some answer is 3
    assert not is_enabled(q, "ne", answers)  # != holds only when no answer is 3
    assert not is_enabled(q, "gt", answers)
    assert is_enabled(q, "gt", {"n": [1, 9]})


@pytest.mark.parametrize(
    ("behavior", "answers", "expected"),
    [
        ("any", {"a": 1}, True),
        ("any", {"b": "x"}, True),
        ("any", {}, False),
        ("all", {"a": 1}, False),
        ("all", {"a": 1, "b": "x"}, True),
        ("all", {"a": 2, "b": "x"}, False),
    ],
)
def test_enable_behavior(make_q, behavior, answers, expected) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "a", "type": "integer"},
        {"linkId": "b", "type": "string"},
        {"linkId": "t", "type": "string", "enableBehavior": behavior, "enableWhen": [
            {"question": "a", "operator": "<=", "answerInteger": 1},
            {"question": "b", "operator": "exists", "answerBoolean": True},
        ]},
    )  # fmt: skip
    assert is_enabled(q, "t", answers) is expected
