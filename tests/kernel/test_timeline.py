"""The session state replayed from its events (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.kernel.enums import EventKind as K
from app.kernel.enums import RemoteState
from app.kernel.timeline import Interval, derive_status

T0 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def m(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


GRANTED = [(K.STARTED, 0), (K.REMOTE_REQUESTED, 1), (K.REMOTE_ACCEPTED, 2)]
ACTIVE = [*GRANTED, (K.REMOTE_STARTED, 3)]


@pytest.mark.parametrize(
    ("events", "remote"),
    [
        ([(K.STARTED, 0)], RemoteState.NONE),
        ([(K.STARTED, 0), (K.REMOTE_REQUESTED, 1)], RemoteState.REQUESTED),
        ([(K.STARTED, 0), (K.REMOTE_REQUESTED, 1), (K.REMOTE_DECLINED, 2)], RemoteState.DECLINED),
        (GRANTED, RemoteState.ACCEPTED),
        (ACTIVE, RemoteState.ACTIVE),
        ([*ACTIVE, (K.REMOTE_STOPPED_BY_CLIENT, 4)], RemoteState.NONE),
        ([*ACTIVE, (K.REMOTE_STOPPED_BY_ADVISOR, 4)], RemoteState.NONE),
        ([*ACTIVE, (K.DISCONNECTED, 4), (K.RECONNECTED, 5)], RemoteState.NONE),
        ([*ACTIVE, (K.ENDED, 4)], RemoteState.NONE),
    ],
)
def test_remote_state(events: list[tuple[K, int]], remote: RemoteState) -> None:
    assert derive_status((k, m(t)) for k, t in events).remote is remote


def test_gaps_and_worked_time() -> None:
    status = derive_status(
        [(K.STARTED, m(0)), (K.PAUSED, m(10)), (K.RESUMED, m(25)), (K.DISCONNECTED, m(40))]
    )
    assert status.gaps == (Interval(m(10), m(25)),)
    assert status.open_gap_since == m(40) and status.disconnected and not status.paused
    assert status.worked(m(0), m(60)) == timedelta(minutes=25)  # 60 − 15 − 20
    assert status.all_gaps(m(60))[-1] == Interval(m(40), m(60))
    assert status.disconnections == 1


def test_ending_closes_open_gap_and_instructions() -> None:
    status = derive_status(
        [(K.STARTED, m(0)), (K.INSTRUCTIONS_STARTED, m(5)), (K.PAUSED, m(20)), (K.ENDED, m(30))]
    )
    assert status.ended and status.gaps == (Interval(m(20), m(30)),)
    assert status.instructions == (Interval(m(5), m(30)),)
    assert status.instructions_elapsed(m(99)) == timedelta(minutes=25)


def test_zero_length_gaps_are_dropped() -> None:
    status = derive_status([(K.STARTED, m(0)), (K.PAUSED, m(5)), (K.RESUMED, m(5))])
    assert status.gaps == () and status.worked(m(0), m(10)) == timedelta(minutes=10)


class _E:
    def __init__(self, kind: K, minutes: int) -> None:
        self.kind, self.at = kind, m(minutes)


def test_consent_records_pair_each_request_with_its_answer_and_end() -> None:
    from app.kernel.timeline import ConsentRecord, consent_records

    events = [
        _E(K.STARTED, 0),
        _E(K.REMOTE_REQUESTED, 1),
        _E(K.REMOTE_DECLINED, 2),
        _E(K.REMOTE_REQUESTED, 3),
        _E(K.REMOTE_ACCEPTED, 4),
        _E(K.REMOTE_STARTED, 5),
        _E(K.DISCONNECTED, 9),  # a disconnection stops remote control
        _E(K.RECONNECTED, 10),
        _E(K.REMOTE_REQUESTED, 11),  # never answered
        _E(K.ENDED, 12),
    ]
    assert consent_records(events, "iMac") == (
        ConsentRecord(m(1), False, m(2), None, "iMac"),
        ConsentRecord(m(3), True, m(4), m(9), "iMac"),
        ConsentRecord(m(11), None, None, None, "iMac"),
    )
    assert [r.answer_label for r in consent_records(events)] == [
        "Rechazado", "Aceptado", "Sin respuesta",
    ]  # fmt: skip


def test_disconnections_with_their_reconnection() -> None:
    from app.kernel.timeline import Disconnection, disconnections

    events = [_E(K.STARTED, 0), _E(K.DISCONNECTED, 5), _E(K.RECONNECTED, 8),
              _E(K.DISCONNECTED, 20), _E(K.ENDED, 25)]  # fmt: skip
    found = disconnections(events)
    assert found == (Disconnection(m(5), m(8)), Disconnection(m(20), None))
    assert found[0].duration == timedelta(minutes=3) and found[1].duration is None


def test_naive_instants_are_refused_in_records() -> None:
    from app.kernel.timeline import ConsentRecord

    with pytest.raises(ValueError, match="zona horaria"):
        ConsentRecord(datetime(2026, 11, 24, 10, 0))
