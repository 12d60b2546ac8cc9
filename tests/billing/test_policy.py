"""RULES §6 policies and §7 repair quotes: table tests of the pure rules."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.billing import Credit, Tariff
from app.billing.policy import (
    add_months,
    allowance_level,
    event_class,
    monthly_fee,
    period_label,
    quarter_periods,
    review_due_date,
    suggest_expected,
)
from app.billing.repair import RepairPart, price_repair
from app.kernel.enums import AllowanceLevel, EventClass, LineKind, Modality
from app.kernel.errors import BillingError

T = Tariff()
D = Decimal


@pytest.mark.parametrize(
    ("remote", "in_person", "discount", "devices", "tariff", "fee"),
    [
        (0, 0, "0", 0, T, "0.00"),
        (1, 0, "0", 0, T, "200.00"),
        (0, 1, "0", 0, T, "300.00"),
        # the scripted quarter: (2 × 200 + 1 × 300) × 1 × 0.80
        (2, 1, "0.20", 3, T, "560.00"),
        (2, 1, "0.25", 0, T, "525.00"),
        # hours per event and a device fee
        (2, 1, "0.20", 3, replace(T, hours_per_event=2, device_fee=D("50.00")), "1270.00"),
        # half-up to the cent: 1 × 200 × (1 − 0.1235) = 175.30; 1 × 300 × 0.87655 = 262.965
        (1, 0, "0.1235", 0, T, "175.30"),
        (0, 1, "0.12345", 0, T, "262.97"),
    ],
)
def test_monthly_fee(remote, in_person, discount, devices, tariff, fee):
    assert monthly_fee(remote, in_person, D(discount), devices, tariff) == D(fee)


@pytest.mark.parametrize("discount", ["0.2501", "0.30", "-0.01", "NaN"])
def test_discount_above_25_percent_is_refused(discount):
    with pytest.raises(BillingError, match="entre 0 y 25 %"):
        monthly_fee(1, 1, D(discount), 0, T)


@pytest.mark.parametrize("bad", [-1, 1000, True])
def test_events_must_be_whole_and_sane(bad):
    with pytest.raises(BillingError, match="eventos a distancia"):
        monthly_fee(bad, 0, D("0"), 0, T)


@pytest.mark.parametrize(
    ("modality", "cls"),
    [
        (Modality.REMOTE, EventClass.REMOTE),
        (Modality.OFFICE, EventClass.IN_PERSON),
        (Modality.ONSITE, EventClass.IN_PERSON),
    ],
)
def test_event_class(modality, cls):
    assert event_class(modality) is cls


@pytest.mark.parametrize(
    ("used", "expected", "level"),
    [
        (0, 0, AllowanceLevel.NONE),
        (3, 0, AllowanceLevel.NONE),
        (0, 2, AllowanceLevel.OK),
        (1, 2, AllowanceLevel.OK),  # 50 %
        (3, 5, AllowanceLevel.OK),  # 60 %
        (4, 5, AllowanceLevel.WARNING),  # exactly 80 %
        (7, 8, AllowanceLevel.WARNING),
        (2, 2, AllowanceLevel.FULL),
        (1, 1, AllowanceLevel.FULL),
        (3, 2, AllowanceLevel.OVER),
    ],
)
def test_allowance_level(used, expected, level):
    assert allowance_level(used, expected) is level


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2026, 9, 1), 3, date(2026, 12, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 11, 30), 3, date(2029, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
        (date(2026, 3, 15), 0, date(2026, 3, 15)),
    ],
)
def test_add_months(day, months, result):
    assert add_months(day, months) == result


@pytest.mark.parametrize(
    ("start", "today", "due"),
    [
        (date(2026, 9, 1), date(2026, 11, 30), None),
        (date(2026, 9, 1), date(2026, 12, 1), date(2026, 12, 1)),  # on the day
        (date(2026, 9, 1), date(2027, 2, 28), date(2026, 12, 1)),
        (date(2026, 9, 1), date(2027, 3, 1), date(2027, 3, 1)),
        (date(2026, 9, 1), date(2026, 8, 1), None),
    ],
)
def test_review_due_date(start, today, due):
    assert review_due_date(start, today) == due


def test_quarter_periods_and_labels():
    periods = quarter_periods(date(2026, 12, 1))
    assert periods == (
        (date(2026, 9, 1), date(2026, 10, 1)),
        (date(2026, 10, 1), date(2026, 11, 1)),
        (date(2026, 11, 1), date(2026, 12, 1)),
    )
    assert [period_label(a, b) for a, b in periods] == [
        "septiembre 2026",
        "octubre 2026",
        "noviembre 2026",
    ]
    mid = quarter_periods(date(2027, 3, 15))
    assert mid[0] == (date(2026, 12, 15), date(2027, 1, 15))
    assert period_label(*mid[0]) == "15 dic 2026 – 14 ene 2027"


@pytest.mark.parametrize(
    ("actual", "suggested"),
    [
        ((), 0),
        ((0, 0, 0), 0),
        ((2, 2, 2), 2),  # already balanced: nothing changes
        ((2, 3, 2), 3),  # 7 / 3 = 2.33 → 3
        ((1, 0, 0), 1),
        ((3, 3, 4), 4),
        ((6, 0, 0), 2),
    ],
)
def test_suggest_expected(actual, suggested):
    assert suggest_expected(actual) == suggested


# -- repair quotes -----------------------------------------------------------------------------
BATTERY = RepairPart("Batería MacBook Air", 1, D("1800.00"))


def amounts(bill):
    return [(x.kind, x.amount) for x in bill.lines]


def test_repair_without_policy():
    bill = price_repair(2, [BATTERY], T)
    assert amounts(bill) == [(LineKind.HOURS, D("600.00")), (LineKind.QUOTED, D("1800.00"))]
    assert bill.lines[0].description == "Mano de obra de reparación: 2 h × $300.00"
    assert bill.lines[1].description == "Refacción: Batería MacBook Air"
    assert (bill.subtotal, bill.discount, bill.credits) == (D("2400.00"), D("0.00"), D("0.00"))
    assert (bill.base, bill.iva, bill.total) == (D("2400.00"), D("384.00"), D("2784.00"))
    assert bill.modality is Modality.OFFICE and bill.slots == ()


def test_repair_policy_discount_is_on_labour_only_and_credit_before_iva():
    credit = Credit("Abono sesión de soporte, recibo A-000004", D("300.00"))
    bill = price_repair(2, [BATTERY], T, discount=D("0.20"), credits=[credit])
    assert amounts(bill) == [
        (LineKind.HOURS, D("600.00")),
        (LineKind.QUOTED, D("1800.00")),
        (LineKind.DISCOUNT, D("-120.00")),
        (LineKind.CREDIT, D("-300.00")),
    ]
    assert bill.lines[2].description == "Descuento póliza 20 % en mano de obra"
    assert (bill.subtotal, bill.discount, bill.credits) == (D("2400.00"), D("120.00"), D("300.00"))
    assert (bill.base, bill.iva, bill.total) == (D("1980.00"), D("316.80"), D("2296.80"))


def test_repair_credit_is_capped_so_the_base_is_never_negative():
    credit = Credit("Abono sesión de soporte, recibo A-000001", D("900.00"))
    bill = price_repair(1, [], T, discount=D("0.10"), credits=[credit])
    # 300 − 30 discount = 270 left: the credit is capped there
    assert amounts(bill) == [
        (LineKind.HOURS, D("300.00")),
        (LineKind.DISCOUNT, D("-30.00")),
        (LineKind.CREDIT, D("-270.00")),
    ]
    assert (bill.credits, bill.base, bill.iva, bill.total) == (
        D("270.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )


def test_repair_parts_quantities_and_half_up_iva():
    parts = [RepairPart("Tornillos", 4, D("12.50")), RepairPart("Pasta térmica", 1, D("0.03"))]
    bill = price_repair(0, parts, T)
    assert [x.description for x in bill.lines] == [
        "Refacción: Tornillos (4 × $12.50)",
        "Refacción: Pasta térmica",
    ]
    assert (bill.base, bill.iva, bill.total) == (D("50.03"), D("8.00"), D("58.03"))


@pytest.mark.parametrize(
    ("hours", "parts", "discount", "message"),
    [
        (0, [], "0", "mano de obra o refacciones"),
        (-1, [], "0", "mano de obra"),
        (1, [RepairPart(" ", 1, D("1.00"))], "0", "descripción"),
        (1, [RepairPart("x", 0, D("1.00"))], "0", "al menos 1"),
        (1, [RepairPart("x", 1, D("-1.00"))], "0", "negativo"),
        (1, [RepairPart("x", 1, D("1.001"))], "0", "dos decimales"),
        (1, [], "0.26", "entre 0 y 25 %"),
    ],
)
def test_repair_refusals(hours, parts, discount, message):
    with pytest.raises(BillingError, match=message):
        price_repair(hours, parts, T, discount=D(discount))


# -- properties ----------------------------------------------------------------------------------
events = st.integers(min_value=0, max_value=50)
shares = st.sampled_from([D(x) for x in ("0", "0.05", "0.1", "0.125", "0.2", "0.25")])
cents = st.integers(min_value=0, max_value=500_000).map(lambda c: D(c) / 100)


@given(events, events, shares, shares)
def test_fee_never_rises_with_the_discount(remote, in_person, d1, d2):
    low, high = sorted((d1, d2))
    assert monthly_fee(remote, in_person, high, 0, T) <= monthly_fee(remote, in_person, low, 0, T)


@given(st.lists(events, min_size=1, max_size=6))
def test_suggestion_is_the_smallest_whole_number_covering_the_average(actual):
    n = suggest_expected(actual)
    assert n * len(actual) >= sum(actual) > (n - 1) * len(actual) or n == 0 == sum(actual)


@given(
    st.integers(min_value=0, max_value=40),
    st.lists(st.tuples(st.integers(min_value=1, max_value=5), cents), max_size=4),
    shares,
    cents,
)
def test_repair_bill_adds_up_and_never_goes_below_zero(hours, parts, discount, credit):
    items = [RepairPart(f"Pieza {k}", q, price) for k, (q, price) in enumerate(parts)]
    if hours == 0 and not items:
        return
    bill = price_repair(hours, items, T, discount=discount, credits=[Credit("Abono", credit)])
    assert bill.base is not None and bill.iva is not None and bill.total is not None
    assert bill.base >= 0 and bill.total == bill.base + bill.iva
    assert bill.subtotal == sum((x.amount for x in bill.lines if x.amount > 0), D("0"))
    assert bill.base == bill.subtotal - bill.discount - bill.credits
    assert bill.credits <= credit and bill.discount <= D("0.25") * bill.lines[0].amount + D("0.01")
