"""ORM tables of the reference backend (portable SQLAlchemy: SQLite and PostgreSQL).

The schema itself is owned by the Alembic migrations in :mod:`kiosk.server.migrations`;
these classes must describe the same tables (a test compares them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kiosk.contract.login_rules import USERNAME_MAX
from kiosk.contract.wire.fields import LANGUAGE_MAX, NAME_MAX, TEXT_MAX, TYPED_NAME_MAX

IDEMPOTENCY_KEY_MAX = 200
TERMINAL_MAX = 100
EMAIL_MAX = 254
EXTERNAL_ID_MAX = 100
PHONE_MAX = 40
HASH_LENGTH = 64
"""Hex SHA-256, the stored form of tokens, pickup codes and redemption secrets."""


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones, so values are normalised to UTC on the way in and
    tagged as UTC on the way out; PostgreSQL gets a ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ChartKind(StrEnum):
    APPLICANT = "applicant"
    EMPLOYEE = "employee"
    CONTRACTOR = "contractor"
    VISITOR = "visitor"


class TaskEvent(StrEnum):
    """What raises a tasklist event."""

    APPLICANT_REGISTERED = "applicant_registered"
    DOCUMENT_FILED = "document_filed"
    CODE_REDEEMED = "code_redeemed"


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}
"""Named constraints, so that migrations can alter them on SQLite (batch mode) too."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """*model*'s Core table, typed as the :class:`Table` it is (for ``insert`` and
    ``update`` statements built without the ORM)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Chart(Base):
    """A patient chart; applicants get one with login disabled, staff create the others."""

    __tablename__ = "charts"
    __table_args__ = (Index("ix_charts_kind_created_at", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=ChartKind.APPLICANT.value)
    first_name: Mapped[str] = mapped_column(String(NAME_MAX))
    last_name: Mapped[str] = mapped_column(String(NAME_MAX))
    portal: Mapped[str] = mapped_column(String(TEXT_MAX))
    department: Mapped[str] = mapped_column(String(TEXT_MAX))
    login_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX))
    terminal: Mapped[str] = mapped_column(String(TEXT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), default=None)
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX), default=None)
    provider_organization: Mapped[str | None] = mapped_column(String(TEXT_MAX), default=None)
    external_id: Mapped[str | None] = mapped_column(
        String(EXTERNAL_ID_MAX), unique=True, default=None
    )
    failed_confirmations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Consecutive failed date-of-birth confirmations with this chart's pickup code."""
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("charts.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now, index=True
    )
    """When the row last changed (the FHIR Patient's ``meta.lastUpdated``)."""

    documents: Mapped[list[Document]] = relationship(
        back_populates="chart", cascade="all, delete-orphan", order_by="Document.id"
    )
    consents: Mapped[list[ConsentSignature]] = relationship(
        back_populates="chart", cascade="all, delete-orphan", order_by="ConsentSignature.id"
    )


