"""The drifts that one home per rule removed (issue "One home for each rule"): the window, the
documents and the services read a policy's fee, the actions a session allows and the policy
discount from the same functions, so they cannot disagree."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from app.billing import Tariff
from app.billing.repair import RepairPart
from app.billing.session_rules import Checklist, refusal
from app.kernel.enums import (
    Channel,
    Modality,
    Outcome,
    PaymentArrangement,
    SessionAction,
)
from app.kernel.errors import DomainError
from app.services.data import PolicyData
from tests.services.conftest import Shop, start_remote_desktop

MX = ZoneInfo("America/Mexico_City")
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MX)


# -- 1. one fee -----------------------------------------------------------------------------------
def test_a_policy_fee_is_the_same_in_its_versions_header_review_and_report(shop: Shop) -> None:
    """3 remote events at 15 %: $510.00 at $200/h. After the remote rate goes to $250 the
    version in force costs $637.50 wherever it is shown (it used to list $510.00 in the
    policy's history while the header, the review and its PDF said $637.50)."""
    from app.documents.policy_report import policy_report_bytes

    sv = shop.services
    shop.clock.set(at("2026-08-24 10:00"))
    data = PolicyData(3, 0, D("0.15"))
    policy = sv.policies.create(shop.lucia, data)
    assert policy.current is not None and policy.current.monthly_fee == D("510.00")
    shop.clock.set(at("2026-11-02 09:00"))
    sv.settings.save_tariff(replace(Tariff(), remote_business_rate=D("250.00")))
    shop.clock.set(at("2026-11-24 10:00"))

    view = sv.policies.policy(policy.id)
    assert view.current is not None
    in_force = view.current.monthly_fee
    assert in_force == D("637.50")
    assert [v.monthly_fee for v in view.versions] == [in_force]  # the history
    assert sv.policies.fee(data) == in_force  # the form, prefilled with the version in force
    review = sv.reviews.review(policy.id)
    assert review.current.monthly_fee == in_force  # "Cuota actual"
    text = " ".join(
        page.extract_text()
        for page in PdfReader(
            io.BytesIO(policy_report_bytes(review, business="AppleUse", generated_at=shop.clock()))
        ).pages
    )
    assert "637.50" in text and "510.00" not in text


def test_an_ended_version_keeps_the_fee_of_its_last_day(shop: Shop) -> None:
    sv = shop.services
    shop.clock.set(at("2026-08-24 10:00"))
    policy = sv.policies.create(shop.lucia, PolicyData(3, 0, D("0.15")))
    shop.clock.set(at("2026-09-10 10:00"))
    sv.policies.change(policy.id, PolicyData(1, 0, D("0.15")))
    shop.clock.set(at("2026-10-01 10:00"))
    sv.settings.save_tariff(replace(Tariff(), remote_business_rate=D("250.00")))
    fees = [v.monthly_fee for v in sv.policies.policy(policy.id).versions]
    assert fees == [D("510.00"), D("212.50")]  # v1 ended under $200; v2 is in force under $250


# -- 2. one rule for remote control ---------------------------------------------------------------
@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.CHAT])
def test_remote_control_is_refused_on_a_phone_or_chat_session(shop: Shop, channel: Channel) -> None:
    """The window offered "Solicitar control remoto" only on remote-desktop sessions while the
    service accepted the request on a phone session with a device: one rule decides both."""
    s = shop.services.sessions
    sid = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac, channel=channel,
        checklist=Checklist(PaymentArrangement.PREPAID, True),
    ).id  # fmt: skip
    view = s.session(sid)
    assert SessionAction.REQUEST_REMOTE not in view.allowed(shop.clock())  # the window
    with pytest.raises(DomainError, match="escritorio remoto") as refused:
        s.request_remote(sid)  # the service
    assert str(refused.value) == refusal(
        SessionAction.REQUEST_REMOTE, view.rules_state(shop.clock())
    )
    assert [e.kind.value for e in s.session(sid).events] == ["started"]


