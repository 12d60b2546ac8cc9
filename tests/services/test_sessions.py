"""Session workflow rules (RULES §2, §7–§9): every refusal is a DomainError changing nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.billing.session_rules import Checklist
from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteTool,
)
from app.kernel.errors import DomainError
from tests.services.conftest import REMOTE_DESKTOP_OK, Shop, start_remote_desktop


def kinds(shop: Shop, session_id: int) -> list[EventKind]:
    return [e.kind for e in shop.services.sessions.session(session_id).events]


def test_start_office_session_opens_a_case(shop: Shop) -> None:
    view = shop.services.sessions.start(
        shop.ana, shop.lucia, Modality.OFFICE, summary="No enciende"
    )
    assert view.running and view.case.state is CaseState.OPEN
    assert view.case.number == 1 and view.case.summary == "No enciende"
    assert view.payment_arrangement is PaymentArrangement.AT_END
    assert view.started_at == shop.clock()
    assert [e.kind for e in view.events] == [EventKind.STARTED]
    assert view.city == "Xalapa-Enríquez"  # the client's city by default
    assert shop.services.sessions.running_session(shop.ana) == view


def test_case_numbers_are_consecutive(shop: Shop) -> None:
    first = shop.services.sessions.start(shop.ana, shop.lucia, Modality.OFFICE)
    second = shop.services.sessions.start(shop.beto, shop.ramon, Modality.OFFICE)
    assert (first.case.number, second.case.number) == (1, 2)


def test_one_running_session_per_advisor(shop: Shop) -> None:
    shop.services.sessions.start(shop.ana, shop.lucia, Modality.OFFICE)
    with pytest.raises(DomainError, match="ya tiene una sesión en curso"):
        shop.services.sessions.start(shop.ana, shop.ramon, Modality.OFFICE)
    assert len(shop.services.sessions.cases()) == 1  # no case left behind
    shop.services.sessions.start(shop.beto, shop.ramon, Modality.OFFICE)  # another advisor may


@pytest.mark.parametrize(
    ("channel", "checklist", "message"),
    [
        (None, REMOTE_DESKTOP_OK, "Indique el canal"),
        (Channel.PHONE, None, "lista de requisitos"),
        (Channel.PHONE, Checklist(PaymentArrangement.AT_END, internet=True), "pago cubierto"),
        (Channel.CHAT, Checklist(PaymentArrangement.LATER, internet=False), "internet"),
        (
            Channel.REMOTE_DESKTOP,
            Checklist(PaymentArrangement.PREPAID, internet=True, remote_tool=RemoteTool.ICLOUD),
            "macOS",
        ),
        (
            Channel.REMOTE_DESKTOP,
            Checklist(PaymentArrangement.PREPAID, internet=True, macos=True),
            "iCloud o TeamViewer",
        ),
    ],
)
def test_remote_session_requires_the_checklist(
    shop: Shop, channel: Channel | None, checklist: Checklist | None, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        shop.services.sessions.start(
            shop.ana, shop.lucia, Modality.REMOTE, channel=channel, checklist=checklist
        )
    assert shop.services.sessions.running_session(shop.ana) is None
    assert shop.services.sessions.cases() == []


def test_phone_session_about_an_iphone_needs_no_macos(shop: Shop) -> None:
    view = shop.services.sessions.start(
        shop.ana,
        shop.lucia,
        Modality.REMOTE,
        channel=Channel.PHONE,
        checklist=Checklist(PaymentArrangement.LATER, internet=True),
    )
    assert view.channel is Channel.PHONE and view.payment_arrangement is PaymentArrangement.LATER


def test_channel_only_for_remote(shop: Shop) -> None:
    with pytest.raises(DomainError, match="canal solo aplica"):
        shop.services.sessions.start(shop.ana, shop.lucia, Modality.OFFICE, channel=Channel.CHAT)


def test_device_must_belong_to_the_client(shop: Shop) -> None:
    with pytest.raises(DomainError, match="no pertenece"):
        shop.services.sessions.start(
            shop.ana, shop.ramon, Modality.OFFICE, device_id=shop.lucia_mac
        )


def test_pause_and_resume_are_gaps(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    clock.advance(minutes=20)
    s.pause(sid)
    with pytest.raises(DomainError, match="ya está en pausa"):
        s.pause(sid)
    clock.advance(minutes=30)
    assert s.session(sid).worked(clock()) == timedelta(minutes=20)
    s.resume(sid)
    with pytest.raises(DomainError, match="no está en pausa"):
        s.resume(sid)
    clock.advance(minutes=15)
    view = s.session(sid)
    assert view.worked(clock()) == timedelta(minutes=35)
    assert kinds(shop, sid) == [EventKind.STARTED, EventKind.PAUSED, EventKind.RESUMED]


def test_disconnect_only_remote_and_reconnect(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    office = s.start(shop.beto, shop.ramon, Modality.OFFICE).id
    with pytest.raises(DomainError, match="Solo una sesión a distancia"):
        s.disconnect(office)
    sid = start_remote_desktop(shop)
    with pytest.raises(DomainError, match="no está desconectada"):
        s.reconnect(sid)
    clock.advance(minutes=10)
    s.disconnect(sid)
    with pytest.raises(DomainError, match="desconectada"):
        s.pause(sid)
    clock.advance(minutes=5)
    s.reconnect(sid)
    clock.advance(minutes=10)
    assert s.session(sid).worked(clock()) == timedelta(minutes=20)
    assert s.session(sid).status.disconnections == 1


def test_end_moves_the_case(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    expected = {
        Outcome.RESOLVED: CaseState.RESOLVED,
        Outcome.FOLLOW_UP: CaseState.PENDING,
        Outcome.INTERRUPTED: CaseState.PENDING,
        Outcome.UNSOLVABLE: CaseState.CLOSED,
        Outcome.ESCALATED: CaseState.ESCALATED,
    }
    for outcome, state in expected.items():
        sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
        clock.advance(minutes=40)
        view = s.end(sid, outcome)
        assert view.outcome is outcome and view.ended_at == clock()
        assert view.case.state is state
        if state is CaseState.PENDING:
            assert view.case.pending_since == clock()
            assert view.case.follow_up_deadline == clock() + timedelta(days=7)
        else:
            assert view.case.pending_since is None
        clock.advance(minutes=5)


def test_ending_twice_is_refused(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=10)
    ended = s.end(sid, Outcome.RESOLVED)
    shop.clock.advance(minutes=10)
    with pytest.raises(DomainError, match="ya terminó"):
        s.end(sid, Outcome.FOLLOW_UP)
    for action in (s.pause, s.resume, s.request_remote, s.start_instructions):
        with pytest.raises(DomainError, match="ya terminó"):
            action(sid)
    assert s.session(sid) == ended
    assert s.running_session(shop.ana) is None


def test_end_while_paused_closes_the_gap(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    clock.advance(minutes=50)
    s.pause(sid)
    clock.advance(minutes=30)
    view = s.end(sid, Outcome.RESOLVED)
    assert view.worked(clock()) == timedelta(minutes=50)
    bill = s.final_bill(sid)
    assert bill.worked_minutes == 50 and bill.total == Decimal("348.00")  # 1 h × 300 + IVA


def test_declined_outcome_needs_a_recorded_decline(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    with pytest.raises(DomainError, match="rechazo esté registrado"):
        s.end(sid, Outcome.DECLINED_REMOTE)
    assert s.session(sid).running


def test_another_request_ends_and_opens_a_new_case(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    first = start_remote_desktop(shop)
    clock.advance(minutes=45)
    ended, new = s.another_request(first, Outcome.RESOLVED, summary="Configurar impresora")
    assert ended.ended_at == clock() and ended.case.state is CaseState.RESOLVED
    assert new.running and new.started_at == clock()
    assert new.case.id != ended.case.id and new.case.previous_case_id == ended.case.id
    assert new.client_id == shop.lucia and new.advisor_id == shop.ana
    assert new.channel is Channel.REMOTE_DESKTOP and new.device_id == shop.lucia_mac
    assert new.case.summary == "Configurar impresora"
    assert s.running_session(shop.ana) == new


def test_live_bill_grows_with_time(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    sid = start_remote_desktop(shop)  # Tuesday 10:00 local
    assert s.live_bill(sid).total == Decimal("232.00")  # the first hour is always charged
    clock.advance(minutes=91)
    bill = s.live_bill(sid)
    assert (bill.worked_minutes, bill.billable_hours, bill.total) == (91, 2, Decimal("464.00"))
    with pytest.raises(DomainError, match="sigue en curso"):
        s.final_bill(sid)


def test_unknown_session(shop: Shop) -> None:
    with pytest.raises(DomainError, match="no existe"):
        shop.services.sessions.pause(999)
