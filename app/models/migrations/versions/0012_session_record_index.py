"""a partial index of the events a consent record or a disconnection comes from

``ix_session_events_records`` on ``session_events (session_id)``, holding only the rows whose
``kind`` is ``remote_requested``, ``disconnected`` or ``disconnection_added`` (the model's
``RECORDS_WHERE``). A client's history asks, for each of the client's sessions, whether it has
such a record: that question is now answered from this small index, instead of reading every
event of every session (a third of the history's statements' time at 1,000 sessions).

Only an index: no table is rebuilt, so the triggers of revisions 0003, 0005 and 0011 stay.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = "kind IN ('disconnected', 'disconnection_added', 'remote_requested')"


def upgrade() -> None:
    op.create_index(
        "ix_session_events_records",
        "session_events",
        ["session_id"],
        unique=False,
        sqlite_where=sa.text(_WHERE),
        postgresql_where=sa.text(_WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_session_events_records", table_name="session_events")
