"""Answers typed at the terminal: parse them per item type and check stored values by type.

Every ``parse_*`` takes the visitor's raw text (never blank: the caller maps blank to "no
answer") and returns a value or raises :class:`AnswerError` whose message tells the visitor
how to fix it. Every ``check_*`` raises the same errors for a value already stored, so a
value that did not come through ``parse_*`` is held to the same rules. These check the
type and the kiosk's own limits; the questionnaire's constraints (options, lengths, regex,
ranges) are applied on top by :mod:`kiosk.questionnaire.constraints`.
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from kiosk.i18n import _
from kiosk.questionnaire.model import Coding, Item, PartialDate, Quantity
from kiosk.questionnaire.values import (
    DECIMAL_MAX_DIGITS,
    INTEGER_MAX,
    INTEGER_MIN,
    YEAR_MAX,
    YEAR_MIN,
    decimal_fits,
)

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_DATETIME = re.compile(r"(\S+)(?:\s+|T)(\S+?)(Z|[+-][0-9]{2}:[0-9]{2})?")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")


class AnswerError(ValueError):
    """An answer cannot be accepted; ``message`` is localized and tells the visitor what to do.

    ``kind`` names the rule for a screen that words it its own way: ``"date-form"`` (a date
    not written as the engine reads it), ``"datetime-form"`` (the same for a date and time),
    ``"number-form"`` (not a number), ``"month"`` (a
    month outside 1-12) and ``"range"`` (outside minValue/maxValue); empty for the rest.
    """

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def wrong_type() -> AnswerError:
    return AnswerError(_("This answer is not valid. Please answer the question again."))


# -- integer -----------------------------------------------------------------------------


def parse_integer(item: Item, text: str) -> int:
    """An optionally signed whole number in ASCII digits, surrounding spaces allowed."""
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        if _DECIMAL.fullmatch(text):
            raise AnswerError(
                _("Enter a whole number without a decimal point, for example 42."),
                kind="number-form",
            )
        raise AnswerError(_("Enter a whole number, for example 42."), kind="number-form")
    value = int(text)
    check_integer(item, value)
    return value


def check_integer(item: Item, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type()
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise AnswerError(
            _("Enter a whole number between {low} and {high}.").format(
                low=INTEGER_MIN, high=INTEGER_MAX
            )
        )


# -- decimal -----------------------------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """A number with ``.`` or ``,`` as the decimal mark (no thousands separators)."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise AnswerError(_("Enter a number, for example 72.5."), kind="number-form")
    value = Decimal(text.replace(",", "."))
    _check_number(value)
    return value


def parse_decimal(item: Item, text: str) -> Decimal:
    value = parse_number(text)
    check_decimal(item, value)
    return value


