"""Plain values of the agenda (issue 13) that the services take and hand out: never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from app.kernel.enums import AppointmentPurpose, AppointmentState, ChangeKind, Channel, Modality
from app.kernel.fmt import case_label, format_datetime, format_time, policy_label


@dataclass(frozen=True)
class AppointmentData:
    """What booking a cita asks for. ``city`` None: the client's city (onsite)."""

    client_id: int
    advisor_id: int
    start: datetime
    minutes: int
    modality: Modality
    channel: Channel | None = None
    city: str | None = None
    address: str = ""
    device_id: int | None = None
    reason: str = ""
    case_id: int | None = None
    policy_id: int | None = None
    purpose: AppointmentPurpose | None = None


@dataclass(frozen=True)
class AppointmentView:
    id: int
    client_id: int
    client_name: str
    advisor_id: int
    advisor_name: str
    modality: Modality
    channel: Channel | None
    city: str
    address: str
    device_id: int | None
    start: datetime
    end: datetime
    reason: str
    purpose: AppointmentPurpose
    case_id: int | None
    case_number: int | None
    policy_id: int | None
    state: AppointmentState
    cancel_reason: str | None
    emergency: bool
    requires_quote: bool
    price_total: Decimal | None
    notes: tuple[str, ...] = field(default=())
    revision: int = 0  # changes after booking (the calendar's SEQUENCE)
    changed_at: datetime | None = None  # the last change (the calendar's DTSTAMP)
    client_email: str = ""

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def title(self) -> str:
        """ "Lucía Hernández — Seguimiento C-000012" as the calendar shows it."""
        what = self.purpose.label if self.purpose is not AppointmentPurpose.GENERAL else ""
        if self.case_number is not None:
            what = f"{what} {case_label(self.case_number)}".strip()
        elif self.policy_id is not None and what:
            what = f"{what} {policy_label(self.policy_id)}"
        return f"{self.client_name} — {what}" if what else self.client_name

    @property
    def when(self) -> str:
        return f"{format_datetime(self.start, weekday=True)}–{format_time(self.end)}"

    @property
    def marks(self) -> str:
        """ "Emergencia · Requiere cotización" (empty when none)."""
        out = ["Emergencia"] if self.emergency else []
        if self.requires_quote:
            out.append("Requiere cotización")
        return " · ".join(out)


@dataclass(frozen=True)
class ChangeView:
    seq: int
    kind: ChangeKind
    at: datetime
    advisor_name: str
    start: datetime
    end: datetime
    note: str


@dataclass(frozen=True)
class SlotView:
    advisor_id: int
    advisor_name: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BookingPreview:
    """What booking would do, before it is saved: a refusal, or its marks and price."""

    refusal: str | None
    emergency: bool
    requires_quote: bool
    price_total: Decimal | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class BlockedView:
    id: int
    advisor_id: int
    start: datetime
    end: datetime
    reason: str


@dataclass(frozen=True)
class DueItem:
    """Something falling due on the agenda, one click from booking its appointment."""

    purpose: AppointmentPurpose
    due: date
    client_id: int
    client_name: str
    text: str
    case_id: int | None = None
    policy_id: int | None = None
    advisor_id: int | None = None
    modality: Modality = Modality.REMOTE
    deadline: datetime | None = None
    booked: bool = False


#: weekday → windows (``None`` as a whole: the business hours of the tariff)
Hours = dict[int, tuple[tuple[time, time], ...]]
