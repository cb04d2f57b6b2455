"""Alembic environment: run with a connection handed over by :mod:`kiosk.server.migrate`.

There is no alembic.ini: the configuration is built in code, so ``kiosk-server db upgrade``
works from any folder and the migrations ship inside the package.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from kiosk.server.models import Base

# Any constant; held for the length of the migration transaction on PostgreSQL so that
# two servers starting at once do not both try to create the tables.
_PG_LOCK_KEY = 0x6B696F736B


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through kiosk.server.migrate, which passes a connection")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        context.run_migrations()


_run()
