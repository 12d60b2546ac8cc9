"""Plain immutable values the services hand out (never ORM instances). Standard library,
kernel and billing values only: a widget imports them without loading SQLAlchemy."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.billing.money import ZERO
from app.billing.payments import payment_state, still_owed
from app.billing.policy import event_class
from app.billing.session_rules import SessionState, allowed_actions, suggested_outcome
from app.billing.tariff import Tariff
from app.kernel.enums import (
    AllowanceLevel,
    CaseState,
    Channel,
    DeviceKind,
    EventClass,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
    ReceiptStatus,
    RemoteState,
    RemoteTool,
    SessionAction,
)
from app.kernel.fmt import case_label, policy_label
from app.kernel.records import record
from app.kernel.timeline import SessionStatus

if TYPE_CHECKING:  # a policy's versions are read when a policy is shown
    from app.documents.policy_data import PolicyVersionView


@record
class AdvisorView:
    id: int
    name: str
    active: bool


@record
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


@record
class DeviceView:
    id: int
    client_id: int
    kind: DeviceKind
    model: str
    serial: str
    os_version: str
    notes: str
    active: bool


@record
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
        return case_label(self.number)


@record
class EventView:
    seq: int
    kind: EventKind
    at: datetime
    note: str = ""  # a correction's reason
    backup_notice_acknowledged: bool | None = None
    span_start: datetime | None = None  # what a correction sets (app.kernel.timeline)
    span_end: datetime | None = None
    author: str = ""  # the advisor who entered a correction or a note


@record
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

    def rules_state(self, now: datetime) -> SessionState:
        """What ``app.billing.session_rules`` needs to say which actions are allowed now."""
        return SessionState(
            modality=self.modality,
            channel=self.channel,
            device_id=self.device_id,
            ended=not self.running,
            status=self.status,
            instructions_elapsed=self.instructions_elapsed(now),
            instructions_cap=self.instructions_cap,
        )

    def allowed(self, now: datetime) -> frozenset[SessionAction]:
        return allowed_actions(self.rules_state(now))

    @property
    def suggested_outcome(self) -> Outcome | None:
        """The outcome to offer when it ends (``app.billing.session_rules``)."""
        return suggested_outcome(self.status)

    @property
    def manual(self) -> bool:
        """A past session entered by hand."""
        return self.status.manual


@record
class ReceiptLineView:
    position: int
    kind: str
    description: str
    band: str | None
    hours: int | Decimal | None  # a repair's labour may be a fraction (1.5 h)
    rate: Decimal | None
    amount: Decimal


@record
class PaymentView:
    id: int
    receipt_id: int
    amount: Decimal
    method: PaymentMethod
    received_at: datetime
    reference: str


@record
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
        """What can still be paid (nothing once cancelled)."""
        return still_owed(self.status, self.total, self.paid)

    @property
    def payment_status(self) -> str:
        """``paid``, ``partial``, ``unpaid`` or ``cancelled``."""
        return payment_state(self.status, self.total, self.paid)


@record
class PolicyView:
    id: int
    client_id: int
    client_name: str
    start_date: date
    ended_on: date | None
    versions: tuple[PolicyVersionView, ...]  # by valid_from
    current: PolicyVersionView | None  # in force on the day asked (None: not yet / ended)
    next_review: date | None

    @property
    def label(self) -> str:
        return policy_label(self.id)


@record
class ClassAllowance:
    event_class: EventClass
    used: int  # cases opened this month under the policy
    expected: int
    level: AllowanceLevel
    text: str  # "Póliza: 1 de 2 eventos a distancia usados en noviembre"
    warning: str  # "" below 80 %

    @property
    def remaining(self) -> int:
        return max(0, self.expected - self.used)

    @property
    def next_covered(self) -> bool:
        """Would a case opened now have its first hours covered?"""
        return self.used < self.expected


@record
class Allowance:
    policy_id: int
    version: int
    month: date  # first day of the local month
    month_name: str  # "noviembre"
    remote: ClassAllowance
    in_person: ClassAllowance
    discount: Decimal
    is_24x7: bool

    def for_modality(self, modality: Modality) -> ClassAllowance:
        return self.remote if event_class(modality) is EventClass.REMOTE else self.in_person

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in (self.remote, self.in_person) if c.expected or c.used)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(c.warning for c in (self.remote, self.in_person) if c.warning)


@record
class ReviewDue:
    policy_id: int
    client_id: int
    client_name: str
    review_date: date


@record
class ClientBalance:
    client_id: int
    client_name: str
    receipts: int  # receipts with something owed
    balance: Decimal
    oldest: datetime  # issue instant of the oldest receipt with something owed


@record
class Outstanding:
    clients: tuple[ClientBalance, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.balance for c in self.clients), ZERO)


@record
class RepairTerms:
    """What prices a repair quote made now: the tariff (its office business rate is the labour
    rate, its IVA) and the policy discount on labour."""

    tariff: Tariff
    discount: Decimal

    @property
    def labour_rate(self) -> Decimal:
        return self.tariff.office_business_rate


@record
class BackupView:
    """One backup of the database: where, when (UTC), why, how big, how many rows."""

    path: Path
    taken_at: datetime
    reason: str
    size: int
    rows: int
