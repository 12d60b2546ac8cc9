"""What a client's statement and a repair quote show: plain values the services fill and the
PDFs lay out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.billing.money import ZERO
from app.billing.payments import payment_state
from app.billing.pricing import Bill
from app.billing.repair import RepairPart
from app.kernel.enums import ReceiptStatus, RepairStatus


@dataclass(frozen=True)
class ReceiptBalance:
    receipt_id: int
    folio: str
    issued_at: datetime
    status: ReceiptStatus
    concept: str  # "Sesión del caso C-000012", "Reparación del caso C-000012"
    total: Decimal  # 0.00 when cancelled
    paid: Decimal
    balance: Decimal
    later_payment_agreed: bool  # "pago posterior acordado" on the session's checklist

    @property
    def payment_status(self) -> str:
        """``paid``, ``partial``, ``unpaid`` or ``cancelled``."""
        return payment_state(self.status, self.total, self.paid)


@dataclass(frozen=True)
class StatementEntry:
    """One row of the statement, in time order, with the running balance."""

    at: datetime
    kind: str  # "receipt", "payment" or "cancellation"
    folio: str
    description: str
    charge: Decimal
    payment: Decimal
    balance: Decimal


@dataclass(frozen=True)
class UnbilledSession:
    """An ended session with no receipt yet that will charge something (e.g. a remote session
    with "pago posterior acordado" whose receipt is still to be issued)."""

    session_id: int
    case_label: str
    ended_at: datetime
    later_payment_agreed: bool
    total: Decimal | None  # None: it requires a quote first


@dataclass(frozen=True)
class ClientStatement:
    client_id: int
    client_name: str
    client_rfc: str | None
    as_of: datetime
    receipts: tuple[ReceiptBalance, ...]
    entries: tuple[StatementEntry, ...]
    charged: Decimal
    paid: Decimal
    unbilled: tuple[UnbilledSession, ...] = ()

    @property
    def unbilled_total(self) -> Decimal:
        """What ended sessions without a receipt will charge (IVA included)."""
        return sum((u.total for u in self.unbilled if u.total is not None), ZERO)

    @property
    def balance(self) -> Decimal:
        """What the client owes (negative: in the client's favour)."""
        return self.charged - self.paid

    @property
    def outstanding(self) -> tuple[ReceiptBalance, ...]:
        return tuple(r for r in self.receipts if r.balance > 0)


@dataclass(frozen=True)
class RepairView:
    id: int
    case_id: int
    case_label: str
    client_id: int
    client_name: str
    support_session_id: int
    support_receipt_folio: str | None  # the support session's issued receipt, if any
    description: str
    labour_hours: Decimal
    labour_rate: Decimal
    discount: Decimal
    parts: tuple[RepairPart, ...]
    status: RepairStatus
    quoted_at: datetime
    decided_at: datetime | None
    receipt_id: int | None
    receipt_folio: str | None
    quote: Bill  # the quoted amounts (no credit): lines, subtotal, discount, base, IVA, total

    @property
    def status_label(self) -> str:
        return self.status.label
