"""FHIR ``value[x]`` encoding of answer values, their limits, and how two values compare."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, TypeGuard

from kiosk.i18n import _
from kiosk.questionnaire.model import AnswerValue, Coding, PartialDate, Quantity

INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
"""FHIR ``integer`` is a signed 32-bit number."""

DECIMAL_MAX_DIGITS = 15
"""Significant digits kept by a decimal answer, so that it survives a JSON float exactly."""

YEAR_MIN = 1900
YEAR_MAX = 2100
"""Dates outside these years are almost certainly typing mistakes at a lobby kiosk."""

VALUE_KINDS: tuple[str, ...] = (
    "Boolean", "Integer", "Decimal", "Date", "DateTime", "Time", "String", "Uri", "Coding",
    "Quantity",
)  # fmt: skip
"""The ``[x]`` suffixes of ``value[x]``/``answer[x]`` this engine understands."""

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?")
_URI = re.compile(r"\S+")


class ValueProblem(ValueError):
    """A ``value[x]`` is unusable; ``str()`` is a localized reason."""


def decode_value(kind: str, raw: object) -> AnswerValue:
    """Turn the JSON of ``value<kind>`` into an answer value, or raise :class:`ValueProblem`."""
    if kind == "Boolean":
        if isinstance(raw, bool):
            return raw
        raise ValueProblem(_("must be true or false"))
    if kind == "Integer":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueProblem(_("must be a whole number"))
        if not INTEGER_MIN <= raw <= INTEGER_MAX:
            raise ValueProblem(
                _("must be between {low} and {high}").format(low=INTEGER_MIN, high=INTEGER_MAX)
            )
        return raw
    if kind == "Decimal":
        return decode_decimal(raw)
    if kind == "Date":
        return decode_date(raw)
    if kind == "DateTime":
        return decode_datetime(raw)
    if kind == "Time":
        return decode_time(raw)
    if kind in ("String", "Uri", "Code"):
        if not isinstance(raw, str) or not raw:
            raise ValueProblem(_("must be a non-empty string"))
        if kind == "Uri" and not _URI.fullmatch(raw):
            raise ValueProblem(_("must be a URI without spaces"))
        return raw
    if kind == "Coding":
        return decode_coding(raw)
    if kind == "Quantity":
        return decode_quantity(raw)
    raise ValueProblem(_("value type '{kind}' is not supported").format(kind=kind))


def decode_decimal(raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ValueProblem(_("must be a number"))
    value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not value.is_finite():
        raise ValueProblem(_("must be a number"))
    return value


def decode_date(raw: object) -> datetime.date | PartialDate:
    """``YYYY-MM-DD``, or the partial ``YYYY`` and ``YYYY-MM``."""
    if not isinstance(raw, str):
        raise ValueProblem(_("must be a date written YYYY-MM-DD"))
    match = _DATE.fullmatch(raw)
    if match is None:
        raise ValueProblem(_("must be a date written YYYY-MM-DD"))
    year, month, day = (None if part is None else int(part) for part in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise ValueProblem(_("is not a real date"))
    if day is None:
        return PartialDate(year, month)
    assert month is not None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(_("is not a real date")) from None


def decode_datetime(raw: object) -> datetime.datetime | datetime.date | PartialDate:
    """A dateTime: with a time it must have seconds and a timezone; else a (partial) date."""
    if not isinstance(raw, str):
        raise ValueProblem(_("must be a date and time written YYYY-MM-DDThh:mm:ss+zz:zz"))
    if "T" not in raw:
        return decode_date(raw)
    match = _DATETIME.fullmatch(raw)
    if match is None:
        raise ValueProblem(_("must be a date and time written YYYY-MM-DDThh:mm:ss+zz:zz"))
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if zone == "Z":
        tz = datetime.UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59:
            raise ValueProblem(_("is not a real date and time"))
        tz = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    try:
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        raise ValueProblem(_("is not a real date and time")) from None


def decode_time(raw: object) -> datetime.time:
    if not isinstance(raw, str):
        raise ValueProblem(_("must be a time written hh:mm:ss"))
    match = _TIME.fullmatch(raw)
    if match is None:
        raise ValueProblem(_("must be a time written hh:mm:ss"))
    hour, minute, second = (int(part) for part in match.groups()[:3])
    fraction = match.group(4)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        return datetime.time(hour, minute, second, micro)
    except ValueError:
        raise ValueProblem(_("is not a real time")) from None


def decode_coding(raw: object) -> Coding:
    """A Coding from JSON; it must have a code (answers are matched on code)."""
    if not isinstance(raw, dict):
        raise ValueProblem(_("must be a Coding object"))
    parts: dict[str, str | None] = {}
    for key in ("system", "code", "display"):
        part = raw.get(key)
        if part is not None and (not isinstance(part, str) or not part):
            raise ValueProblem(_("has a '{key}' that is not a string").format(key=key))
        parts[key] = part
    if parts["code"] is None:
        raise ValueProblem(_("is a Coding without a code"))
    return Coding(parts["system"], parts["code"], parts["display"])


def decode_quantity(raw: object) -> Quantity:
    if not isinstance(raw, dict):
        raise ValueProblem(_("must be a Quantity object"))
    if "comparator" in raw:
        raise ValueProblem(_("has a comparator, which is not supported"))
    if "value" not in raw:
        raise ValueProblem(_("is a Quantity without a value"))
    value = decode_decimal(raw["value"])
    parts: dict[str, str | None] = {}
    for key in ("unit", "system", "code"):
        part = raw.get(key)
        if part is not None and (not isinstance(part, str) or not part):
            raise ValueProblem(_("has a '{key}' that is not a string").format(key=key))
        parts[key] = part
    return Quantity(value, parts["unit"], parts["system"], parts["code"])


def value_kind(value: AnswerValue) -> str:
    """The ``[x]`` suffix under which *value* is written in FHIR JSON."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, Decimal):
        return "Decimal"
    if isinstance(value, datetime.datetime):
        return "DateTime"
    if isinstance(value, datetime.date | PartialDate):
        return "Date"
    if isinstance(value, datetime.time):
        return "Time"
    if isinstance(value, str):
        return "String"
    if isinstance(value, Coding):
        return "Coding"
    if isinstance(value, Quantity):
        return "Quantity"
    raise TypeError(f"not an answer value: {type(value).__name__}")