class Document(Base):
    """A completed questionnaire filed on a chart as *document_type* under *chart_tab*."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(TEXT_MAX))
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    order_item: Mapped[str] = mapped_column(String(TEXT_MAX))
    document_type: Mapped[str] = mapped_column(String(TEXT_MAX))
    chart_tab: Mapped[str] = mapped_column(String(TEXT_MAX))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    terminal: Mapped[str | None] = mapped_column(String(TEXT_MAX), default=None)
    """The terminal that filed it (none: filed before terminals were recorded)."""
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now, index=True
    )

    chart: Mapped[Chart] = relationship(back_populates="documents")


class ConsentSignature(Base):
    """One consent form (at one version and language) signed by typing a name."""

    __tablename__ = "consent_signatures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[str] = mapped_column(String(TEXT_MAX))
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    version: Mapped[str] = mapped_column(String(TEXT_MAX))
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX))
    typed_name: Mapped[str] = mapped_column(String(TYPED_NAME_MAX))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    terminal: Mapped[str] = mapped_column(String(TEXT_MAX))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now, index=True
    )

    chart: Mapped[Chart] = relationship(back_populates="consents")


class IdempotencyKey(Base):
    """The answer given to a request with an ``Idempotency-Key``, for replays."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_MAX), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """Hex SHA-256 of the canonical request body."""
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ApiToken(Base):
    """A bearer token of one terminal (or an admin); only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    terminal: Mapped[str] = mapped_column(String(TERMINAL_MAX), index=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    fhir_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A token that may only read the FHIR API (``/fhir/R4``)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    portals: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    """The portals this token may file applicants for; NULL: every portal."""


class TerminalThrottle(Base):
    """Retired (revision 0002's throttle, replaced by :class:`GuessLimit`); kept so that an
    older server sharing the database during an upgrade still finds its table."""

    __tablename__ = "terminal_throttles"

    terminal: Mapped[str] = mapped_column(String(TERMINAL_MAX), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    """Lock-outs since the last success; each one lasts twice as long as the one before."""


GUESS_KIND_MAX = 40
GUESS_WHO_MAX = 200


class GuessLimit(Base):
    """Failed guesses of one kind of secret by or at one subject, and its lock-out
    (see :mod:`kiosk.server.throttle`)."""

    __tablename__ = "guess_limits"

    kind: Mapped[str] = mapped_column(String(GUESS_KIND_MAX), primary_key=True)
    """What is guessed: ``pickup-code``, ``date-of-birth``, ``password``..."""
    who: Mapped[str] = mapped_column(String(GUESS_WHO_MAX), primary_key=True)
    """Whose count: ``terminal:NAME``, ``chart:ID``, ``account:ID``..."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    """Lock-outs so far; each one lasts twice as long as the one before."""
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Portal(Base):
    """A portal's server-side configuration: consent forms, questionnaires, task rules."""

    __tablename__ = "portals"

    name: Mapped[str] = mapped_column(String(TERMINAL_MAX), primary_key=True)
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    """A :class:`kiosk.server.portals.PortalConfig` as JSON."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class PickupCode(Base):
    """A one-time pickup code of a chart; only its SHA-256 is kept."""

    __tablename__ = "pickup_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    issued_by: Mapped[str] = mapped_column(String(TERMINAL_MAX))


class Login(Base):
    """The portal login a visitor created with a pickup code (password hashed with argon2)."""

    __tablename__ = "logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    username_key: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    """The username case-folded: usernames are unique regardless of case."""
    password_hash: Mapped[str] = mapped_column(String(TEXT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """Set by staff's ``reset-login``: the password no longer signs in (a new pickup code
    makes a new one)."""


class Redemption(Base):
    """A redeemed pickup code; its secret lets the same terminal file the rest of the visit."""

    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("pickup_codes.id", ondelete="CASCADE"))
    secret_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    terminal: Mapped[str] = mapped_column(String(TERMINAL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Assignment(Base):
    """A questionnaire assigned to a chart, open until a document for it is filed."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(TEXT_MAX))
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    order_item: Mapped[str] = mapped_column(String(TEXT_MAX))
    document_type: Mapped[str] = mapped_column(String(TEXT_MAX))
    chart_tab: Mapped[str] = mapped_column(String(TEXT_MAX))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), default=None
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Task(Base):
    """A tasklist event raised for staff by a portal's task rule."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_done_at_id", "done_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    portal: Mapped[str] = mapped_column(String(TERMINAL_MAX))
    event: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    queue: Mapped[str] = mapped_column(String(TEXT_MAX))
    detail: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    done_by: Mapped[str | None] = mapped_column(String(TERMINAL_MAX), default=None)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now, index=True
    )


class Merge(Base):
    """The record of an applicant chart merged into an employee chart."""

    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_chart_id: Mapped[int] = mapped_column(
        ForeignKey("charts.id", ondelete="CASCADE"), unique=True
    )
    employee_chart_id: Mapped[int] = mapped_column(
        ForeignKey("charts.id", ondelete="CASCADE"), index=True
    )
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    merged_by: Mapped[str] = mapped_column(String(TERMINAL_MAX))
    documents_moved: Mapped[int] = mapped_column(Integer)
    consents_moved: Mapped[int] = mapped_column(Integer)
    tasks_moved: Mapped[int] = mapped_column(Integer)


class VisitSession(Base):
    """A returning visitor's sign-in at one terminal, for one visit; only its secret's hash
    is kept. It ends when the visit does (revoked), or when it expires."""

    __tablename__ = "visit_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chart_id: Mapped[int] = mapped_column(ForeignKey("charts.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    terminal: Mapped[str] = mapped_column(String(TERMINAL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class QuestionnaireDefinition(Base):
    """The FHIR Questionnaire JSON of a canonical ``url|version`` a portal offers, as
    ``portals load --kiosk-config`` read it from the kiosk's questionnaire file."""

    __tablename__ = "questionnaire_definitions"

    canonical: Mapped[str] = mapped_column(String(TEXT_MAX), primary_key=True)
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class FhirExport(Base):
    """A FHIR Bulk Data export: its request, progress and outcome."""

    __tablename__ = "fhir_exports"

    id: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    """``system`` or ``patient``."""
    request_url: Mapped[str] = mapped_column(String(2000))
    types: Mapped[list[str]] = mapped_column(JSON)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    status: Mapped[str] = mapped_column(String(20))
    """``in-progress``, ``completed``, ``failed`` or ``cancelled``."""
    requested_by: Mapped[str] = mapped_column(String(TERMINAL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    transaction_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    error: Mapped[str | None] = mapped_column(String(TEXT_MAX), default=None)

    files: Mapped[list[FhirExportFile]] = relationship(
        back_populates="export", cascade="all, delete-orphan", order_by="FhirExportFile.id"
    )


class FhirExportFile(Base):
    """One NDJSON output file of an export: every resource of one type, a line each."""

    __tablename__ = "fhir_export_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    export_id: Mapped[str] = mapped_column(
        ForeignKey("fhir_exports.id", ondelete="CASCADE"), index=True
    )
    resource_type: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)

    export: Mapped[FhirExport] = relationship(back_populates="files")
