"""Business hours vs outside hours ("emergencia") of any instant or interval (RULES.md §1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from app.billing.tariff import Tariff
from app.kernel.enums import Band
from app.kernel.errors import BillingError


class _DateSet(Protocol):
    def __contains__(self, key: object) -> bool: ...


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4)
def _holiday_calendar(country: str) -> _DateSet:
    if country == "MX":
        return _MexicoRestDays()
    return _package_calendar(country)


@lru_cache(maxsize=4)
def _package_calendar(country: str) -> _DateSet:
    import holidays  # imported on first use, for another country or year than the table's

    calendar: _DateSet = holidays.country_holidays(country, language="es")
    return calendar


class _MexicoRestDays:
    """Mexico's rest days from the table ``mx_rest_days`` (what the ``holidays`` package gives
    for "MX"), without importing the package; another year asks the package."""

    def __init__(self) -> None:
        from app.billing import mx_rest_days as table

        self._years = range(table.FIRST_YEAR, table.LAST_YEAR + 1)
        self._days = frozenset(date.fromisoformat(day) for day in table.DAYS.split())

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, date):
            return False
        if key.year in self._years:
            return (key.date() if isinstance(key, datetime) else key) in self._days
        return key in _package_calendar("MX")


def require_aware(moment: datetime, what: str = "La fecha") -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BillingError(f"{what} no indica su zona horaria.")


def is_business_day(day: date, tariff: Tariff) -> bool:
    if day.weekday() not in tariff.business_weekdays:
        return False
    return not (tariff.holidays_enabled and day in _holiday_calendar(tariff.holidays_country))


def band_at(moment: datetime, tariff: Tariff) -> Band:
    """Band of one instant: windows are half-open, so 14:00:00 is already outside."""
    require_aware(moment)
    local = moment.astimezone(zone(tariff.timezone))
    if is_business_day(local.date(), tariff):
        clock = local.time().replace(tzinfo=None)
        for start, end in tariff.business_windows:
            if start <= clock < end:
                return Band.BUSINESS
    return Band.OUTSIDE


def business_duration(start: datetime, end: datetime, tariff: Tariff) -> timedelta:
    """How much of the real interval [start, end) lies inside business hours."""
    require_aware(start)
    require_aware(end)
    if end <= start:
        return timedelta(0)
    tz = zone(tariff.timezone)
    total = timedelta(0)
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        if is_business_day(day, tariff):
            for w_start, w_end in tariff.business_windows:
                lo = max(start, datetime.combine(day, w_start, tzinfo=tz))
                hi = min(end, datetime.combine(day, w_end, tzinfo=tz))
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return total


def outside_duration(start: datetime, end: datetime, tariff: Tariff) -> timedelta:
    """How much of [start, end) lies outside business hours."""
    if end <= start:
        return timedelta(0)
    return (end - start) - business_duration(start, end, tariff)


def is_rest_day(day: date, tariff: Tariff) -> bool:
    """An official rest day (RULES §1 *interp.*) when the setting is on: outside hours all day,
    whatever the weekday (the agenda's per-advisor windows use it too)."""
    return tariff.holidays_enabled and day in _holiday_calendar(tariff.holidays_country)
