"""Dates typed in the visitor's locale: in its order (or ISO), read into the engine's ISO dates.

Wraps the engine's parsing and formatting so the screens speak the locale while the
engine keeps working in ISO dates and plain decimals.
"""

from __future__ import annotations

from kiosk.languages import (
    date_entry_to_iso,
    date_problem,
)
from kiosk.questionnaire import AnswerError, AnswerValue, Item, ItemType
from kiosk.questionnaire import parse_text_answer as parse_iso_answer


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
