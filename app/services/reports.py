"""The period report (issue 14) as a read model: the corte del día's own statements and
helpers (:mod:`app.services.day_summary`) run over a range of local dates, plus groupings of
the same session figures. No rule of its own, and none in the SQL:

- a session's figures are its issued receipt's stored ones, else its bill from
  ``billing_inputs.price_sessions`` — the day summary's classification, reused, not re-derived;
- receipts, payments and balances are the day summary's statements with the range's bounds;
- policies: ``app.billing.policy`` (``version_fee``, ``cases_used``, ``covered_value``).

So the report's figures are the sum of the day summaries over the same days (a test checks it).
Standard library only (the seam of :mod:`app.services.sql`), like the day summary.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.billing.money import ZERO, round_money
from app.billing.policy import (
    add_months,
    cases_used,
    covered_value,
    day_start,
    fee_day,
    version_fee,
)
from app.billing.tariff import TariffHistory
from app.documents import data as doc
from app.documents.report_data import (
    Comparison,
    GroupTotal,
    PeriodBucket,
    PeriodReport,
    PolicyUse,
    StateCount,
    short_day,
)
from app.kernel.enums import (
    Band,
    CaseState,
    EventClass,
    LineKind,
    Modality,
    ReceiptStatus,
    ReportPeriod,
)
from app.kernel.errors import DomainError, NotFoundError
from app.kernel.fmt import LOCAL_ZONE, policy_label, to_local
from app.kernel.limits import check_day
from app.kernel.timeline import Entry
from app.services import day_summary as corte
from app.services.billing_inputs import (
    SessionFacts,
    case_openings,
    client_policies,
    price_sessions,
    tariff_history,
)
from app.services.data import PROFILE_KEY, BusinessProfile
from app.services.sql import Execute, json_value, money

__all__ = [
    "Preset",
    "build_period_report",
    "check_period",
    "preset_period",
    "previous_period",
]

#: The longest period a report covers (the bench measures a year).
MAX_DAYS = 3 * 366


#: the named periods (this week, month, quarter, year, the last 12 months)
Preset = ReportPeriod


def preset_period(preset: Preset, today: date) -> tuple[date, date]:
    """The whole week (Monday–Sunday), month, quarter or year holding ``today``; or the last
    12 months: from the day after the same date a year ago through ``today``."""
    if preset is Preset.WEEK:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if preset is Preset.MONTH:
        return today.replace(day=1), today.replace(
            day=calendar.monthrange(today.year, today.month)[1]
        )
    if preset is Preset.QUARTER:
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return first, add_months(first, 3) - timedelta(days=1)
    if preset is Preset.YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return add_months(today, -12) + timedelta(days=1), today


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period of equal length that ends the day before ``first``."""
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


