"""Money as Decimal: 2 places, MXN, rounded half-up (never the default half-even)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.kernel.errors import BillingError, RuleError
from app.kernel.limits import MAX_AMOUNT, check_amount, clip

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round to the cent, half-up (0.005 -> 0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str, *, what: str = "El importe") -> Decimal:
    """Parse an amount typed by a person: "350", "1,234.50", "$99.9". Never negative.

    Refuses more than two decimals rather than rounding silently.
    """
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    shown = clip(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BillingError(f"{what} «{shown}» no es una cantidad válida.") from None
    if not value.is_finite():
        raise BillingError(f"{what} «{shown}» no es una cantidad válida.")
    if value < 0:
        raise BillingError(f"{what} no puede ser negativo ({shown}).")
    if abs(value) <= MAX_AMOUNT and value != value.quantize(CENT):
        raise BillingError(f"{what} «{shown}» tiene más de dos decimales.")
    return check_money(value, what)


def check_money(value: Decimal, what: str = "El importe") -> Decimal:
    """An amount as stored: finite, at most $99,999,999.99, two decimals (never rounded
    silently); returned with exactly two places."""
    try:
        check_amount(value, what)
    except RuleError as exc:
        raise BillingError(str(exc)) from None
    if value != value.quantize(CENT):
        raise BillingError(f"{what} tiene más de dos decimales.")
    return value.quantize(CENT)


def format_money(value: Decimal, *, currency: bool = True) -> str:
    """es-MX display: ``$1,234.50 MXN`` (``-$120.00 MXN`` for a negative amount)."""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    text = f"{sign}${abs(amount):,.2f}"
    return f"{text} MXN" if currency else text


def money_str(value: Decimal) -> str:
    """Machine form for JSON and storage: exactly two decimals, no separators."""
    return f"{round_money(value):.2f}"
