"""Time is injected: services take a ``Clock`` (a callable returning an aware UTC datetime)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def __call__(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in UTC."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock for tests: it stands still until told to move."""

    def __init__(self, start: datetime | None = None) -> None:
        moment = start or datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 10:00 hora del centro
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment.astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance(
        self,
        delta: timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> datetime:
        """Move forward (never back: a clock going backwards is ``set``'s business)."""
        step = (delta or timedelta(0)) + timedelta(
            days=days, hours=hours, minutes=minutes, seconds=seconds
        )
        if step < timedelta(0):
            raise ValueError("FakeClock.advance only moves forward")
        self._now += step
        return self._now

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = moment.astimezone(UTC)
        return self._now


def system_clock() -> Clock:
    return SystemClock()
