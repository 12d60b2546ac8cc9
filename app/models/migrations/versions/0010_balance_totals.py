"""running totals of the receipts and payments, per advisor, kept by the database: the corte's
balance due at a day's close reads them less what happened after the close

``balance_totals`` holds, for each advisor, in whole cents: every receipt's total
(``issued_cents``), the totals of the receipts cancelled (``cancelled_cents``: those with a
``cancelled_at``) and every payment on the advisor's receipts (``paid_cents``). Triggers add to
it as a receipt is inserted, as its ``cancelled_at`` is set (once: revision 0005 refuses a
second cancellation) and as a payment is inserted; those rows are append-only (revisions 0003
and 0005), so the totals never need to go down. Filled here from the rows already stored.

The balance due at an instant then costs the receipts and payments after it (none for today's
corte) instead of a pass over all of them (``app.services.day_summary.money_flows``).
On PostgreSQL the trigger function runs as its owner (``SECURITY DEFINER``): the app's role
needs only ``SELECT`` on ``balance_totals``, so it cannot alter the totals either.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CENTS = "CAST(ROUND({} * 100) AS INTEGER)"  # SQLite may keep a NUMERIC amount as a double

SQLITE = [
    "CREATE TRIGGER balance_totals_on_receipt AFTER INSERT ON receipts BEGIN"
    " INSERT OR IGNORE INTO balance_totals (advisor_id) VALUES (NEW.advisor_id);"
    f" UPDATE balance_totals SET issued_cents = issued_cents + {_CENTS.format('NEW.total')},"
    " cancelled_cents = cancelled_cents + CASE WHEN NEW.cancelled_at IS NULL THEN 0"
    f" ELSE {_CENTS.format('NEW.total')} END"
    " WHERE advisor_id = NEW.advisor_id; END",
    "CREATE TRIGGER balance_totals_on_cancel AFTER UPDATE OF cancelled_at ON receipts"
    " WHEN OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL BEGIN"
    f" UPDATE balance_totals SET cancelled_cents = cancelled_cents + {_CENTS.format('NEW.total')}"
    " WHERE advisor_id = NEW.advisor_id; END",
    "CREATE TRIGGER balance_totals_on_payment AFTER INSERT ON payments BEGIN"
    " INSERT OR IGNORE INTO balance_totals (advisor_id)"
    " SELECT advisor_id FROM receipts WHERE id = NEW.receipt_id;"
    f" UPDATE balance_totals SET paid_cents = paid_cents + {_CENTS.format('NEW.amount')}"
    " WHERE advisor_id = (SELECT advisor_id FROM receipts WHERE id = NEW.receipt_id); END",
]
SQLITE_DROP = ["balance_totals_on_receipt", "balance_totals_on_cancel", "balance_totals_on_payment"]

POSTGRES = [
    """CREATE FUNCTION appleuse_balance_totals() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        advisor integer;
        issued bigint := 0;
        cancelled bigint := 0;
        paid bigint := 0;
    BEGIN
        IF TG_TABLE_NAME = 'payments' THEN
            SELECT r.advisor_id INTO advisor FROM receipts r WHERE r.id = NEW.receipt_id;
            paid := ROUND(NEW.amount * 100);
        ELSE
            advisor := NEW.advisor_id;
            IF TG_OP = 'INSERT' THEN
                issued := ROUND(NEW.total * 100);
                IF NEW.cancelled_at IS NOT NULL THEN
                    cancelled := issued;
                END IF;
            ELSIF OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL THEN
                cancelled := ROUND(NEW.total * 100);
            ELSE
                RETURN NULL;
            END IF;
        END IF;
        INSERT INTO balance_totals AS t (advisor_id, issued_cents, cancelled_cents, paid_cents)
        VALUES (advisor, issued, cancelled, paid)
        ON CONFLICT (advisor_id) DO UPDATE SET
            issued_cents = t.issued_cents + EXCLUDED.issued_cents,
            cancelled_cents = t.cancelled_cents + EXCLUDED.cancelled_cents,
            paid_cents = t.paid_cents + EXCLUDED.paid_cents;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER balance_totals_on_receipt AFTER INSERT OR UPDATE OF cancelled_at"
    " ON receipts FOR EACH ROW EXECUTE FUNCTION appleuse_balance_totals()",
    "CREATE TRIGGER balance_totals_on_payment AFTER INSERT ON payments"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_balance_totals()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS balance_totals_on_payment ON payments",
    "DROP TRIGGER IF EXISTS balance_totals_on_receipt ON receipts",
    "DROP FUNCTION IF EXISTS appleuse_balance_totals()",
]

_BACKFILL = """
INSERT INTO balance_totals (advisor_id, issued_cents, cancelled_cents, paid_cents)
SELECT a.id,
       COALESCE((SELECT SUM({total}) FROM receipts r WHERE r.advisor_id = a.id), 0),
       COALESCE((SELECT SUM({total}) FROM receipts r
                 WHERE r.advisor_id = a.id AND r.cancelled_at IS NOT NULL), 0),
       COALESCE((SELECT SUM({amount}) FROM payments p JOIN receipts r ON r.id = p.receipt_id
                 WHERE r.advisor_id = a.id), 0)
FROM advisors a
"""


def upgrade() -> None:
    op.create_table(
        "balance_totals",
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("issued_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("cancelled_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(["advisor_id"], ["advisors.id"]),
        sa.PrimaryKeyConstraint("advisor_id"),
    )
    name = op.get_bind().dialect.name
    if name == "sqlite":
        cents = _CENTS
        statements = SQLITE
    else:
        cents = "CAST(ROUND({} * 100) AS BIGINT)"
        statements = POSTGRES
    op.execute(_BACKFILL.format(total=cents.format("r.total"), amount=cents.format("p.amount")))
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        for statement in POSTGRES_DROP:
            op.execute(statement)
    op.drop_table("balance_totals")
