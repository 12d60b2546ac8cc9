"""The agenda's rules (issue 13), pure: when an advisor works, what holds their time, whether an
appointment fits, what it is marked with, the free slots and what falls due.

- **Working windows** default to the business hours (RULES §1: weekdays and windows of the
  tariff, rest days excluded); an advisor may have their own windows per weekday. Official rest
  days stay off whatever the windows say.
- **Intervals are half-open**: [09:00, 10:00) and [10:00, 11:00) do not overlap.
- **Busy**: active appointments (scheduled or confirmed), blocked periods (vacation, course) and
  sessions: a finished one over [start, end), one in progress over [start, max(now, start +
  ``minimum_hours``)) *(interp.: a session in progress holds at least its first billable hour)*.
- **Emergencia**: any part outside business hours (``billing.hours``); the price preview is
  :func:`app.billing.pricing.price_session` itself, so onsite outside Xalapa/Coatepec comes out
  as ``requires_quote`` from the one rule that says so.
- **Follow-ups** of a pending case must start before its free window ends
  (:func:`app.billing.session_rules.follow_up_refusal`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Protocol, TypeVar

from app.billing.hours import is_rest_day, outside_duration, require_aware, zone
from app.billing.policy import add_months
from app.billing.pricing import Bill, SessionCharge, price_session
from app.billing.tariff import Tariff
from app.kernel.enums import AppointmentState, ChangeKind, Modality
from app.kernel.errors import BillingError
from app.kernel.fmt import format_datetime, format_time

#: weekday (Monday = 0) → that day's windows [start, end), local wall time
WorkingHours = Mapping[int, tuple[tuple[time, time], ...]]

MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
#: free slots start on this grid (minutes after local midnight)
SLOT_STEP_MINUTES = 30
#: how far ahead the free-slot search looks
SEARCH_DAYS = 62
DEFAULT_SERVICE_MONTHS = 3
MAX_SERVICE_MONTHS = 24
WEEKDAY_NAMES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


@dataclass(frozen=True, order=True)
class Span:
    """An interval of real time [start, end)."""

    start: datetime
    end: datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Busy:
    """Something holding an advisor's time, with how a refusal names it."""

    span: Span
    what: str
    kind: str = "appointment"  # "appointment", "blocked" or "session"


def span_of(start: datetime, minutes: int) -> Span:
    require_aware(start, "El inicio de la cita")
    return Span(start, start + timedelta(minutes=minutes))


# -- working windows -------------------------------------------------------------------------
def default_hours(tariff: Tariff) -> dict[int, tuple[tuple[time, time], ...]]:
    """The business hours of the tariff as working windows (RULES §1)."""
    return {day: tuple(tariff.business_windows) for day in tariff.business_weekdays}


def hours_problem(hours: WorkingHours) -> str | None:
    """Why a set of working windows is not valid (None: it is)."""
    for day, windows in hours.items():
        if day not in range(7):
            return f"El día {day} no es un día de la semana."
        ordered = sorted(windows)
        for start, end in ordered:
            if end <= start:
                return (
                    f"En {WEEKDAY_NAMES[day]}, el horario {start:%H:%M}–{end:%H:%M} termina "
                    "antes de empezar."
                )
        for (_, end), (start, _) in pairwise(ordered):
            if start < end:
                return f"En {WEEKDAY_NAMES[day]}, dos horarios se enciman."
    return None


def working_spans(day: date, hours: WorkingHours | None, tariff: Tariff) -> list[Span]:
    """The advisor's windows on a local date (none on a rest day)."""
    if is_rest_day(day, tariff):
        return []
    use = default_hours(tariff) if hours is None else hours
    tz = zone(tariff.timezone)
    return [
        Span(datetime.combine(day, start, tzinfo=tz), datetime.combine(day, end, tzinfo=tz))
        for start, end in sorted(use.get(day.weekday(), ()))
    ]


def within_working_hours(span: Span, hours: WorkingHours | None, tariff: Tariff) -> bool:
    day = span.start.astimezone(zone(tariff.timezone)).date()
    return any(
        w.start <= span.start and span.end <= w.end for w in working_spans(day, hours, tariff)
    )


# -- what holds an advisor's time ---------------------------------------------------------------
def session_span(started: datetime, ended: datetime | None, now: datetime, tariff: Tariff) -> Span:
    """The time a session holds: its real span, or while in progress at least its first
    billable hour(s) and never less than until now."""
    if ended is not None:
        return Span(started, ended)
    return Span(started, max(now, started + timedelta(hours=tariff.minimum_hours)))


def clash(span: Span, busy: Iterable[Busy]) -> Busy | None:
    """The first thing ``span`` overlaps (half-open: touching ends fit)."""
    for item in sorted(busy, key=lambda b: b.span):
        if item.span.overlaps(span):
            return item
    return None


