"""What every resource type of the API provides, and the two ways of providing it:
from rows filtered and paged in SQL (:class:`SqlKind`), or from a small set built in
Python (:class:`DerivedKind`: questionnaires, organizations, devices)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, select, type_coerce

from kiosk.server.fhir.context import Context
from kiosk.server.fhir.search import (
    COMMON_PARAMS,
    Criterion,
    SearchParam,
    SearchRequest,
    as_number,
    date_matches,
    numeric_ids,
    sql_date,
    sql_in,
)

EXPORT_BATCH = 500


@dataclass(frozen=True)
class Page:
    total: int
    resources: list[dict[str, Any]]


class Kind(ABC):
    """One resource type of the API."""

    name: ClassVar[str]
    params: ClassVar[tuple[SearchParam, ...]] = ()
    """Search parameters beyond ``_id`` and ``_lastUpdated``."""
    includes: ClassVar[tuple[str, ...]] = ()
    """Reference parameters naming the Patient that ``_include`` follows."""
    patient_compartment: ClassVar[bool] = False
    """Whether a Patient-level ``$export`` holds it."""

    @classmethod
    def search_params(cls) -> dict[str, SearchParam]:
        return {p.name: p for p in (*COMMON_PARAMS, *cls.params)}

    @abstractmethod
    def search(self, ctx: Context, request: SearchRequest) -> Page: ...

    @abstractmethod
    def read(self, ctx: Context, resource_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def export(self, ctx: Context, since: datetime | None) -> Iterator[list[dict[str, Any]]]:
        """Every resource (changed after *since*), in batches."""

    def patient_reference(self, resource: dict[str, Any]) -> str | None:
        """``Patient/…`` the resource is about, for ``_include``."""
        return None


class SqlKind(Kind):
    """A resource type with one row per resource, searched and paged by the database."""

    @abstractmethod
    def statement(self) -> Select[*tuple[Any, ...]]:
        """The rows, unfiltered (the first column is the row's entity)."""

    @abstractmethod
    def id_column(self) -> Any: ...

    @abstractmethod
    def last_updated(self) -> Any:
        """The SQL expression of ``meta.lastUpdated``."""

    @abstractmethod
    def build(self, ctx: Context, rows: Sequence[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
        """The resources of *rows* (as :meth:`statement` selects them), in order."""

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        """The SQL condition of one criterion of the type's own parameters."""
        raise NotImplementedError(criterion.name)

    def _where(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name == "_id":
            return sql_in(self.id_column(), numeric_ids(criterion))
        if criterion.name == "_lastUpdated":
            return sql_date(self.last_updated(), criterion.dates)
        return self.clause(criterion)

    def filtered(self, criteria: Sequence[Criterion]) -> Select[*tuple[Any, ...]]:
        return self.statement().where(*(self._where(c) for c in criteria))

    def search(self, ctx: Context, request: SearchRequest) -> Page:
        statement = self.filtered(request.criteria)
        counted = select(func.count()).select_from(statement.order_by(None).subquery())
        total = int(ctx.session.scalar(counted) or 0)
        if request.summary_count or request.count == 0 or request.offset >= total:
            return Page(total, [])
        rows = ctx.session.execute(
            statement.order_by(self.id_column()).offset(request.offset).limit(request.count)
        ).all()
        return Page(total, self.build(ctx, rows))

    def read(self, ctx: Context, resource_id: str) -> dict[str, Any] | None:
        number = as_number(resource_id)
        if number is None:
            return None
        rows = ctx.session.execute(self.statement().where(self.id_column() == number)).all()
        built = self.build(ctx, rows)
        return built[0] if built else None

    def read_many(self, ctx: Context, ids: Sequence[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = ctx.session.execute(
            self.statement().where(self.id_column().in_(ids)).order_by(self.id_column())
        ).all()
        return self.build(ctx, rows)

    def export(self, ctx: Context, since: datetime | None) -> Iterator[list[dict[str, Any]]]:
        after = 0
        while True:
            statement = self.statement().where(self.id_column() > after)
            if since is not None:
                statement = statement.where(self.last_updated() > since)
            rows = ctx.session.execute(
                statement.order_by(self.id_column()).limit(EXPORT_BATCH)
            ).all()
            if not rows:
                return
            yield self.build(ctx, rows)
            after = rows[-1][0].id


class DerivedKind(Kind):
    """A resource type the database has no rows of: all built, then filtered in Python."""

    @abstractmethod
    def all(self, ctx: Context) -> list[dict[str, Any]]:
        """Every resource of the type, ordered by id."""

    def matches(self, resource: dict[str, Any], criterion: Criterion) -> bool:
        """Whether *resource* meets one criterion of the type's own parameters."""
        raise NotImplementedError(criterion.name)

    def _meets(self, resource: dict[str, Any], criterion: Criterion) -> bool:
        if criterion.name == "_id":
            return resource["id"] in criterion.values
        if criterion.name == "_lastUpdated":
            return date_matches(last_updated(resource), criterion.dates)
        return self.matches(resource, criterion)

    def search(self, ctx: Context, request: SearchRequest) -> Page:
        found = [
            resource
            for resource in self.all(ctx)
            if all(self._meets(resource, c) for c in request.criteria)
        ]
        if request.summary_count:
            return Page(len(found), [])
        return Page(len(found), found[request.offset : request.offset + request.count])

    def read(self, ctx: Context, resource_id: str) -> dict[str, Any] | None:
        return next((r for r in self.all(ctx) if r["id"] == resource_id), None)

    def export(self, ctx: Context, since: datetime | None) -> Iterator[list[dict[str, Any]]]:
        resources = self.all(ctx)
        if since is not None:
            resources = [r for r in resources if last_updated(r) > since]
        if resources:
            yield resources


def latest_of(first: Any, *others: Any) -> Any:
    """The SQL expression of the latest of timestamps (*first* never NULL; others may be),
    typed so that it reads back as an aware datetime on SQLite and PostgreSQL alike."""
    from kiosk.server.models import UTCDateTime

    latest = first
    for other in others:
        latest = case((and_(other.is_not(None), other > latest), other), else_=latest)
    return type_coerce(latest, UTCDateTime())


def last_updated(resource: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(resource["meta"]["lastUpdated"])
