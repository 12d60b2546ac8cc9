"""The database itself refuses to rewrite session events and issued receipts (revision 0003),
whatever program writes to it; cancelling a receipt is still allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.kernel.clock import FakeClock
from app.kernel.enums import Modality, Outcome
from app.services.data import ClientData
from app.services.facade import Services

REFUSED = [
    "UPDATE session_events SET note = 'x'",
    "DELETE FROM session_events",
    "UPDATE receipts SET total = 1",
    "UPDATE receipts SET folio = 'A-999999'",
    "DELETE FROM receipts",
    "UPDATE receipt_lines SET amount = 1",
    "DELETE FROM receipt_lines",
]


@pytest.fixture
def stored(engine: Engine) -> Engine:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    ana = sv.clients.create_advisor("Ana").id
    client = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    sid = sv.sessions.start(ana, client, Modality.OFFICE).id
    clock.advance(minutes=30)
    sv.sessions.end(sid, Outcome.RESOLVED)
    sv.receipts.issue_for_session(sid)
    return engine


@pytest.mark.parametrize("statement", REFUSED)
def test_raw_sql_cannot_rewrite_history(stored: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError), stored.begin() as conn:
        conn.execute(text(statement))
    with stored.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM session_events")).scalar() == 2
        assert conn.execute(text("SELECT total FROM receipts")).scalar() == 348


def test_cancellation_columns_may_change(stored: Engine) -> None:
    """Cancelling writes only the cancellation columns: allowed, and the figures stay."""
    with stored.begin() as conn:
        conn.execute(
            text(
                "UPDATE receipts SET status = 'cancelled', cancel_reason = 'x', "
                "cancelled_at = issued_at"
            )
        )
    with stored.connect() as conn:
        row = conn.execute(text("SELECT status, cancel_reason, total, folio FROM receipts")).one()
    assert (row.status, row.cancel_reason) == ("cancelled", "x")
    assert (row.total, row.folio) == (348, "A-000001")
