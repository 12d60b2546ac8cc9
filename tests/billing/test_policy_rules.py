"""app.billing.policy's values and rules (RULES §6) as table tests: the version in force, the
devices it covers, the month's allowance, a session's terms, the discount, the fee's day, the
conflicts a lower maximum discount would make, the review dates and the covered value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.billing.policy import (
    CaseOpening,
    ClientPolicies,
    PolicyContract,
    PolicyVersionTerms,
    applicable_discount,
    case_is_covered,
    cases_used,
    covered_value,
    discount_conflicts,
    fee_day,
    month_bounds,
    next_review,
    pending_review,
    policy_terms,
    validate_policy_discount,
    version_fee,
)
from app.billing.pricing import PolicyTerms, SessionCharge, price_session
from app.billing.tariff import Tariff
from app.kernel.enums import EventClass, Modality
from app.kernel.errors import BillingError

MX = ZoneInfo("America/Mexico_City")
T = Tariff()
D = Decimal


def v(
    day: str,
    remote: int = 2,
    in_person: int = 1,
    discount: str = "0.20",
    *devices: int,
    is_24x7: bool = False,
) -> PolicyVersionTerms:
    return PolicyVersionTerms(
        date.fromisoformat(day), remote, in_person, D(discount), is_24x7, frozenset(devices), 1
    )


V1 = v("2026-10-01")
V2 = v("2026-11-15", 1, 0, "0.10")
GOLD = PolicyContract(1, date(2026, 10, 1), date(2027, 1, 1), (V1, V2))
POLICIES = ClientPolicies((GOLD,))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MX)


def case(
    ident: int, opened: str, modality: Modality = Modality.REMOTE, device: int | None = None
) -> CaseOpening:
    return CaseOpening(ident, at(opened), modality, device)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-30", None),  # before the start
        ("2026-10-01", V1),  # the first day
        ("2026-11-14", V1),
        ("2026-11-15", V2),  # a change is in force from its day
        ("2026-12-31", V2),
        ("2027-01-01", None),  # ended: covers nothing from ended_on on
    ],
)
def test_version_in_force(day: str, expected: PolicyVersionTerms | None) -> None:
    assert POLICIES.version_on(date.fromisoformat(day)) == expected


def test_last_day_of_each_version() -> None:
    assert GOLD.last_day(V1) == date(2026, 11, 14)
    assert GOLD.last_day(V2) == date(2026, 12, 31)
    assert replace(GOLD, ended_on=None).last_day(V2) is None


@pytest.mark.parametrize(
    ("devices", "device", "covered"),
    [
        ((), None, True),  # a version listing none covers all
        ((), 5, True),
        ((5,), 5, True),
        ((5,), 6, False),  # listing devices: only those
        ((5,), None, True),  # a case with no device recorded is covered
    ],
)
def test_devices_covered(devices: tuple[int, ...], device: int | None, covered: bool) -> None:
    policies = ClientPolicies((replace(GOLD, versions=(v("2026-10-01", 2, 1, "0", *devices),)),))
    found = policies.covering(date(2026, 11, 24), device)
    assert (found is not None) is covered


def test_the_month_allowance_counts_cases_by_class_in_order() -> None:
    month = [
        case(1, "2026-11-02 10:00"),  # remote 1 of 2 (V1: 2 remote)
        case(2, "2026-11-03 10:00", Modality.OFFICE),  # in person 1 of 1
        case(3, "2026-11-04 10:00", Modality.ONSITE),  # in person 2: beyond
        case(4, "2026-11-05 10:00"),  # remote 2 of 2
        case(5, "2026-11-20 10:00"),  # remote 3: V2 expects 1 → beyond
    ]
    covered = [case_is_covered(POLICIES, c, month, T) for c in month]
    assert covered == [True, True, False, True, False]
    assert cases_used(POLICIES, month, T) == {EventClass.REMOTE: 3, EventClass.IN_PERSON: 2}


def test_a_case_about_an_uncovered_device_neither_counts_nor_is_covered() -> None:
    policies = ClientPolicies((replace(GOLD, versions=(v("2026-10-01", 1, 0, "0", 5),)),))
    month = [case(1, "2026-11-02 10:00", device=6), case(2, "2026-11-03 10:00", device=5)]
    assert [case_is_covered(policies, c, month, T) for c in month] == [False, True]
    assert cases_used(policies, month, T)[EventClass.REMOTE] == 1


def test_month_bounds_are_local() -> None:
    low, high = month_bounds(date(2026, 11, 24), T)
    assert (low, high) == (at("2026-11-01 00:00"), at("2026-12-01 00:00"))


def test_a_sessions_terms() -> None:
    month = [case(1, "2026-11-02 10:00")]
    first = policy_terms(
        POLICIES,
        started_at=at("2026-11-02 10:00"),
        case=month[0],
        follow_up=False,
        month_cases=month,
        tariff=T,
    )
    assert first == PolicyTerms(D("0.20"), False, 1)
    follow = policy_terms(
        POLICIES,
        started_at=at("2026-11-03 10:00"),
        case=month[0],
        follow_up=True,
        month_cases=month,
        tariff=T,
    )
    assert follow == PolicyTerms(D("0.20"), False, 0)  # follow-ups are free anyway
    later = policy_terms(
        POLICIES,
        started_at=at("2026-11-16 10:00"),
        case=month[0],
        follow_up=False,
        month_cases=month,
        tariff=T,
    )
    assert later == PolicyTerms(D("0.10"), False, 1)  # the version in force when it started
    none = policy_terms(
        POLICIES,
        started_at=at("2027-01-05 10:00"),
        case=month[0],
        follow_up=False,
        month_cases=month,
        tariff=T,
    )
    assert none is None


@pytest.mark.parametrize(
    ("agreed", "maximum", "applied"),
    [("0.20", "0.25", "0.20"), ("0.25", "0.25", "0.25"), ("0.25", "0.15", "0.15")],
)
def test_applicable_discount(agreed: str, maximum: str, applied: str) -> None:
    tariff = replace(T, max_policy_discount=D(maximum))
    assert applicable_discount(D(agreed), tariff) == D(applied)


@pytest.mark.parametrize(
    ("typed", "stored", "problem"),
    [
        ("0.2", "0.2000", None),
        ("0.1235", "0.1235", None),
        ("0.12345", None, "dos decimales"),
        ("0.26", None, "entre 0 y 25 %"),
        ("-0.01", None, "entre 0 y 25 %"),
    ],
)
def test_a_policy_discount_as_typed(typed: str, stored: str | None, problem: str | None) -> None:
    if problem is None:
        assert validate_policy_discount(D(typed), T) == D(stored or "")
    else:
        with pytest.raises(BillingError, match=problem):
            validate_policy_discount(D(typed), T)


@pytest.mark.parametrize(
    ("today", "day"),
    [
        ("2026-09-01", "2026-10-01"),  # not started yet: its first day
        ("2026-10-20", "2026-10-20"),  # in force: today
        ("2026-12-05", "2026-11-14"),  # ended: its last day
    ],
)
def test_fee_day(today: str, day: str) -> None:
    assert fee_day(V1.valid_from, GOLD.last_day(V1), date.fromisoformat(today)) == (
        date.fromisoformat(day)
    )


def test_version_fee_follows_the_tariff_it_is_given() -> None:
    assert version_fee(V1, T) == D("560.00")  # (2 × 200 + 1 × 300) × 0.80
    dear = replace(T, remote_business_rate=D("250.00"))
    assert version_fee(V1, dear) == D("640.00")


def test_a_lower_maximum_conflicts_with_versions_in_force_then_or_later() -> None:
    assert discount_conflicts([POLICIES], date(2026, 11, 1), D("0.15")) == [V1]
    assert discount_conflicts([POLICIES], date(2026, 11, 15), D("0.15")) == []  # V2: 10 %
    assert discount_conflicts([POLICIES], date(2026, 11, 15), D("0.05")) == [V2]
    assert discount_conflicts([POLICIES], date(2027, 1, 1), D("0")) == []  # ended


@pytest.mark.parametrize(
    ("today", "answered", "pending", "upcoming"),
    [
        ("2026-12-31", [], None, "2027-01-01"),
        ("2027-01-01", [], "2027-01-01", "2027-01-01"),
        ("2027-01-20", [], "2027-01-01", "2027-01-01"),  # overdue: still the one to do
        ("2027-01-20", ["2027-01-01"], None, "2027-04-01"),
    ],
)
def test_review_dates(today: str, answered: list[str], pending: str | None, upcoming: str) -> None:
    start, day = date(2026, 10, 1), date.fromisoformat(today)
    done = [date.fromisoformat(a) for a in answered]
    expect = date.fromisoformat(pending) if pending else None
    assert pending_review(start, None, day, done) == expect
    assert next_review(start, None, day, done) == date.fromisoformat(upcoming)
    assert next_review(start, date(2026, 12, 1), day, done) is None  # ended


def test_covered_value_is_the_list_price_of_the_covered_hours() -> None:
    # 20:00–22:00 remote, outside hours, first hour covered
    charge = SessionCharge(
        Modality.REMOTE,
        at("2026-11-24 20:00"),
        at("2026-11-24 22:00"),
        policy=PolicyTerms(covered_hours=1),
    )
    bill = price_session(charge, T)
    assert covered_value(bill, PolicyTerms(covered_hours=1), T) == D("300.00")
    all_hours = PolicyTerms(is_24x7=True, covered_hours=1)
    bill = price_session(replace(charge, policy=all_hours), T)
    assert covered_value(bill, all_hours, T) == D("200.00")  # 24×7: at the business rate
    assert covered_value(price_session(replace(charge, policy=None), T), None, T) == D("0.00")


def test_a_case_opened_late_on_the_last_day_counts_in_that_month() -> None:
    """Dates are local: a case opened at 23:30 on the 30th belongs to that month."""
    late = case(9, "2026-11-30 23:30")
    assert late.opened_at.astimezone(ZoneInfo("UTC")).month == 12
    assert cases_used(POLICIES, [late], T)[EventClass.REMOTE] == 1
    assert month_bounds(date(2026, 11, 30), T)[1] - late.opened_at == timedelta(minutes=30)
