"""session_rules for corrections, notes, sessions by hand and the outcome to offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.billing.session_rules import (
    SessionState,
    correction_refusal,
    manual_session_refusal,
    note_refusal,
    suggested_outcome,
)
from app.kernel.enums import Channel, Modality, Outcome
from app.kernel.enums import EventKind as K
from app.kernel.timeline import Entry, derive_status

T0 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=10)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


ENDED = [
    Entry(K.STARTED, at(0)),
    Entry(K.PAUSED, at(30)),
    Entry(K.RESUMED, at(40)),
    Entry(K.ENDED, at(120)),
]
RUNNING = ENDED[:3]

#: (events, correction, a piece of the refusal; "" allowed)
CASES = [
    (ENDED, Entry(K.START_CORRECTED, NOW, span_start=at(-30)), ""),
    (ENDED, Entry(K.START_CORRECTED, NOW, span_start=at(120)), "anterior al fin"),
    (ENDED, Entry(K.START_CORRECTED, NOW, span_start=NOW + timedelta(seconds=1)), "futuro"),
    (ENDED, Entry(K.START_CORRECTED, NOW, span_start=at(-60 * 24 * 32)), "31 días"),
    (ENDED, Entry(K.END_CORRECTED, NOW, span_end=at(60)), ""),
    (ENDED, Entry(K.END_CORRECTED, NOW, span_end=at(0)), "posterior al inicio"),
    (ENDED, Entry(K.END_CORRECTED, NOW, span_end=NOW + timedelta(minutes=1)), "futuro"),
    (RUNNING, Entry(K.END_CORRECTED, NOW, span_end=at(60)), "sigue en curso"),
    (RUNNING, Entry(K.START_CORRECTED, NOW, span_start=at(-5)), ""),
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(50), at(60)), ""),
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(40), at(50)), ""),  # touching is not overlapping
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(35), at(50)), "se encima"),
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(100), at(130)), "dentro de la sesión"),
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(-10), at(5)), "dentro de la sesión"),
    (ENDED, Entry(K.PAUSE_ADDED, NOW, at(60), at(60)), "posterior a su inicio"),
    (RUNNING, Entry(K.PAUSE_ADDED, NOW, at(100), NOW + timedelta(minutes=1)), "futuro"),
    (ENDED, Entry(K.DISCONNECTION_ADDED, NOW, at(50), at(60)), ""),
    (ENDED, Entry(K.NOTE, NOW), "no es una corrección"),
]


@pytest.mark.parametrize(("events", "correction", "message"), CASES)
def test_correction_refusal(events: list[Entry], correction: Entry, message: str) -> None:
    problem = correction_refusal(Modality.REMOTE, events, correction, NOW)
    if message:
        assert problem is not None and message in problem
    else:
        assert problem is None


def test_a_disconnection_is_added_only_to_a_remote_session() -> None:
    added = Entry(K.DISCONNECTION_ADDED, NOW, at(50), at(60))
    problem = correction_refusal(Modality.OFFICE, ENDED, added, NOW)
    assert problem is not None and "pausa" in problem


def test_an_added_pause_may_not_overlap_the_pause_still_open() -> None:
    paused = [Entry(K.STARTED, at(0)), Entry(K.PAUSED, at(100))]
    added = Entry(K.PAUSE_ADDED, NOW, at(90), at(110))
    problem = correction_refusal(Modality.OFFICE, paused, added, at(200))
    assert problem is not None and "se encima" in problem


def test_corrections_move_an_added_gap_out_of_the_span_only_with_a_refusal() -> None:
    events = [*ENDED, Entry(K.PAUSE_ADDED, NOW, at(100), at(110))]
    assert "quedaría fuera" in (
        correction_refusal(Modality.OFFICE, events, Entry(K.END_CORRECTED, NOW, None, at(105)),
                           NOW) or ""
    )  # fmt: skip
    assert "quedaría fuera" in (
        correction_refusal(Modality.OFFICE, events,
                           Entry(K.START_CORRECTED, NOW, at(101), None), NOW) or ""
    )  # fmt: skip


def test_manual_session_refusal() -> None:
    span = (at(0), at(60))
    assert manual_session_refusal(Modality.REMOTE, Channel.CHAT, span, NOW) is None
    assert "canal" in (manual_session_refusal(Modality.REMOTE, None, span, NOW) or "")
    assert "solo aplica" in (manual_session_refusal(Modality.OFFICE, Channel.CHAT, span, NOW) or "")
    assert "posterior" in (manual_session_refusal(Modality.OFFICE, None, (at(5), at(5)), NOW) or "")
    assert "futuro" in (manual_session_refusal(Modality.OFFICE, None, (at(0), NOW + timedelta(1)),
                                               NOW) or "")  # fmt: skip


def test_notes_while_running_only() -> None:
    running = SessionState(Modality.OFFICE, None, None, False, derive_status(RUNNING))
    ended = SessionState(Modality.OFFICE, None, None, True, derive_status(ENDED))
    assert note_refusal(running) is None
    assert note_refusal(ended) == "La sesión ya terminó."


def test_the_outcome_offered_follows_the_last_answer() -> None:
    declined = [Entry(K.STARTED, at(0)), Entry(K.REMOTE_REQUESTED, at(1)),
                Entry(K.REMOTE_DECLINED, at(2))]  # fmt: skip
    assert suggested_outcome(derive_status(declined)) is Outcome.DECLINED_REMOTE
    after = [*declined, Entry(K.INSTRUCTIONS_STARTED, at(3)), Entry(K.DISCONNECTED, at(4)),
             Entry(K.RECONNECTED, at(5)), Entry(K.INSTRUCTIONS_ENDED, at(9))]  # fmt: skip
    assert suggested_outcome(derive_status(after)) is Outcome.DECLINED_REMOTE
    accepted = [*after, Entry(K.REMOTE_REQUESTED, at(10)), Entry(K.REMOTE_ACCEPTED, at(11))]
    assert suggested_outcome(derive_status(accepted)) is None
    assert suggested_outcome(derive_status(ENDED)) is None
