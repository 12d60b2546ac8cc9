"""Policies (RULES §6) and repair quotes (§7 "Escalated") as pure rules.

- :func:`monthly_fee`: what a policy costs per month.
- :func:`event_class`: remote and in-person (office + onsite) events are counted apart.
- :func:`allowance_level`: the warning shown at 80 % and 100 % of a month's allowance.
- Quarterly reviews: :func:`add_months`, :func:`review_due_date`, :func:`quarter_periods`,
  :func:`suggest_expected` (the monthly average of actual events, rounded up).
- :func:`price_repair`: labour hours at the office business rate with the policy discount on
  labour only, parts at their price, the support session credited, IVA half-up.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.billing.errors import BillingError
from app.billing.money import ZERO, format_money, round_money
from app.billing.pricing import Bill, BillLine, Credit, LineKind, validate_discount
from app.billing.tariff import Modality, Tariff

#: Months in Spanish (es-MX, lower case as written inside a sentence).
MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip

#: A month's allowance warns from this share on (RULES §6, issue 6: 80 % and 100 %).
WARNING_SHARE = Decimal("0.8")
REVIEW_MONTHS = 3


class EventClass(StrEnum):
    """Which expected events a case consumes: remote, or in person (office and onsite)."""

    REMOTE = "remote"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        """Plural adjective as used in "2 eventos a distancia" / "1 eventos presenciales"."""
        return "a distancia" if self is EventClass.REMOTE else "presenciales"


def event_class(modality: Modality) -> EventClass:
    return EventClass.REMOTE if Modality(modality) is Modality.REMOTE else EventClass.IN_PERSON


class AllowanceLevel(StrEnum):
    """How much of a month's allowance is used."""

    NONE = "none"  # the policy expects no events of this class
    OK = "ok"  # below 80 %
    WARNING = "warning"  # 80 % or more, events remain
    FULL = "full"  # 100 %: the next case is charged at the normal rates
    OVER = "over"  # more cases than expected: the extra ones were charged


def allowance_level(used: int, expected: int) -> AllowanceLevel:
    if used < 0 or expected < 0:
        raise BillingError("Los eventos no pueden ser negativos.")
    if expected == 0:
        return AllowanceLevel.NONE
    if used > expected:
        return AllowanceLevel.OVER
    if used == expected:
        return AllowanceLevel.FULL
    if Decimal(used) >= WARNING_SHARE * expected:
        return AllowanceLevel.WARNING
    return AllowanceLevel.OK


