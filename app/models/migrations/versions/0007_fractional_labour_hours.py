"""a repair's labour in fractions of an hour (1.5 h): repairs.labour_hours and
receipt_lines.hours hold up to two decimals

SQLite rebuilds ``receipt_lines`` to change the column ("batch" mode), which drops the
table's append-only triggers (revisions 0003 and 0005): they are created again, the same.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOURS = sa.Numeric(precision=7, scale=2)

#: receipt_lines' SQLite triggers, as revisions 0003 and 0005 create them
LINE_TRIGGERS = (
    "CREATE TRIGGER receipt_lines_no_update BEFORE UPDATE ON receipt_lines"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER receipt_lines_no_delete BEFORE DELETE ON receipt_lines"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER receipt_lines_no_replace BEFORE INSERT ON receipt_lines"
    " WHEN EXISTS (SELECT 1 FROM receipt_lines WHERE"
    " id = NEW.id OR (receipt_id = NEW.receipt_id AND position = NEW.position))"
    " BEGIN SELECT RAISE(ABORT, 'receipt_lines is append-only'); END",
)
LINE_TRIGGER_NAMES = (
    "receipt_lines_no_update",
    "receipt_lines_no_delete",
    "receipt_lines_no_replace",
)


def _alter(
    table: str,
    column: str,
    old: sa.types.TypeEngine[Any],
    new: sa.types.TypeEngine[Any],
    *,
    nullable: bool,
) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=nullable)


def _lines(old: sa.types.TypeEngine[Any], new: sa.types.TypeEngine[Any]) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in LINE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    _alter("receipt_lines", "hours", old, new, nullable=True)
    if sqlite:
        for statement in LINE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    _alter("repairs", "labour_hours", sa.Integer(), HOURS, nullable=False)
    _lines(sa.Integer(), HOURS)


def downgrade() -> None:
    # fractions are rounded to whole hours (half up) on the way back
    op.execute("UPDATE repairs SET labour_hours = ROUND(labour_hours, 0)")
    _alter("repairs", "labour_hours", HOURS, sa.Integer(), nullable=False)
    _lines(HOURS, sa.Integer())
