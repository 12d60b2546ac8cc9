"""A scripted fortnight for the period report's tests (services, CLI, window): two advisors,
a policy client, receipts issued, cancelled and re-issued, payments, a pending case and its
free follow-up, an escalation, a declined consent, a session still to quote, a disconnection
outside hours and a session still running at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing.session_rules import Checklist
from app.kernel.enums import Channel, Modality, Outcome, PaymentArrangement
from app.services.data import PolicyData
from tests.services.conftest import REMOTE_DESKTOP_OK, Shop

MX = ZoneInfo("America/Mexico_City")
WEEK = (date(2026, 11, 23), date(2026, 11, 29))
PREVIOUS = (date(2026, 11, 16), date(2026, 11, 22))
PHONE_OK = Checklist(PaymentArrangement.LATER, internet=True)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


@dataclass(frozen=True)
class Script:
    cancelled_folio: str
    running_session: int
    escalated_call: int  # remote, ended without a receipt


def play(shop: Shop) -> Script:
    sv, clock = shop.services, shop.clock
    s, r = sv.sessions, sv.receipts
    clock.set(local(2, 9))
    sv.policies.create(shop.lucia, PolicyData(2, 1, Decimal("0.10")))

    # previous week: Tue 17, one remote hour for Lucía (covered by her policy)
    clock.set(local(17, 10))
    first = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    clock.set(local(17, 11, 40))
    s.end(first, Outcome.RESOLVED)
    r.issue_for_session(first)
    # Thu 19, Ramón at the office
    clock.set(local(19, 17))
    office0 = s.start(shop.beto, shop.ramon, Modality.OFFICE).id
    clock.set(local(19, 18))
    s.end(office0, Outcome.RESOLVED)
    paid0 = r.issue_for_session(office0)
    r.record_payment(paid0.id, paid0.total)

    # Mon 23: remote desktop with consent (paid), and Ramón at the office
    clock.set(local(23, 10))
    desk = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    office = s.start(shop.beto, shop.ramon, Modality.OFFICE).id
    clock.set(local(23, 10, 5))
    s.request_remote(desk)
    s.accept_remote(desk, backup_notice_acknowledged=True)
    s.start_remote(desk)
    clock.set(local(23, 10, 50))
    s.end(office, Outcome.RESOLVED)
    wrong = r.issue_for_session(office)
    clock.set(local(23, 11, 31))
    s.end(desk, Outcome.RESOLVED)
    paid = r.issue_for_session(desk)
    r.record_payment(paid.id, paid.total)

    # Tue 24: a declined consent; Ramón's office case left pending (half paid on Thu)
    clock.set(local(24, 12))
    declined = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    clock.set(local(24, 12, 3))
    s.request_remote(declined)
    s.decline_remote(declined)
    clock.set(local(24, 12, 15))
    s.end(declined, Outcome.DECLINED_REMOTE)
    r.issue_for_session(declined)
    pending = s.start(shop.beto, shop.ramon, Modality.OFFICE).id
    clock.set(local(24, 13, 40))
    case = s.end(pending, Outcome.FOLLOW_UP).case.id
    half = r.issue_for_session(pending)

    # Wed 25: the office receipt of Monday is cancelled and issued again; the free follow-up;
    # an escalated phone call left without receipt (its bill counts)
    clock.set(local(25, 9, 30))
    r.cancel(wrong.id, "Cliente equivocado en el recibo")
    r.issue_for_session(office)
    clock.set(local(25, 10))
    follow = s.follow_up(case).id
    clock.set(local(25, 10, 30))
    s.end(follow, Outcome.RESOLVED)
    r.issue_for_session(follow)
    clock.set(local(25, 16))
    call = s.start(
        shop.ana, shop.ramon, Modality.REMOTE, channel=Channel.PHONE, checklist=PHONE_OK
    ).id
    clock.set(local(25, 16, 20))
    s.end(call, Outcome.ESCALATED)

    # Thu 26: onsite in Veracruz, no quote yet (no amount); half of Tuesday's receipt paid
    clock.set(local(26, 11))
    r.record_payment(half.id, Decimal("100.00"))
    onsite = s.start(shop.beto, shop.ramon, Modality.ONSITE, city="Veracruz").id
    clock.set(local(26, 12, 10))
    s.end(onsite, Outcome.RESOLVED)

    # Sat 28: phone call outside hours with a disconnection
    clock.set(local(28, 10))
    sat = s.start(
        shop.beto, shop.ramon, Modality.REMOTE, channel=Channel.PHONE, checklist=PHONE_OK
    ).id
    clock.set(local(28, 10, 20))
    s.disconnect(sat)
    clock.set(local(28, 10, 30))
    s.reconnect(sat)
    clock.set(local(28, 11, 45))
    s.end(sat, Outcome.RESOLVED)
    r.issue_for_session(sat)

    # Sun 29: Ana is still working at 10:40
    clock.set(local(29, 10))
    running = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, channel=Channel.CHAT, checklist=PHONE_OK
    ).id
    clock.set(local(29, 10, 40))
    return Script(wrong.folio, running, call)
