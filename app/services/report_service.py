"""The period report and its presets, and a client's history (issue 14), for the window and the
command line: one read transaction each, the clock injected (``today``: the local date)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.documents.data import DaySummary
from app.documents.report_data import PeriodReport
from app.kernel.clock import Clock
from app.kernel.errors import StorageError
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.models import Advisor
from app.services.client_history import ClientHistory, build_client_history
from app.services.faults import is_database_error, translate
from app.services.loading import get_or_fail
from app.services.period_cache import CacheRow, store
from app.services.reports import (
    Preset,
    build_period_corte,
    build_period_report,
    check_period,
    preset_period,
)
from app.services.sql import Execute, Row, pyformat_execute, sqlite_execute
from app.services.uow import Database, session_execute

T = TypeVar("T")


class ReportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return to_local(self.clock(), LOCAL_ZONE).date()

    def preset(self, preset: Preset) -> tuple[date, date]:
        """The dates of a named period (this week, month, quarter, year, last 12 months)."""
        return preset_period(Preset(preset), self.today())

    def period(
        self, first: date, last: date, advisor_id: int | None = None, *, compare: bool = True
    ) -> PeriodReport:
        """The report for local dates ``first``–``last``, one advisor or all (``None``)."""
        check_period(first, last)
        fresh: list[CacheRow] = []

        def work(s: Session) -> PeriodReport:
            if advisor_id is not None:
                get_or_fail(s, Advisor, advisor_id)
            return build_period_report(
                session_execute(s), first, last, advisor_id, self.clock(), compare=compare,
                fresh=fresh,
            )  # fmt: skip

        report = self.db.read(work)
        if fresh:
            self._keep(fresh)
        return report

    def _keep(self, rows: list[CacheRow]) -> None:
        """Store the sums of closed days and months the report made anew, for the next one. A
        database that cannot take them (read-only, full, busy) keeps none: the report was
        made, and the next one makes them again."""

        with contextlib.suppress(StorageError):
            self.db.write(lambda s: store(session_execute(s), rows))

    def period_corte(self, first: date, last: date, advisor_id: int | None = None) -> DaySummary:
        """The corte del día over the period (one row per session, receipt…), for the CSV."""
        check_period(first, last)

        def work(s: Session) -> DaySummary:
            if advisor_id is not None:
                get_or_fail(s, Advisor, advisor_id)
            return build_period_corte(session_execute(s), first, last, advisor_id, self.clock())

        return self.db.read(work)

    def client_history(self, client_id: int) -> ClientHistory:
        """Everything about a client, newest first, with the statement's balance (read in
        the same transaction, from the same receipt and payment rows)."""
        now = self.clock()
        return self.db.read(lambda s: build_client_history(_rows_of(s), client_id, now))


_INDEX_WALKS = "SET LOCAL random_page_cost = 1.1"


def _rows_of(s: Session) -> Execute:
    """The read seam for the client's history: the session's own driver connection, inside the
    transaction SQLAlchemy began — on SQLite (its thousands of rows then skip SQLAlchemy's
    per-row work: a fifth of the history's time) and on PostgreSQL through psycopg (a third:
    SQLAlchemy's rows and ``text()``'s parameter objects); else :func:`session_execute`."""
    driver = s.connection().connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        rows = sqlite_execute(driver)
    elif driver is not None and s.get_bind().dialect.name == "postgresql":
        rows = pyformat_execute(driver)
        # for this read only: a client's few rows, scattered, are found faster by walking the
        # indexes than by scanning every session and payment of the shop, which the default
        # cost of a random page (4, for disks) prefers — 70 ms of the server's 150 at 100,000
        _translated(lambda: driver.execute(_INDEX_WALKS))
    else:
        return session_execute(s)
    s.flush()

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Row]:
        return _translated(lambda: rows(sql, params))

    return execute


def _translated(work: Callable[[], T]) -> T:
    """``work`` on the driver's own connection; its database fault as the unit of work says
    it (the Spanish ``StorageError``)."""
    try:
        return work()
    except Exception as exc:
        if is_database_error(exc):
            raise translate(exc) from exc
        raise
