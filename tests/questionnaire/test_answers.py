"""Typed answers: parsing each type, each error message, and display formatting."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kiosk.questionnaire import (
    AnswerError,
    Coding,
    Item,
    ItemType,
    Questionnaire,
    format_answer,
    initial_answers,
    option_for,
    parse_text_answer,
)

INTEGER = Item("i", ItemType.INTEGER)
DECIMAL = Item("d", ItemType.DECIMAL)
DATE = Item("dt", ItemType.DATE)
STRING = Item("s", ItemType.STRING, max_length=5)
TEXT = Item("t", ItemType.TEXT, max_length=12)
FREE_STRING = Item("fs", ItemType.STRING)


@pytest.mark.parametrize("item", [INTEGER, DECIMAL, DATE, STRING, TEXT])
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_is_no_answer(item: Item, blank: str) -> None:
    assert parse_text_answer(item, blank) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), (" -7 ", -7), ("+3", 3), ("007", 7), ("2147483647", 2147483647)],
)
def test_integer(text: str, expected: int) -> None:
    assert parse_text_answer(INTEGER, text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Enter a whole number, for example 42."),
        ("1 000", "Enter a whole number, for example 42."),
        ("4.5", "Enter a whole number without a decimal point, for example 42."),
        ("4,5", "Enter a whole number without a decimal point, for example 42."),
        ("٤٢", "Enter a whole number, for example 42."),  # non-ASCII digits
        ("2147483648", "Enter a whole number between -2147483648 and 2147483647."),
        ("-2147483649", "Enter a whole number between -2147483648 and 2147483647."),
    ],
)
def test_integer_errors(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text_answer(INTEGER, text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("72.5", Decimal("72.5")),
        ("72,50", Decimal("72.50")),
        (" -0.25 ", Decimal("-0.25")),
        (".5", Decimal("0.5")),
        ("12", Decimal("12")),
        ("123456789012345", Decimal("123456789012345")),
    ],
)
def test_decimal(text: str, expected: Decimal) -> None:
    value = parse_text_answer(DECIMAL, text)
    assert isinstance(value, Decimal)
    assert value == expected
    assert str(value) == str(expected)  # the typed digits are kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Enter a number, for example 72.5."),
        ("1,000.5", "Enter a number, for example 72.5."),
        ("5.", "Enter a number, for example 72.5."),
        ("1e5", "Enter a number, for example 72.5."),
        ("NaN", "Enter a number, for example 72.5."),
        ("1234567890123456", "Enter a number with at most 15 digits."),
        ("0.1234567890123456", "Enter a number with at most 15 digits."),
    ],
)
def test_decimal_errors(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text_answer(DECIMAL, text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-07-31", datetime.date(1990, 7, 31)),
        ("1990-7-3", datetime.date(1990, 7, 3)),
        (" 2000-02-29 ", datetime.date(2000, 2, 29)),
        ("1900-01-01", datetime.date(1900, 1, 1)),
        ("2100-12-31", datetime.date(2100, 12, 31)),
    ],
)
def test_date(text: str, expected: datetime.date) -> None:
    assert parse_text_answer(DATE, text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.07.1990", "Enter the date as year-month-day, for example 1990-07-31."),
        ("1990-07", "Enter the date as year-month-day, for example 1990-07-31."),
        ("90-07-31", "Enter the date as year-month-day, for example 1990-07-31."),
        ("1899-12-31", "Enter a year between 1900 and 2100."),
        ("2101-01-01", "Enter a year between 1900 and 2100."),
        ("1990-13-01", "The month must be between 1 and 12, for example 1990-07-31."),
        ("1990-00-10", "The month must be between 1 and 12, for example 1990-07-31."),
        ("2023-02-29", "That month has days 1 to 28. Check the day."),
        ("2023-04-31", "That month has days 1 to 30. Check the day."),
        ("2023-04-0", "That month has days 1 to 30. Check the day."),
    ],
)
def test_date_errors(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text_answer(DATE, text)
    assert caught.value.message == message


def test_string_and_text() -> None:
    assert parse_text_answer(STRING, "  Jo  ") == "Jo"
    assert parse_text_answer(STRING, "a\tb") == "a\tb"
    assert parse_text_answer(TEXT, " one\r\ntwo\rsix ") == "one\ntwo\nsix"
    assert parse_text_answer(FREE_STRING, "x" * 5000) == "x" * 5000


@pytest.mark.parametrize(
    ("item", "text", "message"),
    [
        (STRING, "abcdef", "Enter at most 5 characters; this answer has 6."),
        (STRING, "a\nb", "Enter a single line, without line breaks."),
        (STRING, "a\u2028b", "Enter a single line, without line breaks."),
        (STRING, "a\x1b[2Jb", "Remove the special characters from the answer."),
        (TEXT, "a\x00b", "Remove the special characters from the answer."),
        (TEXT, "line one\nline two", "Enter at most 12 characters; this answer has 17."),
    ],
)
def test_string_and_text_errors(item: Item, text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text_answer(item, text)
    assert caught.value.message == message
    assert str(caught.value) == message


@pytest.mark.parametrize("item_type", [ItemType.BOOLEAN, ItemType.CHOICE, ItemType.GROUP])
def test_types_answered_by_choosing_are_not_parsed(item_type: ItemType) -> None:
    with pytest.raises(TypeError):
        parse_text_answer(Item("x", item_type), "yes")


def test_format_answer(intake: Questionnaire) -> None:
    assert format_answer(intake.item("smoker"), True) == "Yes"
    assert format_answer(intake.item("smoker"), False) == "No"
    shift = intake.item("shift")
    assert format_answer(shift, Coding(None, "night", None)) == "Night"
    assert format_answer(shift, Coding("x", "gone", "Gone")) == "Gone"  # not an option
    assert format_answer(intake.item("years"), 5) == "5"
    assert format_answer(intake.item("birthdate"), datetime.date(1990, 7, 3)) == "1990-07-03"
    assert format_answer(intake.item("height"), Decimal("1.80")) == "1.80"
    assert format_answer(intake.item("nickname"), "Jo") == "Jo"


def test_option_for(intake: Questionnaire) -> None:
    shift = intake.item("shift")
    assert option_for(shift, Coding("https://example.org/shift", "day", None)) is shift.options[0]
    assert option_for(shift, Coding("https://elsewhere", "day", None)) is None
    assert option_for(shift, "day") is None
    years = intake.item("years")
    assert option_for(years, 1) is years.options[1]
    assert option_for(years, True) is None
    assert option_for(intake.item("nickname"), "x") is None


def test_initial_answers(intake: Questionnaire) -> None:
    assert initial_answers(intake) == {
        "shift": Coding("https://example.org/shift", "any", None),
        "language": "English",
    }
