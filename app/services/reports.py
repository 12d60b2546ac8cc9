"""The period report (issue 14) as a read model: the period's sums
(:mod:`app.services.period_sums`: SQL aggregates over the issued receipts' stored figures, the
one pricing path for the sessions without one) and the corte del día's own statements for
payments, balances and expiring cases (:mod:`app.services.day_summary`). No rule of its own,
and none in the SQL:

- a session's figures are its issued receipt's stored ones, else its bill from
  ``billing_inputs.price_sessions`` — the day summary's classification, reused, not re-derived;
- hours by band: ``documents.data.band_hours`` / ``band_totals_of`` over the summed lines;
- policies: ``app.billing.policy`` (``version_fee``, ``cases_used``, ``covered_value``), over
  the sessions of the clients that hold one.

So the report's figures are the sum of the day summaries over the same days (a test checks
it); ``build_period_corte`` gives the corte's rows over the period for the CSV.
Standard library only (the seam of :mod:`app.services.sql`), like the day summary.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
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
from app.documents import data as doc
from app.documents.report_data import (
    Comparison,
    GroupTotal,
    PeriodBucket,
    PeriodReport,
    PeriodTotals,
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
from app.kernel.fmt import policy_label
from app.kernel.limits import check_day
from app.services import day_summary as corte
from app.services.billing_inputs import (
    case_openings,
    client_policies,
    price_sessions,
    tariff_history,
)
from app.services.period_cache import CacheRow, PeriodFigures, client_names, period_figures
from app.services.period_sums import PeriodSums, Sum, modality_totals
from app.services.sql import Execute, in_list

__all__ = [
    "Preset",
    "bucket_spans",
    "build_period_corte",
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


def _where(start: datetime, end: datetime, advisor_id: int | None) -> tuple[str, dict[str, Any]]:
    where = corte.DAY_SESSIONS
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
    fresh: list[CacheRow] | None = None,
) -> PeriodReport:
    """The report for the local dates ``first``–``last`` (both included), one advisor or all
    (``None``), with the previous period of equal length when ``compare`` and the policies'
    use when ``policies``. The sums of closed days and months come from those stored while
    they still hold (:mod:`app.services.period_cache`); those made anew that may be kept are
    added to ``fresh``, for the caller to store."""
    check_period(first, last)
    names = {int(k): v for k, v in execute(corte.ADVISORS, {})}
    if advisor_id is not None and advisor_id not in names:
        raise NotFoundError(f"El asesor {advisor_id} no existe.")
    granularity, spans = bucket_spans(first, last)
    figures = period_figures(execute, [(a, b) for _, a, b in spans], advisor_id, now, fresh)
    sums = figures.sums
    sums.client_names = client_names(execute, (c for c, g in sums.clients.items() if g.sessions))
    totals = _totals(execute, figures, last, advisor_id, now)
    case_count, states = figures.case_count, _states(figures)
    previous = None
    comparison: tuple[Comparison, ...] = ()
    if compare:
        previous = previous_period(first, last)
        if previous[0] >= date(2000, 1, 1):
            before = period_figures(execute, [previous], advisor_id, now, fresh, detail=False)
            comparison = _compare(totals, case_count, before)
        else:
            previous = None
    clients = {sums.client_names.get(c, ""): g for c, g in sums.clients.items()}
    return PeriodReport(
        business=corte.business_header(execute),
        first=first,
        last=last,
        generated_at=now,
        totals=totals,
        advisor=names[advisor_id] if advisor_id is not None else None,
        granularity=granularity,
        buckets=tuple(_bucket(label, a, b, sums.buckets.get(n, {}))
                      for n, (label, a, b) in enumerate(spans)),
        by_modality=tuple(
            _group(m.label, sums.modalities[m]) for m in Modality
            if m in sums.modalities and sums.modalities[m].sessions
        ),
        by_advisor=_ranked({names.get(a, ""): g for a, g in sums.advisors.items()}),
        top_clients=_ranked(clients)[:top],
        cases=states,
        case_count=case_count,
        policies=_policies(execute, sums, first, last, advisor_id, now) if policies else (),
        previous_first=previous[0] if previous else None,
        previous_last=previous[1] if previous else None,
        comparison=comparison,
    )  # fmt: skip


def build_period_corte(
    execute: Execute, first: date, last: date, advisor_id: int | None, now: datetime
) -> doc.DaySummary:
    """The corte del día over the whole period, one row per session, receipt, consent…: what
    the report's CSV lays out like the corte's (the report itself holds only the totals)."""
    check_period(first, last)
    return corte.build_range_summary(execute, first, last, advisor_id, now).summary


def _totals(
    execute: Execute, figures: PeriodFigures, last: date, advisor_id: int | None, now: datetime
) -> PeriodTotals:
    """The corte's totals from the period's sums."""
    sums = figures.sums
    t = sums.total
    last_start, last_end = corte.local_day_bounds(last)
    tariffs = tariff_history(execute)
    names = {int(k): v for k, v in execute(corte.ADVISORS, {})}
    issued = sums.receipts.get(ReceiptStatus.ISSUED, (0, ZERO, ZERO, ZERO))
    cancelled = sums.receipts.get(ReceiptStatus.CANCELLED, (0, ZERO, ZERO, ZERO))
    return PeriodTotals(
        sessions=t.sessions,
        worked_minutes=t.worked_minutes,
        billable_hours=t.billable_hours,
        sessions_amount=t.amount,
        by_modality=modality_totals(sums),
        by_band=doc.band_totals_of(t.billable_hours, t.line_values()),
        receipts_issued=issued[0],
        receipts_cancelled=cancelled[0],
        subtotal=issued[1],
        iva=issued[2],
        total=issued[3],
        cancelled_total=cancelled[3],
        payments_received=figures.received,
        outstanding=sums.outstanding,
        balance_due=corte.balance_due(execute, last_end, advisor_id),
        pending_opened=sums.pending_opened,
        pending_expiring=corte.expiring_cases(
            execute, last_start, last_end, advisor_id, tariffs.at(now), names
        ),
        escalations=sums.escalations,
        consents_accepted=sums.consents_accepted,
        consents_declined=sums.consents_declined,
        disconnections=sums.disconnections,
    )


def _group(name: str, g: Sum) -> GroupTotal:
    hours = g.band_hours()  # as the corte counts them
    return GroupTotal(
        name, g.sessions, g.cases, g.worked_minutes, hours[Band.BUSINESS], hours[Band.OUTSIDE],
        g.amount,
    )  # fmt: skip


def _ranked(groups: dict[str, Sum]) -> tuple[GroupTotal, ...]:
    """Largest amount first, then by name."""
    out = [_group(name, g) for name, g in groups.items() if g.sessions]
    return tuple(sorted(out, key=lambda g: (-g.amount, g.name)))


def _bucket(label: str, a: date, b: date, by_modality: dict[Modality, Sum]) -> PeriodBucket:
    hours = {Band.BUSINESS: 0, Band.OUTSIDE: 0}
    for g in by_modality.values():
        for band, h in g.band_hours().items():
            hours[band] += h
    amounts = tuple(by_modality[m].amount if m in by_modality else ZERO for m in Modality)
    sessions = sum(g.sessions for g in by_modality.values())
    return PeriodBucket(label, a, b, amounts, hours[Band.BUSINESS], hours[Band.OUTSIDE], sessions)


def bucket_spans(first: date, last: date) -> tuple[str, list[tuple[str, date, date]]]:
    """Days for up to 31 days, weeks (Monday–Sunday) up to 26 weeks, months beyond: the
    granularity and each bucket's label and dates."""
    days = (last - first).days + 1
    spans: list[tuple[str, date, date]] = []
    if days <= 31:
        granularity = "día"
        day = first
        while day <= last:
            spans.append((short_day(day), day, day))
            day += timedelta(days=1)
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
    return granularity, spans