def encode_value(value: AnswerValue, *, kind: str | None = None) -> tuple[str, Any]:
    """``("value<kind>", json)`` for *value*; *kind* forces e.g. ``Decimal`` for an int."""
    kind = kind or value_kind(value)
    if kind == "Decimal":
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError("not a decimal answer")
        return "valueDecimal", decimal_to_json(Decimal(value))
    if kind in ("Date", "DateTime", "Time"):
        if isinstance(value, datetime.datetime):
            if value.utcoffset() is None:
                raise TypeError("a dateTime answer needs a timezone")
            return f"value{kind}", value.isoformat()
        if not isinstance(value, datetime.date | datetime.time | PartialDate):
            raise TypeError(f"not a {kind} answer")
        return f"value{kind}", value.isoformat()
    if kind == "Coding":
        assert isinstance(value, Coding)
        coding = {"system": value.system, "code": value.code, "display": value.display}
        return "valueCoding", {key: part for key, part in coding.items() if part is not None}
    if kind == "Quantity":
        assert isinstance(value, Quantity)
        quantity: dict[str, Any] = {"value": decimal_to_json(value.value)}
        for key in ("unit", "system", "code"):
            if getattr(value, key) is not None:
                quantity[key] = getattr(value, key)
        return "valueQuantity", quantity
    return f"value{kind}", value


