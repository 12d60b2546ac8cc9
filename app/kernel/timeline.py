"""A session's timeline, derived from its append-only events (pure: no database, no clock):
its state (:func:`derive_status`), its remote-control requests with their answers
(:func:`consent_records`) and its disconnections (:func:`disconnections`).

Corrections entered afterwards (a corrected start or end, a forgotten pause or disconnection)
are events too; :func:`effective_timeline` is the one place that applies them, and every
function here reads the timeline through it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from app.kernel.enums import EventKind, RemoteState
from app.kernel.records import record


@record
class Interval:
    """A half-open real interval [start, end) of aware instants."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class Entry(NamedTuple):
    """One stored event as the timeline reads it: its kind and instant, and for a correction
    the instants it sets (``span_start``: a start or a gap's start; ``span_end``: an end or a
    gap's end)."""

    kind: EventKind
    at: datetime
    span_start: datetime | None = None
    span_end: datetime | None = None


EventLike = tuple[EventKind, datetime] | Entry

#: Events that change the timeline after the fact (RULES §8: corrections are new entries).
CORRECTIONS = frozenset(
    {
        EventKind.START_CORRECTED,
        EventKind.END_CORRECTED,
        EventKind.PAUSE_ADDED,
        EventKind.DISCONNECTION_ADDED,
    }
)
#: Events that leave the timeline as it is (a note, the record of a session entered by hand).
REMARKS = frozenset({EventKind.NOTE, EventKind.RECORDED_MANUALLY})
_ADDED_GAPS = {
    EventKind.PAUSE_ADDED: (EventKind.PAUSED, EventKind.RESUMED),
    EventKind.DISCONNECTION_ADDED: (EventKind.DISCONNECTED, EventKind.RECONNECTED),
}


def _entry(e: EventLike) -> Entry:
    return e if isinstance(e, Entry) else Entry(e[0], e[1])


def effective_span(events: Iterable[EventLike]) -> tuple[datetime | None, datetime | None]:
    """The session's start and end (None: not ended) once corrected: the last correction of
    each wins."""
    start = end = None
    for e in map(_entry, events):
        if e.kind is EventKind.STARTED and start is None:
            start = e.at
        elif e.kind is EventKind.START_CORRECTED and e.span_start is not None:
            start = e.span_start
        elif e.kind is EventKind.ENDED:
            end = e.at
        elif e.kind is EventKind.END_CORRECTED and e.span_end is not None:
            end = e.span_end
    return start, end


def added_gaps(events: Iterable[EventLike]) -> tuple[tuple[EventKind, Interval], ...]:
    """The pauses and disconnections entered afterwards, with their kind."""
    out = []
    for e in map(_entry, events):
        if e.kind in _ADDED_GAPS and e.span_start is not None and e.span_end is not None:
            out.append((e.kind, Interval(e.span_start, e.span_end)))
    return tuple(out)


def effective_timeline(events: Iterable[EventLike]) -> list[Entry]:
    """The events as the session really went, corrections applied — the one function every
    reader of a timeline (the state, the bill, the receipt, the corte) goes through.

    The start and the end take their corrected instants; recorded events outside the
    corrected span are moved to its edge (a forgotten timer: what happened after the real end
    no longer counts); each added pause or disconnection becomes its pair of events; notes
    and corrections themselves leave the timeline. Without corrections the events come back
    as they are."""
    entries = [_entry(e) for e in events]
    if not any(e.kind in CORRECTIONS for e in entries):
        return [e for e in entries if e.kind not in REMARKS]
    start, end = effective_span(entries)
    ranked: list[tuple[datetime, int, int, Entry]] = []
    for i, e in enumerate(entries):
        if e.kind in REMARKS or e.kind in CORRECTIONS:
            continue
        at = e.at
        if start is not None and (e.kind is EventKind.STARTED or at < start):
            at = start
        if end is not None and (e.kind is EventKind.ENDED or at > end):
            at = end
        ranked.append((at, 1, i, Entry(e.kind, at)))
    for i, (kind, gap) in enumerate(added_gaps(entries)):
        opens, closes = _ADDED_GAPS[kind]
        # at one instant a gap closes before anything recorded, and opens after it
        ranked.append((gap.start, 2, i, Entry(opens, gap.start)))
        ranked.append((gap.end, 0, i, Entry(closes, gap.end)))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    return [r[3] for r in ranked]


