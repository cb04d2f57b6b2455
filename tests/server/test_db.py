"""Engine, schema and the UTC timestamp type."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    StatementError,
)
from sqlalchemy.orm import Session

from kiosk.server.db import (
    create_schema,
    default_database_url,
    describe_database_error,
    make_engine,
    make_sessionmaker,
    safe_url,
)
from kiosk.server.models import Chart, ConsentSignature, Document


def _chart(**overrides: object) -> Chart:
    fields: dict[str, object] = {
        "reference": "7K3M-Q9XD",
        "first_name": "Ana",
        "last_name": "Lee",
        "portal": "demo",
        "department": "Applicants",
        "language": "en",
        "terminal": "lobby-1",
    }
    fields.update(overrides)
    return Chart(**fields)


def test_default_database_url_is_in_the_user_data_folder() -> None:
    from kiosk.paths import user_data_dir

    url = default_database_url()
    assert url == f"sqlite:///{(user_data_dir() / 'kiosk-server.sqlite3').as_posix()}"


def test_sqlite_engine_uses_wal_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with make_sessionmaker(engine)() as session:
            session.add(
                Document(
                    chart_id=999,
                    questionnaire="q",
                    title="t",
                    order_item="o",
                    document_type="d",
                    chart_tab="c",
                    response={},
                )
            )
            with pytest.raises(IntegrityError):
                session.commit()
    finally:
        engine.dispose()


def test_new_chart_defaults_to_a_login_disabled_applicant(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    try:
        with make_sessionmaker(engine)() as session:
            session.add(_chart())
            session.commit()
            chart = session.get_one(Chart, 1)
            assert chart.kind == "applicant"
            assert chart.login_enabled is False
            assert chart.created_at.tzinfo is not None
    finally:
        engine.dispose()


def test_timestamps_are_stored_in_utc_and_read_back_aware(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    signed = datetime(2026, 11, 23, 12, 30, tzinfo=timezone(timedelta(hours=2, minutes=30)))
    try:
        with make_sessionmaker(engine)() as session:
            chart = _chart()
            chart.consents.append(
                ConsentSignature(
                    form_id="f",
                    title="t",
                    version="v",
                    language="en",
                    typed_name="Ana Lee",
                    signed_at=signed,
                    terminal="lobby-1",
                )
            )
            session.add(chart)
            session.commit()
        with Session(engine) as fresh:
            stored = fresh.get_one(ConsentSignature, 1).signed_at
            raw = fresh.execute(text("SELECT signed_at FROM consent_signatures")).scalar()
        assert stored == signed
        assert stored.tzinfo is UTC
        assert str(raw).startswith("2026-11-23 10:00:00")
    finally:
        engine.dispose()


def test_naive_timestamps_are_refused(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    create_schema(engine)
    try:
        with make_sessionmaker(engine)() as session:
            session.add(_chart(created_at=datetime(2026, 1, 1)))
            with pytest.raises(StatementError, match="naive"):
                session.commit()
    finally:
        engine.dispose()


def test_in_memory_sqlite_is_one_database_across_threads() -> None:
    engine = make_engine("sqlite://")
    create_schema(engine)
    sessions = make_sessionmaker(engine)

    def write() -> None:
        with sessions() as session:
            session.add(_chart())
            session.commit()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    try:
        with sessions() as session:
            assert session.get_one(Chart, 1).reference == "7K3M-Q9XD"
    finally:
        engine.dispose()


def test_a_writer_session_may_be_closed_by_another_thread(sqlite_url: str) -> None:
    """FastAPI opens a dependency's session in one worker thread and closes it in another."""
    engine = make_engine(sqlite_url)
    create_schema(engine)
    sessions = make_sessionmaker(engine, writes=True)
    opened: list[Session] = []
    opener = threading.Thread(target=lambda: opened.append(sessions()))
    opener.start()
    opener.join()
    closer = threading.Thread(target=opened[0].close)
    closer.start()
    closer.join()
    # The writer lock was given back: the next session does not wait for it.
    next_session: list[Session] = []
    follower = threading.Thread(target=lambda: next_session.append(sessions()), daemon=True)
    follower.start()
    follower.join(5)
    assert next_session, "the writer lock was never released"
    next_session[0].close()
    engine.dispose()


def test_safe_url_masks_the_password() -> None:
    masked = safe_url("postgresql+psycopg://kiosk:s3cret@db.example:5432/kiosk")
    assert "s3cret" not in masked
    assert masked == "postgresql+psycopg://kiosk:***@db.example:5432/kiosk"
    assert safe_url("::::") == "<unparseable URL>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "invalid database URL"),
        ("nosuchdb://host/db", "unknown database type"),
    ],
)
def test_describe_database_error_for_bad_urls(url: str, expected: str) -> None:
    with pytest.raises((ArgumentError, NoSuchModuleError)) as caught:
        make_engine(url)
    message = describe_database_error(caught.value)
    assert expected in message
    assert "\n" not in message


def test_describe_database_error_for_an_unopenable_file() -> None:
    engine = make_engine("sqlite:////nonexistent-kiosk-dir/sub/kiosk.sqlite3")
    try:
        with pytest.raises(OperationalError) as caught:
            create_schema(engine)
    finally:
        engine.dispose()
    assert describe_database_error(caught.value) == (
        "cannot use the database: unable to open database file"
    )


def test_describe_database_error_for_a_missing_driver() -> None:
    error = ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
    assert describe_database_error(error) == "the database driver is not installed (psycopg)"
