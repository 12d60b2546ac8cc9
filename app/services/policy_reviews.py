"""The quarterly review of a policy (RULES §6): per month of the quarter, expected vs. actual
events, worked and billable hours, what the covered hours are worth and what was charged; the
suggested numbers (the monthly average of actual events, rounded up) with their fee; and the
new version that answers it. Sessions are priced through the one pricing path
(``loading.price``), the rules are ``app.billing.policy``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.money import ZERO, round_money
from app.billing.policy import (
    add_months,
    cases_used,
    covered_value,
    day_start,
    monthly_fee,
    period_label,
    quarter_periods,
    review_due_date,
    suggest_expected,
)
from app.documents.policy_data import PolicyReview, ReviewMonth
from app.kernel.clock import Clock
from app.kernel.enums import EventClass, LineKind
from app.kernel.errors import RuleError
from app.kernel.limits import check_day
from app.models import Case, Client, Policy, WorkSession
from app.services.billing_inputs import case_openings, client_policies
from app.services.data import PolicyData
from app.services.loading import get_or_fail, load_sessions, price, tariffs
from app.services.policies import PolicyService, contract_of, version_view
from app.services.uow import Database, session_execute
from app.services.values import PolicyView


class PolicyReviewService:
    def __init__(self, db: Database, clock: Clock, policies: PolicyService) -> None:
        self.db = db
        self.clock = clock
        self.policies = policies

    def review(self, policy_id: int, review_date: date | None = None) -> PolicyReview:
        """The quarter ending on ``review_date`` (the latest one due by default)."""
        if review_date is not None:
            check_day(review_date)
        return self.db.read(lambda s: self._review(s, policy_id, review_date))

    def accept(
        self,
        policy_id: int,
        review_date: date | None = None,
        *,
        expected_remote: int | None = None,
        expected_in_person: int | None = None,
    ) -> PolicyView:
        """Answer a review with a new version (the suggested numbers unless others are given),
        in force from the review date or today, whichever is later."""
        if review_date is not None:
            check_day(review_date)

        def work(s: Session) -> PolicyView:
            review = self._review(s, policy_id, review_date)
            if review.accepted:
                raise RuleError(f"La revisión del {review.review_date:%d/%m/%Y} ya fue atendida.")
            cur = review.current
            data = PolicyData(
                review.suggested_remote if expected_remote is None else expected_remote,
                review.suggested_in_person if expected_in_person is None else expected_in_person,
                cur.discount, cur.is_24x7, cur.device_ids, cur.benefits,
                f"Revisión trimestral del {review.review_date:%d/%m/%Y}",
            )  # fmt: skip
            start = max(review.review_date, self.policies.today(s))
            return self.policies.add_version(s, policy_id, data, start, review.review_date)

        return self.db.write(work)

    # -- internals ---------------------------------------------------------------------------
    def _review(self, s: Session, policy_id: int, review_date: date | None) -> PolicyReview:
        p = get_or_fail(s, Policy, policy_id, "La póliza")
        today = self.policies.today(s)
        day = review_date or review_due_date(p.start_date, today)
        if day is None:
            first = add_months(p.start_date, 3)
            raise RuleError(f"La primera revisión trimestral de la póliza es el {first:%d/%m/%Y}.")
        if review_due_date(p.start_date, day) != day:
            raise RuleError(f"El {day:%d/%m/%Y} no es fecha de revisión de esta póliza.")
        months = tuple(self._month(s, p, start, end) for start, end in quarter_periods(day))
        contract = contract_of(p)
        current = next(
            v for v in reversed(p.versions) if v.valid_from <= day
        )  # the version in force on the review date
        cur_view = version_view(s, current, contract, self.clock())
        remote = suggest_expected([m.actual_remote for m in months])
        in_person = suggest_expected([m.actual_in_person for m in months])
        # the answering version would start on the review date or today: its tariff prices it
        tariff = tariffs(s).on(max(day, today))
        fee = monthly_fee(remote, in_person, cur_view.discount, len(cur_view.device_ids), tariff)
        client = get_or_fail(s, Client, p.client_id)
        accepted = any(v.review_date == day for v in p.versions)
        return PolicyReview(
            p.id, client.id, client.name, day, months, cur_view, remote, in_person, fee,
            accepted,
        )  # fmt: skip

    def _month(self, s: Session, p: Policy, start: date, end: date) -> ReviewMonth:
        version = None
        for v in p.versions:  # the version in force when the month began
            if v.valid_from <= max(start, p.start_date):
                version = v
        tariff = tariffs(s).on(start)
        t0, t1 = day_start(start, tariff), day_start(end, tariff)
        execute = session_execute(s)
        cases = case_openings(execute, [p.client_id], t0, t1)[p.client_id]
        policies = client_policies(execute, [p.client_id])[p.client_id]
        actual = cases_used(policies, cases, tariff)
        rows = s.scalars(
            select(WorkSession)
            .join(Case, Case.id == WorkSession.case_id)
            .where(
                Case.client_id == p.client_id,
                WorkSession.started_at >= t0,
                WorkSession.started_at < t1,
                WorkSession.ended_at.is_not(None),
            )
            .order_by(WorkSession.started_at, WorkSession.id)
        ).all()
        loaded = load_sessions(s, rows)
        priced = price(s, loaded, self.clock())
        minutes = hours = covered = 0
        value = charged = ZERO
        for x in loaded:
            bill = priced.bills[x.row.id]
            minutes += bill.worked_minutes
            hours += bill.billable_hours
            covered += sum(
                int(line.hours or 0) for line in bill.lines if line.kind is LineKind.COVERED
            )
            session_tariff = tariffs(s).at(x.row.started_at)
            value += covered_value(bill, priced.terms[x.row.id], session_tariff)
            charged += bill.base or ZERO
        return ReviewMonth(
            start, end, period_label(start, end),
            version.expected_remote if version else 0,
            version.expected_in_person if version else 0,
            actual[EventClass.REMOTE], actual[EventClass.IN_PERSON],
            minutes, hours, covered, round_money(value), charged,
        )  # fmt: skip
