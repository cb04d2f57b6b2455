"""Tokens, pickup codes and logins, portals, assignments, tasks, merges, chart details.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_terminal"), ["terminal"], unique=False)

    op.create_table(
        "portals",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "terminal_throttles",
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("terminal"),
    )
    op.create_table(
        "logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("username_key", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chart_id"], ["charts.id"], name=op.f("fk_logins_chart_id_charts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chart_id", name=op.f("uq_logins_chart_id")),
        sa.UniqueConstraint("username_key", name=op.f("uq_logins_username_key")),
    )
    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_chart_id", sa.Integer(), nullable=False),
        sa.Column("employee_chart_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("merged_by", sa.String(length=100), nullable=False),
        sa.Column("documents_moved", sa.Integer(), nullable=False),
        sa.Column("consents_moved", sa.Integer(), nullable=False),
        sa.Column("tasks_moved", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_chart_id"],
            ["charts.id"],
            name=op.f("fk_merges_applicant_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employee_chart_id"],
            ["charts.id"],
            name=op.f("fk_merges_employee_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("applicant_chart_id", name=op.f("uq_merges_applicant_chart_id")),
    )
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merges_employee_chart_id"), ["employee_chart_id"], unique=False
        )

    op.create_table(
        "pickup_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["chart_id"],
            ["charts.id"],
            name=op.f("fk_pickup_codes_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash", name=op.f("uq_pickup_codes_code_hash")),
    )
    with op.batch_alter_table("pickup_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pickup_codes_chart_id"), ["chart_id"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("portal", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("queue", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["chart_id"], ["charts.id"], name=op.f("fk_tasks_chart_id_charts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_chart_id"), ["chart_id"], unique=False)
        batch_op.create_index("ix_tasks_done_at_id", ["done_at", "id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("order_item", sa.String(length=200), nullable=False),
        sa.Column("document_type", sa.String(length=200), nullable=False),
        sa.Column("chart_tab", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["chart_id"],
            ["charts.id"],
            name=op.f("fk_assignments_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_assignments_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_chart_id"), ["chart_id"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chart_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("terminal", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chart_id"],
            ["charts.id"],
            name=op.f("fk_redemptions_chart_id_charts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["pickup_codes.id"],
            name=op.f("fk_redemptions_code_id_pickup_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_redemptions_secret_hash")),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemptions_chart_id"), ["chart_id"], unique=False)

    with op.batch_alter_table("charts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("provider_organization", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("failed_confirmations", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_charts_kind_created_at", ["kind", "created_at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_charts_external_id"), ["external_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_charts_merged_into_id_charts"),
            "charts",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("charts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_charts_merged_into_id_charts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_charts_external_id"), type_="unique")
        batch_op.drop_index("ix_charts_kind_created_at")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("failed_confirmations")
        batch_op.drop_column("external_id")
        batch_op.drop_column("provider_organization")
        batch_op.drop_column("email")
        batch_op.drop_column("date_of_birth")

    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemptions_chart_id"))

    op.drop_table("redemptions")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_chart_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_done_at_id")
        batch_op.drop_index(batch_op.f("ix_tasks_chart_id"))

    op.drop_table("tasks")
    with op.batch_alter_table("pickup_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pickup_codes_chart_id"))

    op.drop_table("pickup_codes")
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merges_employee_chart_id"))

    op.drop_table("merges")
    op.drop_table("logins")
    op.drop_table("terminal_throttles")
    op.drop_table("portals")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_terminal"))

    op.drop_table("api_tokens")
