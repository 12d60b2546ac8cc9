"""corrections entered afterwards and notes: three columns on the session events

A corrected start or end, a forgotten pause or disconnection, a past session entered by hand
and a note written during a session are new rows of ``session_events`` (new ``kind`` values,
stored as text), so the append-only protection of revisions 0003 and 0005 (ORM listener,
UPDATE/DELETE/REPLACE/TRUNCATE triggers) covers them with no new trigger. A correction needs
what an event did not have:

- ``span_start`` / ``span_end``: the instants it sets (the start, the end, the gap);
- ``author_id``: the advisor who entered it (its reason is the event's ``note``, its
  recorded-at instant the event's ``at``).

The columns are added in place (``ALTER TABLE … ADD COLUMN``, no SQLite batch rebuild), so the
table's triggers stay as they are. Existing rows keep NULL in all three.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_session_events_author_id_advisors"
NEW_KINDS = (
    "note", "start_corrected", "end_corrected", "pause_added", "disconnection_added",
    "recorded_manually",
)  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its foreign key in place (no batch: triggers kept)
        op.execute("ALTER TABLE session_events ADD COLUMN span_start DATETIME")
        op.execute("ALTER TABLE session_events ADD COLUMN span_end DATETIME")
        op.execute(
            "ALTER TABLE session_events ADD COLUMN author_id INTEGER"
            f" CONSTRAINT {FK} REFERENCES advisors (id)"
        )
        return
    op.add_column("session_events", sa.Column("span_start", sa.DateTime(timezone=True)))
    op.add_column("session_events", sa.Column("span_end", sa.DateTime(timezone=True)))
    op.add_column("session_events", sa.Column("author_id", sa.Integer()))
    op.create_foreign_key(FK, "session_events", "advisors", ["author_id"], ["id"])


def downgrade() -> None:
    kinds = ", ".join(f"'{k}'" for k in NEW_KINDS)
    found = op.get_bind().execute(
        sa.text(f"SELECT COUNT(*) FROM session_events WHERE kind IN ({kinds})")
    )
    if found.scalar():
        # append-only: they cannot be deleted, and an older AppleUse cannot read them
        raise RuntimeError("session_events holds corrections or notes; cannot downgrade")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FK, "session_events", type_="foreignkey")
    for column in ("author_id", "span_end", "span_start"):
        op.execute(f"ALTER TABLE session_events DROP COLUMN {column}")
