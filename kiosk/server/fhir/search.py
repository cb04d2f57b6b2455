"""FHIR search parameters: parsing a query into criteria, and matching them in SQL or Python.

Supported: ``_id``, ``_lastUpdated`` (prefixes ``eq`` ``gt`` ``lt`` ``ge`` ``le``), the
types' own parameters (string, token, date and reference kinds), ``_count`` (paged by
``next`` links carrying ``_offset``), ``_include``, ``_summary=count`` and ``_format``.
Anything else is refused with an OperationOutcome rather than silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, func, or_, true

from kiosk.server.fhir.outcome import FhirError, bad_request

DEFAULT_COUNT = 50
MAX_COUNT = 1000
MAX_OFFSET = 10_000_000
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
CONTROL_PARAMETERS = frozenset({"_count", "_offset", "_include", "_summary", "_format"})


class ParamType(StrEnum):
    TOKEN = "token"
    STRING = "string"
    DATE = "date"
    REFERENCE = "reference"
    URI = "uri"


@dataclass(frozen=True)
class SearchParam:
    """A search parameter a resource type supports, as the CapabilityStatement lists it."""

    name: str
    type: ParamType
    documentation: str
    definition: str | None = None
    """The canonical URL of the standard SearchParameter it implements, if any."""


STANDARD = "http://hl7.org/fhir/SearchParameter/"
ID_PARAM = SearchParam(
    "_id", ParamType.TOKEN, "The logical id of the resource.", STANDARD + "Resource-id"
)
LAST_UPDATED_PARAM = SearchParam(
    "_lastUpdated",
    ParamType.DATE,
    "When the resource last changed (meta.lastUpdated); prefixes eq, gt, lt, ge, le.",
    STANDARD + "Resource-lastUpdated",
)
COMMON_PARAMS = (ID_PARAM, LAST_UPDATED_PARAM)

_MODIFIERS = {ParamType.STRING: {"exact", "contains"}}
_DATE_PREFIXES = ("eq", "gt", "lt", "ge", "le")
_DATE = re.compile(
    r"^(?P<year>[0-9]{4})(-(?P<month>[0-9]{2})(-(?P<day>[0-9]{2})"
    r"(T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(:(?P<second>[0-9]{2})(\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"
)


def is_fhir_datetime(text: object) -> bool:
    """Whether *text* is a FHIR ``dateTime`` (a time needs a zone)."""
    if not isinstance(text, str):
        return False
    match = _DATE.match(text)
    return match is not None and (match["hour"] is None or match["tz"] is not None)


@dataclass(frozen=True)
class DateRange:
    """The range a date search value stands for, ``[low, high)``, and how to compare."""

    prefix: str
    low: datetime
    high: datetime


@dataclass(frozen=True)
class Criterion:
    """One occurrence of a search parameter: its values are alternatives (comma = OR)."""

    name: str
    modifier: str | None
    values: tuple[str, ...]
    dates: tuple[DateRange, ...] = ()


@dataclass
class SearchRequest:
    """A parsed search: criteria (all must hold), paging, includes and summary."""

    criteria: list[Criterion] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    includes: list[str] = field(default_factory=list)
    summary_count: bool = False


_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def _next_month(low: datetime) -> datetime:
    if low.month < 12:
        return low.replace(month=low.month + 1)
    return low.replace(year=low.year + 1, month=1)


def _after(low: datetime, step: timedelta | str) -> datetime:
    """The end of the range starting at *low*: *step* later, or at the end of time."""
    try:
        if step == "year":
            return low.replace(year=low.year + 1)
        if step == "month":
            return _next_month(low)
        assert isinstance(step, timedelta)
        return low + step
    except (ValueError, OverflowError):
        return _END_OF_TIME


def _fraction_step(parts: dict[str, str | None]) -> timedelta:
    if parts["second"] is None:
        return timedelta(minutes=1)
    fraction = parts["fraction"] or ""
    return timedelta(microseconds=10 ** (6 - len(fraction)))


def parse_instant_range(text: str, prefix: str) -> DateRange:
    """The ``[low, high)`` range of a FHIR date/dateTime/instant search value (UTC if no zone)."""
    match = _DATE.match(text)
    if match is None:
        raise bad_request(f"not a FHIR date or dateTime: {text!r}")
    parts = match.groupdict()
    if parts["hour"] is not None and parts["tz"] is None:
        raise bad_request(f"a time needs a time zone (Z or +hh:mm): {text!r}")
    try:
        year = int(parts["year"])
        if parts["month"] is None:
            low = datetime(year, 1, 1, tzinfo=UTC)
            return DateRange(prefix, low, _after(low, "year"))
        month = int(parts["month"])
        if parts["day"] is None:
            low = datetime(year, month, 1, tzinfo=UTC)
            return DateRange(prefix, low, _after(low, "month"))
        day = date(year, month, int(parts["day"]))
        if parts["hour"] is None:
            low = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return DateRange(prefix, low, _after(low, timedelta(days=1)))
        zone = datetime.fromisoformat(f"2000-01-01T00:00:00{parts['tz'].replace('Z', '+00:00')}")
        fraction = parts["fraction"] or ""
        low = datetime(
            day.year,
            day.month,
            day.day,
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int(fraction.ljust(6, "0")) if fraction else 0,
            tzinfo=zone.tzinfo,
        ).astimezone(UTC)
    except (ValueError, OverflowError):
        raise bad_request(f"not a valid date: {text!r}") from None
    return DateRange(prefix, low, _after(low, _fraction_step(parts)))


def _date_values(values: Sequence[str]) -> tuple[DateRange, ...]:
    ranges = []
    for value in values:
        prefix = value[:2] if value[:2] in _DATE_PREFIXES else "eq"
        text = value[2:] if value[:2] in _DATE_PREFIXES else value
        ranges.append(parse_instant_range(text, prefix))
    return tuple(ranges)


def as_number(text: str, digits: int = 10) -> int | None:
    """*text* as a whole number when it is one of at most *digits* ASCII digits, else None."""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def _integer(name: str, text: str, low: int, high: int) -> int:
    number = as_number(text)
    if number is None or not low <= number <= high:
        raise bad_request(f"{name} must be a whole number from {low} to {high}: {text!r}")
    return int(text)


def parse_search(
    items: Sequence[tuple[str, str]],
    resource_type: str,
    params: dict[str, SearchParam],
    includes: Sequence[str],
) -> SearchRequest:
    """Parse query *items* for a search of *resource_type*; unknown parameters are errors."""
    request = SearchRequest()
    for key, value in items:
        if key == "_count":
            request.count = _integer("_count", value, 0, MAX_COUNT)
        elif key == "_offset":
            request.offset = _integer("_offset", value, 0, MAX_OFFSET)
        elif key == "_summary":
            if value not in ("count", "false"):
                raise bad_request(f"_summary={value} is not supported (only count, false)")
            request.summary_count = value == "count"
        elif key == "_format":
            if value not in JSON_FORMATS:
                raise FhirError(406, "not-supported", f"_format={value}: only JSON is served")
        elif key == "_include":
            request.includes.append(_parse_include(value, resource_type, includes))
        else:
            request.criteria.append(_criterion(key, value, resource_type, params))
    return request


def _parse_include(value: str, resource_type: str, includes: Sequence[str]) -> str:
    parts = value.split(":")
    if (
        len(parts) not in (2, 3)
        or parts[0] != resource_type
        or parts[1] not in includes
        or (len(parts) == 3 and parts[2] != "Patient")
    ):
        allowed = ", ".join(f"{resource_type}:{name}" for name in includes) or "none"
        raise bad_request(f"_include={value} is not supported here (supported: {allowed})")
    return parts[1]


def _criterion(
    key: str, value: str, resource_type: str, params: dict[str, SearchParam]
) -> Criterion:
    name, _, modifier = key.partition(":")
    param = params.get(name)
    if param is None:
        known = ", ".join(sorted([*params, *CONTROL_PARAMETERS]))
        raise bad_request(
            f"unknown search parameter {name!r} for {resource_type} (supported: {known})",
            "not-supported",
        )
    if modifier and modifier not in _MODIFIERS.get(param.type, set()):
        raise bad_request(f"modifier :{modifier} is not supported on {name}", "not-supported")
    values = tuple(part for part in _split_commas(value))
    if not values or any(v == "" for v in values):
        raise bad_request(f"{name} needs a value")
    dates = _date_values(values) if param.type == ParamType.DATE else ()
    return Criterion(name, modifier or None, values, dates)


def _split_commas(value: str) -> list[str]:
    """Split on commas not escaped with a backslash, and unescape ``\\,``."""
    parts = re.split(r"(?<!\\),", value)
    return [part.replace("\\,", ",") for part in parts]


# -- matching in SQL ------------------------------------------------------------------


def sql_date(column: SQLColumnExpression[Any], ranges: Sequence[DateRange]) -> ColumnElement[bool]:
    """*column* (a timestamp) within any of *ranges*, as FHIR's date prefixes say."""
    return or_(*(_sql_range(column, r) for r in ranges))


