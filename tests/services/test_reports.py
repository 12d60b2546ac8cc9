"""The period report (issue 14) on scripted data, SQLite and PostgreSQL: every total agrees
with the corte del día summed over the same days and with the corte built over the period
(the report's totals are SQL sums; the corte's are added up row by row); groupings, presets,
comparison, errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from app.billing.money import ZERO
from app.documents.data import DaySummary
from app.documents.report_data import PeriodTotals
from app.kernel.enums import Band, Modality
from app.kernel.errors import DomainError, NotFoundError
from app.services.reports import Preset, check_period, preset_period, previous_period
from tests.services.conftest import Shop
from tests.services.report_script import PREVIOUS, WEEK, play


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def assert_totals_match(t: PeriodTotals, corte: DaySummary) -> None:
    """The report's totals (SQL sums) are the figures of the corte built row by row."""
    assert t.sessions == len(corte.sessions)
    assert t.worked_minutes == corte.worked_minutes
    assert t.billable_hours == corte.billable_hours
    assert t.sessions_amount == corte.sessions_amount
    assert t.by_modality == corte.by_modality
    assert t.by_band == corte.by_band
    assert t.receipts_issued == len(corte.receipts_issued)
    assert t.receipts_cancelled == len(corte.receipts_cancelled)
    assert (t.subtotal, t.iva, t.total) == (corte.subtotal, corte.iva, corte.total)
    assert t.cancelled_total == sum((r.total for r in corte.receipts_cancelled), ZERO)
    assert (t.payments_received, t.outstanding, t.balance_due) == (
        corte.payments_received, corte.outstanding, corte.balance_due,
    )  # fmt: skip
    assert t.pending_expiring == corte.pending_expiring
    assert t.pending_opened == len(corte.pending_opened)
    assert t.escalations == len(corte.escalations)
    assert (t.consents_accepted, t.consents_declined) == (
        corte.consents_accepted, corte.consents_declined,
    )  # fmt: skip
    assert t.disconnections == len(corte.disconnections)


def assert_totals(t: PeriodTotals, corte: DaySummary, parts: Sequence[DaySummary]) -> None:
    """The report's totals are the corte's over the period, and so the sum of its days'."""
    assert_totals_match(t, corte)
    assert t.balance_due == parts[-1].balance_due
    assert_agrees(corte, parts)


def assert_agrees(total: DaySummary, parts: Sequence[DaySummary]) -> None:
    """Every figure of ``total`` is the sum (or union) of the day summaries' figures."""

    def add(values: Sequence[Decimal]) -> Decimal:
        return sum(values, ZERO)

    assert len(total.sessions) == sum(len(d.sessions) for d in parts)
    assert sorted(total.sessions, key=lambda s: (s.start, s.client)) == sorted(
        (s for d in parts for s in d.sessions), key=lambda s: (s.start, s.client)
    )
    assert total.worked_minutes == sum(d.worked_minutes for d in parts)
    assert total.billable_hours == sum(d.billable_hours for d in parts)
    assert total.sessions_amount == add([d.sessions_amount for d in parts])
    for m in Modality:
        mine = [x for x in total.by_modality if x.modality is m]
        theirs = [x for d in parts for x in d.by_modality if x.modality is m]
        assert sum(x.sessions for x in mine) == sum(x.sessions for x in theirs)
        assert sum(x.billable_hours for x in mine) == sum(x.billable_hours for x in theirs)
        assert sum(x.worked_minutes for x in mine) == sum(x.worked_minutes for x in theirs)
        assert add([x.amount for x in mine]) == add([x.amount for x in theirs])
    for band in (Band.BUSINESS, Band.OUTSIDE, None):
        mine = [b for b in total.by_band if b.band is band]
        theirs = [b for d in parts for b in d.by_band if b.band is band]
        assert sum(b.hours for b in mine) == sum(b.hours for b in theirs)
        assert add([b.amount for b in mine]) == add([b.amount for b in theirs])
    assert total.subtotal == add([d.subtotal for d in parts])
    assert total.iva == add([d.iva for d in parts])
    assert total.total == add([d.total for d in parts])
    assert sorted(r.folio for r in total.receipts_issued) == sorted(
        r.folio for d in parts for r in d.receipts_issued
    )
    # a receipt cancelled days after it was issued shows in both days' cortes
    assert {r.folio for r in total.receipts_cancelled} == {
        r.folio for d in parts for r in d.receipts_cancelled
    }
    assert total.payments_received == add([d.payments_received for d in parts])
    assert total.outstanding == add([d.outstanding for d in parts])
    assert total.balance_due == parts[-1].balance_due
    assert total.pending_expiring == parts[-1].pending_expiring
    assert total.pending_opened == tuple(p for d in parts for p in d.pending_opened)
    assert total.escalations == tuple(e for d in parts for e in d.escalations)
    assert total.consents == tuple(c for d in parts for c in d.consents)
    assert total.disconnections == tuple(c for d in parts for c in d.disconnections)


