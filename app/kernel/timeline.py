"""A session's timeline, derived from its append-only events (pure: no database, no clock):
its state (:func:`derive_status`), its remote-control requests with their answers
(:func:`consent_records`) and its disconnections (:func:`disconnections`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from app.kernel.enums import EventKind, RemoteState


@dataclass(frozen=True)
class Interval:
    """A half-open real interval [start, end) of aware instants."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


_STOPS = {
    EventKind.REMOTE_STOPPED_BY_CLIENT,
    EventKind.REMOTE_STOPPED_BY_ADVISOR,
    EventKind.DISCONNECTED,  # a disconnection stops remote control too
}


@dataclass(frozen=True)
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


def derive_status(events: Iterable[tuple[EventKind, datetime]]) -> SessionStatus:
    """Replay ``(kind, instant)`` pairs in order."""
    ended = paused = disconnected = False
    remote = RemoteState.NONE
    gaps: list[Interval] = []
    gap_since: datetime | None = None
    instructions: list[Interval] = []
    instr_since: datetime | None = None
    disconnections = accepted = declined = 0
    for kind, at in events:
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
        elif kind is EventKind.REMOTE_DECLINED:
            remote = RemoteState.DECLINED
            declined += 1
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


def consent_records(events: Sequence[_Event], device: str = "") -> tuple[ConsentRecord, ...]:
    """The remote-control requests of a session, from its events in order (RULES §8)."""
    out: list[ConsentRecord] = []
    current: dict[str, Any] | None = None
    started = False
    for e in events:
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
    for e in events:
        if e.kind is EventKind.DISCONNECTED:
            since = e.at
        elif e.kind is EventKind.RECONNECTED and since is not None:
            out.append(Disconnection(since, e.at))
            since = None
    if since is not None:
        out.append(Disconnection(since, None))
    return tuple(out)
