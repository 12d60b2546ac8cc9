"""The period report's stored days and months (issue 14, ``services/period_cache.py``), SQLite
and PostgreSQL: a report made from stored units is the report made from the rows; units are
stored only for closed days and months without a running session; and any write a report reads
makes the units of its days anew (the counters of revision 0011), so nothing stale is shown."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.documents.report_data import PeriodReport
from app.kernel.enums import Modality, Outcome
from app.services import period_cache
from app.services.correction_data import ManualSession
from app.services.reports import build_period_report
from app.services.sql import open_sqlite_readonly, sqlite_execute
from bench.summary_cli import build
from tests.services.conftest import Shop
from tests.services.report_script import MX, WEEK, local, play

_BUILDS = count()


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[date, date]]]:
    """The units each report makes from the rows (first, last), in order."""
    made: list[tuple[date, date]] = []
    real = period_cache.compute_unit

    def spy(execute: Any, first: date, last: date, *args: Any) -> Any:
        made.append((first, last))
        return real(execute, first, last, *args)

    monkeypatch.setattr(period_cache, "compute_unit", spy)
    yield made


def from_rows(shop: Shop, monkeypatch: pytest.MonkeyPatch, *args: Any) -> PeriodReport:
    """The report as another build makes it: every unit from the rows, none stored used."""
    build = f"other build {next(_BUILDS)}"
    with monkeypatch.context() as m:
        m.setattr(period_cache, "build_key", lambda: build)
        return shop.services.reports.period(*args)


def stored(shop: Shop) -> list[tuple[str, date, int]]:
    def read(s: Any) -> list[tuple[str, date, int]]:
        rows = s.execute(text("SELECT scope, first, advisor_id FROM report_cache"))
        return sorted((str(a), date.fromisoformat(str(b)[:10]), int(c)) for a, b, c in rows)

    return shop.services.db.read(read)


def test_the_second_report_reads_stored_days(shop: Shop, computed: list[tuple[date, date]]) -> None:
    play(shop)  # the clock stops on Sunday 29 at 10:40, a session still running
    sv = shop.services
    first = sv.reports.period(*WEEK)
    # the week and the one before it (the comparison), a unit a day; Sunday 29 is today
    assert computed[:7] == [(d, d) for d in (date(2026, 11, 23) + timedelta(n) for n in range(7))]
    days = [date(2026, 11, 16) + timedelta(n) for n in range(13)]
    assert stored(shop) == [("day", d, 0) for d in days]
    computed.clear()
    again = sv.reports.period(*WEEK)
    assert computed == [(date(2026, 11, 29), date(2026, 11, 29))]  # only today, from the rows
    assert again == first
    # one advisor's report keeps its own units
    computed.clear()
    assert sv.reports.period(*WEEK, shop.ana).advisor == "Ana Martínez"
    assert len(computed) == 14
    assert sum(1 for _, _, a in stored(shop) if a == shop.ana) == 13


def test_a_month_that_ended_is_one_unit(shop: Shop, computed: list[tuple[date, date]]) -> None:
    play(shop)  # Sunday 29 November: a session left running
    shop.clock.set(datetime(2027, 1, 10, 12, tzinfo=MX))
    sv = shop.services
    period = (date(2026, 6, 15), date(2027, 1, 9))  # buckets by month
    report = sv.reports.period(*period, compare=False)
    assert report.granularity == "mes"
    assert computed[:16] == [(date(2026, 6, d), date(2026, 6, d)) for d in range(15, 31)]
    assert (date(2026, 7, 1), date(2026, 7, 31)) in computed
    assert (date(2026, 12, 1), date(2026, 12, 31)) in computed
    assert computed[-1] == (date(2027, 1, 9), date(2027, 1, 9))
    keys = stored(shop)
    assert ("month", date(2026, 12, 1), 0) in keys
    assert ("month", date(2026, 11, 1), 0) not in keys  # the session still running
    computed.clear()
    assert sv.reports.period(*period, compare=False) == report
    assert computed == [(date(2026, 11, 1), date(2026, 11, 30))]


def test_a_session_still_running_keeps_its_day_out(
    shop: Shop, computed: list[tuple[date, date]]
) -> None:
    play(shop)
    shop.clock.set(local(30, 9))  # Monday 30: Sunday's session is still running
    sv = shop.services
    sv.reports.period(*WEEK, compare=False)
    assert ("day", date(2026, 11, 29), 0) not in stored(shop)
    computed.clear()
    sv.reports.period(*WEEK, compare=False)
    assert computed == [(date(2026, 11, 29), date(2026, 11, 29))]


Write = Callable[[Shop], Any]


def _correction(shop: Shop) -> None:
    # a disconnection added to Wednesday's escalated call (no receipt: its bill is priced)
    call = shop.services.sessions.sessions_of_case(  # the call's case has that one session
        shop.services.sessions.session(_escalated(shop)).case.id
    )[0].id
    shop.services.corrections.add_disconnection(
        call, local(25, 16, 5), local(25, 16, 8), reason="Se cayó la llamada", author_id=shop.ana
    )


def _escalated(shop: Shop) -> int:
    def read(s: Any) -> int:
        return int(
            s.execute(text("SELECT id FROM sessions WHERE outcome = 'escalated'")).scalar_one()
        )

    return shop.services.db.read(read)


def _cancel(shop: Shop) -> None:
    # a receipt issued on Saturday, cancelled today (Sunday)
    sv = shop.services

    def last_receipt(s: Any) -> int:
        return int(s.execute(text("SELECT MAX(id) FROM receipts")).scalar_one())

    sv.receipts.cancel(sv.db.read(last_receipt), "Datos del cliente equivocados")


def _payment(shop: Shop) -> None:
    # the rest of Tuesday's half-paid receipt, today: Tuesday's outstanding changes
    sv = shop.services

    def owed(s: Any) -> tuple[int, Decimal]:
        row = s.execute(
            text(
                "SELECT r.id, r.total - COALESCE((SELECT SUM(p.amount) FROM payments p"
                " WHERE p.receipt_id = r.id), 0) FROM receipts r WHERE r.status = 'issued'"
                " ORDER BY 2 DESC, r.id LIMIT 1"
            )
        ).one()
        return int(row[0]), Decimal(str(row[1])).quantize(Decimal("0.01"))

    receipt, amount = sv.db.read(owed)
    sv.receipts.record_payment(receipt, amount)


def _late_session(shop: Shop) -> None:
    # a past session entered by hand today for Friday
    shop.services.corrections.add_manual_session(
        ManualSession(
            shop.beto, shop.ramon, Modality.OFFICE, local(27, 9), local(27, 10),
            reason="Se registró tarde",
        )
    )  # fmt: skip


def _tariff(shop: Shop) -> None:
    # a tariff from November 1 with a two-hour minimum: the calls without receipt cost more
    old = shop.services.settings.tariff()
    shop.services.settings.save_tariff(
        dataclasses.replace(old, minimum_hours=2), datetime(2026, 11, 1, tzinfo=MX)
    )


@pytest.mark.parametrize(
    "write",
    [_correction, _cancel, _payment, _late_session, _tariff],
    ids=lambda w: w.__name__.strip("_"),
)
def test_a_write_makes_its_days_anew(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, write: Write
) -> None:
    play(shop)
    sv = shop.services
    before = sv.reports.period(*WEEK)
    write(shop)
    after = sv.reports.period(*WEEK)
    assert after == from_rows(shop, monkeypatch, *WEEK)
    assert after != before  # the write changed the report (else the test proves nothing)


def test_a_damaged_stored_unit_is_made_anew(shop: Shop, computed: list[tuple[date, date]]) -> None:
    play(shop)
    sv = shop.services
    first = sv.reports.period(*WEEK)
    sv.db.write(lambda s: s.execute(text("UPDATE report_cache SET payload = :p"), {"p": b"\x00"}))
    computed.clear()
    assert sv.reports.period(*WEEK) == first
    assert len(computed) == 14


# -- on the benchmarks' random two years (SQLite) ------------------------------------------------

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # the evening of the builder's last day


@pytest.fixture(scope="module")
def random_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("cache") / "random.sqlite3"
    build(path, 900, seed=11)
    return path


@pytest.mark.parametrize(
    ("first", "last", "advisor"),
    [
        (date(2025, 11, 25), date(2026, 11, 24), None),  # a year by month, and the one before
        (date(2026, 7, 1), date(2026, 9, 30), None),  # a quarter by week
        (date(2026, 10, 3), date(2026, 11, 2), None),  # a month by day
        (date(2025, 11, 25), date(2026, 11, 24), 1),  # one advisor's year
    ],
)
def test_stored_units_make_the_same_report(
    random_db: Path, first: date, last: date, advisor: int | None
) -> None:
    def report(fresh: list[period_cache.CacheRow] | None) -> PeriodReport:
        conn = open_sqlite_readonly(random_db)
        try:
            return build_period_report(sqlite_execute(conn), first, last, advisor, NOW, fresh=fresh)
        finally:
            conn.close()

    fresh: list[period_cache.CacheRow] = []
    cold = report(fresh)
    assert fresh  # closed days and months to keep
    with sqlite3.connect(random_db) as conn:
        period_cache.store(sqlite_execute(conn), fresh)
    again: list[period_cache.CacheRow] = []
    assert report(again) == cold
    assert again == []  # every closed unit was read back
    with sqlite3.connect(random_db) as conn:
        conn.execute("DELETE FROM report_cache")


def test_a_case_is_counted_once_when_a_later_day_joins_it(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = play(shop)
    sv, clock = shop.services, shop.clock
    sv.sessions.end(script.running_session, Outcome.RESOLVED)
    clock.set(local(29, 11))
    pending = sv.sessions.start(shop.beto, shop.ramon, Modality.OFFICE).id
    clock.set(local(29, 11, 30))
    case = sv.sessions.end(pending, Outcome.FOLLOW_UP).case.id
    clock.set(local(30, 9))
    period = (date(2026, 11, 23), date(2026, 11, 30))
    before = sv.reports.period(*period)  # Sunday 29 kept: its pending case ends there so far
    clock.set(local(30, 10))
    follow = sv.sessions.follow_up(case).id  # Monday 30: the same case, today
    clock.set(local(30, 10, 20))
    sv.sessions.end(follow, Outcome.RESOLVED)
    after = sv.reports.period(*period)
    assert after.case_count == before.case_count  # the same case, counted once
    assert after == from_rows(shop, monkeypatch, *period)