def _span_text(span: Span, tz: str) -> str:
    same_day = span.start.astimezone(zone(tz)).date() == span.end.astimezone(zone(tz)).date()
    end = format_time(span.end, tz) if same_day else format_datetime(span.end, tz)
    return f"{format_datetime(span.start, tz)}–{end}"


def minutes_problem(minutes: int) -> str | None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return (
            f"La duración de la cita debe ser de {MIN_MINUTES} a {MAX_MINUTES} minutos "
            f"(se indicó {minutes})."
        )
    return None


def booking_refusal(
    span: Span, now: datetime, busy: Iterable[Busy], advisor: str, tariff: Tariff
) -> str | None:
    """Why an appointment cannot take ``span`` on ``advisor``'s agenda (None: it fits)."""
    problem = minutes_problem(span.minutes)
    if problem:
        return problem
    if span.start < now:
        return (
            f"La cita no puede empezar en el pasado ({format_datetime(span.start, tariff.timezone)}"
            f"); ahora son las {format_datetime(now, tariff.timezone)}."
        )
    found = clash(span, busy)
    if found is not None:
        return (
            f"{advisor} ya tiene {found.what} de {_span_text(found.span, tariff.timezone)}; "
            "elija otro horario u otro asesor. No se guardó nada."
        )
    return None


# -- marks -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingMarks:
    """What an appointment is marked with, and its price preview from the billing engine."""

    emergency: bool
    requires_quote: bool
    outside_advisor_hours: bool
    bill: Bill
    notes: tuple[str, ...] = field(default=())


def booking_marks(
    span: Span,
    modality: Modality,
    city: str | None,
    tariff: Tariff,
    hours: WorkingHours | None = None,
    *,
    follow_up: bool = False,
) -> BookingMarks:
    """``emergencia`` when any of it is outside business hours; ``requiere cotización`` when
    the billing engine says so (onsite outside the surcharge cities)."""
    emergency = outside_duration(span.start, span.end, tariff) > timedelta(0)
    bill = price_session(
        SessionCharge(Modality(modality), span.start, span.end, city=city, follow_up=follow_up),
        tariff,
    )
    outside_own = not within_working_hours(span, hours, tariff)
    notes = []
    if emergency:
        notes.append("Emergencia: fuera del horario laboral; se cobra con la tarifa de emergencia.")
    if bill.requires_quote:
        notes.append("Requiere cotización: " + " ".join(bill.notes))
    if outside_own and not emergency:
        notes.append("Fuera del horario de trabajo del asesor.")
    return BookingMarks(emergency, bill.requires_quote, outside_own, bill, tuple(notes))


# -- states ----------------------------------------------------------------------------------
_NEXT: dict[ChangeKind, tuple[tuple[AppointmentState, ...], AppointmentState]] = {
    ChangeKind.CONFIRMED: ((AppointmentState.SCHEDULED,), AppointmentState.CONFIRMED),
    ChangeKind.MOVED: (
        (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED),
        AppointmentState.SCHEDULED,
    ),
    ChangeKind.CANCELLED: (
        (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED),
        AppointmentState.CANCELLED,
    ),
    ChangeKind.DONE: (
        (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED),
        AppointmentState.DONE,
    ),
    ChangeKind.NO_SHOW: (
        (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED),
        AppointmentState.NO_SHOW,
    ),
}


def state_after(state: AppointmentState, change: ChangeKind) -> AppointmentState:
    """scheduled → confirmed → done / no-show / cancelled; a move keeps it open (and asks for
    a new confirmation). Raises BillingError when the change is not allowed."""
    allowed, after = _NEXT[ChangeKind(change)]
    if state not in allowed:
        raise BillingError(f"Una cita {state.label.lower()} no admite «{change.label.lower()}».")
    return after


def change_refusal(
    state: AppointmentState, change: ChangeKind, start: datetime, now: datetime
) -> str | None:
    """Why ``change`` is not allowed now (None: it is): done and no-show only once the
    appointment has started."""
    try:
        state_after(state, change)
    except BillingError as exc:
        return str(exc)
    if change in (ChangeKind.DONE, ChangeKind.NO_SHOW) and now < start:
        return "Una cita se marca realizada o sin asistencia solo después de su hora de inicio."
    return None


# -- free slots ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AdvisorCalendar:
    """One advisor's windows and busy time, for the free-slot search."""

    advisor_id: int
    name: str
    hours: WorkingHours | None
    busy: tuple[Span, ...]


@dataclass(frozen=True)
class Slot:
    advisor_id: int
    advisor_name: str
    span: Span


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same time (touching ones joined)."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span.start <= out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return out


