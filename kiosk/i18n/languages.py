"""Languages by name, and the dates and numbers of the visitor's locale (babel).

A date is entered in one way per language, the same in every field: the locale's own order
(month/day/year in English, day/month/year in Spanish, year/month/day in Chinese) with
four-digit years, or the order of a form's ``entryFormat`` (``yyyy/MM/dd``) where it gives
one. ISO ``YYYY-MM-DD`` is read as well.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date, get_date_format
from babel.numbers import format_decimal

from kiosk.i18n import _, current_language


def babel_locale(language: str | None = None) -> Locale:
    """The babel locale of *language* (default: the current one); English when unknown."""
    try:
        return Locale.parse(language or current_language())
    except (ValueError, LookupError):
        return Locale.parse("en")


@dataclass(frozen=True)
class DateOrder:
    """The order of day (``d``), month (``M``) and year (``y``) and the separator between them."""

    fields: tuple[str, str, str]
    separator: str

    def write(self, value: datetime.date) -> str:
        """*value* written in this order (two-digit day and month, four-digit year)."""
        parts = {"d": f"{value.day:02d}", "M": f"{value.month:02d}", "y": f"{value.year:04d}"}
        return self.separator.join(parts[f] for f in self.fields)

    def read(self, text: str) -> tuple[int, int, int] | None:
        """``(year, month, day)`` of *text* written in this order, or year first (ISO
        ``1990-07-31``, ``1990/7/31``: a four-digit first number can only be a year);
        ``None`` otherwise (the numbers are not checked for a real day)."""
        parts = re.split(r"[./\-\s]+", text.strip())
        if len(parts) != 3 or not all(p.isdigit() and p.isascii() for p in parts):
            return None
        fields = ("y", "M", "d") if len(parts[0]) == 4 else self.fields
        found = dict(zip(fields, parts, strict=True))
        if len(found["y"]) != 4 or len(found["M"]) > 2 or len(found["d"]) > 2:
            return None
        return int(found["y"]), int(found["M"]), int(found["d"])


@cache
def date_order(language: str) -> DateOrder:
    """How *language* writes a short date, from its CLDR short date pattern."""
    pattern = get_date_format("short", locale=babel_locale(language)).pattern
    positions = {f: pattern.find(f) for f in "dMy"}
    fields = tuple(sorted(positions, key=lambda f: positions[f]))
    found = re.search(r"[^dMy']", pattern)
    separator = found.group(0) if found else "/"
    if separator.isspace():
        separator = "/"
    return DateOrder(fields=fields, separator=separator)  # type: ignore[arg-type]


_ENTRY_FORMAT = re.compile(r"\s*([A-Za-z]+)([-/. ])([A-Za-z]+)\2([A-Za-z]+)\s*")


@cache
def entry_format_order(entry_format: str | None) -> DateOrder | None:
    """The order an ``entryFormat`` such as ``yyyy/MM/dd``, ``DD.MM.YYYY`` or ``mm-dd-yyyy``
    writes a date in; ``None`` when it is not a day-month-year pattern."""
    match = _ENTRY_FORMAT.fullmatch(entry_format or "")
    if match is None:
        return None
    first, separator, second, third = match.groups()
    fields = []
    for token in (first, second, third):
        letter = token[0].lower()
        if len(set(token.lower())) != 1 or letter not in "ymd":
            return None
        if letter == "y" and len(token) != 4:
            return None
        fields.append({"y": "y", "m": "M", "d": "d"}[letter])
    if sorted(fields) != ["M", "d", "y"]:
        return None
    return DateOrder(fields=tuple(fields), separator=separator)  # type: ignore[arg-type]


def visitor_date_order(entry_format: str | None = None, language: str | None = None) -> DateOrder:
    """The one way a date is typed: the form's entryFormat where it gives a date pattern,
    else the order of *language* (default: the visitor's)."""
    return entry_format_order(entry_format) or date_order(language or current_language())


def format_date_entry(
    value: datetime.date, language: str | None = None, order: DateOrder | None = None
) -> str:
    """*value* written the way the visitor types a date in *language* (or in *order*)."""
    return (order or date_order(language or current_language())).write(value)


def date_hint(language: str | None = None, order: DateOrder | None = None) -> str:
    """The placeholder of a date field: the order in words and an example."""
    order = order or date_order(language or current_language())
    names = {"d": _("day"), "M": _("month"), "y": _("year")}
    return _("{order}, for example {example}").format(
        order=order.separator.join(names[f] for f in order.fields),
        example=order.write(datetime.date(1990, 7, 31)),
    )


def date_entry_to_iso(
    text: str, language: str | None = None, order: DateOrder | None = None
) -> str | None:
    """The ISO form of a date typed in the visitor's order (or ISO), or ``None``."""
    found = (order or date_order(language or current_language())).read(text)
    if found is None:
        return None
    year, month, day = found
    return f"{year:04d}-{month:02d}-{day:02d}"


def datetime_hint(language: str | None = None, order: DateOrder | None = None) -> str:
    """The placeholder of a date-and-time field: the date as in every date field, then the
    time on the 24-hour clock."""
    order = order or date_order(language or current_language())
    names = {"d": _("day"), "M": _("month"), "y": _("year")}
    return _("{order} hour:minute, for example {example}").format(
        order=order.separator.join(names[f] for f in order.fields),
        example=order.write(datetime.date(2024, 7, 31)) + " 14:30",
    )


def date_problem(language: str | None = None, order: DateOrder | None = None) -> str:
    """What to tell a visitor whose date could not be read."""
    return _("Enter the date as {hint}.").format(hint=date_hint(language, order))


def show_date(value: datetime.date, language: str | None = None) -> str:
    """A date for reading (the review), in the locale's long form."""
    return format_date(value, format="long", locale=babel_locale(language))


def show_number(value: Decimal | int, language: str | None = None) -> str:
    """A number for reading, with the locale's decimal mark and no thousands separator: an
    answer is read back as it was typed, and a year (2019) must not read "2,019"."""
    return format_decimal(
        value, locale=babel_locale(language), decimal_quantization=False, group_separator=False
    )
