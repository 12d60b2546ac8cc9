"""Policies (RULES §6): contracts and versions, automatic billing, the month's allowance."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.kernel.enums import AllowanceLevel, Modality, Outcome, PolicyBenefit
from app.kernel.errors import DomainError
from app.services.data import DeviceData, PolicyData
from tests.services.conftest import Shop, start_remote_desktop

MX = ZoneInfo("America/Mexico_City")
D = Decimal
#: 2 remote + 1 in-person events a month, 20 % discount, 24×7 (the issue's scripted client)
GOLD = PolicyData(2, 1, D("0.20"), True, benefits=(PolicyBenefit.REPAIR_LABOUR,))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MX)


def session(shop: Shop, start: str, minutes: int, modality: Modality = Modality.REMOTE,
            outcome: Outcome = Outcome.RESOLVED) -> int:  # fmt: skip
    shop.clock.set(at(start))
    if modality is Modality.REMOTE:
        sid = start_remote_desktop(shop)
    else:
        sid = shop.services.sessions.start(shop.ana, shop.lucia, modality).id
    shop.clock.advance(minutes=minutes)
    shop.services.sessions.end(sid, outcome)
    return sid


def lines(shop: Shop, sid: int) -> list[tuple[str, str, Decimal]]:
    bill = shop.services.sessions.final_bill(sid)
    return [(x.kind.value, x.description, x.amount) for x in bill.lines]


def totals(shop: Shop, sid: int) -> tuple[Decimal | None, ...]:
    bill = shop.services.sessions.final_bill(sid)
    return bill.subtotal, bill.discount, bill.base, bill.iva, bill.total


# -- contracts -----------------------------------------------------------------------------------
def test_create_policy_with_fee_devices_and_benefits(shop: Shop) -> None:
    p = shop.services.policies
    data = PolicyData(2, 1, D("0.20"), True, (shop.lucia_mac,), (PolicyBenefit.STATUS_REPORTS,))
    assert p.fee(data) == D("560.00")
    view = p.create(shop.lucia, data)
    assert view.label == f"P-{view.id:06d}" and view.client_name == "Lucía Pérez Domínguez"
    assert view.start_date == date(2026, 11, 24) and view.next_review == date(2027, 2, 24)
    v = view.current
    assert v is not None and v.version == 1 and v.valid_from == date(2026, 11, 24)
    assert (v.expected_remote, v.expected_in_person, v.discount, v.is_24x7) == (
        2, 1, D("0.2000"), True,
    )  # fmt: skip
    assert v.discount_percent == "20" and v.monthly_fee == D("560.00")
    assert v.device_ids == (shop.lucia_mac,)
    assert v.benefit_labels == ("Reportes de estado",)
    assert p.policy_of(shop.lucia) == view
    assert p.policy_of(shop.ramon) is None
    assert p.policy_of(shop.lucia, at("2026-11-23 23:59")) is None  # not yet in force


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PolicyData(2, 1, D("0.26")), "entre 0 y 25 %"),
        (PolicyData(2, 1, D("-0.01")), "entre 0 y 25 %"),
        (PolicyData(-1, 1), "eventos a distancia"),
        (PolicyData(1, -1), "eventos presenciales"),
        (PolicyData(1, 1, D("0.123456")), "dos decimales"),
    ],
)
def test_bad_terms_are_refused_in_spanish(shop: Shop, data: PolicyData, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        shop.services.policies.create(shop.lucia, data)
    assert shop.services.policies.policy_of(shop.lucia) is None


def test_discount_of_exactly_25_percent_is_accepted(shop: Shop) -> None:
    view = shop.services.policies.create(shop.lucia, PolicyData(1, 0, D("0.25")))
    assert view.current is not None and view.current.monthly_fee == D("150.00")


def test_other_refusals(shop: Shop) -> None:
    p = shop.services.policies
    other_mac = shop.services.clients.add_device(shop.ramon, DeviceData("mac")).id  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="no pertenece a este cliente"):
        p.create(shop.lucia, PolicyData(1, 1, device_ids=(other_mac,)))
    with pytest.raises(DomainError, match="desde hoy o una fecha futura"):
        p.create(shop.lucia, GOLD, date(2026, 11, 1))
    p.create(shop.lucia, GOLD)
    with pytest.raises(DomainError, match="ya tiene la póliza P-"):
        p.create(shop.lucia, GOLD, date(2026, 12, 1))


def test_a_change_is_a_new_version_and_past_bills_keep_theirs(shop: Shop) -> None:
    p = shop.services.policies
    view = p.create(shop.lucia, GOLD)
    first = session(shop, "2026-11-24 10:00", 91)  # covered hour + 1 h × 200 − 20 %
    assert totals(shop, first) == (D("200.00"), D("40.00"), D("160.00"), D("25.60"), D("185.60"))
    receipt = shop.services.receipts.issue_for_session(first)
    with pytest.raises(DomainError, match="desde hoy o una fecha futura"):
        p.change(view.id, PolicyData(3, 1, D("0.10")), date(2026, 11, 1))
    with pytest.raises(DomainError, match="después de esa fecha"):
        p.change(view.id, PolicyData(3, 1, D("0.10")), date(2026, 11, 24))
    changed = p.change(view.id, PolicyData(3, 1, D("0.10")), date(2026, 11, 26))
    assert [v.version for v in changed.versions] == [1, 2]
    assert changed.current is not None and changed.current.version == 1  # still Nov 24
    assert p.policy_of(shop.lucia, at("2026-11-26 09:00")).current.discount == D("0.1000")  # type: ignore[union-attr]
    # the session of Nov 24 keeps version 1; the receipt never changes
    assert totals(shop, first)[2] == D("160.00")
    assert shop.services.receipts.receipt(receipt.id).total == D("185.60")
    later = session(shop, "2026-11-26 10:00", 30)  # 2nd remote case: covered, 10 % of nothing
    assert totals(shop, later) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    later2 = session(shop, "2026-11-26 11:00", 100)  # 3rd: 3 expected now, covered 1 of 2 h
    assert totals(shop, later2)[:3] == (D("200.00"), D("20.00"), D("180.00"))


def test_end_policy(shop: Shop) -> None:
    p = shop.services.policies
    view = p.create(shop.lucia, GOLD)
    ended = p.end(view.id, date(2026, 11, 30))
    assert ended.ended_on == date(2026, 11, 30)
    assert p.policy_of(shop.lucia, at("2026-11-29 12:00")) is not None
    assert p.policy_of(shop.lucia, at("2026-11-30 12:00")) is None
    with pytest.raises(DomainError, match="ya terminó"):
        p.end(view.id)
    # a new policy may start once the old one ended
    shop.clock.set(at("2026-11-30 09:00"))
    assert p.create(shop.lucia, PolicyData(1, 0)).start_date == date(2026, 11, 30)


# -- automatic billing ---------------------------------------------------------------------------
def test_allowance_covers_the_first_hour_of_each_case_then_normal_rates_with_discount(
    shop: Shop,
) -> None:
    shop.services.policies.create(shop.lucia, GOLD)
    a = session(shop, "2026-11-24 10:00", 91)  # remote 1 of 2: 2 h
    assert lines(shop, a) == [
        ("covered", "1 h horario laboral — Cubierto por póliza", D("0.00")),
        ("hours", "1 h horario laboral × $200.00", D("200.00")),
        ("discount", "Descuento póliza 20 %", D("-40.00")),
    ]
    b = session(shop, "2026-11-24 20:00", 70)  # remote 2 of 2, outside hours: covered
    assert lines(shop, b) == [
        ("covered", "1 h fuera de horario — Cubierto por póliza", D("0.00")),
    ]
    assert totals(shop, b)[4] == D("0.00")
    c = session(shop, "2026-11-25 20:00", 30)  # remote 3: beyond; 24×7 → business rate
    assert lines(shop, c) == [
        ("hours", "1 h fuera de horario × $200.00", D("200.00")),
        ("discount", "Descuento póliza 20 %", D("-40.00")),
    ]
    assert totals(shop, c) == (D("200.00"), D("40.00"), D("160.00"), D("25.60"), D("185.60"))
    d = session(shop, "2026-11-25 10:00", 45, Modality.OFFICE)  # in-person 1 of 1
    assert totals(shop, d)[4] == D("0.00")
    e = session(shop, "2026-11-25 11:00", 45, Modality.ONSITE)  # in-person 2: onsite 360
    assert totals(shop, e) == (D("360.00"), D("72.00"), D("288.00"), D("46.08"), D("334.08"))
    # receipts carry the same lines
    r = shop.services.receipts.issue_for_session(a)
    assert [(x.kind, x.amount) for x in r.lines] == [
        ("covered", D("0.00")), ("hours", D("200.00")), ("discount", D("-40.00")),
    ]  # fmt: skip
    assert (r.subtotal, r.discount, r.base, r.iva, r.total) == (
        D("200.00"), D("40.00"), D("160.00"), D("25.60"), D("185.60"),
    )  # fmt: skip


def test_the_live_bill_applies_the_policy_while_running(shop: Shop) -> None:
    shop.services.policies.create(shop.lucia, GOLD)
    shop.clock.set(at("2026-11-24 10:00"))
    sid = start_remote_desktop(shop)
    shop.clock.advance(minutes=20)
    assert shop.services.sessions.live_bill(sid).total == D("0.00")
    shop.clock.advance(minutes=71)
    assert shop.services.sessions.live_bill(sid).total == D("185.60")


def test_two_sessions_of_one_case_consume_one_event(shop: Shop) -> None:
    pol = shop.services.policies
    pol.create(shop.lucia, GOLD)
    first = session(shop, "2026-11-24 10:00", 40, outcome=Outcome.FOLLOW_UP)
    assert totals(shop, first)[4] == D("0.00")
    case_id = shop.services.sessions.session(first).case.id
    shop.clock.set(at("2026-11-25 10:00"))
    follow = shop.services.sessions.follow_up(case_id).id
    shop.clock.advance(minutes=50)
    shop.services.sessions.end(follow, Outcome.RESOLVED)
    assert totals(shop, follow)[4] == D("0.00")
    allowance = pol.allowance(shop.lucia)
    assert allowance is not None and allowance.remote.used == 1
    assert allowance.remote.text == "Póliza: 1 de 2 eventos a distancia usados en noviembre"
    second = session(shop, "2026-11-25 12:00", 30)  # still covered: the 2nd case
    assert totals(shop, second)[4] == D("0.00")


def test_allowance_is_per_calendar_month_of_mexico_city(shop: Shop) -> None:
    pol = shop.services.policies
    pol.create(shop.lucia, PolicyData(1, 0, D("0.10")))
    session(shop, "2026-11-30 23:00", 30)  # Nov 30 local (Dec 1 in UTC): uses November's
    dec = session(shop, "2026-12-01 10:00", 30)  # December: a fresh allowance
    assert totals(shop, dec)[4] == D("0.00")
    again = session(shop, "2026-12-02 10:00", 30)
    assert totals(shop, again)[2] == D("180.00")  # 200 − 10 %
    nov = pol.allowance(shop.lucia, at("2026-11-30 23:59"))
    assert nov is not None and (nov.remote.used, nov.month) == (1, date(2026, 11, 1))
    dec_view = pol.allowance(shop.lucia, at("2026-12-31 12:00"))
    assert dec_view is not None and dec_view.remote.used == 2
    assert dec_view.remote.text == (
        "Póliza: 2 de 1 evento a distancia usado en diciembre (1 fuera de la póliza, con costo)"
    )


def test_allowance_levels_and_texts_for_the_window(shop: Shop) -> None:
    pol = shop.services.policies
    assert pol.allowance(shop.lucia) is None
    pol.create(shop.lucia, PolicyData(5, 1, D("0.20")))
    a = pol.allowance(shop.lucia)
    assert a is not None
    assert a.texts == (
        "Póliza: 0 de 5 eventos a distancia usados en noviembre",
        "Póliza: 0 de 1 evento presencial usado en noviembre",
    )
    assert a.warnings == () and a.remote.level is AllowanceLevel.OK and a.remote.next_covered
    for k in range(4):
        session(shop, f"2026-11-24 {10 + k}:00", 20)
    a = pol.allowance(shop.lucia)
    assert a is not None and a.remote.level is AllowanceLevel.WARNING and a.remote.remaining == 1
    assert a.for_modality(Modality.REMOTE).warning == (
        "Atención: ya se usó el 80 % o más de los eventos a distancia de la póliza en noviembre."
    )
    session(shop, "2026-11-25 10:00", 20, Modality.OFFICE)
    a = pol.allowance(shop.lucia)
    assert a is not None and a.in_person.level is AllowanceLevel.FULL
    assert not a.for_modality(Modality.ONSITE).next_covered
    assert a.in_person.warning.startswith("Se agotaron los eventos presenciales de la póliza")


def test_cases_before_the_policy_do_not_count(shop: Shop) -> None:
    before = session(shop, "2026-11-24 10:00", 30)
    shop.services.policies.create(shop.lucia, GOLD, date(2026, 11, 25))
    assert totals(shop, before)[4] == D("232.00")  # no policy when it started
    a = shop.services.policies.allowance(shop.lucia, at("2026-11-25 09:00"))
    assert a is not None and a.remote.used == 0


def test_other_clients_are_not_affected(shop: Shop) -> None:
    shop.services.policies.create(shop.lucia, GOLD)
    shop.clock.set(at("2026-11-24 10:00"))
    sid = shop.services.sessions.start(shop.ana, shop.ramon, Modality.OFFICE).id
    shop.clock.advance(minutes=30)
    shop.services.sessions.end(sid, Outcome.RESOLVED)
    assert totals(shop, sid)[4] == D("348.00")


def test_policy_day_bounds_follow_local_time(shop: Shop) -> None:
    # a policy from Nov 25 does not cover a session at 23:30 local on Nov 24 (05:30 UTC Nov 25)
    shop.services.policies.create(shop.lucia, GOLD, date(2026, 11, 25))
    sid = session(shop, "2026-11-24 23:30", 30)
    assert totals(shop, sid)[4] == D("348.00")
    assert at("2026-11-24 23:30").astimezone(ZoneInfo("UTC")).date() == date(2026, 11, 25)
    assert timedelta(0) < at("2026-11-25 00:00") - at("2026-11-24 23:30")


# -- quarterly review ------------------------------------------------------------------------------
def test_review_accepted_late_with_other_numbers(shop: Shop) -> None:
    pol = shop.services.policies
    shop.clock.set(at("2026-08-15 12:00"))
    view = pol.create(shop.lucia, PolicyData(1, 1, D("0.10")))
    session(shop, "2026-08-17 10:00", 30)  # policy month Aug 15 – Sep 14: 1 remote
    shop.clock.set(at("2026-11-20 10:00"))  # due Nov 15, answered late
    with pytest.raises(DomainError, match="no es fecha de revisión"):
        shop.services.reviews.review(view.id, date(2026, 11, 1))
    review = shop.services.reviews.review(view.id)
    assert review.review_date == date(2026, 11, 15)
    assert [m.label for m in review.months] == [
        "15 ago 2026 – 14 sep 2026",
        "15 sep 2026 – 14 oct 2026",
        "15 oct 2026 – 14 nov 2026",
    ]
    assert [m.actual_remote for m in review.months] == [1, 0, 0]
    assert (review.suggested_remote, review.suggested_in_person) == (1, 0)
    answered = shop.services.reviews.accept(view.id, expected_remote=2, expected_in_person=1)
    v = answered.versions[-1]
    assert (v.valid_from, v.review_date, v.expected_remote, v.expected_in_person) == (
        date(2026, 11, 20), date(2026, 11, 15), 2, 1,
    )  # fmt: skip
    assert shop.services.reviews.review(view.id).accepted
    assert answered.next_review == date(2027, 2, 15)


def test_policies_listed_due_for_review_and_ended_ones_are_not(shop: Shop) -> None:
    pol = shop.services.policies
    shop.clock.set(at("2026-08-01 12:00"))
    a = pol.create(shop.lucia, PolicyData(1, 0))
    b = pol.create(shop.ramon, PolicyData(0, 1))
    pol.end(b.id, date(2026, 10, 1))
    due = pol.due_for_review(at("2026-11-02 09:00"))
    assert [(d.policy_id, d.review_date) for d in due] == [(a.id, date(2026, 11, 1))]
    assert [p.id for p in pol.policies()] == [a.id, b.id]


def test_a_policy_listing_devices_covers_only_those(shop: Shop) -> None:
    sv = shop.services
    iphone = sv.clients.add_device(shop.lucia, DeviceData("iphone", "iPhone 15")).id  # type: ignore[arg-type]
    sv.policies.create(shop.lucia, PolicyData(1, 1, D("0.20"), device_ids=(shop.lucia_mac,)))
    shop.clock.set(at("2026-11-24 10:00"))
    phone = sv.sessions.start(shop.ana, shop.lucia, Modality.OFFICE, device_id=iphone).id
    shop.clock.advance(minutes=30)
    sv.sessions.end(phone, Outcome.RESOLVED)
    assert totals(shop, phone)[4] == D("348.00")  # not covered: list price, no discount
    a = sv.policies.allowance(shop.lucia)
    assert a is not None and a.in_person.used == 0
    no_device = session(shop, "2026-11-24 11:00", 30, Modality.OFFICE)  # no device recorded
    assert totals(shop, no_device)[4] == D("0.00")
    mac = session(shop, "2026-11-24 12:00", 30)  # remote desktop on the covered Mac
    assert totals(shop, mac)[4] == D("0.00")
    a = sv.policies.allowance(shop.lucia)
    assert a is not None and (a.remote.used, a.in_person.used) == (1, 1)
