"""what a period report keeps between runs: counters the triggers raise, and cached sums

``report_versions`` holds one counter per UTC date (``key`` ``YYYY-MM-DD``) and one for all
(``all``); the triggers of this revision raise them whenever a row a period report reads
changes. ``report_cache`` holds the report's sums of a local day or month computed by the app
(``app.services.period_cache``) with the counters' total at that moment: a cached row is used
only while that total is unchanged, so a write anywhere in its days makes it stale.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("key", sa.String(10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "report_cache",
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("build", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "first", "advisor_id"),
    )


def downgrade() -> None:
    op.drop_table("report_cache")
    op.drop_table("report_versions")
