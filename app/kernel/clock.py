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


class MonotonicClock:
    """Wall-clock time that cannot jump while the app runs.

    It reads the wall clock once and then advances with ``time.monotonic()``, so a running
    stopwatch is immune to the system clock being changed. It re-anchors when the two drift
    apart by more than ``resync`` (e.g. after the machine slept), trusting the wall clock then.
    """

    def __init__(self, resync: timedelta = timedelta(minutes=5)) -> None:
        import time

        self._monotonic = time.monotonic
        self._resync = resync
        self._anchor_wall = datetime.now(UTC)
        self._anchor_mono = self._monotonic()

    def __call__(self) -> datetime:
        now = self._anchor_wall + timedelta(seconds=self._monotonic() - self._anchor_mono)
        wall = datetime.now(UTC)
        if abs(wall - now) > self._resync:
            self._anchor_wall, self._anchor_mono = wall, self._monotonic()
            return wall
        return now
