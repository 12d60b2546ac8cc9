"""The es-MX display of instants: the same text ``strftime`` gives, in local time (the
formatting avoids ``strftime`` for speed, so this pins it to it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.kernel.fmt import format_date, format_datetime, format_time, to_local


def test_instants_read_as_strftime_would_in_local_time() -> None:
    # every 7 h 13 min over five years: both sides of the last summer-time changes (2022)
    moment = datetime(2019, 1, 1, 0, 7, tzinfo=UTC)
    while moment < datetime(2024, 1, 1, tzinfo=UTC):
        local = to_local(moment)
        assert format_datetime(moment) == local.strftime("%d/%m/%Y %H:%M")
        assert format_date(moment) == local.strftime("%d/%m/%Y")
        assert format_time(moment) == local.strftime("%H:%M")
        moment += timedelta(hours=7, minutes=13)


def test_known_texts() -> None:
    moment = datetime(2026, 11, 24, 19, 50, tzinfo=UTC)  # 13:50 in Xalapa
    assert format_datetime(moment) == "24/11/2026 13:50"
    assert format_datetime(moment, weekday=True) == "martes 24/11/2026 13:50"
    assert format_date(datetime(2026, 1, 2, 5, 59, tzinfo=UTC)) == "01/01/2026"  # still the 1st
    assert format_time(datetime(2026, 3, 4, 6, 5, tzinfo=UTC)) == "00:05"
    assert format_datetime(moment, "UTC") == "24/11/2026 19:50"
