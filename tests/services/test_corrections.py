"""Time corrected afterwards, notes during a session and past sessions entered by hand (issue
10): append-only entries with reason, author and recorded-at; the bill, the receipt and the
corte follow the corrected timeline; an issued receipt is never altered. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from app.kernel.enums import CaseState, Channel, EventKind, Modality, Outcome
from app.kernel.errors import DomainError
from app.services.correction_data import ManualSession
from tests.services.conftest import Shop, start_remote_desktop

MX = ZoneInfo("America/Mexico_City")


def local(hour: int, minute: int = 0, day: int = 24) -> datetime:
    """An instant of Tuesday 2026-11-24 (the shop's clock starts there at 10:00)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


def forgotten_timer(shop: Shop) -> int:
    """An office session 10:00–18:00 whose work really ended at 11:00."""
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(hours=8)
    s.end(sid, Outcome.RESOLVED)
    return sid


def test_correcting_the_end_of_a_forgotten_timer_changes_the_bill(shop: Shop) -> None:
    sid = forgotten_timer(shop)
    before = shop.services.sessions.final_bill(sid)
    assert before.billable_hours == 8
    view = shop.services.corrections.correct_end(
        sid, local(11, 0), reason="Olvidé detener el cronómetro", author_id=shop.beto
    )
    assert view.ended_at == local(11, 0) and view.status.corrections == 1
    bill = shop.services.sessions.final_bill(sid)
    assert (bill.worked_minutes, bill.billable_hours) == (60, 1)
    assert bill.base == Decimal("300.00")  # office, business hours
    last = view.events[-1]
    assert last.kind is EventKind.END_CORRECTED and last.kind.label == "Corrección: fin"
    assert (last.note, last.author, last.span_end) == (
        "Olvidé detener el cronómetro",
        "Alberto Hernández",
        local(11, 0),
    )
    assert last.at == shop.clock()  # recorded now, from the injected clock
    # nothing stored was rewritten: the original end is still in the log
    ended = [e for e in view.events if e.kind is EventKind.ENDED]
    assert ended[0].at == local(18, 0)
    assert view.case.closed_at == local(11, 0)


def test_correcting_the_start_of_a_running_session(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=30)
    view = shop.services.corrections.correct_start(
        sid, local(9, 15), reason="El cliente llegó antes", author_id=shop.ana
    )
    assert view.running and view.started_at == local(9, 15)
    assert view.worked(shop.clock()) == timedelta(minutes=75)
    assert s.live_bill(sid).worked_minutes == 75


def test_an_added_pause_is_not_billed_and_stays_after_a_restart(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=100)
    s.end(sid, Outcome.RESOLVED)
    assert s.final_bill(sid).billable_hours == 2  # 1 h 40 min
    shop.services.corrections.add_pause(
        sid, local(10, 30), local(11, 0), reason="Comida del cliente", author_id=shop.ana
    )
    fresh = s.session(sid)  # read again from the database
    assert fresh.status.gaps[0].start == local(10, 30)
    bill = s.final_bill(sid)
    assert (bill.worked_minutes, bill.billable_hours) == (70, 1)


def test_an_added_disconnection_reaches_the_receipt_and_the_corte(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    shop.clock.advance(minutes=95)
    s.end(sid, Outcome.RESOLVED)
    shop.services.corrections.add_disconnection(
        sid, local(10, 20), local(10, 40), reason="Se cayó el internet", author_id=shop.ana
    )
    assert s.final_bill(sid).worked_minutes == 75
    summary = shop.services.documents.day_summary(date(2026, 11, 24))
    assert summary.sessions[0].worked_minutes == 75
    assert [(c.start, c.end) for c in summary.disconnections] == [(local(10, 20), local(10, 40))]
    receipt = shop.services.receipts.issue_for_session(sid, advisor_id=shop.ana)
    assert receipt.worked_minutes == 75
    document = shop.services.documents.receipt(receipt.id)
    assert [(d.start, d.end) for d in document.disconnections] == [(local(10, 20), local(10, 40))]


def test_a_corrected_start_moves_the_session_to_its_real_day(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=10)
    s.end(sid, Outcome.RESOLVED)
    shop.services.corrections.correct_start(
        sid, local(23, 50, day=23), reason="Empezó anoche", author_id=shop.ana
    )
    monday = shop.services.documents.day_summary(date(2026, 11, 23))
    tuesday = shop.services.documents.day_summary(date(2026, 11, 24))
    assert [x.start for x in monday.sessions] == [local(23, 50, day=23)]
    assert tuesday.sessions == ()
    assert s.session(sid).case.opened_at == local(23, 50, day=23)  # its policy month too


NAIVE = datetime(2026, 11, 24, 12)
#: (method, instants, reason, a piece of the refusal)
BROKEN = [
    ("correct_end", (local(9, 0),), "x", "posterior"),
    ("correct_start", (local(19, 0),), "x", "anterior"),
    ("correct_start", (local(20, 0),), "x", "futuro"),
    ("correct_start", (local(9, 0) - timedelta(days=40),), "x", "31 días"),
    ("add_pause", (local(8, 0), local(9, 0)), "x", "dentro de la sesión"),
    ("add_pause", (local(11, 0), local(10, 0)), "x", "posterior a su inicio"),
    ("add_pause", (local(10, 45), local(11, 30)), "x", "se encima"),
    ("add_disconnection", (local(11, 0), local(11, 5)), "x", "distancia"),
    ("correct_end", (local(12, 0),), "  ", "motivo"),
    ("correct_end", (NAIVE,), "x", "zona horaria"),
]


@pytest.mark.parametrize(("method", "instants", "reason", "message"), BROKEN)
def test_a_correction_that_would_break_the_timeline_is_refused(
    shop: Shop, method: str, instants: tuple[datetime, ...], reason: str, message: str
) -> None:
    """Office session 10:00–18:00 with a recorded pause 10:30–11:00; now is 19:00."""
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=30)
    s.pause(sid)
    shop.clock.advance(minutes=30)
    s.resume(sid)
    shop.clock.advance(hours=7)
    s.end(sid, Outcome.RESOLVED)
    shop.clock.advance(hours=1)
    before = s.session(sid)
    with pytest.raises(DomainError, match=message):
        getattr(shop.services.corrections, method)(
            sid, *instants, reason=reason, author_id=shop.ana
        )
    assert s.session(sid) == before


def test_an_added_gap_must_stay_inside_a_later_corrected_span(shop: Shop) -> None:
    sid = forgotten_timer(shop)
    c = shop.services.corrections
    c.add_pause(sid, local(12, 0), local(13, 0), reason="Comida", author_id=shop.ana)
    with pytest.raises(DomainError, match="quedaría fuera"):
        c.correct_end(sid, local(12, 30), reason="Olvido", author_id=shop.ana)


def test_a_session_with_an_issued_receipt_is_not_corrected_until_it_is_cancelled(
    shop: Shop,
) -> None:
    sid = forgotten_timer(shop)
    receipt = shop.services.receipts.issue_for_session(sid, advisor_id=shop.ana)
    c = shop.services.corrections
    with pytest.raises(DomainError, match=f"recibo {receipt.folio}.*cancélelo primero"):
        c.correct_end(sid, local(11, 0), reason="Olvido", author_id=shop.ana)
    assert shop.services.receipts.receipt(receipt.id).total == receipt.total
    shop.services.receipts.cancel(receipt.id, "Horario equivocado")
    c.correct_end(sid, local(11, 0), reason="Olvido", author_id=shop.ana)
    again = shop.services.receipts.issue_for_session(sid, advisor_id=shop.ana)
    assert again.billable_hours == 1 and again.folio != receipt.folio


def test_notes_are_timestamped_while_the_session_runs(shop: Shop) -> None:
    s, c = shop.services.sessions, shop.services.corrections
    sid = start_remote_desktop(shop)
    shop.clock.advance(minutes=5)
    c.add_note(sid, "El cliente reinstaló macOS ayer", author_id=shop.ana)
    s.pause(sid)
    shop.clock.advance(minutes=2)
    view = c.add_note(sid, "Espera a que llegue su hijo", author_id=shop.ana)
    notes = [e for e in view.events if e.kind is EventKind.NOTE]
    assert [(n.at, n.note, n.author) for n in notes] == [
        (local(10, 5), "El cliente reinstaló macOS ayer", "Ana Martínez"),
        (local(10, 7), "Espera a que llegue su hijo", "Ana Martínez"),
    ]
    assert view.paused  # a note changes nothing else
    s.resume(sid)
    s.end(sid, Outcome.RESOLVED)
    with pytest.raises(DomainError, match="ya terminó"):
        c.add_note(sid, "tarde", author_id=shop.ana)
    with pytest.raises(DomainError, match="Escriba la nota"):
        c.add_note(start_remote_desktop(shop, shop.beto), "   ")


def test_a_past_session_entered_by_hand_is_billed_like_any_other(shop: Shop) -> None:
    c = shop.services.corrections
    view = c.add_manual_session(
        ManualSession(
            advisor_id=shop.ana, client_id=shop.lucia, modality=Modality.REMOTE,
            start=local(16, 0, day=23), end=local(17, 40, day=23), channel=Channel.PHONE,
            device_id=shop.lucia_mac, reason="Llamada atendida sin la app", summary="Correo",
        )
    )  # fmt: skip
    assert not view.running and view.manual and view.outcome is Outcome.RESOLVED
    assert view.case.state is CaseState.RESOLVED and view.case.summary == "Correo"
    assert [e.kind for e in view.events] == [
        EventKind.STARTED,
        EventKind.ENDED,
        EventKind.RECORDED_MANUALLY,
    ]
    record = view.events[-1]
    assert (record.note, record.author, record.at) == (
        "Llamada atendida sin la app",
        "Ana Martínez",
        shop.clock(),
    )
    bill = shop.services.sessions.final_bill(view.id)
    assert (bill.worked_minutes, bill.billable_hours, bill.base) == (100, 2, Decimal("400.00"))
    receipt = shop.services.receipts.issue_for_session(view.id, advisor_id=shop.ana)
    assert receipt.total == Decimal("464.00")
    summary = shop.services.documents.day_summary(date(2026, 11, 23))
    assert [x.worked_minutes for x in summary.sessions] == [100]
    # the advisor may still start a session now: the past one is ended
    assert shop.services.sessions.start(shop.ana, shop.lucia, Modality.OFFICE).running


def test_a_past_session_by_hand_is_refused_when_it_cannot_have_happened(shop: Shop) -> None:
    c = shop.services.corrections
    s = shop.services.sessions
    s.start(shop.ana, shop.lucia, Modality.OFFICE)  # running since 10:00
    shop.clock.advance(hours=2)

    def manual(start: datetime, end: datetime, **extra: object) -> None:
        c.add_manual_session(
            ManualSession(shop.ana, shop.lucia, Modality.OFFICE, start, end, "Olvido",
                          **extra)  # type: ignore[arg-type]
        )  # fmt: skip

    with pytest.raises(DomainError, match="futuro"):
        manual(local(11, 0), local(13, 0))
    with pytest.raises(DomainError, match="posterior a su inicio"):
        manual(local(9, 0), local(8, 0))
    with pytest.raises(DomainError, match="ya tenía una sesión"):
        manual(local(9, 30), local(10, 30))  # overlaps the running one
    with pytest.raises(DomainError, match="canal"):
        manual(local(8, 0), local(9, 0), channel=Channel.PHONE)
    with pytest.raises(DomainError, match="rechazo"):
        manual(local(8, 0), local(9, 0), outcome=Outcome.DECLINED_REMOTE)
    assert len(s.cases()) == 1


def test_declined_remote_is_still_offered_after_chat_instructions(shop: Shop) -> None:
    """The client declines; the advisor continues with chat instructions (and a disconnection
    happens): when the session ends, "declined" is still the outcome to offer."""
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    s.request_remote(sid)
    view = s.decline_remote(sid)
    assert view.suggested_outcome is Outcome.DECLINED_REMOTE
    s.start_instructions(sid)
    shop.clock.advance(minutes=5)
    s.disconnect(sid)
    s.reconnect(sid)
    s.end_instructions(sid)
    assert s.session(sid).suggested_outcome is Outcome.DECLINED_REMOTE
    ended = s.end(sid, Outcome.DECLINED_REMOTE)
    assert ended.case.state is CaseState.CLOSED
    other = start_remote_desktop(shop, shop.beto)
    s.request_remote(other)
    s.decline_remote(other)
    s.request_remote(other)
    assert s.accept_remote(other, backup_notice_acknowledged=True).suggested_outcome is None


def test_corrections_are_append_only_in_the_database(shop: Shop) -> None:
    sid = forgotten_timer(shop)
    shop.services.corrections.correct_end(sid, local(11, 0), reason="Olvido", author_id=shop.ana)
    engine = shop.services.db.engine
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE session_events SET span_end = span_start WHERE seq = 3"))
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM session_events WHERE kind = 'end_corrected'"))
    assert shop.services.sessions.session(sid).ended_at == local(11, 0)
