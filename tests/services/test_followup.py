"""Pending cases (RULES §7): free follow-up within the window, same advisor, then expiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.kernel.enums import CaseState, Modality, Outcome
from app.kernel.errors import DomainError
from tests.services.conftest import Shop, start_remote_desktop


def pending_case(shop: Shop) -> tuple[int, int]:
    s, clock = shop.services.sessions, shop.clock
    sid = start_remote_desktop(shop)
    clock.advance(minutes=40)
    s.disconnect(sid)
    clock.advance(minutes=20)
    view = s.end(sid, Outcome.INTERRUPTED)
    assert view.case.state is CaseState.PENDING
    return view.case.id, sid


def test_free_follow_up_within_the_window(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    case_id, first = pending_case(shop)
    assert s.final_bill(first).total == Decimal("232.00")  # the interrupted session is billed
    clock.advance(days=6, hours=23)
    follow = s.follow_up(case_id)
    assert follow.follow_up and follow.advisor_id == shop.ana  # same advisor by default
    assert follow.case.id == case_id and follow.case.state is CaseState.OPEN
    clock.advance(minutes=95)
    view = s.end(follow.id, Outcome.RESOLVED)
    assert view.case.state is CaseState.RESOLVED
    bill = s.final_bill(follow.id)
    assert bill.total == Decimal("0.00") and bill.follow_up
    assert all(line.amount == 0 for line in bill.lines)
    assert "Seguimiento sin costo del caso C-000001" in bill.lines[0].description


def test_follow_up_with_another_advisor(shop: Shop) -> None:
    case_id, _ = pending_case(shop)
    assert shop.services.sessions.follow_up(case_id, shop.beto).advisor_id == shop.beto


def test_follow_up_after_the_window_is_refused(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    case_id, _ = pending_case(shop)
    clock.advance(timedelta(days=7, seconds=1))
    with pytest.raises(DomainError, match="plazo de seguimiento"):
        s.follow_up(case_id)
    assert s.case(case_id).state is CaseState.PENDING
    assert s.running_session(shop.ana) is None


def test_expire_pending(shop: Shop) -> None:
    s, clock = shop.services.sessions, shop.clock
    case_id, _ = pending_case(shop)
    clock.advance(days=7)
    assert s.expire_pending() == []  # exactly at the deadline it is still in time
    clock.advance(seconds=1)
    expired = s.expire_pending()
    assert [c.id for c in expired] == [case_id]
    assert expired[0].state is CaseState.EXPIRED and expired[0].closed_at == clock()
    assert s.expire_pending() == []
    with pytest.raises(DomainError, match="venció"):
        s.follow_up(case_id)


def test_follow_up_needs_a_pending_case(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(shop.ana, shop.lucia, Modality.OFFICE).id
    with pytest.raises(DomainError, match="no está pendiente"):
        s.follow_up(s.session(sid).case.id)
    shop.clock.advance(minutes=30)
    view = s.end(sid, Outcome.RESOLVED)
    with pytest.raises(DomainError, match="no está pendiente"):
        s.follow_up(view.case.id)


def test_follow_up_respects_one_running_session(shop: Shop) -> None:
    s = shop.services.sessions
    case_id, _ = pending_case(shop)
    s.start(shop.ana, shop.ramon, Modality.OFFICE)
    with pytest.raises(DomainError, match="sesión en curso"):
        s.follow_up(case_id)
    assert s.case(case_id).state is CaseState.PENDING  # nothing changed
