"""Plain immutable values the services hand out (never ORM instances)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.billing import Modality
from app.models.enums import (
    CaseState,
    Channel,
    DeviceKind,
    EventKind,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
    ReceiptStatus,
    RemoteTool,
)
from app.services.timeline import RemoteState, SessionStatus


@dataclass(frozen=True)
class AdvisorView:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    phone: str
    email: str
    rfc: str | None
    city: str
    address: str
    notes: str
    active: bool


@dataclass(frozen=True)
class DeviceView:
    id: int
    client_id: int
    kind: DeviceKind
    model: str
    serial: str
    os_version: str
    notes: str
    active: bool


@dataclass(frozen=True)
class CaseView:
    id: int
    number: int
    client_id: int
    device_id: int | None
    modality: Modality
    summary: str
    state: CaseState
    opened_at: datetime
    pending_since: datetime | None
    closed_at: datetime | None
    follow_up_deadline: datetime | None  # when pending: free follow-up until then
    previous_case_id: int | None

    @property
    def label(self) -> str:
        return f"C-{self.number:06d}"


@dataclass(frozen=True)
class EventView:
    seq: int
    kind: EventKind
    at: datetime
    note: str = ""
    backup_notice_acknowledged: bool | None = None


@dataclass(frozen=True)
class SessionView:
    id: int
    case: CaseView
    advisor_id: int
    advisor_name: str
    client_id: int
    client_name: str
    device_id: int | None
    modality: Modality
    channel: Channel | None
    city: str
    started_at: datetime
    ended_at: datetime | None
    outcome: Outcome | None
    follow_up: bool
    payment_arrangement: PaymentArrangement | None
    checklist_internet: bool
    checklist_macos: bool
    checklist_remote_tool: RemoteTool | None
    quoted_rate: Decimal | None
    quoted_amount: Decimal | None
    events: tuple[EventView, ...]
    status: SessionStatus
    instructions_cap: timedelta

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def paused(self) -> bool:
        return self.status.paused

    @property
    def disconnected(self) -> bool:
        return self.status.disconnected

    @property
    def remote_state(self) -> RemoteState:
        return self.status.remote

    def worked(self, now: datetime) -> timedelta:
        """Worked time so far (to ``now`` while running), from the stored instants."""
        return self.status.worked(self.started_at, self.ended_at or now)

    def instructions_elapsed(self, now: datetime) -> timedelta:
        return self.status.instructions_elapsed(self.ended_at or now)

    def instructions_over_cap(self, now: datetime) -> bool:
        return self.instructions_elapsed(now) >= self.instructions_cap


@dataclass(frozen=True)
class ReceiptLineView:
    position: int
    kind: str
    description: str
    band: str | None
    hours: int | None
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class PaymentView:
    id: int
    receipt_id: int
    amount: Decimal
    method: PaymentMethod
    received_at: datetime
    reference: str


@dataclass(frozen=True)
class ReceiptView:
    id: int
    folio: str
    series: str
    number: int
    status: ReceiptStatus
    issued_at: datetime
    client_id: int
    client_name: str
    client_rfc: str | None
    advisor_id: int
    advisor_name: str
    session_id: int | None
    case_number: int | None
    modality: Modality
    worked_minutes: int
    billable_hours: int
    business_hours: int
    outside_hours: int
    lines: tuple[ReceiptLineView, ...]
    subtotal: Decimal
    discount: Decimal
    credits: Decimal
    base: Decimal
    iva: Decimal
    total: Decimal
    tariff: dict[str, Any]
    cancelled_at: datetime | None
    cancel_reason: str | None
    payments: tuple[PaymentView, ...]

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid

    @property
    def payment_status(self) -> str:
        """``paid``, ``partial`` or ``unpaid``."""
        if self.paid >= self.total:
            return "paid"
        return "partial" if self.paid > 0 else "unpaid"
