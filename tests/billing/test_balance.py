"""A client's balance at a moment (billing.balance): receipts and payments counted once they
happened; a cancelled receipt charges nothing from its cancellation on, and what was paid on it
still counts (in the client's favour)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.billing.balance import StoredPayment, StoredReceipt, balance_of, cancelled_by
from app.kernel.enums import ReceiptStatus

D = Decimal
ISSUED, CANCELLED = ReceiptStatus.ISSUED, ReceiptStatus.CANCELLED


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 18, 0, tzinfo=UTC)


RECEIPTS = [
    StoredReceipt(1, day(2), ISSUED, D("348.00"), None),
    StoredReceipt(2, day(3), CANCELLED, D("696.00"), day(5)),  # paid 696 on the 4th
    StoredReceipt(3, day(6), ISSUED, D("232.00"), None),  # 100 paid on the 7th
]
PAYMENTS = [
    StoredPayment(2, day(4), D("696.00")),
    StoredPayment(3, day(7), D("100.00")),
]


@pytest.mark.parametrize(
    ("as_of", "balance"),
    [
        (day(1), D("0.00")),  # nothing issued yet
        (day(2), D("348.00")),  # issued at that very instant: counted
        (day(3), D("1044.00")),
        (day(4), D("348.00")),  # the second one paid
        (day(5), D("-348.00")),  # then cancelled: what was paid on it is the client's
        (day(6), D("-116.00")),
        (day(7), D("-216.00")),
    ],
)
def test_balance_at_each_moment(as_of: datetime, balance: Decimal) -> None:
    assert balance_of(RECEIPTS, PAYMENTS, as_of) == balance


def test_a_payment_counts_only_on_a_receipt_issued_by_then() -> None:
    late = [StoredReceipt(9, day(10), ISSUED, D("100.00"), None)]
    early_payment = [StoredPayment(9, day(8), D("50.00"))]  # stored before its receipt
    assert balance_of(late, early_payment, day(9)) == D("0.00")
    assert balance_of(late, early_payment, day(10)) == D("50.00")


@pytest.mark.parametrize(
    ("status", "at", "expected"),
    [
        (ISSUED, None, False),
        (CANCELLED, day(5), False),  # not yet
        (CANCELLED, day(4), True),
        (CANCELLED, None, True),  # cancelled, instant unknown: cancelled whenever
    ],
)
def test_cancelled_by(status: ReceiptStatus, at: datetime | None, expected: bool) -> None:
    assert cancelled_by(status, at, day(4)) is expected
