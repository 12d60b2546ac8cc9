"""Remote control and consent (RULES §8): append-only, a fresh acceptance after every stop."""

from __future__ import annotations

import pytest

from app.billing.session_rules import Checklist
from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteState,
    RemoteTool,
)
from app.kernel.errors import DomainError
from tests.services.conftest import Shop, start_remote_desktop


def test_consent_flow(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    with pytest.raises(DomainError, match="nueva autorización"):
        s.start_remote(sid)
    assert s.request_remote(sid).remote_state is RemoteState.REQUESTED
    with pytest.raises(DomainError, match="sin respuesta"):
        s.request_remote(sid)
    with pytest.raises(DomainError, match="aviso"):
        s.accept_remote(sid, backup_notice_acknowledged=False)
    assert s.session(sid).remote_state is RemoteState.REQUESTED  # nothing changed
    view = s.accept_remote(sid, backup_notice_acknowledged=True)
    assert view.remote_state is RemoteState.ACCEPTED
    assert view.events[-1].kind is EventKind.REMOTE_ACCEPTED
    assert view.events[-1].backup_notice_acknowledged is True
    assert s.start_remote(sid).remote_state is RemoteState.ACTIVE
    view = s.stop_remote(sid, by_client=True)
    assert view.events[-1].kind is EventKind.REMOTE_STOPPED_BY_CLIENT
    with pytest.raises(DomainError, match="nueva autorización"):
        s.start_remote(sid)  # stopped: may not resume without a new acceptance
    s.request_remote(sid)
    s.accept_remote(sid, backup_notice_acknowledged=True)
    s.start_remote(sid)
    s.stop_remote(sid, by_client=False)
    assert s.session(sid).status.consents_accepted == 2


def test_disconnection_stops_remote_control(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    s.request_remote(sid)
    s.accept_remote(sid, backup_notice_acknowledged=True)
    s.start_remote(sid)
    shop.clock.advance(minutes=5)
    s.disconnect(sid)
    shop.clock.advance(minutes=2)
    s.reconnect(sid)
    assert s.session(sid).remote_state is RemoteState.NONE
    with pytest.raises(DomainError, match="nueva autorización"):
        s.start_remote(sid)


def test_answers_need_a_pending_request(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    with pytest.raises(DomainError, match="pendiente de respuesta"):
        s.accept_remote(sid, backup_notice_acknowledged=True)
    with pytest.raises(DomainError, match="pendiente de respuesta"):
        s.decline_remote(sid)
    with pytest.raises(DomainError, match="no está activo"):
        s.stop_remote(sid, by_client=True)
    assert [e.kind for e in s.session(sid).events] == [EventKind.STARTED]


def test_remote_control_needs_a_registered_device_and_remote_modality(shop: Shop) -> None:
    s = shop.services.sessions
    office = s.start(shop.beto, shop.lucia, Modality.OFFICE).id
    with pytest.raises(DomainError, match="solo aplica a sesiones a distancia"):
        s.request_remote(office)
    with pytest.raises(DomainError, match="equipo del cliente"):  # a desktop session needs it
        s.start(
            shop.ana,
            shop.lucia,
            Modality.REMOTE,
            channel=Channel.REMOTE_DESKTOP,
            checklist=Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.TEAMVIEWER),
        )


def test_declined_consent_leads_to_closed_case(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    sid = start_remote_desktop(shop)
    s.request_remote(sid)
    view = s.decline_remote(sid, note="No quiere que se conecten")
    assert view.remote_state is RemoteState.DECLINED
    with pytest.raises(DomainError, match="nueva autorización"):
        s.start_remote(sid)
    s.start_instructions(sid)
    clock.advance(minutes=10)
    s.end_instructions(sid)
    view = s.end(sid, Outcome.DECLINED_REMOTE)
    assert view.case.state is CaseState.CLOSED
    assert view.status.consents_declined == 1
    assert view.instructions_elapsed(clock()) == view.status.instructions[0].duration


def test_ending_stops_active_remote_control(shop: Shop) -> None:
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    s.request_remote(sid)
    s.accept_remote(sid, backup_notice_acknowledged=True)
    s.start_remote(sid)
    shop.clock.advance(minutes=30)
    view = s.end(sid, Outcome.RESOLVED)
    assert [e.kind for e in view.events][-2:] == [
        EventKind.REMOTE_STOPPED_BY_ADVISOR,
        EventKind.ENDED,
    ]


def test_events_are_append_only(shop: Shop) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.models import AppendOnlyError, SessionEvent

    sid = start_remote_desktop(shop)
    with Session(shop.services.db.engine) as db:
        event = db.scalars(select(SessionEvent).where(SessionEvent.session_id == sid)).one()
        event.note = "editado"
        with pytest.raises(AppendOnlyError):
            db.flush()
        db.rollback()
        event = db.scalars(select(SessionEvent).where(SessionEvent.session_id == sid)).one()
        db.delete(event)
        with pytest.raises(AppendOnlyError):
            db.flush()


def test_instructions_cap(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    sid = start_remote_desktop(shop)
    s.start_instructions(sid)
    with pytest.raises(DomainError, match="ya están en curso"):
        s.start_instructions(sid)
    clock.advance(minutes=14, seconds=59)
    assert not s.session(sid).instructions_over_cap(clock())
    clock.advance(seconds=1)
    assert s.session(sid).instructions_over_cap(clock())  # the app warns at 15 min
    s.end_instructions(sid)
    with pytest.raises(DomainError, match="No hay instrucciones"):
        s.end_instructions(sid)
    with pytest.raises(DomainError, match="tope de 15 min"):
        s.start_instructions(sid)
