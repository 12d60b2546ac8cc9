"""The database itself refuses to rewrite session events, issued receipts and payments
(revisions 0003 and 0005), whatever program writes to it — UPDATE, DELETE, SQLite's REPLACE,
PostgreSQL's TRUNCATE and UPSERT, an un-cancelled receipt; cancelling a receipt once is still
allowed."""

from __future__ import annotations

from decimal import Decimal

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
    "UPDATE payments SET amount = 1",
    "DELETE FROM payments",
    "UPDATE receipts SET status = 'issued', cancel_reason = 'x'",  # cancel fields on an issued one
    "UPDATE receipts SET status = 'cancelled'",  # no reason
    "UPDATE receipts SET status = 'void', cancel_reason = 'x'",
]
SQLITE_REFUSED = [
    # REPLACE deletes the stored row without firing the delete triggers
    "INSERT OR REPLACE INTO session_events (id, session_id, seq, kind, at, note) "
    "SELECT id, session_id, seq, 'ended', at, note FROM session_events WHERE seq = 1",
    "REPLACE INTO session_events (session_id, seq, kind, at, note) "
    "SELECT session_id, seq, 'paused', at, note FROM session_events WHERE seq = 2",
    "INSERT OR REPLACE INTO receipts SELECT * FROM receipts",
    "REPLACE INTO receipt_lines SELECT * FROM receipt_lines",
    "INSERT OR REPLACE INTO payments SELECT * FROM payments",
]
POSTGRES_REFUSED = [
    "TRUNCATE session_events",
    "TRUNCATE receipts CASCADE",
    "TRUNCATE receipt_lines",
    "TRUNCATE payments",
    "INSERT INTO session_events (id, session_id, seq, kind, at, note) "
    "SELECT id, session_id, seq, 'ended', at, note FROM session_events WHERE seq = 1 "
    "ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind",
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
    receipt = sv.receipts.issue_for_session(sid)
    sv.receipts.record_payment(receipt.id, Decimal("100.00"))
    return engine


def history(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return (
            tuple(conn.execute(text("SELECT id, seq, kind FROM session_events ORDER BY id"))),
            tuple(
                conn.execute(text("SELECT id, folio, status, total, cancel_reason FROM receipts"))
            ),
            tuple(conn.execute(text("SELECT id, position, amount FROM receipt_lines"))),
            tuple(conn.execute(text("SELECT id, amount FROM payments"))),
        )


def refuse(engine: Engine, statement: str) -> None:
    before = history(engine)
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text(statement))
    assert history(engine) == before


@pytest.mark.parametrize("statement", REFUSED)
def test_raw_sql_cannot_rewrite_history(stored: Engine, statement: str) -> None:
    refuse(stored, statement)
    with stored.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM session_events")).scalar() == 2
        assert conn.execute(text("SELECT total FROM receipts")).scalar() == 348


@pytest.mark.parametrize("statement", SQLITE_REFUSED)
def test_sqlite_replace_cannot_rewrite_history(stored: Engine, statement: str) -> None:
    if stored.dialect.name != "sqlite":
        statement = statement.replace("INSERT OR REPLACE", "INSERT").replace("REPLACE", "INSERT")
    refuse(stored, statement)  # on PostgreSQL: the plain INSERT of a stored key, refused too


@pytest.mark.parametrize("statement", POSTGRES_REFUSED)
def test_truncate_and_upsert_cannot_rewrite_history(stored: Engine, statement: str) -> None:
    if stored.dialect.name == "sqlite":  # SQLite has no TRUNCATE: DELETE is refused above
        statement = statement.replace("TRUNCATE", "DELETE FROM").replace(" CASCADE", "")
        statement = statement.replace(" ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind", "")
    refuse(stored, statement)


def test_the_orm_cannot_replace_an_event_either(stored: Engine) -> None:
    from sqlalchemy import insert, select
    from sqlalchemy.orm import Session

    from app.models import SessionEvent

    before = history(stored)
    with Session(stored) as s, pytest.raises(DBAPIError):
        first = s.scalars(select(SessionEvent).where(SessionEvent.seq == 1)).one()
        values = {"id": first.id, "session_id": first.session_id, "seq": 1, "kind": "ended",
                  "at": first.at, "note": ""}  # fmt: skip
        statement = insert(SessionEvent).values(**values)
        if stored.dialect.name == "sqlite":
            statement = statement.prefix_with("OR REPLACE")
        s.execute(statement)
        s.commit()
    assert history(stored) == before


def test_a_cancelled_receipt_stays_cancelled(stored: Engine) -> None:
    with stored.begin() as conn:
        conn.execute(
            text(
                "UPDATE receipts SET status = 'cancelled', cancel_reason = 'x', "
                "cancelled_at = issued_at"
            )
        )
    refuse(
        stored, "UPDATE receipts SET status = 'issued', cancel_reason = NULL, cancelled_at = NULL"
    )
    refuse(stored, "UPDATE receipts SET cancel_reason = 'otro motivo'")


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