#: The stored kinds a consent record (:func:`consent_records`) or a disconnection
#: (:func:`disconnections`) comes from — the corrected timeline adds disconnections only from
#: DISCONNECTION_ADDED: a session with none of them has no such record.
CONSENT_KINDS = frozenset({EventKind.REMOTE_REQUESTED})
CUT_KINDS = frozenset({EventKind.DISCONNECTED, EventKind.DISCONNECTION_ADDED})
#: The same, as the condition on a stored event's ``kind`` of the partial index
#: ``ix_session_events_records`` (revision 0012): "has this session such a record?" is then
#: read from that small index alone. A query's condition must be this very text for the
#: database to use the index.
RECORDS_WHERE = f"kind IN ({', '.join(sorted(repr(k.value) for k in CONSENT_KINDS | CUT_KINDS))})"

_STOPS = {
    EventKind.REMOTE_STOPPED_BY_CLIENT,
    EventKind.REMOTE_STOPPED_BY_ADVISOR,
    EventKind.DISCONNECTED,  # a disconnection stops remote control too
}


@record
class SessionStatus:
    ended: bool
    paused: bool
    disconnected: bool
    remote: RemoteState
    gaps: tuple[Interval, ...]  # closed gaps (pause..resume, disconnection..reconnection)
    open_gap_since: datetime | None
    instructions: tuple[Interval, ...]  # closed chat-instruction periods
    instructions_since: datetime | None
    disconnections: int
    consents_accepted: int
    consents_declined: int
    corrections: int = 0  # corrections entered afterwards
    manual: bool = False  # a past session entered by hand
    last_answer_declined: bool = False  # the client's last answer to remote control was no

    def all_gaps(self, end: datetime) -> tuple[Interval, ...]:
        """Closed gaps plus the open one (closed at ``end``); empty gaps dropped."""
        gaps = list(self.gaps)
        if self.open_gap_since is not None and end > self.open_gap_since:
            gaps.append(Interval(self.open_gap_since, end))
        return tuple(g for g in gaps if g.end > g.start)

    def worked(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return timedelta(0)
        gaps = sum((g.duration for g in self.all_gaps(end)), timedelta(0))
        return max(timedelta(0), end - start - gaps)

    def instructions_elapsed(self, now: datetime) -> timedelta:
        total = sum((i.duration for i in self.instructions), timedelta(0))
        if self.instructions_since is not None and now > self.instructions_since:
            total += now - self.instructions_since
        return total


def derive_status(events: Iterable[EventLike]) -> SessionStatus:
    """Replay ``(kind, instant)`` pairs (or :class:`Entry` rows) in order, corrections
    applied (:func:`effective_timeline`)."""
    entries = list(events)
    kinds = [e[0] for e in entries]
    corrections = sum(1 for k in kinds if k in CORRECTIONS)
    manual = EventKind.RECORDED_MANUALLY in kinds
    timeline = effective_timeline(entries) if corrections else entries
    ended = paused = disconnected = False
    remote = RemoteState.NONE
    gaps: list[Interval] = []
    gap_since: datetime | None = None
    instructions: list[Interval] = []
    instr_since: datetime | None = None
    disconnections = accepted = declined = 0
    last_declined = False
    for e in timeline:
        kind, at = e[0], e[1]
        if kind in (EventKind.PAUSED, EventKind.DISCONNECTED):
            if gap_since is None:
                gap_since = at
            if kind is EventKind.PAUSED:
                paused = True
            else:
                disconnected = True
                disconnections += 1
        elif kind in (EventKind.RESUMED, EventKind.RECONNECTED):
            if kind is EventKind.RESUMED:
                paused = False
            else:
                disconnected = False
            if not paused and not disconnected and gap_since is not None:
                gaps.append(Interval(gap_since, at))
                gap_since = None
        if kind in _STOPS:
            remote = RemoteState.NONE
        elif kind is EventKind.REMOTE_REQUESTED:
            remote = RemoteState.REQUESTED
        elif kind is EventKind.REMOTE_ACCEPTED:
            remote = RemoteState.ACCEPTED
            accepted += 1
            last_declined = False
        elif kind is EventKind.REMOTE_DECLINED:
            remote = RemoteState.DECLINED
            declined += 1
            last_declined = True
        elif kind is EventKind.REMOTE_STARTED:
            remote = RemoteState.ACTIVE
        elif kind is EventKind.INSTRUCTIONS_STARTED:
            instr_since = at
        elif kind is EventKind.INSTRUCTIONS_ENDED and instr_since is not None:
            instructions.append(Interval(instr_since, at))
            instr_since = None
        elif kind is EventKind.ENDED:
            ended = True
            if gap_since is not None:
                gaps.append(Interval(gap_since, at))
                gap_since = None
            if instr_since is not None:
                instructions.append(Interval(instr_since, at))
                instr_since = None
            if remote is RemoteState.ACTIVE:
                remote = RemoteState.NONE
    return SessionStatus(
        ended=ended,
        paused=paused,
        disconnected=disconnected,
        remote=remote,
        gaps=tuple(g for g in gaps if g.end > g.start),
        open_gap_since=gap_since,
        instructions=tuple(instructions),
        instructions_since=instr_since,
        disconnections=disconnections,
        consents_accepted=accepted,
        consents_declined=declined,
        corrections=corrections,
        manual=manual,
        last_answer_declined=last_declined,
    )


def answer_label(accepted: bool | None) -> str:
    """The client's answer to a remote-control request, as documents print it."""
    if accepted is None:
        return "Sin respuesta"
    return "Aceptado" if accepted else "Rechazado"


def require_aware(moment: datetime | None, what: str) -> None:
    """Refuse a naive instant (``ValueError`` naming it in Spanish)."""
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError(f"{what} debe llevar zona horaria.")


@record
class ConsentRecord:
    """One remote-control request (RULES §8). ``accepted`` None: the client never answered."""

    requested_at: datetime
    accepted: bool | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None  # when control stopped (client, advisor, disconnection)
    device: str = ""

    def __post_init__(self) -> None:
        for moment, what in (
            (self.requested_at, "La solicitud de control remoto"),
            (self.answered_at, "La respuesta de control remoto"),
            (self.ended_at, "El fin del control remoto"),
        ):
            require_aware(moment, what)

    @property
    def answer_label(self) -> str:
        return answer_label(self.accepted)


@record
class Disconnection:
    """From a disconnection to the reconnection (``end`` None: the session ended disconnected)."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "La desconexión")
        require_aware(self.end, "La reconexión")

    @property
    def duration(self) -> timedelta | None:
        return None if self.end is None else self.end - self.start


class _Event(Protocol):
    @property
    def kind(self) -> EventKind: ...
    @property
    def at(self) -> datetime: ...


_CONTROL_STOPS = _STOPS | {EventKind.ENDED}


def _effective(events: Sequence[_Event]) -> list[Entry]:
    """Stored events (ORM rows, SQL rows, entries read already) as the corrected timeline."""
    return effective_timeline(
        e
        if type(e) is Entry
        else Entry(e.kind, e.at, getattr(e, "span_start", None), getattr(e, "span_end", None))
        for e in events
    )


def consent_records(events: Sequence[_Event], device: str = "") -> tuple[ConsentRecord, ...]:
    """The remote-control requests of a session, from its events in order (RULES §8)."""
    out: list[ConsentRecord] = []
    current: dict[str, Any] | None = None
    started = False
    for e in _effective(events):
        if e.kind is EventKind.REMOTE_REQUESTED:
            if current is not None:
                out.append(ConsentRecord(device=device, **current))
            current, started = {"requested_at": e.at}, False
        elif current is not None and e.kind is EventKind.REMOTE_ACCEPTED:
            current.update(accepted=True, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_DECLINED:
            current.update(accepted=False, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_STARTED:
            started = True
        elif current is not None and started and e.kind in _CONTROL_STOPS:
            current["ended_at"] = e.at
            started = False
    if current is not None:
        out.append(ConsentRecord(device=device, **current))
    return tuple(out)


def disconnections(events: Sequence[_Event]) -> tuple[Disconnection, ...]:
    """Each disconnection with its reconnection (None: the session ended disconnected)."""
    out: list[Disconnection] = []
    since: datetime | None = None
    for e in _effective(events):
        if e.kind is EventKind.DISCONNECTED:
            since = e.at
        elif e.kind is EventKind.RECONNECTED and since is not None:
            out.append(Disconnection(since, e.at))
            since = None
    if since is not None:
        out.append(Disconnection(since, None))
    return tuple(out)
