"""an index on receipts.cancelled_at: the corte del día (and the period report) find the
receipts cancelled on a day through it instead of reading every receipt

Only an index: no table is rebuilt, so the triggers of revisions 0003 and 0005 stay.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_receipts_cancelled_at", "receipts", ["cancelled_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_receipts_cancelled_at", table_name="receipts")
