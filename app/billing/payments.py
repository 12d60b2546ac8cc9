"""A receipt's payment state and what it still owes (RULES §10 payments): the one home the
window, the statement, the corte and the documents read."""

from __future__ import annotations

from decimal import Decimal

from app.billing.money import ZERO
from app.kernel.enums import ReceiptStatus

__all__ = ["payment_state", "still_owed"]


def payment_state(status: ReceiptStatus, total: Decimal, paid: Decimal) -> str:
    """``paid``, ``partial``, ``unpaid`` or ``cancelled`` (Spanish labels:
    ``documents.data.PAYMENT_LABELS``)."""
    if status is ReceiptStatus.CANCELLED:
        return "cancelled"
    if paid >= total:
        return "paid"
    return "partial" if paid > 0 else "unpaid"


def still_owed(status: ReceiptStatus, total: Decimal, paid: Decimal) -> Decimal:
    """What can still be paid on a receipt: its total less its payments; nothing once it is
    cancelled."""
    if status is ReceiptStatus.CANCELLED:
        return ZERO
    return total - paid
