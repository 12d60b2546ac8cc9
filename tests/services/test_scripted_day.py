"""The issue's scripted day, end to end through the services (SQLite and PostgreSQL):
sessions of each modality, a declined consent, a disconnection leaving a case pending and its
free follow-up, an expired case. (Two processes issuing at once and a process killed
mid-session are in tests/persistence.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.billing.session_rules import Checklist
from app.kernel.enums import (
    CaseState,
    Channel,
    Modality,
    Outcome,
    PaymentArrangement,
    ReceiptStatus,
)
from app.kernel.errors import DomainError
from tests.services.conftest import REMOTE_DESKTOP_OK, Shop

MX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


def test_scripted_day(shop: Shop) -> None:
    sv, clock = shop.services, shop.clock
    s, r = sv.sessions, sv.receipts
    phone_ok = Checklist(PaymentArrangement.LATER, internet=True)
    totals: dict[str, Decimal] = {}

    # Tue 24, 10:00–11:31 remote desktop with consent; the client stops remote control.
    clock.set(local(24, 10))
    desk = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    # Beto takes an office session at the same time.
    office = s.start(shop.beto, shop.ramon, Modality.OFFICE).id
    clock.set(local(24, 10, 5))
    s.request_remote(desk)
    s.accept_remote(desk, backup_notice_acknowledged=True)
    s.start_remote(desk)
    clock.set(local(24, 10, 40))
    s.stop_remote(desk, by_client=True)
    clock.set(local(24, 10, 50))
    s.end(office, Outcome.RESOLVED)
    totals[r.issue_for_session(office).folio] = Decimal("348.00")  # 1 h × 300 + IVA
    clock.set(local(24, 11, 31))
    s.end(desk, Outcome.RESOLVED)
    totals[r.issue_for_session(desk).folio] = Decimal("464.00")  # 2 h × 200 + IVA

    # 12:00 a declined consent: chat instructions, case closed, session billed.
    clock.set(local(24, 12))
    declined = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    clock.set(local(24, 12, 3))
    s.request_remote(declined)
    s.decline_remote(declined)
    s.start_instructions(declined)
    clock.set(local(24, 12, 15))
    s.end_instructions(declined)
    view = s.end(declined, Outcome.DECLINED_REMOTE)
    assert view.case.state is CaseState.CLOSED
    totals[r.issue_for_session(declined).folio] = Decimal("232.00")

    # 12:00 Beto: office case left pending, never followed up → expires.
    lost = s.start(shop.beto, shop.lucia, Modality.OFFICE).id
    clock.set(local(24, 12, 40))
    lost_case = s.end(lost, Outcome.FOLLOW_UP).case.id
    totals[r.issue_for_session(lost).folio] = Decimal("348.00")

    # 16:00 chat session, disconnected at 16:30, ends interrupted → pending.
    clock.set(local(24, 16))
    chat = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, channel=Channel.CHAT, checklist=phone_ok
    ).id
    clock.set(local(24, 16, 30))
    s.disconnect(chat)
    clock.set(local(24, 16, 40))
    pending = s.end(chat, Outcome.INTERRUPTED)
    assert pending.case.state is CaseState.PENDING
    totals[r.issue_for_session(chat).folio] = Decimal("232.00")  # 30 worked min → 1 h

    # 17:00 onsite in Coatepec: list rate + 20 %.
    clock.set(local(24, 17))
    onsite = s.start(shop.beto, shop.lucia, Modality.ONSITE, city="Coatepec").id
    clock.set(local(24, 18, 10))
    s.end(onsite, Outcome.RESOLVED)
    totals[r.issue_for_session(onsite).folio] = Decimal("417.60")

    # Wed 25 10:00: free follow-up of the pending chat case, same advisor.
    clock.set(local(25, 10))
    follow = s.follow_up(pending.case.id)
    assert follow.advisor_id == shop.ana
    clock.set(local(25, 10, 30))
    assert s.end(follow.id, Outcome.RESOLVED).case.state is CaseState.RESOLVED
    totals[r.issue_for_session(follow.id).folio] = Decimal("0.00")

    # Sat 28 10:00–10:45 phone: outside hours.
    clock.set(local(28, 10))
    sat = s.start(
        shop.beto, shop.ramon, Modality.REMOTE, channel=Channel.PHONE, checklist=phone_ok
    ).id
    clock.set(local(28, 10, 45))
    s.end(sat, Outcome.RESOLVED)
    totals[r.issue_for_session(sat).folio] = Decimal("348.00")

    # Seven days and a second after it became pending, the forgotten case expires.
    clock.set(local(24, 12, 40) + timedelta(days=7, seconds=1))
    assert [c.id for c in s.expire_pending()] == [lost_case]
    with pytest.raises(DomainError, match="venció"):
        s.follow_up(lost_case)

    receipts = r.receipts()
    assert [x.folio for x in receipts] == [f"A-{n:06d}" for n in range(1, 9)]
    assert {x.folio: x.total for x in receipts} == totals
    assert all(x.status is ReceiptStatus.ISSUED for x in receipts)
    states = {c.id: c.state for c in s.cases()}
    assert sorted(states.values()) == sorted(
        [
            CaseState.RESOLVED,  # office
            CaseState.RESOLVED,  # desk
            CaseState.CLOSED,  # declined
            CaseState.EXPIRED,  # lost
            CaseState.RESOLVED,  # chat + follow-up
            CaseState.RESOLVED,  # onsite
            CaseState.RESOLVED,  # saturday
        ]
    )
    assert s.running_sessions() == []
