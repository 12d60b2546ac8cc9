"""effective_timeline: the one function that applies corrections to a session's events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.kernel.enums import EventKind as K
from app.kernel.timeline import (
    Entry,
    Interval,
    consent_records,
    derive_status,
    disconnections,
    effective_span,
    effective_timeline,
)

T0 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_without_corrections_the_events_come_back_as_they_are() -> None:
    events = [(K.STARTED, at(0)), (K.PAUSED, at(5)), (K.RESUMED, at(9)), (K.ENDED, at(60))]
    assert effective_timeline(events) == [Entry(k, t) for k, t in events]
    notes = [*events[:2], Entry(K.NOTE, at(6)), *events[2:]]
    assert derive_status(notes) == derive_status(events)


def test_the_last_correction_of_the_start_and_of_the_end_wins() -> None:
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.ENDED, at(480)),
        Entry(K.END_CORRECTED, at(500), span_end=at(90)),
        Entry(K.START_CORRECTED, at(501), span_start=at(-15)),
        Entry(K.END_CORRECTED, at(502), span_end=at(60)),
    ]
    assert effective_span(events) == (at(-15), at(60))
    timeline = effective_timeline(events)
    assert timeline == [Entry(K.STARTED, at(-15)), Entry(K.ENDED, at(60))]
    status = derive_status(events)
    assert status.ended and status.corrections == 3
    assert status.worked(at(-15), at(60)) == timedelta(minutes=75)


def test_what_happened_after_the_corrected_end_no_longer_counts() -> None:
    """A forgotten timer: a pause at 15:00 resumed hours later, then the end; corrected to
    an end at the pause, the recorded events move to the edge and add no gap."""
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.PAUSED, at(60)),
        Entry(K.RESUMED, at(300)),
        Entry(K.DISCONNECTED, at(310)),
        Entry(K.ENDED, at(400)),
        Entry(K.END_CORRECTED, at(401), span_end=at(60)),
    ]
    status = derive_status(events)
    assert status.gaps == ()
    assert status.worked(at(0), at(60)) == timedelta(minutes=60)
    assert [d.start for d in disconnections(events)] == [at(60)]


def test_added_gaps_are_gaps_and_ties_keep_recorded_gaps_apart() -> None:
    """An added pause 10–20 touching a recorded pause 20–30 and a recorded one 0..10."""
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.PAUSED, at(0)),
        Entry(K.RESUMED, at(10)),
        Entry(K.PAUSED, at(20)),
        Entry(K.RESUMED, at(30)),
        Entry(K.ENDED, at(60)),
        Entry(K.PAUSE_ADDED, at(61), at(10), at(20)),
        Entry(K.DISCONNECTION_ADDED, at(62), at(40), at(45)),
    ]
    status = derive_status(events)
    assert status.gaps == (
        Interval(at(0), at(10)),
        Interval(at(10), at(20)),
        Interval(at(20), at(30)),
        Interval(at(40), at(45)),
    )
    assert status.worked(at(0), at(60)) == timedelta(minutes=25)
    assert status.disconnections == 1 and not status.paused and not status.disconnected
    assert [(d.start, d.end) for d in disconnections(events)] == [(at(40), at(45))]


def test_an_added_pause_in_a_running_session_leaves_it_running() -> None:
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.PAUSED, at(50)),
        Entry(K.PAUSE_ADDED, at(55), at(10), at(20)),
    ]
    status = derive_status(events)
    assert status.paused and not status.ended
    assert status.gaps == (Interval(at(10), at(20)),)
    assert status.worked(at(0), at(60)) == timedelta(minutes=40)  # 0–50 less 10–20


def test_consent_records_read_the_corrected_timeline() -> None:
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.REMOTE_REQUESTED, at(5)),
        Entry(K.REMOTE_DECLINED, at(6)),
        Entry(K.ENDED, at(30)),
        Entry(K.START_CORRECTED, at(31), span_start=at(10)),
    ]
    (record,) = consent_records(events)
    assert (record.requested_at, record.answered_at, record.accepted) == (at(10), at(10), False)
    assert derive_status(events).last_answer_declined


def test_a_manual_record_marks_the_session() -> None:
    events = [
        Entry(K.STARTED, at(0)),
        Entry(K.ENDED, at(45)),
        Entry(K.RECORDED_MANUALLY, at(900), at(0), at(45)),
    ]
    status = derive_status(events)
    assert status.manual and status.corrections == 0
    assert status.worked(at(0), at(45)) == timedelta(minutes=45)