_STATE_ORDER = (
    CaseState.RESOLVED, CaseState.PENDING, CaseState.EXPIRED, CaseState.ESCALATED,
    CaseState.CLOSED, CaseState.OPEN,
)  # fmt: skip


def _states(figures: PeriodFigures) -> tuple[StateCount, ...]:
    """Cases with a session in the period by their state now, and repairs accepted in it."""
    out = [StateCount(state.label, figures.states.get(state, 0)) for state in _STATE_ORDER]
    out.append(StateCount("Reparaciones aceptadas", figures.repairs))
    return tuple(out)


def _compare(now: PeriodTotals, cases: int, before: PeriodFigures) -> tuple[Comparison, ...]:
    """This period's figures beside the previous one's (``before``)."""
    sums = before.sums
    issued = sums.receipts.get(ReceiptStatus.ISSUED, (0, ZERO, ZERO, ZERO))
    cases_before = before.case_count
    received = before.received
    t = sums.total

    def outside(by_band: Iterable[doc.BandTotal]) -> Decimal:
        return Decimal(sum(b.hours for b in by_band if b.band is Band.OUTSIDE))

    before_bands = doc.band_totals_of(t.billable_hours, t.line_values())
    return (
        Comparison("Sesiones", Decimal(now.sessions), Decimal(t.sessions), False),
        Comparison("Casos atendidos", Decimal(cases), Decimal(cases_before), False),
        Comparison(
            "Horas cobrables", Decimal(now.billable_hours), Decimal(t.billable_hours), False
        ),
        Comparison("Horas fuera de horario", outside(now.by_band), outside(before_bands), False),
        Comparison("Importe de sesiones", now.sessions_amount, t.amount),
        Comparison("Subtotal emitido", now.subtotal, issued[1]),
        Comparison("Total emitido", now.total, issued[3]),
        Comparison("Pagos recibidos", now.payments_received, received),
    )


