"""The billing rules of RULES.md, pure: frozen values, ``Decimal`` and ``datetime`` in, values
out. The one home of every rule — a screen, a document, a summary or a service that needs a
price, a policy's allowance or which actions a session allows calls a function here.

- ``tariff``: every number of the business, validated (``Tariff``, ``TariffHistory``)
- ``hours``: business hours vs outside hours of an instant or interval (§1)
- ``worktime``: worked time, billable hours, the slot rule (§2–§4)
- ``pricing``: a session's bill (§5–§7, §10), ``bill_session`` for a stored one
- ``policy``: policies — version in force, devices covered, the month's allowance, the
  discount, the monthly fee, quarterly reviews (§6)
- ``repair``: a repair quote's bill with the support session's credit (§7)
- ``session_rules``: which actions a session allows and why not; where an outcome leaves the
  case; the free follow-up window (§7–§9)
- ``money``: Decimal money, rounded half-up, es-MX display
- ``balance``: what a client owes at a moment from the stored receipts and payments
"""

from app.billing.money import CENT, ZERO, format_money, money_str, parse_money, round_money
from app.billing.pricing import (
    Bill,
    BillLine,
    Credit,
    PolicyTerms,
    SessionCharge,
    StoredSession,
    bill_session,
    price_session,
    validate_discount,
)
from app.billing.tariff import Tariff, TariffError, TariffHistory, normalize_city

__all__ = [
    "CENT",
    "ZERO",
    "Bill",
    "BillLine",
    "Credit",
    "PolicyTerms",
    "SessionCharge",
    "StoredSession",
    "Tariff",
    "TariffError",
    "TariffHistory",
    "bill_session",
    "format_money",
    "money_str",
    "normalize_city",
    "parse_money",
    "price_session",
    "round_money",
    "validate_discount",
]