def check_decimal(item: Item, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise wrong_type()
    _check_number(Decimal(value))


def _check_number(value: Decimal) -> None:
    if not decimal_fits(value):
        raise AnswerError(
            _("Enter a number with at most {digits} digits.").format(digits=DECIMAL_MAX_DIGITS)
        )


# -- quantity ----------------------------------------------------------------------------


def parse_quantity(item: Item, text: str) -> Quantity:
    """The number typed; its unit is the item's only unit, if it has exactly one.

    With several units to choose from, the unit is left empty for the screen to set.
    """
    value = parse_number(text)
    unit = item.units[0] if len(item.units) == 1 else None
    quantity = quantity_in(value, unit)
    check_quantity(item, quantity)
    return quantity


def quantity_in(value: Decimal, unit: Coding | None) -> Quantity:
    """*value* in *unit* (a unitOption or questionnaire-unit coding)."""
    if unit is None:
        return Quantity(value)
    return Quantity(value, unit.display or unit.code, unit.system, unit.code)


def check_quantity(item: Item, value: object) -> None:
    if not isinstance(value, Quantity) or not isinstance(value.value, Decimal):
        raise wrong_type()
    _check_number(value.value)
    if item.units and not any(unit_matches(value, unit) for unit in item.units):
        if value.unit is None and value.code is None:
            raise AnswerError(_("Choose a unit for this answer."))
        raise AnswerError(_("Choose one of the listed units."))


def unit_matches(value: Quantity, unit: Coding) -> bool:
    """Whether *value* is in *unit*: same code and system, or the same unit text."""
    if value.code is not None and unit.code is not None:
        return value.code == unit.code and (
            value.system is None or unit.system is None or value.system == unit.system
        )
    return value.unit is not None and value.unit in (unit.display, unit.code)


# -- date, dateTime and time -------------------------------------------------------------


def parse_date(item: Item, text: str) -> datetime.date:
    """``YYYY-MM-DD`` (month and day may have one digit) of a real day in 1900-2100."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise AnswerError(
            _("Enter the date as year-month-day, for example 1990-07-31."), kind="date-form"
        )
    return _real_day(*(int(part) for part in match.groups()))


def _real_day(year: int, month: int, day: int) -> datetime.date:
    _check_year(year)
    if not 1 <= month <= 12:
        raise AnswerError(
            _("The month must be between 1 and 12, for example 1990-07-31."), kind="month"
        )
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise AnswerError(
            _("That month has days 1 to {last}. Check the day.").format(last=last_day)
        )
    return datetime.date(year, month, day)


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise AnswerError(
            _("Enter a year between {low} and {high}.").format(low=YEAR_MIN, high=YEAR_MAX)
        )


def check_date(item: Item, value: object) -> None:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date | PartialDate):
        raise wrong_type()
    _check_year(value.year)


def parse_time(item: Item, text: str) -> datetime.time:
    """``hh:mm`` or ``hh:mm:ss`` on the 24-hour clock."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise AnswerError(_("Enter the time as hour:minute, for example 14:30."))
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise AnswerError(_("Enter a time from 00:00 to 23:59, for example 14:30."))
    return datetime.time(hour, minute, second)


def check_time(item: Item, value: object) -> None:
    if not isinstance(value, datetime.time) or value.tzinfo is not None:
        raise wrong_type()


def parse_datetime(item: Item, text: str) -> datetime.datetime:
    """A date and a time separated by a space or ``T``; without a timezone, the terminal's."""
    match = _DATETIME.fullmatch(text.strip())
    example = _(
        "Enter the date and time as year-month-day hour:minute, for example 2024-07-31 14:30."
    )
    if match is None:
        raise AnswerError(example, kind="datetime-form")
    date_text, time_text, zone = match.groups()
    date_match = _DATE.fullmatch(date_text)
    if date_match is None or not _TIME.fullmatch(time_text):
        raise AnswerError(example, kind="datetime-form")
    day = _real_day(*(int(part) for part in date_match.groups()))
    time = parse_time(item, time_text)
    if zone is None:
        naive = datetime.datetime.combine(day, time)
        return naive.astimezone()  # the terminal's own timezone at that moment
    tz = datetime.UTC if zone == "Z" else _offset(zone)
    return datetime.datetime.combine(day, time, tzinfo=tz)


def _offset(zone: str) -> datetime.timezone:
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 14 or minutes > 59:
        raise AnswerError(_("The time zone must be between -14:00 and +14:00."))
    sign = 1 if zone[0] == "+" else -1
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def check_datetime(item: Item, value: object) -> None:
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise wrong_type()
        _check_year(value.year)
        return
    check_date(item, value)  # a dateTime may be given to the day, month or year only


# -- string, text and url ----------------------------------------------------------------


def parse_string(item: Item, text: str) -> str:
    """One line of text, stripped, within ``max_length``."""
    value = text.strip()
    check_string(item, value)
    return value


def check_string(item: Item, value: object) -> None:
    if not isinstance(value, str):
        raise wrong_type()
    if _LINE_BREAK.search(value):
        raise AnswerError(_("Enter a single line, without line breaks."))
    _check_text_common(item, value)


def parse_text(item: Item, text: str) -> str:
    """Free text that may span lines (line breaks normalized to ``\\n``), stripped."""
    value = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    check_text(item, value)
    return value


def check_text(item: Item, value: object) -> None:
    if not isinstance(value, str):
        raise wrong_type()
    _check_text_common(item, value)


def parse_url(item: Item, text: str) -> str:
    value = text.strip()
    check_url(item, value)
    return value


def check_url(item: Item, value: object) -> None:
    if not isinstance(value, str):
        raise wrong_type()
    _check_text_common(item, value)
    if not _URL.fullmatch(value):
        raise AnswerError(_("Enter a full web address, for example https://example.org."))


def _check_text_common(item: Item, value: str) -> None:
    if not value.strip():
        raise AnswerError(_("Type an answer, not only spaces."))
    if _CONTROL.search(value):
        raise AnswerError(_("Remove the special characters from the answer."))
    if item.max_length is not None and len(value) > item.max_length:
        raise AnswerError(
            _("Enter at most {limit} characters; this answer has {count}.").format(
                limit=item.max_length, count=len(value)
            )
        )


# -- boolean and chosen answers ----------------------------------------------------------


def check_boolean(item: Item, value: object) -> None:
    if not isinstance(value, bool):
        raise wrong_type()


def check_chosen(item: Item, value: object) -> None:
    """choice: any value is checked against the options by the caller."""


def check_open_choice(item: Item, value: object) -> None:
    """open-choice: an option (checked by the caller) or free text typed by the visitor."""
    if isinstance(value, str):
        check_string(item, value)


def check_unavailable(item: Item, value: object) -> None:
    raise AnswerError(_("This question cannot be answered here."))
