"""Closing the app stops the database reads still running (the first report of a large
database reads for minutes and would hold the quit), refuses new ones, and leaves writes
alone: an advisor's last change runs to its commit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.kernel.errors import StorageError
from app.models import Advisor
from app.services.uow import Database

#: Runs until stopped: SQLite counts for ever; PostgreSQL sleeps ten minutes.
_ENDLESS = {
    "sqlite": "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(600)",
}
#: Takes a moment, then gives 2,000,000.
_LONG = {
    "sqlite": "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
    "WHERE n < 2000000) SELECT count(*) FROM c",
    "postgresql": "SELECT count(*) FROM generate_series(1, 2000000) CROSS JOIN pg_sleep(0.5)",
}


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except Exception as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    return worker, outcome


def _stop_until_done(db: Database, worker: threading.Thread) -> None:
    """As the window does once its event loop ends (``opening.end_background_work``)."""
    for _ in range(1200):  # at most a minute; the test fails if the read goes on
        db.stop_reads()
        worker.join(0.05)
        if not worker.is_alive():
            return


def test_a_running_read_is_stopped_and_no_new_one_starts(engine: Engine) -> None:
    db = Database(engine)
    running = threading.Event()

    def endless(s: Any) -> object:
        running.set()
        return s.execute(text(_ENDLESS[engine.dialect.name])).scalar()

    worker, outcome = _in_thread(lambda: db.read(endless))
    assert running.wait(30)
    _stop_until_done(db, worker)
    assert not worker.is_alive()
    error = outcome["error"]
    assert isinstance(error, StorageError) and error.kind == "closing"
    assert "cerrando" in str(error)
    with pytest.raises(StorageError, match="se está cerrando"):
        db.read(lambda s: s.execute(text("SELECT 1")).scalar())
    assert db.write(lambda s: s.execute(text("SELECT 1")).scalar()) == 1  # writes go on


def test_a_write_running_while_reads_are_stopped_commits(engine: Engine) -> None:
    db = Database(engine)
    running = threading.Event()

    def long_write(s: Any) -> object:
        running.set()
        counted = s.execute(text(_LONG[engine.dialect.name])).scalar()
        s.add(Advisor(name="Tardía", created_at=datetime(2026, 12, 1, 18, tzinfo=UTC)))
        return counted

    worker, outcome = _in_thread(lambda: db.write(long_write))
    assert running.wait(30)
    _stop_until_done(db, worker)
    assert outcome == {"result": 2_000_000}
    with engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM advisors")).scalars().all()
    assert "Tardía" in names
