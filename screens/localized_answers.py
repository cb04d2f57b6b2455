"""Dates typed in the visitor's locale: in its order (or ISO), read into the engine's ISO dates.

Wraps the engine's parsing and formatting so the screens speak the locale while the
engine keeps working in ISO dates and plain decimals.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kiosk.i18n import _
from kiosk.i18n.languages import (
    DateOrder,
    date_entry_to_iso,
    date_problem,
    datetime_hint,
    show_date,
    show_number,
    visitor_date_order,
)
from kiosk.questionnaire import AnswerError, AnswerValue, Item, ItemType
from kiosk.questionnaire import parse_text_answer as parse_iso_answer
from kiosk.questionnaire.answers import format_answer
from kiosk.questionnaire.constraints import bounds, check_value, range_message
from kiosk.questionnaire.model import Quantity

_NUMBERS = (ItemType.INTEGER, ItemType.DECIMAL, ItemType.QUANTITY)


def parse_localized(item: Item, text: str) -> AnswerValue | None:
    """Parse *text* for *item*; a date is typed the visitor's one way (see
    :func:`kiosk.i18n.languages.visitor_date_order`), or ISO, and every message about it shows
    dates written that way; a number that is not one is told the item's own limits."""
    if item.type in _NUMBERS:
        try:
            return parse_iso_answer(item, text)
        except AnswerError as exc:
            if exc.kind == "number-form" and any(b is not None for b in bounds(item)):
                raise AnswerError(range_message(item), kind=exc.kind) from exc  # not "42"
            raise
    if item.type is ItemType.DATETIME and text.strip():
        return _parse_datetime(item, text)
    if item.type is not ItemType.DATE or not text.strip():
        return parse_iso_answer(item, text)
    order = visitor_date_order(item.entry_format)
    iso = date_entry_to_iso(text, order=order)
    if iso is None:
        raise AnswerError(date_problem(order=order), kind="date-form")
    try:
        value = parse_iso_answer(item, iso)
        if value is not None:
            check_value(item, value)  # here, so that a range is said in the visitor's way
        return value
    except AnswerError as exc:
        if exc.kind in ("date-form", "month"):
            raise AnswerError(date_problem(order=order), kind=exc.kind) from exc
        if exc.kind == "range":
            message = range_message(item, show=lambda bound: _show_bound(bound, order))
            raise AnswerError(message, kind="range") from exc
        raise


def _parse_datetime(item: Item, text: str) -> AnswerValue | None:
    """A date and time: the date written as in every date field, then the time."""
    order = visitor_date_order()
    date_text, _space, rest = text.strip().partition(" ")
    iso = date_entry_to_iso(date_text, order=order)
    problem = _("Enter the date and time as {hint}.").format(hint=datetime_hint(order=order))
    typed = text if iso is None or not rest.strip() else f"{iso} {rest.strip()}"
    try:
        return parse_iso_answer(item, typed)  # year first (ISO) is read as it stands
    except AnswerError as exc:
        if exc.kind in ("datetime-form", "month"):
            raise AnswerError(problem, kind=exc.kind) from exc
        raise


def typed_datetime(value: datetime.datetime) -> str:
    """A date and time as the visitor types it (the terminal's time, to the minute)."""
    local = value.astimezone()
    if local.utcoffset() != value.utcoffset():
        local = value  # another zone: kept, with its offset
    date_text = visitor_date_order().write(local.date())
    time_text = local.strftime("%H:%M" if not local.second else "%H:%M:%S")
    zone = "" if local is not value else value.strftime("%z")
    zone = f"{zone[:3]}:{zone[3:]}" if zone else ""
    return f"{date_text} {time_text}{zone}"


def _show_bound(bound: AnswerValue, order: DateOrder) -> str:
    if type(bound) is datetime.date:
        return order.write(bound)
    return str(bound)


def show_answer(item: Item, value: AnswerValue, language: str | None = None) -> str:
    """*value* for reading: dates in the locale's long form, numbers with its decimal mark."""
    if item.options:
        return format_answer(item, value, language)
    if type(value) is datetime.date:  # not a datetime, not a partial date
        return show_date(value, language)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return show_number(value, language)
    if isinstance(value, Quantity):
        unit = value.unit or value.code
        number = show_number(value.value, language)
        return f"{number} {unit}" if unit else number
    return format_answer(item, value, language)
