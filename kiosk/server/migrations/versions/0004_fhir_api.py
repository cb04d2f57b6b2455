"""The FHIR API: when each row last changed, the terminal that filed a document,
read-only FHIR tokens, the portals' questionnaire definitions, and Bulk Data exports.

Revision ID: 0004_fhir
Revises: 0003_guess_limits
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_fhir"
down_revision: str | None = "0003_guess_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPDATED_FROM = {
    "charts": "COALESCE(retired_at, created_at)",
    "documents": "filed_at",
    "consent_signatures": "signed_at",
    "tasks": "COALESCE(done_at, created_at)",
}
"""What an existing row's ``updated_at`` starts as: the last change it records."""


def upgrade() -> None:
    for table in _UPDATED_FROM:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
            if table == "documents":
                batch_op.add_column(sa.Column("terminal", sa.String(length=200), nullable=True))
    for table, source in _UPDATED_FROM.items():
        op.execute(f"UPDATE {table} SET updated_at = {source}")
    op.execute(
        "UPDATE documents SET terminal ="
        " (SELECT charts.terminal FROM charts WHERE charts.id = documents.chart_id)"
    )
    for table in _UPDATED_FROM:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_updated_at"), ["updated_at"])

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fhir_read", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "questionnaire_definitions",
        sa.Column("canonical", sa.String(length=200), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("canonical"),
    )
    op.create_table(
        "fhir_exports",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("request_url", sa.String(length=2000), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transaction_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fhir_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fhir_exports_created_at"), ["created_at"])
    op.create_table(
        "fhir_export_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_id", sa.String(length=64), nullable=False),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["fhir_exports.id"],
            name=op.f("fk_fhir_export_files_export_id_fhir_exports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fhir_export_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fhir_export_files_export_id"), ["export_id"])


def downgrade() -> None:
    op.drop_table("fhir_export_files")
    op.drop_table("fhir_exports")
    op.drop_table("questionnaire_definitions")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("fhir_read")
    for table in _UPDATED_FROM:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_updated_at"))
            batch_op.drop_column("updated_at")
            if table == "documents":
                batch_op.drop_column("terminal")
