"""Tokens limited to some portals; Idempotency-Keys scoped to the terminal.

``idempotency_keys.key`` now holds the hex SHA-256 of the terminal and the key (see
:func:`kiosk.server.intake.scoped_key`); existing keys are rewritten with the terminal
their chart was filed by, so a replay after the upgrade still finds its answer.

Revision ID: 0005_backend_trust
Revises: 0004_fhir
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_backend_trust"
down_revision: str | None = "0004_fhir"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = sa.table("idempotency_keys", sa.column("key", sa.String), sa.column("chart_id"))
_CHARTS = sa.table("charts", sa.column("id"), sa.column("terminal", sa.String))


def _scoped(terminal: str, key: str) -> str:
    return hashlib.sha256(f"{terminal}\n{key}".encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("portals", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_KEYS.c.key, _CHARTS.c.terminal).join(_CHARTS, _CHARTS.c.id == _KEYS.c.chart_id)
    ).all()
    for key, terminal in rows:
        connection.execute(
            sa.update(_KEYS).where(_KEYS.c.key == key).values(key=_scoped(terminal, key))
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("portals")
