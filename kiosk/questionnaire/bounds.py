"""Range bounds that move with the calendar: ``minValue``/``maxValue`` given by an expression.

A form states "no later than today" the way FHIR documents it: the bound's primitive
carries the ``cqf-calculatedValue`` extension with a FHIRPath expression, e.g.::

    {"url": "http://hl7.org/fhir/StructureDefinition/maxValue",
     "_valueDate": {"extension": [{
         "url": "http://hl7.org/fhir/StructureDefinition/cqf-calculatedValue",
         "valueString": "today()"}]}}

The expressions read here are ``today()`` and ``today() + N unit`` / ``today() - N unit``
(unit: ``years``, ``months``, ``weeks``, ``days``, singular or plural, optionally quoted as a
UCUM code: ``'a'``, ``'mo'``, ``'wk'``, ``'d'``) on ``_valueDate``, and ``today().yearOf()``
(FHIRPath's year of a date) on ``_valueInteger``, for "a year no later than this one". They
are evaluated when an answer is checked, so a terminal left running past midnight uses the
new day.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

CALCULATED_VALUE = "http://hl7.org/fhir/StructureDefinition/cqf-calculatedValue"

_EXPRESSION = re.compile(
    r"\s*today\(\)\s*(?:([+-])\s*(\d{1,4})\s*(years?|months?|weeks?|days?|'a'|'mo'|'wk'|'d'))?\s*"
)
_YEAR = re.compile(r"\s*today\(\)\.yearOf\(\)\s*")
_UNITS = {"'a'": "year", "'mo'": "month", "'wk'": "week", "'d'": "day"}


@dataclass(frozen=True, slots=True)
class CalendarBound:
    """A date bound relative to the day the answer is checked."""

    expression: str
    sign: int = 0
    amount: int = 0
    unit: str = "day"
    year_only: bool = False
    """``today().yearOf()``: the bound is the year, an integer."""

    def resolve(self, today: datetime.date | None = None) -> datetime.date | int:
        """The bound on *today* (default: the terminal's date now)."""
        day = today or datetime.date.today()
        if self.year_only:
            return day.year
        offset = self.sign * self.amount
        if self.unit == "day":
            return day + datetime.timedelta(days=offset)
        if self.unit == "week":
            return day + datetime.timedelta(weeks=offset)
        months = offset * 12 if self.unit == "year" else offset
        return _add_months(day, months)


def parse_calendar_bound(expression: str, kind: str = "Date") -> CalendarBound | None:
    """The bound *expression* describes on a ``_value<kind>``, or ``None`` when it is not one
    read here."""
    if kind == "Integer":
        found = _YEAR.fullmatch(expression) is not None
        return CalendarBound(expression, year_only=True) if found else None
    if kind != "Date":
        return None
    match = _EXPRESSION.fullmatch(expression)
    if match is None:
        return None
    sign, amount, unit = match.groups()
    if sign is None:
        return CalendarBound(expression)
    unit = _UNITS.get(unit, unit.rstrip("s"))
    return CalendarBound(expression, 1 if sign == "+" else -1, int(amount), unit)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))
