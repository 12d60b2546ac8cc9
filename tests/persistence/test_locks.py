"""A writer that finds the database locked by someone else retries, then says so in Spanish;
nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from app.kernel.clock import FakeClock
from app.kernel.errors import ConflictError
from app.models.engine import make_engine
from app.services.data import ClientData
from app.services.facade import Services
from app.services.uow import Database, is_retryable


def test_locked_database_gives_a_conflict_error(engine: Engine, db_url: str) -> None:
    services = Services.create(engine, FakeClock())
    client = services.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    impatient = make_engine(db_url, lock_timeout_ms=50)
    db = Database(impatient, attempts=3)
    holder = create_engine(db_url)
    conn: Any = holder.raw_connection()
    try:
        cursor = conn.cursor()
        if engine.dialect.name == "sqlite":
            conn.driver_connection.isolation_level = None
            cursor.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        else:
            cursor.execute("SELECT id FROM clients WHERE id = %s FOR UPDATE", (client,))

        def rename(s: Any) -> None:
            s.execute(text("UPDATE clients SET name = 'Otro' WHERE id = :id"), {"id": client})

        with pytest.raises(ConflictError, match="ocupada por otro usuario"):
            db.write(rename)
    finally:
        conn.rollback()
        conn.close()
        holder.dispose()
    assert services.clients.client(client).name == "Lucía"
    db.write(rename)  # once the lock is gone the same unit of work goes through
    assert services.clients.client(client).name == "Otro"
    impatient.dispose()


def test_only_lock_errors_are_retried() -> None:
    assert not is_retryable(ValueError("x"))
    busy = OperationalError("BEGIN", {}, Exception("database is locked"))
    assert is_retryable(busy)
    other = OperationalError("SELECT", {}, Exception("no such table: x"))
    assert not is_retryable(other)


def test_one_window_per_advisor_on_a_shared_database(engine: Engine) -> None:
    """PostgreSQL: an advisory lock per advisor (SQLite: the lock file beside the database,
    tested with the window)."""
    from app.models.engine import advisor_lock

    first = advisor_lock(engine, 7)
    if engine.dialect.name != "postgresql":
        assert first is None  # nothing to hold on SQLite
        return
    assert first is not None
    assert advisor_lock(engine, 7) is None  # a second window of the same advisor
    other = advisor_lock(engine, 8)  # another advisor is fine
    assert other is not None
    first.close()
    again = advisor_lock(engine, 7)  # released when the first window closed
    assert again is not None
    again.close()
    other.close()
