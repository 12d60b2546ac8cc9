"""Document values: totals by band from real bills, and the Spanish date helpers they use."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.billing import Bill, PolicyTerms, SessionCharge, Tariff, price_session
from app.kernel.enums import Band, Modality
from app.kernel.fmt import format_date, format_long_day, format_minutes
from tests.documents.samples import band_totals, hours_by_band, local

TARIFF = Tariff()


def bill(modality: Modality, start: tuple[int, int], end: tuple[int, int], **kw: Any) -> Bill:
    """Price a session on Tuesday 2026-11-24 (local times)."""
    begin, finish = local(2026, 11, 24, *start), local(2026, 11, 24, *end)
    return price_session(SessionCharge(modality, begin, finish, **kw), TARIFF)


def test_band_totals_follow_the_slots_and_lines() -> None:
    bills = [
        bill(Modality.REMOTE, (13, 50), (15, 30)),  # 2 h outside × 300
        bill(Modality.REMOTE, (10, 0), (11, 31)),  # 2 h business × 200
        bill(Modality.ONSITE, (10, 0), (11, 0), city="Veracruz"),  # requires a quote: 1 h, $0
        bill(Modality.OFFICE, (10, 0), (10, 40), quoted_amount=Decimal("250.00")),
        bill(Modality.REMOTE, (10, 0), (11, 0), policy=PolicyTerms(covered_hours=1)),  # $0.00
    ]
    totals = {t.band: t for t in band_totals(bills)}
    assert totals[Band.OUTSIDE].hours == 2 and totals[Band.OUTSIDE].amount == Decimal("600.00")
    assert totals[Band.BUSINESS].hours == 2 + 1  # the remote session and the covered hour
    assert totals[Band.BUSINESS].amount == Decimal("400.00")
    # the quoted hour and the one still to quote: with the quoted money, not under a band
    assert totals[None].hours == 2
    assert totals[None].amount == Decimal("250.00") and totals[None].label == "Tarifa cotizada"
    assert sum(t.hours for t in totals.values()) == sum(b.billable_hours for b in bills)


def test_band_totals_of_nothing() -> None:
    totals = band_totals([])
    assert [(t.band, t.hours, t.amount) for t in totals] == [
        (Band.BUSINESS, 0, Decimal("0.00")),
        (Band.OUTSIDE, 0, Decimal("0.00")),
    ]


def test_hours_by_band() -> None:
    assert hours_by_band(bill(Modality.REMOTE, (13, 20), (15, 16)).hours_by_band()) == (1, 1)


def test_spanish_date_helpers() -> None:
    assert format_long_day(date(2026, 11, 28)) == "sábado 28 de noviembre de 2026"
    assert format_date(local(2026, 11, 24, 23, 30)) == "24/11/2026"  # 05:30 UTC on the 25th
    assert format_minutes(802) == "13 h 22 min"
    assert format_minutes(0) == "0 min"
    assert format_minutes(int(timedelta(hours=2).total_seconds() // 60)) == "2 h"