# -- policies -----------------------------------------------------------------------------------


_POLICY_CLIENTS = "SELECT DISTINCT client_id FROM policies"


def _policies(
    execute: Execute,
    sums: PeriodSums,
    first: date,
    last: date,
    advisor_id: int | None,
    now: datetime,
) -> tuple[PolicyUse, ...]:
    """Each policy in force during the period for a client with sessions in it: the fees of
    the months the period touches, the value of the covered hours (``covered_value``) and the
    events used (``cases_used``) against those expected, month by month."""
    held_by = {int(r[0]) for r in execute(_POLICY_CLIENTS, {})}
    ids = sorted(c for c, g in sums.clients.items() if g.sessions and c in held_by)
    policies = client_policies(execute, ids)
    if not policies:
        return ()
    start, end = corte.local_day_bounds(first)[0], corte.local_day_bounds(last)[1]
    where, params = _where(start, end, advisor_id)
    listed, list_params = in_list("p", sorted(policies))
    where += f" AND s.case_id IN (SELECT x.id FROM cases x WHERE x.client_id IN ({listed}))"
    params |= list_params
    rows = corte.read_sessions(execute, where, params)
    events = corte.read_events(execute, where, params)
    tariffs = tariff_history(execute)
    priced = price_sessions(execute, [r.facts for r in rows], events, tariffs, now)
    covered: dict[int, tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO))
    for r in rows:
        bill = priced.bills.get(r.id)
        if bill is None:
            continue
        hours, value = covered[r.facts.client_id]
        hours += sum(int(x.hours or 0) for x in bill.lines if x.kind is LineKind.COVERED)
        tariff = tariffs.at(r.started_at)
        value += covered_value(bill, priced.terms.get(r.id), tariff)
        covered[r.facts.client_id] = (hours, value)
    out = []
    for client_id, held in policies.items():
        hours, value = covered[client_id]
        for contract in held.contracts:
            fee = ZERO
            expected = used = 0
            month = first.replace(day=1)
            while month <= last:
                day = max(month, first, contract.start_date)
                version = contract.version_on(day)
                if version is not None and day <= last:
                    tariff = tariffs.on(
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
                    client=sums.client_names.get(client_id, ""),
                    label=policy_label(contract.id),
                    fee=round_money(fee),
                    covered_hours=hours,
                    covered_value=round_money(value),
                    charged=sums.clients[client_id].amount,
                    expected_events=expected,
                    used_events=used,
                )
            )
    return tuple(sorted(out, key=lambda p: p.client))
