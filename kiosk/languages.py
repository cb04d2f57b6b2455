"""Languages by name, and the dates and numbers of the visitor's locale (babel).

A date is entered in the locale's own order (day/month/year in Spanish, year/month/day in
Chinese), with four-digit years; ISO ``YYYY-MM-DD`` is always accepted as well.
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

_ISO = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


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


def format_date_entry(value: datetime.date, language: str | None = None) -> str:
    """*value* written the way the visitor types a date in *language*."""
    order = date_order(language or current_language())
    parts = {"d": f"{value.day:02d}", "M": f"{value.month:02d}", "y": f"{value.year:04d}"}
    return order.separator.join(parts[f] for f in order.fields)


def date_hint(language: str | None = None) -> str:
    """The placeholder of a date field: the order in words and an example."""
    order = date_order(language or current_language())
    names = {"d": _("day"), "M": _("month"), "y": _("year")}
    example = format_date_entry(datetime.date(1990, 7, 31), language)
    return _("{order}, for example {example}").format(
        order=order.separator.join(names[f] for f in order.fields), example=example
    )


def date_entry_to_iso(text: str, language: str | None = None) -> str | None:
    """The ISO form of a date typed in the locale's order, or None if it is not one.

    Text already in ISO order, or not made of three numbers, gives None (the caller passes the
    text on unchanged).
    """
    text = text.strip()
    if _ISO.fullmatch(text):
        return None
    order = date_order(language or current_language())
    parts = re.split(r"[./\-\s]+", text)
    if len(parts) != 3 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    found = dict(zip(order.fields, parts, strict=True))
    if len(found["y"]) != 4:
        return None
    return f"{found['y']}-{int(found['M']):02d}-{int(found['d']):02d}"


def date_problem(language: str | None = None) -> str:
    """What to tell a visitor whose date could not be read."""
    return _("Enter the date as {hint}.").format(hint=date_hint(language))


def show_date(value: datetime.date, language: str | None = None) -> str:
    """A date for reading (the review), in the locale's long form."""
    return format_date(value, format="long", locale=babel_locale(language))


def show_number(value: Decimal | int, language: str | None = None) -> str:
    """A number for reading, with the locale's decimal mark and no thousands separator: an
    answer is read back as it was typed, and a year (2019) must not read "2,019"."""
    return format_decimal(
        value, locale=babel_locale(language), decimal_quantization=False, group_separator=False
    )
