"""Schema migrations with Alembic, configured in code (no alembic.ini needed anywhere).

``upgrade_database`` brings a database to the newest revision. A database made by the
first cut of the server (tables created directly, no ``alembic_version``) is stamped
with the first revision, which describes exactly those tables, and upgraded from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
_FIRST_CUT_TABLE = "charts"


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to *connection*."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision the package knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision *engine*'s database is at; None for an empty or first-cut database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _is_first_cut(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return _FIRST_CUT_TABLE in tables and "alembic_version" not in tables


def upgrade_database(engine: Engine) -> UpgradeResult:
    """Migrate *engine*'s database to :func:`head_revision`; cheap when it is already there.

    On SQLite, foreign keys are off while migrating: Alembic alters a table there by
    copying it and dropping the original, and a drop with foreign keys on would cascade.
    """
    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return UpgradeResult(before, head)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a PRAGMA inside a transaction is ignored: use the raw connection
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                if before is None and _is_first_cut(connection):
                    command.stamp(alembic_config(connection), FIRST_REVISION)
                command.upgrade(alembic_config(connection), "head")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    return UpgradeResult(before, head)
