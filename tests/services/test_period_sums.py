"""The period report's SQL sums against the corte built row by row over the same days, on a
random two-year database (the benchmarks' builder: every modality and outcome, consents,
disconnections, receipts priced by the billing engine, cancellations and re-issues, payments,
sessions never billed): totals, buckets, and the groupings by advisor, modality and client."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.billing.money import ZERO
from app.documents.data import DaySummary
from app.documents.report_data import PeriodReport
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.services.day_summary import build_range_summary
from app.services.reports import build_period_report
from app.services.sql import Execute, open_sqlite_readonly, sqlite_execute
from bench.summary_cli import build
from tests.services.test_reports import assert_totals_match

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # the evening of the builder's last day


@pytest.fixture(scope="module")
def execute(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Execute]:
    path: Path = tmp_path_factory.mktemp("sums") / "random.sqlite3"
    build(path, 900, seed=14)
    conn = open_sqlite_readonly(path)
    try:
        yield sqlite_execute(conn)
    finally:
        conn.close()


def check(report: PeriodReport, corte: DaySummary) -> None:
    t = report.totals
    assert t.sessions > 0
    assert_totals_match(t, corte)
    # the buckets hold every session once, by its local start date
    by_day: dict[date, list[Decimal]] = defaultdict(list)
    for s in corte.sessions:
        by_day[to_local(s.start, LOCAL_ZONE).date()].append(s.amount or ZERO)
    for b in report.buckets:
        inside = [a for d, amounts in by_day.items() if b.first <= d <= b.last for a in amounts]
        assert (b.sessions, b.amount) == (len(inside), sum(inside, ZERO))
    assert sum(b.sessions for b in report.buckets) == t.sessions
    # the groupings: sessions and amounts of each advisor and client, as the corte's rows say
    for groups, key in ((report.by_advisor, "advisor"), (report.top_clients, "client")):
        expected: dict[str, tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO))
        for s in corte.sessions:
            n, amount = expected[getattr(s, key)]
            expected[getattr(s, key)] = (n + 1, amount + (s.amount or ZERO))
        for g in groups:
            assert (g.sessions, g.amount) == expected[g.name]
    assert sum(g.sessions for g in report.by_advisor) == t.sessions
    assert sum(g.billable_hours for g in report.by_modality) == sum(
        b.hours for b in t.by_band if b.band is not None
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2025, 11, 25), date(2026, 11, 24)),  # a year: months
        (date(2026, 6, 1), date(2026, 8, 31)),  # a quarter: weeks
        (date(2026, 11, 1), date(2026, 11, 24)),  # days
    ],
)
def test_sums_are_the_cortes_figures(execute: Execute, first: date, last: date) -> None:
    report = build_period_report(execute, first, last, None, NOW, compare=False)
    check(report, build_range_summary(execute, first, last, None, NOW).summary)


def test_one_advisors_sums(execute: Execute) -> None:
    first, last = date(2025, 11, 25), date(2026, 11, 24)
    busiest = "SELECT advisor_id FROM sessions GROUP BY advisor_id ORDER BY COUNT(*) DESC"
    advisor = int(execute(busiest, {})[0][0])
    report = build_period_report(execute, first, last, advisor, NOW)
    check(report, build_range_summary(execute, first, last, advisor, NOW).summary)
    previous = date(2024, 11, 25), date(2025, 11, 24)
    before = build_range_summary(execute, *previous, advisor, NOW).summary
    figures = {c.label: c for c in report.comparison}
    assert figures["Sesiones"].previous == len(before.sessions)
    assert figures["Importe de sesiones"].previous == before.sessions_amount
    assert figures["Total emitido"].previous == before.total


def test_balance_due_at_each_close(execute: Execute) -> None:
    """What is still owed when a day closes, against the receipts and payments read one by one:
    in force then (issued by then, not cancelled by then), less what was paid on them by then."""
    from app.services.day_summary import local_day_bounds, money_flows
    from app.services.sql import instant, maybe_instant, money

    receipts = {
        int(i): (instant(at), maybe_instant(off), money(total), int(adv))
        for i, at, off, total, adv in execute(
            "SELECT id, issued_at, cancelled_at, total, advisor_id FROM receipts", {}
        )
    }
    payments = [
        (int(r), instant(at), money(amount))
        for r, at, amount in execute("SELECT receipt_id, received_at, amount FROM payments", {})
    ]
    cancelled_later = sum(1 for _, off, _, _ in receipts.values() if off is not None)
    assert cancelled_later and payments
    for day in (date(2025, 3, 3), date(2026, 1, 15), date(2026, 11, 24)):
        start, end = local_day_bounds(day)
        for advisor in (None, 3):
            live = {
                r for r, (at, off, _, adv) in receipts.items()
                if at < end and (off is None or off >= end) and advisor in (None, adv)
            }  # fmt: skip
            owed = sum((receipts[r][2] for r in live), ZERO) - sum(
                (amount for r, at, amount in payments if at < end and r in live), ZERO
            )
            assert money_flows(execute, start, end, advisor)[1] == max(ZERO, owed)
