"""The schema is the migrations' work: they match the models, on SQLite and PostgreSQL,
and a database made by the first cut of the server (no ``alembic_version``) is upgraded."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kiosk.server.db import create_schema, make_engine
from kiosk.server.migrate import (
    FIRST_REVISION,
    alembic_config,
    current_revision,
    head_revision,
    upgrade_database,
)
from kiosk.server.models import Base


def test_migrations_build_exactly_the_models(server_database_url: str) -> None:
    engine = make_engine(server_database_url)
    try:
        result = upgrade_database(engine)
        assert result.before is None
        assert result.after == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        again = upgrade_database(engine)
        assert not again.changed
    finally:
        engine.dispose()


def test_a_first_cut_database_is_stamped_and_upgraded(server_database_url: str) -> None:
    engine = make_engine(server_database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), FIRST_REVISION)
            connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(
                text(
                    "INSERT INTO charts (reference, kind, first_name, last_name, portal,"
                    " department, login_enabled, language, terminal, created_at) VALUES"
                    " ('7K3M-Q9XD', 'applicant', 'Ana', 'Lee', 'demo', 'Applicants', false,"
                    " 'en', 'lobby-1', CURRENT_TIMESTAMP)"
                )
            )
        assert current_revision(engine) is None
        create_schema(engine)
        assert current_revision(engine) == head_revision()
        assert "pickup_codes" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT first_name, failed_confirmations FROM charts")
            ).one()
        assert tuple(row) == ("Ana", 0)
    finally:
        engine.dispose()