def _align(moment: datetime, step: int, tz: str) -> datetime:
    """``moment`` rounded up to the grid of ``step`` minutes after local midnight."""
    local = moment.astimezone(zone(tz))
    midnight = datetime.combine(local.date(), time(0), tzinfo=zone(tz))
    grid = timedelta(minutes=step)
    return midnight + grid * -(-(local - midnight) // grid)


def _day_slots(
    cal: AdvisorCalendar, busy: list[Span], day: date, frm: datetime, until: datetime,
    minutes: int, tariff: Tariff,
) -> list[Slot]:  # fmt: skip
    length = timedelta(minutes=minutes)
    starts = [b.start for b in busy]
    out = []
    for window in working_spans(day, cal.hours, tariff):
        t = _align(max(window.start, frm), SLOT_STEP_MINUTES, tariff.timezone)
        while t + length <= window.end and t + length <= until:
            i = bisect_left(starts, t + length) - 1  # the last busy span starting before the end
            blocker = busy[i] if i >= 0 and busy[i].end > t else None
            if blocker is not None:
                t = _align(blocker.end, SLOT_STEP_MINUTES, tariff.timezone)
                continue
            out.append(Slot(cal.advisor_id, cal.name, Span(t, t + length)))
            t += timedelta(minutes=SLOT_STEP_MINUTES)
    return out


def free_slots(
    frm: datetime,
    minutes: int,
    calendars: Sequence[AdvisorCalendar],
    tariff: Tariff,
    *,
    count: int = 5,
    until: datetime | None = None,
) -> list[Slot]:
    """The next ``count`` free starts within working windows, on a 30-minute grid, earliest
    first (any advisor: side by side, by name). A slot fits between busy spans half-open."""
    require_aware(frm, "El inicio de la búsqueda")
    problem = minutes_problem(minutes)
    if problem:
        raise BillingError(problem)
    if count < 1:
        raise BillingError("Indique cuántos horarios libres quiere ver (1 o más).")
    end = until or frm + timedelta(days=SEARCH_DAYS)
    merged = {c.advisor_id: merge_spans(c.busy) for c in calendars}
    tz = zone(tariff.timezone)
    day = frm.astimezone(tz).date()
    out: list[Slot] = []
    while len(out) < count and datetime.combine(day, time(0), tzinfo=tz) < end:
        found = [
            slot
            for cal in calendars
            for slot in _day_slots(cal, merged[cal.advisor_id], day, frm, end, minutes, tariff)
        ]
        found.sort(key=lambda s: (s.span.start, s.advisor_name.casefold()))
        out.extend(found[: count - len(out)])
        day += timedelta(days=1)
    return out


# -- due items -------------------------------------------------------------------------------
def service_months_problem(months: int) -> str | None:
    if not 1 <= months <= MAX_SERVICE_MONTHS:
        return f"La periodicidad debe ser de 1 a {MAX_SERVICE_MONTHS} meses (se indicó {months})."
    return None


def service_due_date(start: date, months: int, last: date | None) -> date:
    """When a policy's periodic service (preventive maintenance, update review) is due next:
    ``months`` after the last one booked or done, or after the policy's start."""
    return add_months(last or start, months)


# -- reminders -------------------------------------------------------------------------------
class _Timed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def start(self) -> datetime: ...
    @property
    def state(self) -> AppointmentState: ...


T = TypeVar("T", bound=_Timed)


def reminders_due(
    appointments: Iterable[T], now: datetime, lead_minutes: int, already: Collection[int]
) -> list[T]:
    """The active citas starting within ``lead_minutes`` from ``now`` not yet reminded."""
    lead = timedelta(minutes=lead_minutes)
    return [
        a
        for a in appointments
        if a.state.active and now <= a.start <= now + lead and a.id not in already
    ]


# -- working windows as the advisor types them --------------------------------------------------
def parse_windows(text: str) -> tuple[tuple[time, time], ...]:
    """ "09:00-14:00, 16:00-19:00" → windows (empty text: no work that day). Raises
    BillingError with a Spanish message."""
    out = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        pieces = [x.strip() for x in part.replace("–", "-").split("-")]
        try:
            start, end = (_clock(x) for x in pieces)
        except ValueError:
            raise BillingError(
                f"El horario «{part}» no es válido; escríbalo como 09:00-14:00, 16:00-19:00."
            ) from None
        out.append((start, end))
    windows = tuple(sorted(out))
    problem = hours_problem({0: windows})
    if problem:
        raise BillingError(problem.replace("En lunes, el", "El").replace("En lunes, dos", "Dos"))
    return windows


def _clock(text: str) -> time:
    """ "9", "9:30", "09:30" → a wall time (ValueError otherwise)."""
    hour, _, minute = text.partition(":")
    if not hour.isdigit() or (minute and not minute.isdigit()):
        raise ValueError(text)
    return time(int(hour), int(minute or 0))


def format_windows(windows: Sequence[tuple[time, time]]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in windows)