def test_report_agrees_with_the_day_summaries(shop: Shop) -> None:
    script = play(shop)
    sv = shop.services
    report = sv.reports.period(*WEEK)
    parts = [sv.documents.day_summary(d) for d in days(*WEEK)]
    corte = sv.reports.period_corte(*WEEK)
    assert_totals(report.totals, corte, parts)
    # and the buckets (one per day) are each day's corte
    assert [b.first for b in report.buckets] == days(*WEEK)
    for bucket, day in zip(report.buckets, parts, strict=True):
        assert bucket.amount == day.sessions_amount
        assert bucket.sessions == len(day.sessions)
        hours = {b.band: b.hours for b in day.by_band}
        assert (bucket.business_hours, bucket.outside_hours) == (
            hours[Band.BUSINESS],
            hours[Band.OUTSIDE],
        )
        for m in Modality:
            assert bucket.amount_of(m) == sum(
                (x.amount for x in day.by_modality if x.modality is m), ZERO
            )
    assert script.cancelled_folio in {r.folio for r in corte.receipts_cancelled}


def test_one_advisor_agrees_too(shop: Shop) -> None:
    play(shop)
    sv = shop.services
    for advisor in (shop.ana, shop.beto):
        report = sv.reports.period(*WEEK, advisor)
        parts = [sv.documents.day_summary(d, advisor) for d in days(*WEEK)]
        assert_totals(report.totals, sv.reports.period_corte(*WEEK, advisor), parts)
        assert [g.name for g in report.by_advisor] == [report.advisor]


def test_a_corrected_timeline_counts_as_the_corte_reads_it(shop: Shop) -> None:
    script = play(shop)
    sv = shop.services
    before = sv.reports.period(*WEEK).totals
    day = datetime(2026, 11, 25, 22, 5, tzinfo=UTC)  # Wed 25, 16:05 local
    sv.corrections.add_disconnection(
        script.escalated_call, day, day + timedelta(minutes=3), reason="Se cayó la llamada",
        author_id=shop.ana,
    )  # fmt: skip
    report = sv.reports.period(*WEEK)
    assert report.totals.disconnections == before.disconnections + 1 == 2
    parts = [sv.documents.day_summary(d) for d in days(*WEEK)]
    assert_totals(report.totals, sv.reports.period_corte(*WEEK), parts)


def test_scripted_figures(shop: Shop) -> None:
    play(shop)
    report = shop.services.reports.period(*WEEK)
    t = report.totals
    corte = shop.services.reports.period_corte(*WEEK)
    amounts = [s.amount for s in corte.sessions]
    # desk: 1 h covered + 1 h × 200 − 10 %; office 300 (re-issued); declined: third remote case
    # of the month, 200 − 10 %; pending office 300; free follow-up; escalated call, no receipt
    # (its bill); onsite in Veracruz: to quote; Saturday 2 h × 300; running on Sunday 300 − 10 %
    assert amounts == [
        Decimal("180.00"), Decimal("300.00"), Decimal("180.00"), Decimal("300.00"),
        Decimal("0.00"), Decimal("200.00"), None, Decimal("600.00"), Decimal("270.00"),
    ]  # fmt: skip
    assert corte.sessions[-1].outcome == "En curso"
    assert t.sessions == 9
    assert t.sessions_amount == Decimal("2030.00")
    assert [r.folio for r in corte.receipts_cancelled] == ["A-000003"]
    assert report.cancelled_total == Decimal("348.00") and t.receipts_cancelled == 1
    assert [r.folio for r in corte.receipts_issued] == [f"A-{n:06d}" for n in range(4, 10)]
    assert t.receipts_issued == 6
    assert (t.subtotal, t.iva, t.total) == (
        Decimal("1560.00"), Decimal("249.60"), Decimal("1809.60"),
    )  # fmt: skip
    assert t.payments_received == Decimal("308.80")  # 208.80 + 100.00
    assert t.outstanding == Decimal("1500.80")  # 1809.60 − 308.80
    assert {b.band: (b.hours, b.amount) for b in t.by_band} == {
        Band.BUSINESS: (7, Decimal("1200.00")),
        Band.OUTSIDE: (3, Decimal("900.00")),
        None: (1, Decimal("0.00")),  # the session still to quote, as the corte counts it
    }
    assert t.consents_accepted == 1 and t.consents_declined == 1
    assert report.consent_declined_rate == Decimal("0.5")
    assert t.disconnections == 1 and t.escalations == 1
    assert t.pending_opened == 1
    assert report.case_count == 8  # the follow-up shares its case
    assert {c.label: c.count for c in report.cases} == {
        "Resuelto": 5, "Pendiente": 0, "Vencido": 0, "Escalado": 1, "Cerrado": 1,
        "Abierto": 1, "Reparaciones aceptadas": 0,
    }  # fmt: skip
    assert report.average_case_minutes == t.worked_minutes // 8 == 496 // 8
    assert [(g.name, g.sessions, g.amount) for g in report.by_advisor] == [
        ("Alberto Hernández", 5, Decimal("1200.00")),
        ("Ana Martínez", 4, Decimal("830.00")),
    ]
    assert [(g.name, g.cases, g.amount) for g in report.top_clients] == [
        ("Ramón Sánchez", 5, Decimal("1400.00")),
        ("Lucía Pérez Domínguez", 3, Decimal("630.00")),
    ]
    assert [(g.name, g.amount) for g in report.by_modality] == [
        ("A distancia", Decimal("1430.00")),
        ("Presencial en AppleUse", Decimal("600.00")),
        ("En domicilio del cliente", ZERO),
    ]
    saturday = next(b for b in report.buckets if b.first == date(2026, 11, 28))
    assert (saturday.business_hours, saturday.outside_hours) == (0, 2)