def _sql_range(column: SQLColumnExpression[Any], r: DateRange) -> ColumnElement[bool]:
    if r.prefix == "gt":
        return column >= r.high
    if r.prefix == "ge":
        return column >= r.low
    if r.prefix == "lt":
        return column < r.low
    if r.prefix == "le":
        return column < r.high
    return and_(column >= r.low, column < r.high)


def sql_day(column: SQLColumnExpression[Any], ranges: Sequence[DateRange]) -> ColumnElement[bool]:
    """A ``date`` *column* within any of *ranges* (compared by calendar day)."""

    def day_range(r: DateRange) -> DateRange:
        high = (
            r.high.date() if r.high.time() == datetime.min.time() else r.high.date() + timedelta(1)
        )
        low = r.low.date()
        return DateRange(r.prefix, low, high)  # type: ignore[arg-type]

    return or_(*(_sql_range(column, day_range(r)) for r in ranges))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sql_string(column: Any, criterion: Criterion) -> ColumnElement[bool]:
    """FHIR string matching: starts-with ignoring case; ``:exact``; ``:contains``."""
    if criterion.modifier == "exact":
        return or_(*(column == value for value in criterion.values))
    clauses = []
    for value in criterion.values:
        pattern = _like_escape(value.lower())
        pattern = f"%{pattern}%" if criterion.modifier == "contains" else f"{pattern}%"
        clauses.append(func.lower(column).like(pattern, escape="\\"))
    return or_(*clauses)


