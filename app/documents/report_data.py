"""What a period report shows (issue 14), as plain immutable values (standard library only).

``PeriodReport.totals`` holds the corte del día's totals over the whole period: every figure is
the sum of the day summaries' figures over the period's days (subtotal, IVA, total, hours by
band, by modality, receipts, payments, pending cases, escalations, consents, disconnections),
except ``balance_due`` and ``pending_expiring``, which are the last day's (positions at the
close, not flows). The rows themselves (one per session, receipt…) are not held: the CSV takes
them from the corte built over the period. The other parts are groupings of the same session
figures: per day, week or month (``buckets``), per advisor, per client, cases by state, and the
comparison with the previous period of equal length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.billing.money import ZERO
from app.documents.data import BandTotal, BusinessProfile, ModalityTotal, PendingCase
from app.kernel.enums import Modality
from app.kernel.fmt import MONTHS
from app.kernel.timeline import require_aware

__all__ = [
    "Comparison",
    "GroupTotal",
    "PeriodBucket",
    "PeriodReport",
    "PeriodTotals",
    "PolicyUse",
    "StateCount",
    "period_label",
]

_SHORT_MONTHS = tuple(m[:3] for m in MONTHS)


def short_day(day: date) -> str:
    """``24 nov``."""
    return f"{day.day} {_SHORT_MONTHS[day.month - 1]}"


def period_label(first: date, last: date) -> str:
    """``1 nov 2026 – 30 nov 2026`` (one day: ``24 nov 2026``)."""
    a = f"{short_day(first)} {first.year}"
    return a if first == last else f"{a} – {short_day(last)} {last.year}"


@dataclass(frozen=True)
class PeriodBucket:
    """One day, week (Monday to Sunday) or month of the period: the sessions' charges before
    IVA by modality (in ``Modality`` order) and their billable hours by band."""

    label: str  # Spanish: "24 nov", "sem. 23 nov", "nov 2026"
    first: date
    last: date
    amounts: tuple[Decimal, ...]  # one per Modality
    business_hours: int
    outside_hours: int
    sessions: int

    @property
    def amount(self) -> Decimal:
        return sum(self.amounts, ZERO)

    def amount_of(self, modality: Modality) -> Decimal:
        return self.amounts[list(Modality).index(modality)]


@dataclass(frozen=True)
class GroupTotal:
    """Sessions of one advisor, client or modality: counts, hours and charge before IVA."""

    name: str
    sessions: int
    cases: int
    worked_minutes: int
    business_hours: int
    outside_hours: int
    amount: Decimal

    @property
    def billable_hours(self) -> int:
        return self.business_hours + self.outside_hours


@dataclass(frozen=True)
class StateCount:
    """Cases worked in the period by their state now (or repairs accepted)."""

    label: str
    count: int


@dataclass(frozen=True)
class PolicyUse:
    """One policy over the period: the fee of its months against what its covered hours
    would have cost, and how much of the expected events were used."""

    client: str
    label: str  # "Póliza P-0003"
    fee: Decimal  # the months' fees (before IVA)
    covered_hours: int
    covered_value: Decimal  # the covered hours at the list rates, before IVA
    charged: Decimal  # what its client's sessions were charged, before IVA
    expected_events: int
    used_events: int

    @property
    def utilisation(self) -> Decimal | None:
        """Used ÷ expected events (None when none were expected)."""
        if not self.expected_events:
            return None
        return Decimal(self.used_events) / Decimal(self.expected_events)


@dataclass(frozen=True)
class Comparison:
    """A figure this period and in the previous one of equal length."""

    label: str
    current: Decimal
    previous: Decimal
    money: bool = True

    @property
    def change(self) -> Decimal | None:
        """Relative change (0.25 = +25 %); None when the previous figure is zero."""
        if not self.previous:
            return None
        return (self.current - self.previous) / self.previous


@dataclass(frozen=True)
class PeriodTotals:
    """The corte's totals over a period (see the module's docstring)."""

    sessions: int = 0
    worked_minutes: int = 0
    billable_hours: int = 0
    sessions_amount: Decimal = ZERO  # before IVA; sessions still to quote count 0
    by_modality: tuple[ModalityTotal, ...] = ()
    by_band: tuple[BandTotal, ...] = ()
    receipts_issued: int = 0  # issued or cancelled in the period, by their state now
    receipts_cancelled: int = 0
    subtotal: Decimal = ZERO  # base of the issued ones
    iva: Decimal = ZERO
    total: Decimal = ZERO
    cancelled_total: Decimal = ZERO
    payments_received: Decimal = ZERO
    outstanding: Decimal = ZERO  # what the period's issued receipts still owe
    balance_due: Decimal = ZERO  # what every receipt in force still owes at the close
    pending_opened: int = 0
    pending_expiring: tuple[PendingCase, ...] = ()
    escalations: int = 0
    consents_accepted: int = 0
    consents_declined: int = 0
    disconnections: int = 0


@dataclass(frozen=True)
class PeriodReport:
    """A period report for ``first``–``last`` (local dates, both included), one advisor or all."""

    business: BusinessProfile
    first: date
    last: date
    generated_at: datetime
    totals: PeriodTotals  # the corte's figures over the whole period
    advisor: str | None = None
    granularity: str = "día"  # "día", "semana" or "mes": what one bucket is
    buckets: tuple[PeriodBucket, ...] = ()
    by_modality: tuple[GroupTotal, ...] = ()
    by_advisor: tuple[GroupTotal, ...] = ()
    top_clients: tuple[GroupTotal, ...] = ()
    cases: tuple[StateCount, ...] = ()
    case_count: int = 0  # cases with a session in the period
    policies: tuple[PolicyUse, ...] = ()
    previous_first: date | None = None
    previous_last: date | None = None
    comparison: tuple[Comparison, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.generated_at, "La fecha de elaboración")

    @property
    def advisor_label(self) -> str:
        return self.advisor or "Todos los asesores"

    @property
    def label(self) -> str:
        return period_label(self.first, self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def average_case_minutes(self) -> int:
        """Worked minutes per case worked in the period (whole minutes, rounded down)."""
        return self.totals.worked_minutes // self.case_count if self.case_count else 0

    @property
    def consent_declined_rate(self) -> Decimal | None:
        """Declined ÷ answered remote-control requests (None when none was answered)."""
        answered = self.totals.consents_accepted + self.totals.consents_declined
        if not answered:
            return None
        return Decimal(self.totals.consents_declined) / Decimal(answered)

    @property
    def cancelled_total(self) -> Decimal:
        return self.totals.cancelled_total
