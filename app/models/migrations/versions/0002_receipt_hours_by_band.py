"""receipts keep their billable hours by band

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:10:00
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
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("business_hours", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("outside_hours", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    # Receipts issued before this revision: every hour line carries its band.
    op.execute(
        "UPDATE receipts SET business_hours = COALESCE((SELECT SUM(hours) FROM receipt_lines l"
        " WHERE l.receipt_id = receipts.id AND l.band = 'business'), 0),"
        " outside_hours = COALESCE((SELECT SUM(hours) FROM receipt_lines l"
        " WHERE l.receipt_id = receipts.id AND l.band = 'outside'), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_column("outside_hours")
        batch_op.drop_column("business_hours")
