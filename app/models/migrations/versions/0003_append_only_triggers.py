"""the database itself refuses to rewrite session events and issued receipts

Session events are append-only (RULES §8) and an issued receipt is immutable except for its
cancellation (RULES §10). The ORM refuses such changes already; these triggers make the
database refuse them too, whatever program writes to it.

Note for later migrations: SQLite "batch" operations rebuild a table and lose its triggers;
a migration that batch-alters one of these tables must create its triggers again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: receipt columns that never change once issued (status and cancellation fields may)
FROZEN = (
    "series", "number", "folio", "client_id", "session_id", "advisor_id", "issued_at",
    "modality", "worked_minutes", "billable_hours", "business_hours", "outside_hours",
    "subtotal", "discount", "credits", "base", "iva", "total", "tariff_snapshot",
)  # fmt: skip

SQLITE = [
    "CREATE TRIGGER session_events_no_update BEFORE UPDATE ON session_events"
    " BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END",
    "CREATE TRIGGER session_events_no_delete BEFORE DELETE ON session_events"
    " BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END",
    f"CREATE TRIGGER receipts_frozen BEFORE UPDATE OF {', '.join(FROZEN)} ON receipts"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER receipt_lines_no_update BEFORE UPDATE ON receipt_lines"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER receipt_lines_no_delete BEFORE DELETE ON receipt_lines"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
]
SQLITE_DROP = [
    "session_events_no_update",
    "session_events_no_delete",
    "receipts_frozen",
    "receipts_no_delete",
    "receipt_lines_no_update",
    "receipt_lines_no_delete",
]

POSTGRES = [
    """CREATE FUNCTION appleuse_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$""",
    "CREATE TRIGGER session_events_append_only BEFORE UPDATE OR DELETE ON session_events"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
    f"CREATE TRIGGER receipts_frozen BEFORE UPDATE OF {', '.join(FROZEN)} ON receipts"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
    "CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
    "CREATE TRIGGER receipt_lines_append_only BEFORE UPDATE OR DELETE ON receipt_lines"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS receipt_lines_append_only ON receipt_lines",
    "DROP TRIGGER IF EXISTS receipts_no_delete ON receipts",
    "DROP TRIGGER IF EXISTS receipts_frozen ON receipts",
    "DROP TRIGGER IF EXISTS session_events_append_only ON session_events",
    "DROP FUNCTION IF EXISTS appleuse_refuse_change()",
]


def upgrade() -> None:
    name = op.get_bind().dialect.name
    if name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
    elif name == "postgresql":
        for statement in POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    name = op.get_bind().dialect.name
    if name == "sqlite":
        for trigger in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif name == "postgresql":
        for statement in POSTGRES_DROP:
            op.execute(statement)