def test_what_the_window_disables_the_service_refuses_with_the_same_reason(shop: Shop) -> None:
    """Along a remote-desktop session, every action the window would disable is refused by
    the service with the rule's own message and changes nothing; every step the window
    enables goes through."""
    s = shop.services.sessions
    sid = start_remote_desktop(shop)
    calls = {
        SessionAction.PAUSE: s.pause,
        SessionAction.RESUME: s.resume,
        SessionAction.DISCONNECT: s.disconnect,
        SessionAction.RECONNECT: s.reconnect,
        SessionAction.REQUEST_REMOTE: s.request_remote,
        SessionAction.ANSWER_REMOTE: lambda i: s.accept_remote(i, backup_notice_acknowledged=True),
        SessionAction.START_REMOTE: s.start_remote,
        SessionAction.STOP_REMOTE: lambda i: s.stop_remote(i, by_client=True),
        SessionAction.START_INSTRUCTIONS: s.start_instructions,
        SessionAction.END_INSTRUCTIONS: s.end_instructions,
    }
    script = [
        SessionAction.REQUEST_REMOTE, SessionAction.ANSWER_REMOTE, SessionAction.START_REMOTE,
        SessionAction.DISCONNECT, SessionAction.RECONNECT, SessionAction.PAUSE,
        SessionAction.RESUME, SessionAction.START_INSTRUCTIONS, SessionAction.END_INSTRUCTIONS,
    ]  # fmt: skip
    for step in script:
        view = s.session(sid)
        allowed = view.allowed(shop.clock())
        for action, call in calls.items():
            if action in allowed:
                continue
            reason = refusal(action, view.rules_state(shop.clock()))
            with pytest.raises(DomainError) as refused:
                call(sid)
            assert str(refused.value) == reason
            assert len(s.session(sid).events) == len(view.events)
        assert step in allowed
        calls[step](sid)
        shop.clock.advance(minutes=1)


# -- 3. one policy discount -----------------------------------------------------------------------
def test_a_maximum_discount_below_an_agreed_one_is_refused_at_entry(shop: Shop) -> None:
    """Repairs refused a discount above the maximum while sessions silently capped it: the
    maximum is now refused where it is entered, and nothing changes."""
    sv = shop.services
    policy = sv.policies.create(shop.lucia, PolicyData(0, 0, D("0.25")))
    before = sv.settings.tariff_versions()
    with pytest.raises(DomainError, match=rf"por debajo del acordado en {policy.label}"):
        sv.settings.save_tariff(replace(Tariff(), max_policy_discount=D("0.15")))
    assert sv.settings.tariff_versions() == before
    sv.settings.save_tariff(replace(Tariff(), max_policy_discount=D("0.25")))  # still fine


def test_a_discount_above_a_scheduled_maximum_is_refused_at_entry(shop: Shop) -> None:
    sv = shop.services
    sv.settings.save_tariff(
        replace(Tariff(), max_policy_discount=D("0.10")), at("2026-12-01 00:00")
    )
    with pytest.raises(DomainError, match="entre 0 y 10 %"):
        sv.policies.create(shop.lucia, PolicyData(1, 0, D("0.20")))
    assert sv.policies.policy_of(shop.lucia) is None


def test_sessions_and_repairs_apply_the_same_policy_discount(shop: Shop) -> None:
    sv = shop.services
    sv.policies.create(shop.lucia, PolicyData(0, 0, D("0.25")))
    sid = sv.sessions.start(shop.ana, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=30)
    sv.sessions.end(sid, Outcome.ESCALATED)
    session_bill = sv.sessions.final_bill(sid)
    assert session_bill.discount == D("75.00")  # 25 % of 1 h × 300
    sv.receipts.issue_for_session(sid)
    case_id = sv.sessions.session(sid).case.id
    repair = sv.repairs.quote(case_id, "Cambio de batería", 2, [RepairPart("Batería", 1, D("900"))])
    assert repair.discount == D("0.25")
    assert repair.quote.discount == D("150.00")  # 25 % of 2 h × 300, labour only
