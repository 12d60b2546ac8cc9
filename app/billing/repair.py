"""Repair quotes (RULES §7 "Escalated"): labour hours at the office business rate with the
policy discount on labour only, parts at their price, the support session credited, IVA half-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from app.billing.money import ZERO, check_money, format_money, round_money
from app.billing.pricing import Bill, BillLine, Credit, reductions, totals, validate_discount
from app.billing.tariff import Tariff
from app.kernel.enums import LineKind, Modality
from app.kernel.errors import BillingError
from app.kernel.limits import clip


@dataclass(frozen=True)
class RepairPart:
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return round_money(self.unit_price * self.quantity)


#: labour is quoted in hundredths of an hour at most (1.5 h, 0.25 h, 2.75 h)
LABOUR_STEP = Decimal("0.01")
MAX_LABOUR_HOURS = Decimal("999")


def check_labour_hours(hours: Decimal | int) -> Decimal:
    """Hours of labour as a Decimal (``1.5``): from 0 to 999, in hundredths of an hour at
    most — never rounded silently."""
    if isinstance(hours, bool) or not isinstance(hours, (int, Decimal)):
        raise BillingError("Las horas de mano de obra deben ser un número desde 0, p. ej. 1.5.")
    value = Decimal(hours)
    if not value.is_finite() or value < 0:
        raise BillingError("Las horas de mano de obra deben ser un número desde 0, p. ej. 1.5.")
    if value > MAX_LABOUR_HOURS:
        raise BillingError("Las horas de mano de obra no pueden pasar de 999.")
    if value != value.quantize(LABOUR_STEP):
        raise BillingError(
            "Las horas de mano de obra admiten hasta dos decimales (p. ej. 1.5 o 1.25)."
        )
    return value


def parse_labour_hours(text: str) -> Decimal:
    """Hours typed by a person: "2", "1.5", "1,5" (decimal comma), "" for none; BillingError
    with a Spanish message otherwise."""
    typed = text.strip().removesuffix("h").strip()
    if not typed:
        return Decimal(0)
    try:
        value = Decimal(typed.replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise BillingError(
            f"Las horas de mano de obra deben ser un número desde 0, p. ej. 1.5 "
            f"(se capturó «{clip(text.strip())}»)."
        )
    return check_labour_hours(value)


def hours_text(hours: Decimal | int) -> str:
    """``2``, ``1.5``, ``0.25``: hours without trailing zeros."""
    return f"{Decimal(hours).normalize():f}"


def price_repair(
    labour_hours: Decimal | int,
    parts: Sequence[RepairPart],
    tariff: Tariff,
    *,
    discount: Decimal = Decimal("0"),
    credits: Sequence[Credit] = (),
) -> Bill:
    """A repair's bill: labour (hours, fractions allowed) at the office business rate, its
    amount rounded half-up to the cent (``round_money``), the policy discount on labour only,
    parts at their price, credits (the escalated support session) capped so the base is never
    below 0.00, IVA half-up."""
    labour_hours = check_labour_hours(labour_hours)
    validate_discount(discount, tariff)
    rate = tariff.office_business_rate
    lines: list[BillLine] = []
    labour = round_money(rate * labour_hours)
    if labour_hours:
        shown = hours_text(labour_hours)
        text = f"Mano de obra de reparación: {shown} h × {format_money(rate, currency=False)}"
        lines.append(BillLine(LineKind.HOURS, text, labour, None, labour_hours, rate))
    for part in parts:
        if not part.description.strip():
            raise BillingError("Cada refacción necesita una descripción.")
        if isinstance(part.quantity, bool) or part.quantity < 1:
            raise BillingError("La cantidad de una refacción debe ser al menos 1.")
        if part.quantity > 9999:
            raise BillingError("La cantidad de una refacción no puede pasar de 9,999.")
        if not part.unit_price.is_finite() or part.unit_price < 0:
            raise BillingError("El precio de una refacción no puede ser negativo.")
        check_money(part.unit_price, "El precio de una refacción")
        check_money(part.unit_price * part.quantity, "El importe de una refacción")
        text = f"Refacción: {part.description.strip()}"
        if part.quantity != 1:
            text += f" ({part.quantity} × {format_money(part.unit_price, currency=False)})"
        lines.append(BillLine(LineKind.QUOTED, text, part.amount, None, None, None))
    if not lines:
        raise BillingError("La cotización de reparación necesita mano de obra o refacciones.")
    subtotal = sum((x.amount for x in lines), ZERO)
    pct = (discount * 100).normalize()
    label = f"Descuento póliza {pct:f} % en mano de obra"
    lines.extend(reductions(subtotal, labour, discount, label, credits))
    return Bill(
        Modality.OFFICE, timedelta(0), 0, 0, (), False, tuple(lines),
        *totals(lines, tariff.iva_rate), tariff.iva_rate,
    )  # fmt: skip
