"""The billing engine: pure rules of RULES.md. Standard library and `holidays` only."""

from app.billing.errors import BillingError
from app.billing.hours import band_at, business_duration, holiday_name, outside_duration
from app.billing.money import CENT, ZERO, format_money, money_str, parse_money, round_money
from app.billing.pricing import (
    Bill,
    BillLine,
    Credit,
    LineKind,
    PolicyTerms,
    SessionCharge,
    price_session,
    validate_discount,
)
from app.billing.tariff import Band, Modality, Tariff, normalize_city
from app.billing.worktime import Interval, Slot, WorkedTime, billable_hours, slots, worked_time

__all__ = [
    "CENT",
    "ZERO",
    "Band",
    "Bill",
    "BillLine",
    "BillingError",
    "Credit",
    "Interval",
    "LineKind",
    "Modality",
    "PolicyTerms",
    "SessionCharge",
    "Slot",
    "Tariff",
    "WorkedTime",
    "band_at",
    "billable_hours",
    "business_duration",
    "format_money",
    "holiday_name",
    "money_str",
    "normalize_city",
    "outside_duration",
    "parse_money",
    "price_session",
    "round_money",
    "slots",
    "validate_discount",
    "worked_time",
]
