from decimal import Decimal

import pytest

from app.billing import format_money, money_str, parse_money, round_money
from app.kernel.errors import BillingError


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("1", "1.00")],
)
def test_round_half_up(value, rounded):
    assert str(round_money(Decimal(value))) == rounded


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1234.5", "$1,234.50 MXN"),
        ("0", "$0.00 MXN"),
        ("1000000", "$1,000,000.00 MXN"),
        ("-120", "-$120.00 MXN"),
        ("99.995", "$100.00 MXN"),
    ],
)
def test_format_money_es_mx(value, text):
    assert format_money(Decimal(value)) == text


def test_money_str_has_exactly_two_decimals():
    assert money_str(Decimal("5")) == "5.00"
    assert money_str(Decimal("5.125")) == "5.13"


@pytest.mark.parametrize(
    ("text", "value"),
    [("350", "350.00"), ("1,234.50", "1234.50"), ("$99.9", "99.90"), ("0", "0.00")],
)
def test_parse_money(text, value):
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc", "no es una cantidad"), ("-5", "negativo"), ("NaN", "no es una cantidad"),
     ("inf", "no es una cantidad"), ("1.234", "dos decimales"), ("", "no es una cantidad")],
)  # fmt: skip
def test_parse_money_refuses_bad_amounts(text, message):
    with pytest.raises(BillingError, match=message):
        parse_money(text)
