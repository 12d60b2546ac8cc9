"""the agenda: appointments with their append-only history, advisors' working windows and
blocked periods, and each policy's months between periodic services (issue 13)

New tables and one column with a default: no existing table is rebuilt, so the triggers of
revisions 0003 and 0005 stay. The history of an appointment refuses UPDATE, DELETE, SQLite's
REPLACE and PostgreSQL's TRUNCATE, like session events.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = "appointment_changes"
SQLITE = [
    f"CREATE TRIGGER {HISTORY}_no_update BEFORE UPDATE ON {HISTORY}"
    f" BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only'); END",
    f"CREATE TRIGGER {HISTORY}_no_delete BEFORE DELETE ON {HISTORY}"
    f" BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only'); END",
    f"CREATE TRIGGER {HISTORY}_no_replace BEFORE INSERT ON {HISTORY}"
    f" WHEN EXISTS (SELECT 1 FROM {HISTORY} WHERE id = NEW.id"
    " OR (appointment_id = NEW.appointment_id AND seq = NEW.seq))"
    f" BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only'); END",
]
SQLITE_DROP = [f"{HISTORY}_no_update", f"{HISTORY}_no_delete", f"{HISTORY}_no_replace"]
POSTGRES = [
    f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY}"
    " FOR EACH ROW EXECUTE FUNCTION appleuse_refuse_change()",
    f"CREATE TRIGGER {HISTORY}_no_truncate BEFORE TRUNCATE ON {HISTORY}"
    " FOR EACH STATEMENT EXECUTE FUNCTION appleuse_refuse_change()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {HISTORY}_append_only ON {HISTORY}",
    f"DROP TRIGGER IF EXISTS {HISTORY}_no_truncate ON {HISTORY}",
]


def _instant(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.add_column(
        "policies", sa.Column("service_months", sa.Integer(), server_default="3", nullable=False)
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        _instant("starts_at"),
        _instant("ends_at"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        _instant("created_at"),
        _fk("appointments", "client_id", "clients"),
        _fk("appointments", "advisor_id", "advisors"),
        _fk("appointments", "device_id", "devices"),
        _fk("appointments", "case_id", "cases"),
        _fk("appointments", "policy_id", "policies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    for columns in (["client_id"], ["starts_at"], ["case_id"], ["policy_id"]):
        op.create_index(op.f(f"ix_appointments_{columns[0]}"), "appointments", columns)
    op.create_index(
        "ix_appointments_advisor_id_starts_at", "appointments", ["advisor_id", "starts_at"]
    )
    op.create_table(
        HISTORY,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _instant("at"),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        _instant("starts_at"),
        _instant("ends_at"),
        sa.Column("note", sa.Text(), nullable=False),
        _fk(HISTORY, "appointment_id", "appointments"),
        _fk(HISTORY, "advisor_id", "advisors"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{HISTORY}")),
        sa.UniqueConstraint("appointment_id", "seq", name=op.f(f"uq_{HISTORY}_appointment_id_seq")),
    )
    op.create_index(op.f(f"ix_{HISTORY}_appointment_id"), HISTORY, ["appointment_id"])
    op.create_table(
        "advisor_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        _fk("advisor_hours", "advisor_id", "advisors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_hours")),
    )
    op.create_index(op.f("ix_advisor_hours_advisor_id"), "advisor_hours", ["advisor_id"])
    op.create_table(
        "blocked_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        _instant("starts_at"),
        _instant("ends_at"),
        sa.Column("reason", sa.String(length=200), nullable=False),
        _instant("created_at"),
        _fk("blocked_periods", "advisor_id", "advisors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_periods")),
    )
    op.create_index(
        "ix_blocked_periods_advisor_id_starts_at", "blocked_periods", ["advisor_id", "starts_at"]
    )
    name = op.get_bind().dialect.name
    for statement in SQLITE if name == "sqlite" else POSTGRES if name == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    name = op.get_bind().dialect.name
    if name == "sqlite":
        for trigger in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif name == "postgresql":
        for statement in POSTGRES_DROP:
            op.execute(statement)
    for table in ("blocked_periods", "advisor_hours", HISTORY, "appointments"):
        op.drop_table(table)
    with op.batch_alter_table("policies") as batch_op:
        batch_op.drop_column("service_months")
