"""policies with versions and covered devices; repair quotes with their parts

New tables only: no existing table is rebuilt, so the triggers of revision 0003 stay.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:20:14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_policies_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policies")),
    )
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policies_client_id"), ["client_id"], unique=False)

    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("expected_remote", sa.Integer(), nullable=False),
        sa.Column("expected_in_person", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("is_24x7", sa.Boolean(), nullable=False),
        sa.Column("benefits", sa.JSON(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_policy_versions_policy_id_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint(
            "policy_id", "valid_from", name=op.f("uq_policy_versions_policy_id_valid_from")
        ),
        sa.UniqueConstraint(
            "policy_id", "version", name=op.f("uq_policy_versions_policy_id_version")
        ),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_versions_policy_id"), ["policy_id"], unique=False
        )

    op.create_table(
        "policy_devices",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_policy_devices_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["policy_versions.id"],
            name=op.f("fk_policy_devices_version_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("version_id", "device_id", name=op.f("pk_policy_devices")),
    )
    op.create_table(
        "repairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("support_session_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("labour_hours", sa.Integer(), nullable=False),
        sa.Column("labour_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("discount", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "quoted", "accepted", "declined", name="repairstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("quoted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["advisor_id"], ["advisors.id"], name=op.f("fk_repairs_advisor_id_advisors")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_repairs_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_repairs_receipt_id_receipts")
        ),
        sa.ForeignKeyConstraint(
            ["support_session_id"],
            ["sessions.id"],
            name=op.f("fk_repairs_support_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repairs")),
    )
    with op.batch_alter_table("repairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repairs_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_repairs_receipt_id"), ["receipt_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_repairs_support_session_id"), ["support_session_id"], unique=False
        )

    op.create_table(
        "repair_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repair_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["repair_id"], ["repairs.id"], name=op.f("fk_repair_parts_repair_id_repairs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_parts")),
        sa.UniqueConstraint(
            "repair_id", "position", name=op.f("uq_repair_parts_repair_id_position")
        ),
    )
    with op.batch_alter_table("repair_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_parts_repair_id"), ["repair_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("repair_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_parts_repair_id"))

    op.drop_table("repair_parts")
    with op.batch_alter_table("repairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repairs_support_session_id"))
        batch_op.drop_index(batch_op.f("ix_repairs_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_repairs_case_id"))

    op.drop_table("repairs")
    op.drop_table("policy_devices")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_versions_policy_id"))

    op.drop_table("policy_versions")
    with op.batch_alter_table("policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policies_client_id"))

    op.drop_table("policies")