def validate_events(count: int, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BillingError(f"Los eventos {what} por mes deben ser un número entero desde 0.")
    if count > 999:
        raise BillingError(f"Los eventos {what} por mes no pueden pasar de 999.")
    return count


def monthly_fee(
    remote_events: int,
    in_person_events: int,
    discount: Decimal,
    devices: int,
    tariff: Tariff,
) -> Decimal:
    """RULES §6: (remote × remote business rate + in-person × office business rate)
    × hours_per_event × (1 − d) + devices × device_fee, rounded half-up to the cent."""
    validate_events(remote_events, "a distancia")
    validate_events(in_person_events, "presenciales")
    validate_discount(discount, tariff)
    if devices < 0:
        raise BillingError("El número de equipos no puede ser negativo.")
    events = (
        remote_events * tariff.remote_business_rate + in_person_events * tariff.office_business_rate
    )
    fee = events * tariff.hours_per_event * (1 - discount) + devices * tariff.device_fee
    return round_money(fee)


# -- quarterly review --------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def review_due_date(start: date, today: date) -> date | None:
    """The latest review date (start + 3k months, k ≥ 1) on or before ``today``."""
    due = None
    k = 1
    while (candidate := add_months(start, REVIEW_MONTHS * k)) <= today:
        due = candidate
        k += 1
    return due


def quarter_periods(review_date: date) -> tuple[tuple[date, date], ...]:
    """The three policy months [from, to) reviewed on ``review_date``.

    A policy starting on the 1st has calendar months; one starting on the 15th has months
    from the 15th to the 14th.
    """
    first = add_months(review_date, -REVIEW_MONTHS)
    return tuple((add_months(first, i), add_months(first, i + 1)) for i in range(REVIEW_MONTHS))


def suggest_expected(actual_per_month: Sequence[int]) -> int:
    """The monthly average of actual events, rounded up (0 for no months)."""
    if any(n < 0 for n in actual_per_month):
        raise BillingError("Los eventos no pueden ser negativos.")
    if not actual_per_month:
        return 0
    return -(-sum(actual_per_month) // len(actual_per_month))


def period_label(start: date, end: date) -> str:
    """ "noviembre 2026" for a calendar month, else "15 nov 2026 – 14 dic 2026"."""
    if start.day == 1 and end == add_months(start, 1):
        return f"{MONTHS_ES[start.month - 1]} {start.year}"
    last = end - timedelta(days=1)

    def short(d: date) -> str:
        return f"{d.day} {MONTHS_ES[d.month - 1][:3]} {d.year}"

    return f"{short(start)} – {short(last)}"


# -- repair quotes -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RepairPart:
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return round_money(self.unit_price * self.quantity)


def price_repair(
    labour_hours: int,
    parts: Sequence[RepairPart],
    tariff: Tariff,
    *,
    discount: Decimal = Decimal("0"),
    credits: Sequence[Credit] = (),
) -> Bill:
    """A repair's bill: labour at the office business rate, the policy discount on labour only,
    parts at their price, credits (the escalated support session) capped so the base is never
    below 0.00, IVA half-up."""
    if isinstance(labour_hours, bool) or not isinstance(labour_hours, int) or labour_hours < 0:
        raise BillingError("Las horas de mano de obra deben ser un número entero desde 0.")
    validate_discount(discount, tariff)
    rate = tariff.office_business_rate
    lines: list[BillLine] = []
    labour = round_money(rate * labour_hours)
    if labour_hours:
        text = (
            f"Mano de obra de reparación: {labour_hours} h × {format_money(rate, currency=False)}"
        )
        lines.append(BillLine(LineKind.HOURS, text, labour, None, labour_hours, rate))
    for part in parts:
        if not part.description.strip():
            raise BillingError("Cada refacción necesita una descripción.")
        if isinstance(part.quantity, bool) or part.quantity < 1:
            raise BillingError("La cantidad de una refacción debe ser al menos 1.")
        if not part.unit_price.is_finite() or part.unit_price < 0:
            raise BillingError("El precio de una refacción no puede ser negativo.")
        if part.unit_price != round_money(part.unit_price):
            raise BillingError("El precio de una refacción tiene más de dos decimales.")
        text = f"Refacción: {part.description.strip()}"
        if part.quantity != 1:
            text += f" ({part.quantity} × {format_money(part.unit_price, currency=False)})"
        lines.append(BillLine(LineKind.QUOTED, text, part.amount, None, None, None))
    if not lines:
        raise BillingError("La cotización de reparación necesita mano de obra o refacciones.")
    subtotal = sum((x.amount for x in lines), ZERO)
    cut = round_money(discount * labour)
    if cut > 0:
        pct = (discount * 100).normalize()
        lines.append(
            BillLine(LineKind.DISCOUNT, f"Descuento póliza {pct:f} % en mano de obra", -cut)
        )
    remaining = subtotal - cut
    for credit in credits:
        if not credit.amount.is_finite() or credit.amount < 0:
            raise BillingError("Un abono no puede ser negativo.")
        applied = min(round_money(credit.amount), remaining)
        if applied > 0:
            lines.append(BillLine(LineKind.CREDIT, credit.description, -applied))
            remaining -= applied
    credited = subtotal - cut - remaining
    base = max(ZERO, remaining)
    iva = round_money(base * tariff.iva_rate)
    return Bill(
        Modality.OFFICE, timedelta(0), 0, 0, (), False, tuple(lines),
        subtotal, cut, credited, base, iva, base + iva, tariff.iva_rate,
    )  # fmt: skip
