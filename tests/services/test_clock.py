from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.kernel.clock import FakeClock, SystemClock


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock()()
    assert now.utcoffset() == timedelta(0)


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=-6))))
    assert clock() == datetime(2026, 11, 24, 16, 0, tzinfo=UTC) == clock()
    assert clock.advance(minutes=90, seconds=30) == datetime(2026, 11, 24, 17, 30, 30, tzinfo=UTC)
    assert clock.advance(days=1, hours=1).day == 25
    with pytest.raises(ValueError):
        clock.advance(minutes=-1)
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 11, 24, 10, 0))
