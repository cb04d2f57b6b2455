"""Returning visitors: visit tokens, a disabled login, a chart's phone.

(Failed sign-ins are counted in ``guess_limits``, kind ``password``.)

Revision ID: 0006_returning_visitors
Revises: 0005_backend_trust
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_returning_visitors"
down_revision: str | None = "0005_backend_trust"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "visit_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["chart_id"],
            ["charts.id"],
            name=op.f("fk_visit_sessions_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_visit_sessions_secret_hash")),
    )
    with op.batch_alter_table("visit_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_sessions_chart_id"), ["chart_id"], unique=False)
    with op.batch_alter_table("logins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("charts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("charts", schema=None) as batch_op:
        batch_op.drop_column("phone")
    with op.batch_alter_table("logins", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
    with op.batch_alter_table("visit_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_sessions_chart_id"))
    op.drop_table("visit_sessions")