def check_period(first: date, last: date) -> tuple[date, date]:
    """A period's dates as the report takes them: within the app's limits, in order, at most
    :data:`MAX_DAYS` long; otherwise a Spanish message."""
    check_day(first)
    check_day(last)
    if last < first:
        raise DomainError(
            f"El periodo está al revés: el {last:%d/%m/%Y} es anterior al {first:%d/%m/%Y}."
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise DomainError(f"El periodo no puede pasar de {MAX_DAYS} días.")
    return first, last


# -- the extra statements (counts, no rule) -----------------------------------------------------

_CASE_STATES = """
SELECT c.state, COUNT(DISTINCT c.id)
FROM cases c
WHERE c.id IN (SELECT s.case_id FROM sessions s WHERE {where})
GROUP BY c.state
"""
_REPAIRS_ACCEPTED = """
SELECT COUNT(*) FROM repairs r
WHERE r.status = 'accepted' AND r.decided_at >= :start AND r.decided_at < :end{advisor}
"""


@dataclass(frozen=True)
class _Row:
    """One session of the period with its figures, as the groupings need them (taken once from
    the receipt's or the bill's figures: a year holds tens of thousands of sessions)."""

    session: corte._Session
    day: date
    advisor: str
    modality: Modality
    worked_minutes: int
    business_hours: int
    outside_hours: int
    amount: Decimal  # before IVA; a session still to quote counts 0.00

    @classmethod
    def of(cls, r: corte._Session, f: corte._Figures | None, advisor: str) -> _Row:
        hours = doc.band_hours(f.lines if f is not None else ())  # as the corte counts them
        return cls(
            r, to_local(r.started_at, LOCAL_ZONE).date(), advisor, r.facts.stored.modality,
            f.worked_minutes if f is not None else 0, hours[Band.BUSINESS], hours[Band.OUTSIDE],
            f.amount if f is not None and f.amount is not None else ZERO,
        )  # fmt: skip


@dataclass
class _Loaded:
    """The corte's value over the period and the session rows it was built from."""

    summary: doc.DaySummary
    rows: list[_Row]
    facts: dict[int, SessionFacts]
    events: dict[int, list[Entry]]
    tariffs: TariffHistory


def _load(
    execute: Execute, first: date, last: date, advisor_id: int | None, now: datetime
) -> _Loaded:
    """``build_day_summary`` over [first, last]: the same statements and helpers."""
    start, end = corte.local_day_bounds(first)[0], corte.local_day_bounds(last)[1]
    names = {int(k): v for k, v in execute(corte._ADVISORS, {})}
    if advisor_id is not None and advisor_id not in names:
        raise NotFoundError(f"El asesor {advisor_id} no existe.")
    profile = execute(corte._PROFILE, {"key": PROFILE_KEY})
    tariffs = tariff_history(execute)
    where, params = _where(start, end, advisor_id)
    sessions = [corte._Session.of(r) for r in execute(corte._SESSIONS.format(where=where), params)]
    events = corte.read_events(execute, where, params) if sessions else {}
    figures = corte._receipt_figures(execute, where, params) if sessions else {}
    unbilled = [r.facts for r in sessions if r.id not in figures]
    if unbilled:
        bills = price_sessions(execute, unbilled, events, tariffs, now).bills
        figures.update((ident, corte._bill_figures(bill)) for ident, bill in bills.items())
    today_tariff = tariffs.at(now)
    parts = corte._Parts()
    rows = []
    for r in sessions:
        advisor = names.get(r.advisor_id, "")
        f = figures.get(r.id)
        parts.add(r, f, events[r.id], advisor, now, today_tariff)
        rows.append(_Row.of(r, f, advisor))
    receipts, outstanding = corte._day_receipts(execute, start, end, advisor_id, names)
    by_advisor = " AND r.advisor_id = :advisor" if advisor_id is not None else ""
    received = money(execute(corte._RECEIVED.format(advisor=by_advisor), params)[0][0] or 0)
    # what is still owed at the period's close: the last day's figure
    close = {**params, "issued": ReceiptStatus.ISSUED.value}
    charged = execute(corte._CHARGED.format(advisor=by_advisor), close)[0][0]
    paid = execute(corte._PAID.format(advisor=by_advisor), close)[0][0]
    last_start, last_end = corte.local_day_bounds(last)
    summary = doc.DaySummary(
        business=BusinessProfile.from_stored(
            json_value(profile[0][0]) if profile else None
        ).document_header(),
        day=first,
        generated_at=now,
        advisor=names[advisor_id] if advisor_id is not None else None,
        sessions=tuple(parts.sessions),
        by_band=doc.band_totals_of(parts.billable_hours, parts.lines),
        receipts=receipts,
        payments_received=received,
        outstanding=outstanding,
        balance_due=max(ZERO, Decimal(int(charged or 0) - int(paid or 0)).scaleb(-2)),
        pending_opened=tuple(parts.pending_opened),
        pending_expiring=corte._expiring(
            execute, last_start, last_end, advisor_id, today_tariff, names
        ),
        escalations=tuple(parts.escalations),
        consents=tuple(parts.consents),
        disconnections=tuple(parts.cuts),
    )
    facts = {r.id: r.facts for r in sessions}
    return _Loaded(summary, rows, facts, events, tariffs)


def _where(start: datetime, end: datetime, advisor_id: int | None) -> tuple[str, dict[str, Any]]:
    where = corte._DAY_SESSIONS
    params: dict[str, Any] = {"start": start, "end": end}
    if advisor_id is not None:
        where += " AND s.advisor_id = :advisor"
        params["advisor"] = advisor_id
    return where, params


# -- the report ---------------------------------------------------------------------------------


def build_period_report(
    execute: Execute,
    first: date,
    last: date,
    advisor_id: int | None,
    now: datetime,
    *,
    compare: bool = True,
    policies: bool = True,
    top: int = 10,
) -> PeriodReport:
    """The report for the local dates ``first``–``last`` (both included), one advisor or all
    (``None``), with the previous period of equal length when ``compare`` and the policies'
    use when ``policies`` (the previous period is read without either)."""
    check_period(first, last)
    loaded = _load(execute, first, last, advisor_id, now)
    rows = loaded.rows
    start, end = corte.local_day_bounds(first)[0], corte.local_day_bounds(last)[1]
    granularity, buckets = _buckets(rows, first, last)
    case_count, states = _case_states(execute, start, end, advisor_id)
    previous = None
    comparison: tuple[Comparison, ...] = ()
    if compare:
        previous = previous_period(first, last)
        if previous[0] >= date(2000, 1, 1):
            before = build_period_report(
                execute, previous[0], previous[1], advisor_id, now, compare=False, policies=False
            )
            comparison = _compare(loaded.summary, before.totals, case_count, before.case_count)
        else:
            previous = None
    return PeriodReport(
        business=loaded.summary.business,
        first=first,
        last=last,
        generated_at=now,
        totals=loaded.summary,
        advisor=loaded.summary.advisor,
        granularity=granularity,
        buckets=buckets,
        by_modality=tuple(_groups(rows, lambda r: r.modality.label, order=_MODALITY_ORDER)),
        by_advisor=tuple(_groups(rows, lambda r: r.advisor)),
        top_clients=tuple(_groups(rows, lambda r: r.session.client))[:top],
        cases=states,
        case_count=case_count,
        policies=_policies(execute, loaded, first, last) if policies else (),
        previous_first=previous[0] if previous else None,
        previous_last=previous[1] if previous else None,
        comparison=comparison,
    )


_MODALITY_ORDER = [m.label for m in Modality]


def _groups(rows: Iterable[_Row], key: Any, order: Sequence[str] | None = None) -> list[GroupTotal]:
    """Totals per key: by ``order`` when given, else by amount (largest first), then name."""
    found: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        found[key(r)].append(r)
    out = [
        GroupTotal(
            name=name,
            sessions=len(group),
            cases=len({r.session.facts.case.case_id for r in group}),
            worked_minutes=sum(r.worked_minutes for r in group),
            business_hours=sum(r.business_hours for r in group),
            outside_hours=sum(r.outside_hours for r in group),
            amount=sum((r.amount for r in group), ZERO),
        )
        for name, group in found.items()
    ]
    if order is not None:
        return sorted(out, key=lambda g: order.index(g.name))
    return sorted(out, key=lambda g: (-g.amount, g.name))


def _buckets(rows: Sequence[_Row], first: date, last: date) -> tuple[str, tuple[PeriodBucket, ...]]:
    """Days for up to 31 days, weeks (Monday–Sunday) up to 26 weeks, months beyond."""
    days = (last - first).days + 1
    spans: list[tuple[str, date, date]] = []
    if days <= 31:
        granularity = "día"
        spans = [(short_day(d), d, d) for d in _dates(first, last)]
    elif days <= 26 * 7:
        granularity = "semana"
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            a, b = max(monday, first), min(monday + timedelta(days=6), last)
            spans.append((f"sem. {short_day(a)}", a, b))
            monday += timedelta(days=7)
    else:
        granularity = "mes"
        month = first.replace(day=1)
        while month <= last:
            a, b = max(month, first), min(add_months(month, 1) - timedelta(days=1), last)
            spans.append((f"{short_day(month)[len(str(month.day)) + 1 :]} {month.year}", a, b))
            month = add_months(month, 1)
    by_day: dict[date, list[_Row]] = defaultdict(list)
    for r in rows:
        by_day[r.day].append(r)
    out = []
    for label, a, b in spans:
        inside = [r for d in _dates(a, b) for r in by_day.get(d, ())]
        amounts = tuple(sum((r.amount for r in inside if r.modality is m), ZERO) for m in Modality)
        out.append(
            PeriodBucket(
                label, a, b, amounts,
                sum(r.business_hours for r in inside),
                sum(r.outside_hours for r in inside),
                len(inside),
            )
        )  # fmt: skip
    return granularity, tuple(out)


def _dates(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


_STATE_ORDER = (
    CaseState.RESOLVED, CaseState.PENDING, CaseState.EXPIRED, CaseState.ESCALATED,
    CaseState.CLOSED, CaseState.OPEN,
)  # fmt: skip


def _case_states(
    execute: Execute, start: datetime, end: datetime, advisor_id: int | None
) -> tuple[int, tuple[StateCount, ...]]:
    """Cases with a session in the period by their state now, and repairs accepted in it."""
    where, params = _where(start, end, advisor_id)
    counts = {CaseState(s): int(n) for s, n in execute(_CASE_STATES.format(where=where), params)}
    by_advisor = " AND r.advisor_id = :advisor" if advisor_id is not None else ""
    repairs = int(execute(_REPAIRS_ACCEPTED.format(advisor=by_advisor), params)[0][0] or 0)
    out = [StateCount(state.label, counts.get(state, 0)) for state in _STATE_ORDER]
    out.append(StateCount("Reparaciones aceptadas", repairs))
    return sum(counts.values()), tuple(out)


def _compare(
    now: doc.DaySummary, before: doc.DaySummary, cases: int, cases_before: int
) -> tuple[Comparison, ...]:
    def hours(s: doc.DaySummary, band: Band) -> Decimal:
        return Decimal(sum(b.hours for b in s.by_band if b.band is band))

    return (
        Comparison("Sesiones", Decimal(len(now.sessions)), Decimal(len(before.sessions)), False),
        Comparison("Casos atendidos", Decimal(cases), Decimal(cases_before), False),
        Comparison(
            "Horas cobrables", Decimal(now.billable_hours), Decimal(before.billable_hours), False
        ),
        Comparison(
            "Horas fuera de horario", hours(now, Band.OUTSIDE), hours(before, Band.OUTSIDE), False
        ),
        Comparison("Importe de sesiones", now.sessions_amount, before.sessions_amount),
        Comparison("Subtotal emitido", now.subtotal, before.subtotal),
        Comparison("Total emitido", now.total, before.total),
        Comparison("Pagos recibidos", now.payments_received, before.payments_received),
    )


# -- policies -----------------------------------------------------------------------------------


def _policies(execute: Execute, loaded: _Loaded, first: date, last: date) -> tuple[PolicyUse, ...]:
    """Each policy in force during the period for a client with sessions in it: the fees of
    the months the period touches, the value of the covered hours (``covered_value``) and the
    events used (``cases_used``) against those expected, month by month."""
    by_client: dict[int, list[_Row]] = defaultdict(list)
    for r in loaded.rows:
        by_client[r.session.facts.client_id].append(r)
    policies = client_policies(execute, by_client)
    if not policies:
        return ()
    facts = [loaded.facts[r.session.id] for c in policies for r in by_client[c]]
    priced = price_sessions(
        execute, facts, loaded.events, loaded.tariffs, loaded.summary.generated_at
    )
    out = []
    for client_id, held in policies.items():
        group = by_client[client_id]
        hours = 0
        value = ZERO
        for r in group:
            bill = priced.bills.get(r.session.id)
            if bill is None:
                continue
            hours += sum(int(x.hours or 0) for x in bill.lines if x.kind is LineKind.COVERED)
            tariff = loaded.tariffs.at(r.session.started_at)
            value += covered_value(bill, priced.terms.get(r.session.id), tariff)
        for contract in held.contracts:
            fee = ZERO
            expected = used = 0
            month = first.replace(day=1)
            while month <= last:
                day = max(month, first, contract.start_date)
                version = contract.version_on(day)
                if version is not None and day <= last:
                    tariff = loaded.tariffs.on(
                        fee_day(version.valid_from, contract.last_day(version), day)
                    )
                    fee += version_fee(version, tariff)
                    expected += sum(version.expected(c) for c in EventClass)
                    low = day_start(month, tariff)
                    high = day_start(add_months(month, 1), tariff)
                    cases = case_openings(execute, [client_id], low, high)[client_id]
                    used += sum(cases_used(held, cases, tariff).values())
                month = add_months(month, 1)
            if not expected and not fee:
                continue
            out.append(
                PolicyUse(
                    client=group[0].session.client,
                    label=policy_label(contract.id),
                    fee=round_money(fee),
                    covered_hours=hours,
                    covered_value=round_money(value),
                    charged=sum((r.amount for r in group), ZERO),
                    expected_events=expected,
                    used_events=used,
                )
            )
    return tuple(sorted(out, key=lambda p: p.client))
