"""RULES.md §1: business hours vs outside hours, edges included."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.billing.hours import band_at, business_duration, is_business_day, outside_duration
from app.kernel.enums import Band
from app.kernel.errors import BillingError
from tests.billing.helpers import TARIFF, local

B, OUT = Band.BUSINESS, Band.OUTSIDE


@pytest.mark.parametrize(
    ("instant", "band"),
    [
        ("2026-11-24 08:59:59", OUT),  # Tuesday, before opening
        ("2026-11-24 09:00:00", B),  # opening is inside
        ("2026-11-24 13:59:59", B),
        ("2026-11-24 14:00:00", OUT),  # half-open: 14:00:00 is already outside
        ("2026-11-24 15:00:00", OUT),  # lunch break
        ("2026-11-24 15:59:59", OUT),
        ("2026-11-24 16:00:00", B),
        ("2026-11-24 18:59:59", B),
        ("2026-11-24 19:00:00", OUT),  # closing is outside
        ("2026-11-24 00:00:00", OUT),  # midnight
        ("2026-11-24 23:59:59", OUT),
        ("2026-11-27 10:00:00", B),  # Friday
        ("2026-11-28 10:00:00", OUT),  # Saturday
        ("2026-11-29 10:00:00", OUT),  # Sunday
        ("2026-11-30 09:00:00", B),  # Monday
        ("2026-11-16 10:00:00", OUT),  # Revolution Day (third Monday of November 2026)
        ("2026-01-01 10:00:00", OUT),  # New Year
        ("2026-02-02 10:00:00", OUT),  # Constitution Day (first Monday of February)
        ("2026-03-16 10:00:00", OUT),  # Benito Juárez (third Monday of March)
        ("2026-05-01 10:00:00", OUT),  # Labour Day (Friday)
        ("2026-09-16 10:00:00", OUT),  # Independence Day
        ("2026-12-25 10:00:00", OUT),  # Christmas
        ("2026-11-20 10:00:00", B),  # the historical date is not the rest day in 2026
        ("2026-12-24 10:00:00", B),  # Christmas Eve is a working day
    ],
)
def test_band_of_an_instant(instant, band):
    assert band_at(local(instant), TARIFF) is band


def test_holidays_can_be_switched_off():
    no_holidays = replace(TARIFF, holidays_enabled=False)
    assert band_at(local("2026-11-16 10:00"), no_holidays) is B
    assert is_business_day(local("2026-11-16 10:00").date(), no_holidays)


def test_a_rest_day_is_not_a_business_day():
    assert not is_business_day(local("2026-11-16 10:00").date(), TARIFF)  # Revolución Mexicana


def test_utc_instants_are_classified_in_mexico_city_time():
    # 15:00 UTC = 09:00 in Mexico City (UTC-6, no daylight saving since 2022).
    assert band_at(datetime(2026, 11, 24, 15, 0, tzinfo=UTC), TARIFF) is B
    assert band_at(datetime(2026, 11, 24, 14, 59, 59, tzinfo=UTC), TARIFF) is OUT


def test_naive_instants_are_refused():
    with pytest.raises(BillingError):
        band_at(datetime(2026, 11, 24, 10, 0), TARIFF)  # naive on purpose


@pytest.mark.parametrize(
    ("start", "end", "business_minutes"),
    [
        ("2026-11-24 08:00", "2026-11-24 20:00", 8 * 60),  # both windows of a weekday
        ("2026-11-24 13:50", "2026-11-24 14:50", 10),
        ("2026-11-24 14:00", "2026-11-24 16:00", 0),
        ("2026-11-27 18:00", "2026-11-30 10:00", 120),  # Friday 18-19 + Monday 9-10
        ("2026-11-23 23:00", "2026-11-25 01:00", 8 * 60),  # across two midnights
        ("2026-11-28 00:00", "2026-11-29 23:59", 0),  # a weekend
    ],
)
def test_business_and_outside_duration(start, end, business_minutes):
    a, b = local(start), local(end)
    assert business_duration(a, b, TARIFF) == timedelta(minutes=business_minutes)
    assert outside_duration(a, b, TARIFF) == (b - a) - timedelta(minutes=business_minutes)


def test_empty_or_reversed_interval_has_no_duration():
    a = local("2026-11-24 10:00")
    assert business_duration(a, a, TARIFF) == timedelta(0)
    assert outside_duration(a + timedelta(hours=1), a, TARIFF) == timedelta(0)
