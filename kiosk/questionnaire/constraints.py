"""One answer against everything its item demands: type, options, lengths, regex, range.

:func:`check_value` is the single place where a stored value is judged; typed text goes
through the item type's parser first (see :func:`kiosk.questionnaire.answers.parse_text_answer`).
Counting rules (required, repeats, minOccurs, maxOccurs, optionExclusive) concern all the
answers of an item together and live in :mod:`kiosk.questionnaire.validate`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from kiosk.i18n import _
from kiosk.questionnaire.bounds import CalendarBound
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.model import AnswerValue, Item, ItemType, PartialDate, Quantity
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.values import compare, decimal_places, same_value


def check_value(item: Item, value: object) -> None:
    """Raise :class:`AnswerError` unless *value* is a valid single answer to *item*."""
    check = spec_for(item.type).check
    if check is None:
        raise AnswerError(_("This item takes no answer."))
    check(item, value)
    listed = not item.options or any(same_value(value, o.value) for o in item.options)
    if not listed and item.type is ItemType.OPEN_CHOICE and not isinstance(value, str):
        raise AnswerError(_("Choose one of the listed answers or type your own."))
    if not listed and item.type is not ItemType.OPEN_CHOICE:
        raise AnswerError(_("Choose one of the listed answers."))
    if isinstance(value, str):
        _check_text(item, value)
    _check_range(item, value)
    _check_decimal_places(item, value)


def _check_text(item: Item, value: str) -> None:
    if item.min_length is not None and len(value) < item.min_length:
        raise AnswerError(
            _("Enter at least {limit} characters; this answer has {count}.").format(
                limit=item.min_length, count=len(value)
            )
        )
    if item.regex is not None and not _compiled(item.regex).fullmatch(value):
        if item.regex_message:
            raise AnswerError(item.regex_message_in() or item.regex_message)
        if item.entry_format:
            raise AnswerError(
                _("This answer is not in the expected form, for example {example}.").format(
                    example=item.entry_format
                )
            )
        raise AnswerError(_("This answer is not in the expected form. Please check it."))


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def bounds(item: Item) -> tuple[AnswerValue | None, AnswerValue | None]:
    """*item*'s minValue and maxValue now (a bound relative to today resolved to a date)."""
    low, high = item.min_value, item.max_value
    return (
        low.resolve() if isinstance(low, CalendarBound) else low,
        high.resolve() if isinstance(high, CalendarBound) else high,
    )


def _check_range(item: Item, value: object) -> None:
    low, high = bounds(item)
    if low is None and high is None:
        return
    if (low is None or _order(value, low) in (0, 1)) and (
        high is None or _order(value, high) in (-1, 0)
    ):
        return
    raise AnswerError(range_message(item), kind="range")


def _order(value: object, bound: AnswerValue) -> int | None:
    """Like ``compare``; ``None`` (out of range) when precision or units leave it open."""
    if isinstance(value, datetime.datetime) and not isinstance(bound, datetime.datetime):
        value = value.date()  # a dateTime answer against a date bound: compare the days
    return compare(value, bound)


def range_message(item: Item, show: Callable[[AnswerValue], str] | None = None) -> str:
    """Tell the visitor the allowed range of *item*'s answers, each bound written by *show*
    (default :func:`show_bound`; a screen passes its own to write dates as it reads them)."""
    show = show or show_bound
    minimum, maximum = bounds(item)
    low = None if minimum is None else show(minimum)
    high = None if maximum is None else show(maximum)
    temporal = item.type in (ItemType.DATE, ItemType.DATETIME, ItemType.TIME)
    if temporal:
        if low is not None and high is not None:
            return _("Enter a value from {low} to {high}.").format(low=low, high=high)
        if low is not None:
            return _("Enter a value of {low} or later.").format(low=low)
        return _("Enter a value of {high} or earlier.").format(high=high)
    if low is not None and high is not None:
        return _("Enter a number from {low} to {high}.").format(low=low, high=high)
    if low is not None:
        return _("Enter a number of at least {low}.").format(low=low)
    return _("Enter a number of at most {high}.").format(high=high)


def show_bound(value: AnswerValue) -> str:
    """A range bound as the visitor reads it."""
    if isinstance(value, Quantity):
        unit = value.unit or value.code
        return f"{value.value} {unit}" if unit else str(value.value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | PartialDate):
        return value.isoformat()
    return str(value)


def _check_decimal_places(item: Item, value: object) -> None:
    if item.max_decimal_places is None:
        return
    number = value.value if isinstance(value, Quantity) else value
    if isinstance(number, Decimal) and decimal_places(number) > item.max_decimal_places:
        raise AnswerError(
            _("Enter at most {places} digits after the decimal point.").format(
                places=item.max_decimal_places
            )
        )
