"""What the quarterly review of a policy shows (RULES §6): its months, the version in force
and the suggestion — plain values the service fills and the report lays out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.billing.money import round_money
from app.kernel.enums import EventClass, PolicyBenefit


@dataclass(frozen=True)
class PolicyVersionView:
    id: int
    policy_id: int
    version: int
    valid_from: date
    expected_remote: int
    expected_in_person: int
    discount: Decimal
    is_24x7: bool
    device_ids: tuple[int, ...]
    benefits: tuple[PolicyBenefit, ...]
    review_date: date | None
    note: str
    monthly_fee: Decimal

    @property
    def discount_percent(self) -> str:
        """``"20"`` for 0.2000."""
        return f"{(self.discount * 100).normalize():f}"

    @property
    def benefit_labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.benefits)

    def expected(self, cls: EventClass) -> int:
        return self.expected_remote if cls is EventClass.REMOTE else self.expected_in_person


@dataclass(frozen=True)
class ReviewMonth:
    start: date
    end: date  # exclusive
    label: str  # "noviembre 2026"
    expected_remote: int
    expected_in_person: int
    actual_remote: int
    actual_in_person: int
    worked_minutes: int
    billable_hours: int
    covered_hours: int
    covered_value: Decimal  # what the covered hours cost at the list rates, before IVA
    charged: Decimal  # the sessions' bills before IVA (after discount and credits)

    @property
    def worked_hours(self) -> Decimal:
        return round_money(Decimal(self.worked_minutes) / 60)


@dataclass(frozen=True)
class PolicyReview:
    policy_id: int
    client_id: int
    client_name: str
    review_date: date
    months: tuple[ReviewMonth, ...]
    current: PolicyVersionView
    suggested_remote: int
    suggested_in_person: int
    suggested_fee: Decimal
    accepted: bool  # a version answering this review exists

    @property
    def totals(self) -> ReviewMonth:
        m = self.months
        return ReviewMonth(
            self.months[0].start, self.months[-1].end, "Trimestre",
            sum(x.expected_remote for x in m), sum(x.expected_in_person for x in m),
            sum(x.actual_remote for x in m), sum(x.actual_in_person for x in m),
            sum(x.worked_minutes for x in m), sum(x.billable_hours for x in m),
            sum(x.covered_hours for x in m), sum((x.covered_value for x in m), Decimal("0.00")),
            sum((x.charged for x in m), Decimal("0.00")),
        )  # fmt: skip
