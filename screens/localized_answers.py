"""Dates typed in the visitor's locale: in its order (or ISO), read into the engine's ISO dates.

Wraps the engine's parsing and formatting so the screens speak the locale while the
engine keeps working in ISO dates and plain decimals.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from kiosk.languages import date_entry_to_iso, date_problem, show_date, show_number
from kiosk.questionnaire import AnswerError, AnswerValue, Item, ItemType
from kiosk.questionnaire import parse_text_answer as parse_iso_answer
from kiosk.questionnaire.answers import format_answer
from kiosk.questionnaire.model import Quantity


def parse_localized(item: Item, text: str) -> AnswerValue | None:
    """Parse *text* for *item*; a date may be in the locale's order or ISO."""
    if item.type is ItemType.DATE and text.strip():
        iso = date_entry_to_iso(text)
        try:
            return parse_iso_answer(item, iso or text)
        except AnswerError as exc:
            if iso is None and not text.strip()[:4].isdigit():
                raise AnswerError(date_problem()) from exc
            raise
    return parse_iso_answer(item, text)


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
