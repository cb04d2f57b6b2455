"""Database engine, schema and sessions of the reference backend.

SQLite (the default, one file in the user's data folder) and PostgreSQL are both
meant to work: nothing here or in the models is SQLite-only.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

DATABASE_FILENAME = "kiosk-server.sqlite3"
SQLITE_BUSY_TIMEOUT_SECONDS = 15.0
POSTGRES_POOL_SIZE = 10
"""Connections a PostgreSQL engine keeps open: more than the applicant intake's threads
(``kiosk.server.app.INTAKE_THREADS``), so that under load no connection is closed on
return and opened again for the next request (SQLAlchemy's default keeps 5)."""


def default_database_url() -> str:
    """SQLite file ``kiosk-server.sqlite3`` in the user's data folder."""
    from kiosk.paths import user_data_dir

    return f"sqlite:///{(user_data_dir() / DATABASE_FILENAME).as_posix()}"


def _is_memory_sqlite(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or (url.query.get("mode") == "memory")


SQLITE_BEGIN_OPTION = "kiosk_sqlite_begin"
"""Execution option naming how SQLite transactions begin: DEFERRED (default) or IMMEDIATE."""


def _sqlite_pragmas(wal: bool) -> Any:
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # The driver's own transaction handling is off; ``_sqlite_begin`` starts each one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    return on_connect


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN as the connection's options say: IMMEDIATE takes the write lock up front, so a
    transaction that reads and then writes waits for another writer instead of failing."""
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown SQLite BEGIN mode: {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for *url*; SQLite gets WAL, foreign keys and cross-thread use.

    Statement parameters are hidden from error messages so that names and answers
    never reach a log through an exception.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            parsed, hide_parameters=True, pool_pre_ping=True, pool_size=POSTGRES_POOL_SIZE
        )

    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    }
    memory = _is_memory_sqlite(parsed)
    if memory:
        # One shared connection, or every pooled connection would see its own empty database.
        options["poolclass"] = StaticPool
    engine = create_engine(parsed, hide_parameters=True, **options)
    event.listen(engine, "connect", _sqlite_pragmas(wal=not memory))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def create_schema(engine: Engine) -> None:
    """Bring the schema up to date with the Alembic migrations (cheap when it is already)."""
    from kiosk.server.migrate import upgrade_database

    upgrade_database(engine)


class _WriterSession(Session):
    """A SQLite session that holds its engine's writer lock from creation to close.

    SQLite has one writer at a time, and a waiting writer polls with growing sleeps; taking
    turns on a lock in this process instead keeps the wait short and roughly in order.

    A plain ``Lock``, not an ``RLock``: FastAPI opens a dependency's session in one worker
    thread and closes it in another, and only a plain lock may be released by another thread.
    Sessions of one engine are never nested.
    """

    writer_lock: threading.Lock

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.writer_lock.acquire()
        self._holds_writer_lock = True
        try:
            super().__init__(*args, **kwargs)
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self) -> None:
        if getattr(self, "_holds_writer_lock", False):
            self._holds_writer_lock = False
            self.writer_lock.release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_writer_lock()


_WRITER_LOCKS: dict[int, threading.Lock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_session_class(engine: Engine) -> type[Session]:
    with _WRITER_LOCKS_GUARD:
        lock = _WRITER_LOCKS.setdefault(id(engine.pool), threading.Lock())
    return type("WriterSession", (_WriterSession,), {"writer_lock": lock})


def make_sessionmaker(engine: Engine, *, writes: bool = False) -> sessionmaker[Session]:
    """Sessions bound to *engine*; objects stay readable after commit.

    With *writes*, SQLite transactions begin IMMEDIATE (they queue for the one writer
    rather than fail when another wrote since they read), and the sessions of this process
    take turns on a lock first; PostgreSQL is unaffected. Close every write session (use
    ``with sessions() as session``).
    """
    if writes and engine.dialect.name == "sqlite":
        session_class = _writer_session_class(engine)
        engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        return sessionmaker(bind=engine, expire_on_commit=False, class_=session_class)
    return sessionmaker(bind=engine, expire_on_commit=False)


def safe_url(url: str) -> str:
    """*url* with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def describe_database_error(exc: BaseException) -> str:
    """One plain line saying why the database could not be used (no SQL, no parameters)."""
    if isinstance(exc, NoSuchModuleError):
        return "unknown database type in the URL (use sqlite:///PATH or postgresql+psycopg://...)"
    if isinstance(exc, ArgumentError):
        return "invalid database URL (use sqlite:///PATH or postgresql+psycopg://...)"
    if isinstance(exc, ImportError):
        return f"the database driver is not installed ({exc.name or exc})"
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        detail = str(exc.orig).strip().splitlines()
        return f"cannot use the database: {detail[0] if detail else type(exc.orig).__name__}"
    if isinstance(exc, SQLAlchemyError):
        return f"cannot use the database: {type(exc).__name__}"
    first = str(exc).strip().splitlines()
    return first[0] if first else type(exc).__name__
