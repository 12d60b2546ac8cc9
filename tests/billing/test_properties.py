"""Invariants of the engine, checked with hypothesis over arbitrary sessions."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.billing import PolicyTerms, SessionCharge, Tariff, price_session
from app.kernel.enums import Modality
from app.kernel.timeline import Interval

TARIFF = Tariff()
BASE = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # a Friday: sessions reach into the weekend

starts = st.integers(min_value=0, max_value=4 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))
seconds = st.integers(min_value=1, max_value=10 * 3600).map(lambda s: timedelta(seconds=s))
modalities = st.sampled_from([Modality.REMOTE, Modality.OFFICE, Modality.ONSITE])
discounts = st.sampled_from([Decimal(x) for x in ("0", "0.05", "0.1", "0.125", "0.2", "0.25")])


def charge(modality, start, length, gaps=(), policy=None):
    return SessionCharge(modality, start, start + length, tuple(gaps), city="Xalapa", policy=policy)


# A tariff where both bands cost the same isolates time from the choice of band.
FLAT = replace(TARIFF, remote_outside_rate=Decimal("200.00"), office_outside_rate=Decimal("300.00"))


def total(c, tariff=TARIFF):
    return price_session(c, tariff).total


def hours(c):
    return price_session(c, TARIFF).billable_hours


@settings(max_examples=300)
@given(modalities, starts, seconds, seconds)
def test_more_worked_time_never_lowers_the_charge(modality, start, length, extra):
    longer, shorter = charge(modality, start, length + extra), charge(modality, start, length)
    assert hours(longer) >= hours(shorter)
    assert total(longer, FLAT) >= total(shorter, FLAT)


@settings(max_examples=300)
@given(modalities, starts, seconds, st.floats(0, 1), st.floats(0, 1))
def test_adding_a_gap_never_raises_the_charge(modality, start, length, a, b):
    lo, hi = sorted((a, b))
    gap = Interval(start + length * lo, start + length * hi)
    if gap.end > gap.start:
        with_gap, without = charge(modality, start, length, [gap]), charge(modality, start, length)
        assert hours(with_gap) <= hours(without)
        assert total(with_gap, FLAT) <= total(without, FLAT)


def test_a_partial_slot_takes_the_band_of_its_majority_even_when_that_lowers_the_price():
    """RULES §4 prices a slot by the band of most of its worked seconds. So with the two
    bands at different rates, working longer can move a partial slot into the cheaper band:
    08:40-09:00 is all outside hours, 08:40-09:20 is half business (a tie favours the client).
    The monotonicity properties above therefore hold for billable hours under any tariff and
    for the charge under equal band rates; this is the rule as written, not a bug."""
    early = charge(Modality.REMOTE, BASE.replace(hour=14, minute=40), timedelta(minutes=20))
    later = charge(Modality.REMOTE, BASE.replace(hour=14, minute=40), timedelta(minutes=40))
    assert (total(early), total(later)) == (Decimal("348.00"), Decimal("232.00"))


@settings(max_examples=300)
@given(modalities, starts, seconds, discounts)
def test_24x7_never_raises_the_charge(modality, start, length, d):
    plain = total(charge(modality, start, length, policy=PolicyTerms(discount=d)))
    full = total(charge(modality, start, length, policy=PolicyTerms(discount=d, is_24x7=True)))
    assert full <= plain


@settings(max_examples=300)
@given(modalities, starts, seconds, discounts, st.integers(0, 3), st.booleans())
def test_total_is_base_plus_iva_and_every_amount_has_two_decimals(
    modality, start, length, d, covered, follow_up
):
    c = SessionCharge(
        modality,
        start,
        start + length,
        city="Coatepec",
        policy=PolicyTerms(discount=d, covered_hours=covered),
        follow_up=follow_up,
    )
    bill = price_session(c, TARIFF)
    assert bill.total == bill.base + bill.iva
    assert bill.base >= 0
    amounts = [bill.base, bill.iva, bill.total, *(x.amount for x in bill.lines)]
    assert all(a.as_tuple().exponent == -2 for a in amounts)
    assert bill.billable_hours == len(bill.slots) >= TARIFF.minimum_hours
    hours_in_lines = sum(x.hours for x in bill.lines if x.hours is not None)
    assert hours_in_lines == bill.billable_hours


@settings(max_examples=200)
@given(starts, seconds)
def test_billable_hours_follow_the_formula(start, length):
    bill = price_session(charge(Modality.REMOTE, start, length), TARIFF)
    m = int(length.total_seconds()) // 60
    assert bill.worked_minutes == m
    assert bill.billable_hours == max(1, m // 60 + (1 if m % 60 > 30 else 0))
