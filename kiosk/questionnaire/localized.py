"""Answers as the visitor types and reads them, in their locale: the screens' one way in.

A screen passes what was typed and the visitor's language; :func:`parse_typed` (a typed
answer) or :func:`parse_chosen` (an option found by typing its label) gives the value, or
raises :class:`AnswerError` with a message that tells the visitor what to do. A date is
typed the visitor's one way (:func:`kiosk.i18n.languages.visitor_date_order`: the form's
``entryFormat`` where it gives a date pattern, else the locale's order from babel) or ISO,
and every message about it writes dates that way; a number that is not one is told the
item's own limits. :func:`typed_text` writes a value back as it is typed, :func:`show_answer`
as it is read.

The messages are in the current gettext language (the screen's); *language* picks the
locale's date order and number format (default: the current language). Underneath, the
item type's own parser (:mod:`kiosk.questionnaire.textentry`, ISO dates) does the reading.
This module loads babel: the server and ``kiosk questionnaire`` do not import it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
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
from kiosk.questionnaire.answers import format_answer, input_text, parse_text_answer
from kiosk.questionnaire.constraints import bounds, check_value, range_message
from kiosk.questionnaire.model import AnswerValue, Coding, Item, ItemType, Quantity
from kiosk.questionnaire.textentry import AnswerError, check_quantity, parse_number, quantity_in

Parser = Callable[[Item, str, str | None], AnswerValue | None]


def parse_typed(
    item: Item, text: str, language: str | None = None, *, unit: Coding | None = None
) -> AnswerValue | None:
    """The answer typed as *text* for *item* (``None`` when blank); raises :class:`AnswerError`.

    *unit* is the unit chosen beside a quantity that offers several (``None``: not chosen
    yet, which the error says). Only for items answered by typing (``TypeError`` otherwise).
    """
    if len(item.units) > 1 and item.type is ItemType.QUANTITY and text.strip():
        value = quantity_in(parse_number(text), unit)
        check_quantity(item, value)
        return value
    return _LOCALIZED.get(item.type, _as_iso)(item, text, language)


def parse_chosen(item: Item, text: str, language: str | None = None) -> AnswerValue | None:
    """The option whose label (in *language*, or the form's own) is *text*, case ignored;
    for an item that takes the visitor's own answer, any other text is that answer.
    ``None`` when blank; raises :class:`AnswerError` for text that is neither."""
    text = text.strip()
    if not text:
        return None
    wanted = text.casefold()
    for option in item.options:
        if option.label_in(language).casefold() == wanted or option.label.casefold() == wanted:
            return option.value
    if takes_own_answer(item):
        return parse_typed(item, text, language)
    raise AnswerError(_("Choose one of the suggested answers."))


def takes_own_answer(item: Item) -> bool:
    """Whether the visitor may type an answer of their own beside *item*'s options
    (open-choice)."""
    return item.type is ItemType.OPEN_CHOICE


def _as_iso(item: Item, text: str, language: str | None) -> AnswerValue | None:
    return parse_text_answer(item, text)


def _number(item: Item, text: str, language: str | None) -> AnswerValue | None:
    """A number (``.`` or ``,`` as the decimal mark); one that is not a number is told the
    item's own limits where it has them, not an example such as "42"."""
    try:
        return parse_text_answer(item, text)
    except AnswerError as exc:
        if exc.kind == "number-form" and any(b is not None for b in bounds(item)):
            raise AnswerError(range_message(item), kind=exc.kind) from exc
        raise


def _date(item: Item, text: str, language: str | None) -> AnswerValue | None:
    """A date in the visitor's order (or ISO); its range is said in that order too."""
    if not text.strip():
        return None
    order = visitor_date_order(item.entry_format, language)
    iso = date_entry_to_iso(text, order=order)
    if iso is None:
        raise AnswerError(date_problem(order=order), kind="date-form")
    try:
        value = parse_text_answer(item, iso)
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


def _datetime(item: Item, text: str, language: str | None) -> AnswerValue | None:
    """A date and time: the date written as in every date field, then the time."""
    if not text.strip():
        return None
    order = visitor_date_order(language=language)
    date_text, _space, rest = text.strip().partition(" ")
    iso = date_entry_to_iso(date_text, order=order)
    problem = _("Enter the date and time as {hint}.").format(hint=datetime_hint(order=order))
    typed = text if iso is None or not rest.strip() else f"{iso} {rest.strip()}"
    try:
        return parse_text_answer(item, typed)  # year first (ISO) is read as it stands
    except AnswerError as exc:
        if exc.kind in ("datetime-form", "month"):
            raise AnswerError(problem, kind=exc.kind) from exc
        raise


_LOCALIZED: dict[ItemType, Parser] = {
    ItemType.INTEGER: _number,
    ItemType.DECIMAL: _number,
    ItemType.QUANTITY: _number,
    ItemType.DATE: _date,
    ItemType.DATETIME: _datetime,
}
"""The item types typed in a way of the locale's; the others are read as the engine reads
them (:func:`kiosk.questionnaire.answers.parse_text_answer`)."""


def _show_bound(bound: AnswerValue, order: DateOrder) -> str:
    if type(bound) is datetime.date:
        return order.write(bound)
    return str(bound)


def typed_text(item: Item, value: AnswerValue, language: str | None = None) -> str:
    """*value* as the visitor types it: a date in the locale's order, anything else as the
    engine reads it (:func:`parse_typed` reads it back)."""
    if item.type is ItemType.DATE and type(value) is datetime.date:
        return visitor_date_order(item.entry_format, language).write(value)
    if item.type is ItemType.DATETIME and isinstance(value, datetime.datetime):
        return _typed_datetime(value, language)
    return input_text(item, value)


def _typed_datetime(value: datetime.datetime, language: str | None) -> str:
    """A date and time as the visitor types it (the terminal's time, to the minute)."""
    local = value.astimezone()
    if local.utcoffset() != value.utcoffset():
        local = value  # another zone: kept, with its offset
    date_text = visitor_date_order(language=language).write(local.date())
    time_text = local.strftime("%H:%M" if not local.second else "%H:%M:%S")
    zone = "" if local is not value else value.strftime("%z")
    zone = f"{zone[:3]}:{zone[3:]}" if zone else ""
    return f"{date_text} {time_text}{zone}"


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