def test_comparison_with_previous_period(shop: Shop) -> None:
    play(shop)
    sv = shop.services
    report = sv.reports.period(*WEEK)
    before = sv.reports.period(*PREVIOUS, compare=False)
    assert (report.previous_first, report.previous_last) == PREVIOUS
    figures = {c.label: c for c in report.comparison}
    assert figures["Sesiones"].previous == before.totals.sessions == 2
    assert figures["Total emitido"].previous == Decimal("556.80")
    assert figures["Total emitido"].previous == before.totals.total
    assert figures["Total emitido"].current == report.totals.total
    assert figures["Pagos recibidos"].previous == before.totals.payments_received
    change = figures["Sesiones"].change
    assert change == Decimal(9 - 2) / 2


def test_policy_use(shop: Shop) -> None:
    play(shop)
    report = shop.services.reports.period(date(2026, 11, 1), date(2026, 11, 30))
    (use,) = report.policies
    assert use.client == "Lucía Pérez Domínguez"
    # 2 remote × 200 + 1 in person × 300, less 10 %: 630.00 for November
    assert use.fee == Decimal("630.00")
    assert use.expected_events == 3
    assert use.used_events == 4  # four remote cases in November: one more than expected
    assert use.covered_hours == 2  # Tue 17 and Mon 23: the month's first two remote cases
    assert use.covered_value == Decimal("400.00")


def test_presets_and_previous_period() -> None:
    today = date(2026, 11, 25)  # a Wednesday
    assert preset_period(Preset.WEEK, today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert preset_period(Preset.MONTH, today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert preset_period(Preset.QUARTER, today) == (date(2026, 10, 1), date(2026, 12, 31))
    assert preset_period(Preset.YEAR, today) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_period(Preset.LAST_12_MONTHS, today) == (date(2025, 11, 26), today)
    assert preset_period(Preset.MONTH, date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert previous_period(date(2026, 11, 1), date(2026, 11, 30)) == (
        date(2026, 10, 2),
        date(2026, 10, 31),
    )


def test_bad_periods_are_refused(shop: Shop) -> None:
    with pytest.raises(DomainError, match="al revés"):
        check_period(date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(DomainError, match="2100"):
        check_period(date(2026, 11, 1), date(2101, 1, 1))
    with pytest.raises(NotFoundError):
        shop.services.reports.period(*WEEK, 999)


def test_buckets_by_week_and_month(shop: Shop) -> None:
    play(shop)
    sv = shop.services
    quarter = sv.reports.period(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.granularity == "semana"
    assert quarter.buckets[0].first == date(2026, 10, 1)  # a Thursday: the week is cut
    assert quarter.buckets[1].first == date(2026, 10, 5)
    assert sum((b.amount for b in quarter.buckets), ZERO) == quarter.totals.sessions_amount
    year = sv.reports.period(date(2026, 1, 1), date(2026, 12, 31), compare=False)
    assert year.granularity == "mes"
    assert [b.label for b in year.buckets][10:] == ["nov 2026", "dic 2026"]
    assert year.buckets[10].amount == quarter.totals.sessions_amount