def reference_ids(criterion: Criterion, resource_type: str) -> list[int]:
    """The numeric ids a reference criterion names (``Patient/7``, ``7``, or a full URL)."""
    ids = []
    for value in criterion.values:
        tail = value.rstrip("/").split("/")
        if len(tail) >= 2 and tail[-2] != resource_type:
            continue
        number = as_number(tail[-1])
        if number is not None:
            ids.append(number)
    return ids


def numeric_ids(criterion: Criterion) -> list[int]:
    return [n for n in (as_number(v) for v in criterion.values) if n is not None]


def sql_in(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    return column.in_(ids) if ids else false()


def sql_token(
    matches: Callable[[str | None, str], ColumnElement[bool]], criterion: Criterion
) -> ColumnElement[bool]:
    """A token criterion: each value ``system|code``, ``code`` or ``|code`` (no system)."""
    clauses = []
    for value in criterion.values:
        if "|" in value:
            system, _, code = value.partition("|")
            clauses.append(matches(system, code))
        else:
            clauses.append(matches(None, value))
    return or_(*clauses) if clauses else true()


# -- matching in Python (resources the database has no rows of) ----------------------


def date_matches(value: datetime, ranges: Sequence[DateRange]) -> bool:
    for r in ranges:
        if (
            (r.prefix == "gt" and value >= r.high)
            or (r.prefix == "ge" and value >= r.low)
            or (r.prefix == "lt" and value < r.low)
            or (r.prefix == "le" and value < r.high)
            or (r.prefix == "eq" and r.low <= value < r.high)
        ):
            return True
    return False


def string_matches(text: str | None, criterion: Criterion) -> bool:
    if text is None:
        return False
    if criterion.modifier == "exact":
        return text in criterion.values
    folded = text.casefold()
    if criterion.modifier == "contains":
        return any(v.casefold() in folded for v in criterion.values)
    return any(folded.startswith(v.casefold()) for v in criterion.values)


def token_matches(codes: Sequence[tuple[str | None, str]], criterion: Criterion) -> bool:
    """Whether any ``(system, code)`` of a resource matches a token criterion."""
    for value in criterion.values:
        if "|" in value:
            system, _, code = value.partition("|")
            if any(
                (c == code or not code) and (s == system if system else s is None) for s, c in codes
            ):
                return True
        elif any(c == value for _s, c in codes):
            return True
    return False
