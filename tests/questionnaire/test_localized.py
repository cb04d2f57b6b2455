"""The engine reads what a visitor typed in their locale (babel) and says what is wrong in words.

The screens only pass the text and the language (:mod:`kiosk.questionnaire.localized`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from kiosk.i18n import set_language
from kiosk.questionnaire import AnswerError, Coding, Item, Quantity, Questionnaire
from kiosk.questionnaire.localized import parse_chosen, parse_typed, show_answer, typed_text

CORE = "http://hl7.org/fhir/StructureDefinition/"
MakeQ = Callable[..., Questionnaire]


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


def one(make_q: MakeQ, **item: Any) -> Item:
    return make_q({"linkId": "q", "text": "Question", **item}).item("q")


def refusal(item: Item, text: str, language: str, **kwargs: Any) -> str:
    with pytest.raises(AnswerError) as raised:
        parse_typed(item, text, language, **kwargs)
    return raised.value.message


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "07/31/1990"), ("es", "31/07/1990"), ("zh_Hans", "1990/07/31"), ("fr", "31/07/1990")],
)
def test_a_date_is_read_in_the_locales_order_and_as_iso(
    make_q: MakeQ, language: str, typed: str
) -> None:
    item = one(make_q, type="date")
    day = datetime.date(1990, 7, 31)
    assert parse_typed(item, typed, language) == day
    assert parse_typed(item, " 1990-7-31 ", language) == day  # a four-digit year first: ISO
    assert parse_typed(item, "   ", language) is None
    assert typed_text(item, day, language) == typed


def test_a_date_that_cannot_be_read_is_told_the_way_to_write_it(make_q: MakeQ) -> None:
    item = one(make_q, type="date")
    for typed in ("31/07/1990", "July 31", "13/01/1990"):  # the day first; words; month 13
        assert refusal(item, typed, "en") == (
            "Enter the date as month/day/year, for example 07/31/1990."
        ), typed
    assert refusal(item, "02/30/1990", "en") == "That month has days 1 to 28. Check the day."
    set_language("es")
    assert refusal(item, "07/31/1990", "es") == (
        "Escriba la fecha como día/mes/año, por ejemplo 31/07/1990."
    )


def test_an_entry_format_is_how_the_date_is_read_and_its_range_is_said(make_q: MakeQ) -> None:
    item = one(
        make_q,
        type="date",
        extension=[
            {"url": CORE + "entryFormat", "valueString": "dd.MM.yyyy"},
            {"url": CORE + "maxValue", "valueDate": "2000-12-31"},
        ],
    )
    assert parse_typed(item, "31.07.1990", "en") == datetime.date(1990, 7, 31)
    assert refusal(item, "07/31/1990", "en") == (
        "Enter the date as day.month.year, for example 31.07.1990."
    )
    assert refusal(item, "01.01.2001", "en") == "Enter a value of 31.12.2000 or earlier."


def test_a_date_and_time_is_the_date_as_everywhere_then_the_time(make_q: MakeQ) -> None:
    item = one(make_q, type="dateTime")
    value = parse_typed(item, "07/30/2024 09:05", "en")
    assert isinstance(value, datetime.datetime)
    local = value.astimezone()
    assert (local.date(), local.hour, local.minute) == (datetime.date(2024, 7, 30), 9, 5)
    assert parse_typed(item, "30/07/2024 09:05", "es") == value
    assert parse_typed(item, "2024-07-30T09:05", "es") == value  # ISO as it stands
    assert typed_text(item, value, "es") == "30/07/2024 09:05"
    assert refusal(item, "31/07/2024 14:30", "en") == (
        "Enter the date and time as month/day/year hour:minute, for example 07/31/2024 14:30."
    )
    assert refusal(item, "07/31/2024 25:00", "en") == (
        "Enter a time from 00:00 to 23:59, for example 14:30."
    )


def test_a_number_that_is_not_one_is_told_the_items_own_limits(make_q: MakeQ) -> None:
    inches = one(
        make_q,
        type="integer",
        extension=[
            {"url": CORE + "minValue", "valueInteger": 0},
            {"url": CORE + "maxValue", "valueInteger": 11},
        ],
    )
    assert parse_typed(inches, " 7 ", "en") == 7
    assert refusal(inches, "seven", "en") == "Enter a number from 0 to 11."
    assert refusal(inches, "7.5", "en") == "Enter a number from 0 to 11."
    year = one(make_q, type="integer")
    assert refusal(year, "7.5", "en") == (
        "Enter a whole number without a decimal point, for example 42."
    )
    sleep = one(make_q, type="decimal")
    assert parse_typed(sleep, "7,5", "fr") == Decimal("7.5")
    assert parse_typed(sleep, "7.5", "fr") == Decimal("7.5")
    set_language("fr")
    assert refusal(sleep, "beaucoup", "fr") == "Saisissez un nombre, par exemple 72,5."


def test_a_quantity_takes_its_only_unit_or_the_one_chosen_beside_it(make_q: MakeQ) -> None:
    ucum = "http://unitsofmeasure.org"
    weight = one(
        make_q,
        type="quantity",
        extension=[
            {"url": CORE + "questionnaire-unit", "valueCoding": {"system": ucum, "code": "kg"}}
        ],
    )
    assert parse_typed(weight, "72,5", "en") == Quantity(Decimal("72.5"), "kg", ucum, "kg")
    options = [
        {"system": ucum, "code": "kg", "display": "kg"},
        {"system": ucum, "code": "[lb_av]", "display": "lb"},
    ]
    either = one(
        make_q,
        type="quantity",
        extension=[{"url": CORE + "questionnaire-unitOption", "valueCoding": c} for c in options],
    )
    assert refusal(either, "160", "en") == "Choose a unit for this answer."
    pounds = Coding(ucum, "[lb_av]", "lb")
    assert parse_typed(either, "160", "en", unit=pounds) == Quantity(
        Decimal(160), "lb", ucum, "[lb_av]"
    )
    assert parse_typed(either, " ", "en", unit=pounds) is None
    assert refusal(either, "heavy", "en", unit=pounds) == "Enter a number, for example 72.5."


def test_an_option_is_found_by_its_label_and_an_open_choice_takes_any_other_text(
    make_q: MakeQ,
) -> None:
    system = "urn:iso:std:iso:3166"
    options = [
        {
            "valueCoding": {
                "system": system,
                "code": "CH",
                "display": "Switzerland",
                "_display": {
                    "extension": [
                        {
                            "url": CORE + "translation",
                            "extension": [
                                {"url": "lang", "valueCode": "fr"},
                                {"url": "content", "valueString": "Suisse"},
                            ],
                        }
                    ]
                },
            }
        },
        {"valueCoding": {"system": system, "code": "AT", "display": "Austria"}},
    ]
    country = one(make_q, type="choice", answerOption=options)
    assert parse_chosen(country, " AUSTRIA ", "en") == Coding(system, "AT", "Austria")
    assert parse_chosen(country, "suisse", "fr") == Coding(system, "CH", "Switzerland")
    assert parse_chosen(country, "Switzerland", "fr") == Coding(system, "CH", "Switzerland")
    assert parse_chosen(country, "", "en") is None
    with pytest.raises(AnswerError) as raised:
        parse_chosen(country, "Atlantis", "en")
    assert raised.value.message == "Choose one of the suggested answers."
    own = one(make_q, type="open-choice", answerOption=options)
    assert parse_chosen(own, " Atlantis ", "en") == "Atlantis"
    assert parse_typed(own, "Austria", "en") == "Austria"  # its own field: the text as typed


def test_answers_are_shown_in_the_locales_long_dates_and_decimal_mark(make_q: MakeQ) -> None:
    day = one(make_q, type="date")
    assert show_answer(day, datetime.date(1990, 7, 31), "en") == "July 31, 1990"
    assert show_answer(day, datetime.date(1990, 7, 31), "es") == "31 de julio de 1990"
    sleep = one(make_q, type="decimal")
    assert show_answer(sleep, Decimal("7.5"), "fr") == "7,5"
    assert show_answer(sleep, 2019, "en") == "2019"  # a year, not "2,019"
