"""A session's state, derived from its append-only events (pure: no database, no clock)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.billing import Interval
from app.enums import EventKind


class RemoteState(StrEnum):
    NONE = "none"  # never requested, or stopped: a new request is needed
    REQUESTED = "requested"  # waiting for the client's answer
    ACCEPTED = "accepted"  # accepted, not started yet
    ACTIVE = "active"  # remote control running
    DECLINED = "declined"  # the client said no


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
