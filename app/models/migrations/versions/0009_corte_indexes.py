"""indexes for the corte del día and the period report: receipts.cancelled_at (the receipts
cancelled on a day, without reading every receipt), and two covering indexes that add up what
was issued and what was received by an instant without reading the rows — receipts
(issued_at, total, advisor_id), which takes the place of the index on issued_at alone, and
payments (received_at, amount): the balance due at the close

Only indexes: no table is rebuilt, so the triggers of revisions 0003 and 0005 stay.

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
    op.create_index(
        "ix_receipts_issued_total", "receipts", ["issued_at", "total", "advisor_id"], unique=False
    )
    op.drop_index("ix_receipts_issued_at", table_name="receipts")
    op.create_index(
        "ix_payments_received_amount", "payments", ["received_at", "amount"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_payments_received_amount", table_name="payments")
    op.create_index("ix_receipts_issued_at", "receipts", ["issued_at"], unique=False)
    op.drop_index("ix_receipts_issued_total", table_name="receipts")
    op.drop_index("ix_receipts_cancelled_at", table_name="receipts")