def decimal_to_json(value: Decimal) -> int | float:
    """A JSON number for *value*: an int when typed without decimals, else the exact float.

    Raises ``ValueError`` when a float cannot hold *value* exactly (see ``decimal_fits``).
    """
    if not decimal_fits(value):
        raise ValueError("decimal has too many digits for an exact JSON number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


def decimal_fits(value: Decimal) -> bool:
    """True when *value* is finite, has at most 15 significant digits and a sane magnitude."""
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    digits = len(value.normalize().as_tuple().digits)
    return digits <= DECIMAL_MAX_DIGITS and -DECIMAL_MAX_DIGITS <= value.adjusted() < 15


def decimal_places(value: Decimal) -> int:
    """Digits after the decimal point as written (``1.50`` has 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def codings_match(a: Coding, b: Coding) -> bool:
    """Same code, and same system unless either side has none."""
    if a.code is None or a.code != b.code:
        return False
    return a.system is None or b.system is None or a.system == b.system


def is_number(value: object) -> TypeGuard[int | Decimal]:
    """An int or a Decimal, not a bool."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _is_date(value: object) -> bool:
    return isinstance(value, datetime.date | PartialDate) and not isinstance(
        value, datetime.datetime
    )


def same_value(actual: object, expected: AnswerValue) -> bool:
    """Whether answer *actual* equals *expected* as enableWhen ``=`` and option lookup mean it.

    Types are compared strictly (``True`` is not ``1``); numbers compare by value, so the
    integer 5 equals the decimal 5.0; codings compare with :func:`codings_match`; dates
    of different precision are never equal.
    """
    if isinstance(expected, Coding):
        return isinstance(actual, Coding) and codings_match(actual, expected)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and actual == expected
    if is_number(expected):
        if isinstance(actual, Decimal) and actual.is_nan():
            return False  # comparing a signalling NaN would raise
        return is_number(actual) and actual == expected
    if isinstance(expected, Quantity):
        return isinstance(actual, Quantity) and compare(actual, expected) == 0
    if _is_date(expected):
        return _is_date(actual) and type(actual) is type(expected) and actual == expected
    if isinstance(expected, datetime.datetime | datetime.time):
        return type(actual) is type(expected) and compare(actual, expected) == 0
    return isinstance(actual, str) and actual == expected


def compare(actual: object, expected: object) -> int | None:
    """-1, 0 or 1 as *actual* is less than, equal to or greater than *expected*.

    ``None`` when they cannot be ordered: different types, quantities in different units,
    decimals that are not finite, or dates whose precision leaves the order open.
    """
    if is_number(actual) and is_number(expected):
        assert isinstance(actual, int | Decimal)
        assert isinstance(expected, int | Decimal)
        if isinstance(actual, Decimal) and not actual.is_finite():
            return None
        if isinstance(expected, Decimal) and not expected.is_finite():
            return None
        return (actual > expected) - (actual < expected)
    if isinstance(actual, Quantity) and isinstance(expected, Quantity):
        if not _same_unit(actual, expected):
            return None
        return compare(actual.value, expected.value)
    if _is_date(actual) and _is_date(expected):
        a_first, a_last = _date_range(actual)
        e_first, e_last = _date_range(expected)
        if a_last < e_first:
            return -1
        if a_first > e_last:
            return 1
        if (a_first, a_last) == (e_first, e_last):
            return 0
        return None
    if isinstance(actual, datetime.datetime) and isinstance(expected, datetime.datetime):
        if actual.utcoffset() is None or expected.utcoffset() is None:
            return None
        return (actual > expected) - (actual < expected)
    if isinstance(actual, datetime.time) and isinstance(expected, datetime.time):
        return (actual > expected) - (actual < expected)
    if isinstance(actual, str) and isinstance(expected, str):
        return (actual > expected) - (actual < expected)
    return None


def _date_range(value: object) -> tuple[datetime.date, datetime.date]:
    if isinstance(value, PartialDate):
        return value.first_day(), value.last_day()
    assert isinstance(value, datetime.date)
    return value, value


def _same_unit(a: Quantity, b: Quantity) -> bool:
    if a.code is not None and b.code is not None:
        return a.code == b.code and (a.system is None or b.system is None or a.system == b.system)
    return a.unit == b.unit
