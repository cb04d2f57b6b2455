"""minValue/maxValue relative to today (cqf-calculatedValue on the bound's date)."""

from __future__ import annotations

import datetime

import pytest

from kiosk.questionnaire import AnswerError
from kiosk.questionnaire.bounds import parse_calendar_bound
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.loader import parse

CORE = "http://hl7.org/fhir/StructureDefinition/"


def form(expression: str, bound: str = "maxValue") -> dict[str, object]:
    calculated = {"url": CORE + "cqf-calculatedValue", "valueString": expression}
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [
            {
                "linkId": "d",
                "type": "date",
                "text": "When?",
                "extension": [{"url": CORE + bound, "_valueDate": {"extension": [calculated]}}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("today()", datetime.date(2024, 2, 29)),
        ("today() - 18 years", datetime.date(2006, 2, 28)),
        ("today() + 1 'mo'", datetime.date(2024, 3, 29)),
        ("today() - 2 weeks", datetime.date(2024, 2, 15)),
        ("today()+10 days", datetime.date(2024, 3, 10)),
    ],
)
def test_calendar_bounds(expression: str, expected: datetime.date) -> None:
    bound = parse_calendar_bound(expression)
    assert bound is not None
    assert bound.resolve(datetime.date(2024, 2, 29)) == expected


def test_no_later_than_today_is_checked_on_the_day_of_the_answer() -> None:
    [item] = parse(form("today()")).items
    today = datetime.date.today()
    check_value(item, today)
    with pytest.raises(AnswerError) as raised:
        check_value(item, today + datetime.timedelta(days=1))
    assert raised.value.kind == "range"
    assert today.isoformat() in raised.value.message


def test_an_expression_that_is_not_read_is_a_warning_naming_it() -> None:
    """Issue 15's loading policy: the form loads, without that bound, and check says why."""
    q = parse(form("now() - 1 'h'"))
    assert [w for w in q.warnings if "now() - 1 'h'" in w] == [
        "item 'd': 'maxValue' expression 'now() - 1 'h'' is not supported"
    ]
    assert q.item("d").max_value is None
