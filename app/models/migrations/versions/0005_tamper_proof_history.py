"""history that cannot be rewritten by a REPLACE, an UPSERT, a TRUNCATE or an un-cancel

Revision 0003 refused UPDATE and DELETE on the append-only tables. This one closes the other
ways in (issue "Data safety"):

- SQLite: ``INSERT OR REPLACE`` / ``REPLACE INTO`` delete the old row without firing delete
  triggers; a BEFORE INSERT trigger refuses any insert whose key is already there.
- PostgreSQL: BEFORE TRUNCATE triggers (``TRUNCATE … CASCADE`` included); an
  ``INSERT … ON CONFLICT DO UPDATE`` already meets the update triggers.
- Both: a receipt's status only goes from issued to cancelled (with a reason), never back,
  and its cancellation is not rewritten; payments are append-only too.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table → the condition under which an inserted row would replace a stored one (SQLite)
EXISTING = {
    "session_events": "id = NEW.id OR (session_id = NEW.session_id AND seq = NEW.seq)",
    "receipts": "id = NEW.id OR folio = NEW.folio OR (series = NEW.series AND number = NEW.number)",
    "receipt_lines": "id = NEW.id OR (receipt_id = NEW.receipt_id AND position = NEW.position)",
    "payments": "id = NEW.id",
}
#: a receipt's cancellation columns may change only from issued to cancelled, with a reason
BAD_STATUS_CHANGE = (
    "OLD.status = 'cancelled' OR NEW.status NOT IN ('issued', 'cancelled') "
    "OR (NEW.status = 'issued' AND (NEW.cancelled_at IS NOT NULL OR NEW.cancel_reason IS NOT NULL))"
    " OR (NEW.status = 'cancelled' AND (NEW.cancel_reason IS NULL OR NEW.cancel_reason = ''))"
)

SQLITE = [
    *(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}"
        f" WHEN EXISTS (SELECT 1 FROM {table} WHERE {condition})"
        f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for table, condition in EXISTING.items()
    ),
    "CREATE TRIGGER receipts_cancel_once BEFORE UPDATE OF status, cancelled_at, cancel_reason"
    f" ON receipts WHEN {BAD_STATUS_CHANGE}"
    " BEGIN SELECT RAISE(ABORT, 'an issued receipt is immutable'); END",
    "CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments"
    " BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END",
    "CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments"
    " BEGIN SELECT RAISE(ABORT, 'payments is append-only'); END",
]
SQLITE_DROP = [
    *(f"{table}_no_replace" for table in EXISTING),
    "receipts_cancel_once",
    "payments_no_update",
    "payments_no_delete",
]

TRUNCATE_GUARDED = ("session_events", "receipts", "receipt_lines", "payments")
POSTGRES = [
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION appleuse_refuse_change()"
        for table in TRUNCATE_GUARDED
    ),
    "CREATE TRIGGER receipts_cancel_once BEFORE UPDATE OF status, cancelled_at, cancel_reason"
    f" ON receipts FOR EACH ROW WHEN ({BAD_STATUS_CHANGE})"
    " EXECUTE FUNCTION appleuse_refuse_change()",
    "CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}" for table in TRUNCATE_GUARDED),
    "DROP TRIGGER IF EXISTS receipts_cancel_once ON receipts",
    "DROP TRIGGER IF EXISTS payments_append_only ON payments",
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
