"""A repair's labour in fractions of an hour (issue 10 item 8): Decimal, hundredths at most,
the amount rounded half-up to the cent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.billing import Tariff
from app.billing.repair import check_labour_hours, hours_text, parse_labour_hours, price_repair
from app.kernel.errors import BillingError

D = Decimal


@pytest.mark.parametrize(
    ("typed", "hours"),
    [("1.5", D("1.5")), ("1,5", D("1.5")), (" 2 ", D("2")), ("0.25", D("0.25")),
     ("", D("0")), ("3 h", D("3")), ("999", D("999"))],
)  # fmt: skip
def test_parse_labour_hours(typed: str, hours: Decimal) -> None:
    assert parse_labour_hours(typed) == hours


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "desde 0"), ("uno", "«uno»"), ("1.555", "dos decimales"), ("1000", "999"),
     ("nan", "desde 0"), ("inf", "desde 0")],
)  # fmt: skip
def test_parse_labour_hours_refuses(typed: str, message: str) -> None:
    with pytest.raises(BillingError, match=message):
        parse_labour_hours(typed)


def test_fractional_labour_is_priced_and_rounded_half_up() -> None:
    tariff = replace(Tariff(), office_business_rate=D("333.33"))
    bill = price_repair(D("1.5"), [], tariff)  # 499.995 → 500.00, half-up
    line = bill.lines[0]
    assert (line.hours, line.rate, line.amount) == (D("1.5"), D("333.33"), D("500.00"))
    assert line.description == "Mano de obra de reparación: 1.5 h × $333.33"
    assert (bill.base, bill.iva, bill.total) == (D("500.00"), D("80.00"), D("580.00"))
    whole = price_repair(2, [], Tariff())
    assert whole.lines[0].description == "Mano de obra de reparación: 2 h × $300.00"


def test_labour_hours_checks() -> None:
    assert check_labour_hours(2) == D("2") and check_labour_hours(D("0.01")) == D("0.01")
    for bad in (True, 1.5, D("-0.5"), D("0.001")):
        with pytest.raises(BillingError):
            check_labour_hours(bad)  # type: ignore[arg-type]
    assert [hours_text(x) for x in (D("2.00"), D("1.50"), D("100"), 3)] == ["2", "1.5", "100", "3"]
