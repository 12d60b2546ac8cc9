"""Mexico's rest days come from a table (no import of the ``holidays`` package when pricing):
the table is exactly what the package gives for "MX" in every year it covers."""

from datetime import date

import holidays

from app.billing import mx_rest_days
from app.billing.hours import _holiday_calendar


def test_the_table_is_what_the_holidays_package_gives_for_mexico() -> None:
    years = range(mx_rest_days.FIRST_YEAR, mx_rest_days.LAST_YEAR + 1)
    package = holidays.country_holidays("MX", years=years)
    table = sorted(date.fromisoformat(d) for d in mx_rest_days.DAYS.split())
    assert table == sorted(package), "run scripts/mx_rest_days.py after updating holidays"


def test_the_calendar_answers_from_the_table_and_asks_the_package_beyond_it() -> None:
    calendar = _holiday_calendar("MX")
    assert date(2024, 10, 1) in calendar  # Transmisión del Poder Ejecutivo Federal
    assert date(2026, 11, 16) in calendar  # third Monday of November
    assert date(2026, 11, 20) not in calendar
    package = holidays.country_holidays("MX")
    for day in (date(1999, 12, 25), date(1999, 12, 26), date(2101, 1, 1)):  # beyond the table
        assert (day in calendar) == (day in package)
    assert date(1999, 12, 25) in calendar
    assert "2026-11-16" not in calendar  # only dates
