"""The unit of work: one database session and transaction per use case.

``Database.write(fn)`` runs ``fn(session)`` in a transaction that holds the write lock from its
first statement (``BEGIN IMMEDIATE`` on SQLite; row locks on PostgreSQL), commits it, and retries
the whole function when the database reports a lock or serialization conflict. Any other
database fault leaves here as one Spanish ``faults.StorageError`` (read-only, disk full,
damaged file, connection lost, value too large…): the window and the commands show it as they
show any refusal, and nothing was changed.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from app.kernel.errors import ConflictError, StorageError
from app.models.engine import WRITE
from app.services.faults import translate, unusable
from app.services.sql import Execute, sqlite_params

T = TypeVar("T")

#: What a read asked for while the app closes gets (nobody sees it: the window is gone).
CLOSING = "AppleUse se está cerrando; no se leyó nada."

#: PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


def is_retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text
    return False


class Database:
    """Sessions on one engine; ``write`` and ``read`` are the two ways in."""

    def __init__(self, engine: Engine, *, attempts: int = 10) -> None:
        self.engine = engine
        self.attempts = attempts
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._reads: set[Any] = set()  # the driver connections of the reads running now
        self._reads_lock = threading.Lock()
        self._closing = False

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one write transaction and commit; retry on lock conflicts."""
        for attempt in range(1, self.attempts + 1):
            try:
                with self._sessions() as session:
                    session.connection(execution_options={WRITE: True})
                    result = fn(session)
                    session.commit()
                    return result
            except DBAPIError as exc:
                if not is_retryable(exc):
                    raise translate(exc) from exc
                if attempt == self.attempts:
                    raise ConflictError(
                        "La base de datos está ocupada por otro usuario; intente de nuevo."
                    ) from exc
                time.sleep(random.uniform(0.005, 0.02) * attempt)
            except (StatementError, OverflowError) as exc:
                raise unusable(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a read-only transaction (rolled back at the end)."""
        if self._closing:
            raise StorageError("closing", CLOSING)
        try:
            with self._sessions() as session:
                driver = session.connection().connection.driver_connection
                with self._reads_lock:
                    self._reads.add(driver)
                try:
                    return fn(session)
                finally:
                    with self._reads_lock:  # from here on no stop_reads reaches it
                        self._reads.discard(driver)
                    session.rollback()
        except DBAPIError as exc:
            if self._closing:  # its statement was interrupted: see stop_reads
                raise StorageError("closing", CLOSING) from exc
            raise translate(exc) from exc
        except (StatementError, OverflowError) as exc:
            raise unusable(exc) from exc

    def stop_reads(self) -> None:
        """The app is closing: no read starts any more, and the statement each running read
        is at is interrupted (SQLite) or cancelled (PostgreSQL), so the read ends now with an
        error nobody waits for — the first report of a large database would otherwise hold
        the quit for minutes. A read between two statements goes on to its next one: call
        this again until the work is over. Writes are never touched: an advisor's last
        change runs to its commit."""
        self._closing = True
        with self._reads_lock:
            for driver in self._reads:
                if isinstance(driver, sqlite3.Connection):
                    driver.interrupt()
                else:  # psycopg: a cancel request, sent on a connection of its own
                    cancel = getattr(driver, "cancel", None)
                    with suppress(Exception):  # the driver's own error, whatever its class
                        if cancel is not None:
                            cancel()


def session_execute(s: Session) -> Execute:
    """The read models' SQL seam (:mod:`app.services.sql`) over this unit of work's connection;
    pending ORM changes are flushed first, so the plain SQL sees them. A statement without rows
    (an insert) gives none."""
    on_sqlite = s.get_bind().dialect.name == "sqlite"

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        s.flush()
        bound = sqlite_params(params) if on_sqlite else dict(params)
        result = s.connection().execute(text(sql), bound)
        return [tuple(r) for r in result] if result.returns_rows else []

    return execute
