"""Worked time, billable hours and the slot rule (RULES.md §2–§4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise

from app.billing.hours import band_at, outside_duration, require_aware
from app.billing.tariff import Tariff
from app.kernel.enums import Band
from app.kernel.errors import BillingError, RuleError
from app.kernel.limits import check_span
from app.kernel.records import record
from app.kernel.timeline import Interval

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@record
class Slot:
    """One billable hour laid on the worked timeline (§4)."""

    index: int
    band: Band
    worked: timedelta  # worked time the slot covers (0 for an empty minimum-hours slot)
    outside: timedelta  # of which outside business hours
    first_instant: datetime  # real instant where the slot's worked time begins


@record
class WorkedTime:
    """The session's worked time: real segments with the gaps removed, in order."""

    start: datetime
    end: datetime
    segments: tuple[Interval, ...]

    @property
    def worked(self) -> timedelta:
        return sum((s.duration for s in self.segments), timedelta(0))

    @property
    def minutes(self) -> int:
        """M = floor(W / 60 s): seconds are dropped."""
        return self.worked // MINUTE

    def real_intervals(self, offset_from: timedelta, offset_to: timedelta) -> list[Interval]:
        """The real intervals holding worked offsets [offset_from, offset_to)."""
        out: list[Interval] = []
        cursor = timedelta(0)
        for seg in self.segments:
            seg_from, seg_to = cursor, cursor + seg.duration
            lo, hi = max(seg_from, offset_from), min(seg_to, offset_to)
            if hi > lo:
                out.append(Interval(seg.start + (lo - seg_from), seg.start + (hi - seg_from)))
            cursor = seg_to
            if cursor >= offset_to:
                break
        return out


def worked_time(start: datetime, end: datetime, gaps: Iterable[Interval] = ()) -> WorkedTime:
    """Validate a session's instants and lay its worked time end to end.

    Gaps (disconnections, pauses) must lie inside the session and must not overlap;
    touching gaps are fine.
    """
    require_aware(start, "El inicio")
    require_aware(end, "El fin")
    if end <= start:
        raise BillingError("El fin de la sesión debe ser posterior a su inicio.")
    try:
        check_span(start, end)
    except RuleError as exc:
        raise BillingError(str(exc)) from None
    ordered = sorted(gaps, key=lambda g: (g.start, g.end))
    for gap in ordered:
        require_aware(gap.start, "El inicio de la desconexión")
        require_aware(gap.end, "El fin de la desconexión")
        if gap.end <= gap.start:
            raise BillingError("Cada desconexión o pausa debe terminar después de empezar.")
        if gap.start < start or gap.end > end:
            raise BillingError("Una desconexión o pausa queda fuera de la sesión.")
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise BillingError("Dos desconexiones o pausas se traslapan.")
    segments: list[Interval] = []
    cursor = start
    for gap in ordered:
        if gap.start > cursor:
            segments.append(Interval(cursor, gap.start))
        cursor = gap.end
    if end > cursor:
        segments.append(Interval(cursor, end))
    return WorkedTime(start, end, tuple(segments))


def counted_hours(minutes: int, tariff: Tariff) -> int:
    """Hours filled by worked time: M div 60, plus one if the remainder exceeds the threshold."""
    whole, rest = divmod(minutes, 60)
    return whole + (1 if rest > tariff.fraction_threshold_minutes else 0)


def billable_hours(minutes: int, tariff: Tariff) -> int:
    """H = max(counted hours, minimum hours) — "por hora o fracción mayor a 30 minutos"."""
    if minutes < 0:
        raise BillingError("El tiempo trabajado no puede ser negativo.")
    return max(counted_hours(minutes, tariff), tariff.minimum_hours)


def slots(work: WorkedTime, tariff: Tariff) -> tuple[Slot, ...]:
    """The billable hours as slots along the worked timeline, each with its band (§4)."""
    minutes = work.minutes
    counted = counted_hours(minutes, tariff)
    total = max(counted, tariff.minimum_hours)
    worked_end = minutes * MINUTE
    out: list[Slot] = []
    for k in range(total):
        if k < counted:
            lo, hi = k * HOUR, min((k + 1) * HOUR, worked_end)
        else:  # minimum-hours slot: the whole worked time
            lo, hi = timedelta(0), worked_end
        out.append(_slot(k, work, lo, hi, tariff))
    return tuple(out)


def _slot(index: int, work: WorkedTime, lo: timedelta, hi: timedelta, tariff: Tariff) -> Slot:
    pieces = work.real_intervals(lo, hi) if hi > lo else []
    if not pieces:  # M = 0: the start instant decides
        return Slot(index, band_at(work.start, tariff), timedelta(0), timedelta(0), work.start)
    outside = sum((outside_duration(p.start, p.end, tariff) for p in pieces), timedelta(0))
    worked = hi - lo
    band = Band.OUTSIDE if outside * 2 > worked else Band.BUSINESS  # a tie favours the client
    return Slot(index, band, worked, outside, pieces[0].start)
