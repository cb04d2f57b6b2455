"""``kiosk-server import-hr FILE.csv``: a chart and a pickup code for every row of an HR feed.

The file is UTF-8 CSV (a byte-order mark is fine) with a header row. Columns, in any order:

==========================  ========  ======================================================
column                      required  meaning
==========================  ========  ======================================================
``first_name``              yes       1..60 characters
``last_name``               yes       1..60 characters
``portal``                  yes       a portal configured on the server
``kind``                    no        ``employee`` (default), ``contractor`` or ``visitor``
``date_of_birth``           no        ``YYYY-MM-DD``; when given, the visitor confirms it
``email``                   no
``phone``                   no
``provider_organization``   no        default: the portal's
``department``              no
``language``                no        default ``en``
``external_id``             no        the HR system's id; a row whose id is already on a
                                      chart updates that chart (see below)
``questionnaires``          no        canonical URLs of the portal's questionnaires to
                                      assign, separated by ``;``; empty: all of them
==========================  ========  ======================================================

Each row is stored in a transaction of its own, so a failing row (reported with its line
number) does not keep the others out.

A row whose ``external_id`` names an existing chart updates it: its email, phone,
department, date of birth and preferred language take the row's values (an empty cell
changes nothing). The login, names, portal and codes are never touched, and no code is
issued; importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.enrolment import create_chart
from kiosk.server.errors import ApiError
from kiosk.server.models import Chart
from kiosk.server.schemas_staff import ChartIn, CodeIssued

REQUIRED_COLUMNS = ("first_name", "last_name", "portal")
OPTIONAL_COLUMNS = (
    "kind",
    "date_of_birth",
    "email",
    "phone",
    "provider_organization",
    "department",
    "language",
    "external_id",
    "questionnaires",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_ROWS = 100_000


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, or a bad header)."""


@dataclass(frozen=True)
class RowImported:
    line: int
    chart: CodeIssued
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class RowUpdated:
    """A row matched an existing chart by its external id; *changes* may be empty."""

    line: int
    chart_id: int
    reference: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RowFailed:
    line: int
    problems: tuple[str, ...]


def _describe(error: ValidationError) -> tuple[str, ...]:
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "row"
        problems.append(f"{where}: {problem['msg']}")
    return tuple(problems)


def _chart_in(row: dict[str, str]) -> ChartIn:
    fields: dict[str, object] = {
        key: value.strip() for key, value in row.items() if value is not None and value.strip()
    }
    if "questionnaires" in fields:
        fields["questionnaires"] = [
            url.strip() for url in str(fields["questionnaires"]).split(";") if url.strip()
        ]
    return ChartIn.model_validate(fields)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """(line, row, problem) for each data row; the header is checked first."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(f"{path}: not a UTF-8 CSV file ({exc})") from None
        if not header:
            raise ImportFileError(f"{path}: the file is empty (a header row is needed)")
        names = [name.strip() for name in header]
        unknown = [name for name in names if name not in COLUMNS]
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if unknown or missing or len(set(names)) != len(names):
            parts = []
            if missing:
                parts.append(f"missing column(s): {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown column(s): {', '.join(unknown)}")
            if len(set(names)) != len(names):
                parts.append("a column is named twice")
            raise ImportFileError(f"{path}: line 1: {'; '.join(parts)}")
        count = 0
        while True:
            start = reader.line_num + 1  # a quoted field may span lines: report the first
            try:
                fields = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield start, None, f"unreadable: {exc}"
                return
            if not any(field.strip() for field in fields):
                continue  # a blank line
            count += 1
            if count > MAX_ROWS:
                yield start, None, f"more than {MAX_ROWS} rows; split the file"
                return
            if len(fields) != len(names):
                more_or_fewer = "more" if len(fields) > len(names) else "fewer"
                yield start, None, f"{more_or_fewer} fields than the header has columns"
                continue
            yield start, dict(zip(names, fields, strict=True)), None


UPDATED_FIELDS = ("email", "phone", "department", "date_of_birth", "language")
"""What the HR feed keeps current on a chart it made (the feed is the source of truth)."""


def _shown(value: object) -> str:
    return "(none)" if value is None or value == "" else str(value)


def update_chart(session: Session, chart: Chart, payload: ChartIn) -> tuple[Change, ...]:
    """Bring *chart*'s HR fields to the row's values (not committed); what changed."""
    changes = []
    for name in UPDATED_FIELDS:
        if name not in payload.model_fields_set:
            continue  # an empty cell: keep what the chart has
        new = getattr(payload, name)
        if new is None:
            continue
        old = getattr(chart, name)
        if old != new:
            changes.append(Change(name, _shown(old), _shown(new)))
            setattr(chart, name, new)
    return tuple(changes)


def _update(session: Session, chart_id: int, line: int, payload: ChartIn) -> RowUpdated:
    chart = session.get_one(Chart, chart_id, with_for_update=True)
    changes = update_chart(session, chart, payload)
    session.commit()
    return RowUpdated(line, chart.id, chart.reference, changes)


def import_file(
    path: Path, sessions: sessionmaker[Session], by: str, ttl: timedelta
) -> Iterator[RowImported | RowUpdated | RowFailed]:
    """Import every row of *path*, yielding each row's outcome as it is stored."""
    for line, row, problem in _rows(path):
        if row is None:
            yield RowFailed(line, (problem or "unreadable",))
            continue
        try:
            payload = _chart_in(row)
        except ValidationError as exc:
            yield RowFailed(line, _describe(exc))
            continue
        with sessions() as session:
            existing = None
            if payload.external_id is not None:
                existing = session.scalar(
                    select(Chart.id).where(Chart.external_id == payload.external_id)
                )
            if existing is not None:
                yield _update(session, existing, line, payload)
                continue
            try:
                issued = create_chart(session, payload, by, ttl)
            except ApiError as exc:
                session.rollback()
                yield RowFailed(line, (exc.detail,))
                continue
        yield RowImported(line, issued, payload.first_name, payload.last_name)
