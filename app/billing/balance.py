"""A client's balance (issue 6 §5, the statement's interpretation): a receipt cancelled by a
moment charges nothing from then on, and money received on it before still counts as paid (so
it shows in the client's favour); the balance is what the receipts issued by then charge, less
what was received on them by then. One definition for the statement
(``services.balances``) and the client's history (``services.client_history``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from app.billing.money import ZERO
from app.kernel.enums import ReceiptStatus

__all__ = ["StoredPayment", "StoredReceipt", "balance_of", "cancelled_by"]


class StoredReceipt(NamedTuple):
    """A receipt's figures as stored."""

    id: int
    issued_at: datetime
    status: ReceiptStatus
    total: Decimal
    cancelled_at: datetime | None


class StoredPayment(NamedTuple):
    receipt_id: int
    received_at: datetime
    amount: Decimal


def cancelled_by(status: ReceiptStatus, cancelled_at: datetime | None, as_of: datetime) -> bool:
    """Whether a receipt counts as cancelled at ``as_of`` (then it charges nothing; what was
    paid on it still counts as paid)."""
    return status is ReceiptStatus.CANCELLED and (cancelled_at is None or cancelled_at <= as_of)


def balance_of(
    receipts: Iterable[StoredReceipt], payments: Iterable[StoredPayment], as_of: datetime
) -> Decimal:
    """What the client owes at ``as_of`` (negative: in the client's favour): what the receipts
    issued by then charge then, less what was received on them by then."""
    counted: set[int] = set()
    charged = ZERO
    for r in receipts:
        if r.issued_at <= as_of:
            counted.add(r.id)
            if not cancelled_by(r.status, r.cancelled_at, as_of):
                charged += r.total
    paid = sum(
        (p.amount for p in payments if p.receipt_id in counted and p.received_at <= as_of), ZERO
    )
    return charged - paid
