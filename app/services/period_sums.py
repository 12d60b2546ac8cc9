"""The sums behind a period report (issue 14): SQL aggregates over the stored figures of issued
receipts, and the one pricing path for the sessions still without one — no rule of its own.

A year holds hundreds of thousands of sessions, so nothing here walks them one by one in
Python: the database sums the issued receipts' stored figures (worked minutes, billable hours,
base) and their lines by ``(kind, band)``, grouped by bucket (day, week or month), advisor,
modality and client; the rules then read those sums as they read one receipt:

- hours and money by band: ``documents.data.band_hours`` / ``band_totals_of`` over the summed
  lines (both are sums over lines, so summing first gives the same figures);
- a session without an issued receipt (still running, or not billed yet): its bill from
  ``billing_inputs.price_sessions``, as the corte prices it;
- consents and disconnections: counted by event kind where the session has no correction;
  a corrected session's timeline goes through ``kernel.timeline`` (``consent_records``,
  ``disconnections``), as the corte reads it.

So every figure is the corte del día's over the same days (a test compares them); only the
per-session rows are not built (the CSV asks the corte for them).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.billing.money import ZERO
from app.billing.pricing import Bill
from app.billing.session_rules import PENDING_OUTCOMES
from app.documents import data as doc
from app.kernel.enums import Band, EventKind, LineKind, Modality, Outcome, ReceiptStatus
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.kernel.timeline import CORRECTIONS, consent_records, disconnections
from app.services import day_summary as corte
from app.services.billing_inputs import price_sessions, tariff_history
from app.services.sql import Execute, in_list

__all__ = ["Line", "PeriodSums", "Sum", "cents", "sum_period"]

Line = tuple[LineKind, Band | None, Decimal | None, Decimal]  # kind, band, hours, amount


def cents(value: Any) -> Decimal:
    """Whole cents as summed by the database → pesos."""
    return Decimal(int(value or 0)).scaleb(-2)


# -- the statements -------------------------------------------------------------------------------

# The buckets as a constant table: each one's sessions are an index range of started_at.
_BUCKETS = "WITH b(n, lo, hi) AS (VALUES {values})"
_IN_BUCKET = "JOIN sessions s ON s.started_at >= b.lo AND s.started_at < b.hi"
_RUNNING = "CASE WHEN s.ended_at IS NULL THEN 1 ELSE 0 END"
#: a money column summed in whole cents (SQLite may keep a NUMERIC as a double)
CENTS = "CAST(ROUND({} * 100) AS BIGINT)"
# Every session once (LEFT JOIN), with its issued receipt's stored figures when it has one.
_BY_BUCKET = f"""
SELECT b.n, s.advisor_id, s.modality, s.outcome, {_RUNNING}, COUNT(*), COUNT(r.id),
       COALESCE(SUM(r.worked_minutes), 0), COALESCE(SUM(r.billable_hours), 0),
       COALESCE(SUM({CENTS.format("r.base")}), 0)
FROM b {_IN_BUCKET}
LEFT JOIN receipts r ON r.session_id = s.id AND r.status = 'issued'
WHERE {{advisor}}
GROUP BY b.n, s.advisor_id, s.modality, s.outcome, {_RUNNING}
"""
_LINES_BY_BUCKET = f"""
SELECT b.n, s.advisor_id, s.modality, l.kind, l.band, SUM(l.hours),
       SUM({CENTS.format("l.amount")})
FROM b {_IN_BUCKET}
JOIN receipts r ON r.session_id = s.id AND r.status = 'issued'
JOIN receipt_lines l ON l.receipt_id = r.id
WHERE {{advisor}}
GROUP BY b.n, s.advisor_id, s.modality, l.kind, l.band
"""
_BY_CLIENT = f"""
SELECT c.client_id, cl.name, COUNT(*), COUNT(DISTINCT s.case_id),
       COALESCE(SUM(r.worked_minutes), 0), COALESCE(SUM(r.billable_hours), 0),
       COALESCE(SUM({CENTS.format("r.base")}), 0)
FROM sessions s JOIN cases c ON c.id = s.case_id JOIN clients cl ON cl.id = c.client_id
LEFT JOIN receipts r ON r.session_id = s.id AND r.status = 'issued'
WHERE {{where}}
GROUP BY c.client_id, cl.name
"""
_LINES_BY_CLIENT = f"""
SELECT c.client_id, l.kind, l.band, SUM(l.hours), SUM({CENTS.format("l.amount")})
FROM sessions s JOIN cases c ON c.id = s.case_id
JOIN receipts r ON r.session_id = s.id AND r.status = 'issued'
JOIN receipt_lines l ON l.receipt_id = r.id
WHERE {{where}}
GROUP BY c.client_id, l.kind, l.band
"""
_UNBILLED = (
    " AND NOT EXISTS (SELECT 1 FROM receipts x WHERE x.session_id = s.id AND x.status = 'issued')"
)
_RECEIPTS = f"""
SELECT r.status, COUNT(*), SUM({CENTS.format("r.base")}), SUM({CENTS.format("r.iva")}),
       SUM({CENTS.format("r.total")})
FROM receipts r WHERE {{where}}
GROUP BY r.status
"""
# What the period's issued receipts still owe (each at least zero), as the corte adds it up.
_OWED = f"""
SELECT COALESCE(SUM(CASE WHEN x.owed > 0 THEN x.owed ELSE 0 END), 0) FROM (
    SELECT {CENTS.format("r.total")} - COALESCE((
        SELECT SUM({CENTS.format("p.amount")}) FROM payments p WHERE p.receipt_id = r.id
    ), 0) AS owed
    FROM receipts r
    WHERE r.status = 'issued' AND r.issued_at >= :start AND r.issued_at < :end{{advisor}}
) x
"""
_EVENT_COUNTS = """
SELECT e.kind, COUNT(*) FROM session_events e
WHERE e.kind IN ({kinds}) AND e.session_id IN (SELECT s.id FROM sessions s WHERE {where})
GROUP BY e.kind
"""
# a session whose timeline has a correction (its records are read through the timeline)
_CORRECTED_WHERE = (
    "EXISTS (SELECT 1 FROM session_events k WHERE k.session_id = s.id AND k.kind IN ({kinds}))"
)

#: the event kinds that make one record each (a request's answer, a disconnection) when the
#: session's timeline has no correction (see ``kernel.timeline.consent_records``)
_COUNTED = (EventKind.REMOTE_ACCEPTED, EventKind.REMOTE_DECLINED, EventKind.DISCONNECTED)


# -- the sums -----------------------------------------------------------------------------------


@dataclass
class Sum:
    """One group's sessions and figures: stored ones of issued receipts plus the bills of the
    others; ``lines`` summed by ``(kind, band)``."""

    sessions: int = 0
    cases: int = 0
    worked_minutes: int = 0
    billable_hours: int = 0
    cents: int = 0  # before IVA, in whole cents; a session still to quote adds nothing
    lines: dict[tuple[LineKind, Band | None], list[Any]] = field(default_factory=dict)

    def add_line(self, kind: LineKind, band: Band | None, hours: Any, amount_cents: int) -> None:
        got = self.lines.setdefault((kind, band), [ZERO, 0])
        got[0] += Decimal(hours) if hours is not None else ZERO
        got[1] += amount_cents

    def add_bill(self, bill: Bill) -> None:
        self.worked_minutes += bill.worked_minutes
        self.billable_hours += bill.billable_hours
        if bill.base is not None:
            self.cents += int(bill.base.scaleb(2))
        for x in bill.lines:
            self.add_line(x.kind, x.band, x.hours, int(x.amount.scaleb(2)))

    @property
    def amount(self) -> Decimal:
        return cents(self.cents)

    def line_values(self) -> list[tuple[LineKind, Band | None, int | None, Decimal]]:
        """The summed lines as the corte's helpers take them."""
        return [(k, b, int(h), cents(c)) for (k, b), (h, c) in self.lines.items()]

    def band_hours(self) -> dict[Band, int]:
        return doc.band_hours(self.line_values())


@dataclass
class PeriodSums:
    """Everything a period report sums. Keys: bucket index, advisor id, modality, client id."""

    total: Sum = field(default_factory=Sum)
    buckets: dict[int, dict[Modality, Sum]] = field(default_factory=lambda: defaultdict(dict))
    advisors: dict[int, Sum] = field(default_factory=lambda: defaultdict(Sum))
    modalities: dict[Modality, Sum] = field(default_factory=lambda: defaultdict(Sum))
    clients: dict[int, Sum] = field(default_factory=lambda: defaultdict(Sum))
    client_names: dict[int, str] = field(default_factory=dict)
    pending_opened: int = 0
    escalations: int = 0
    consents_accepted: int = 0
    consents_declined: int = 0
    disconnections: int = 0
    receipts: dict[ReceiptStatus, tuple[int, Decimal, Decimal, Decimal]] = field(
        default_factory=dict
    )  # count, base, iva, total
    outstanding: Decimal = ZERO

    def groups(self, n: int, advisor: int, modality: Modality) -> tuple[Sum, ...]:
        bucket = self.buckets[n]
        if modality not in bucket:
            bucket[modality] = Sum()
        return self.total, bucket[modality], self.advisors[advisor], self.modalities[modality]


def _advisor(advisor_id: int | None, alias: str = "s") -> tuple[str, dict[str, Any]]:
    if advisor_id is None:
        return "1 = 1", {}
    return f"{alias}.advisor_id = :advisor", {"advisor": advisor_id}


def sum_period(
    execute: Execute,
    spans: Sequence[tuple[date, date]],
    advisor_id: int | None,
    now: datetime,
) -> PeriodSums:
    """The sums of the sessions started in the local days of ``spans`` (consecutive buckets,
    each ``(first, last)``), of one advisor or all, by client too, their consent and
    disconnection records, and the receipts issued or cancelled in them. Cases by group are
    counted by ``period_cache`` (once over a period whose days are summed apart)."""
    start = corte.local_day_bounds(spans[0][0])[0]
    end = corte.local_day_bounds(spans[-1][1])[1]
    where, params = _advisor(advisor_id)
    params = {**params, "start": start, "end": end}
    values = []
    for n, (first, last) in enumerate(spans):
        params[f"lo{n}"] = corte.local_day_bounds(first)[0]
        params[f"hi{n}"] = corte.local_day_bounds(last)[1]
        values.append(f"({n}, :lo{n}, :hi{n})")
    buckets = _BUCKETS.format(values=", ".join(values))
    out = PeriodSums()
    _billed(execute, buckets, where, params, out)
    in_range = f"{corte.DAY_SESSIONS} AND {where}"
    _unbilled(execute, spans, in_range, params, now, out)
    _clients(execute, in_range, params, out)
    _events(execute, in_range, params, out)
    _receipts(execute, advisor_id, params, out)
    return out


def _billed(
    execute: Execute, buckets: str, where: str, params: dict[str, Any], out: PeriodSums
) -> None:
    """Every session counted once; the issued receipts' figures and lines summed."""
    rows = execute(buckets + _BY_BUCKET.format(advisor=where), params)
    for n, adv, mod, outcome, running, count, _, worked, billable, base in rows:
        for g in out.groups(int(n), int(adv), Modality(mod)):
            g.sessions += int(count)
            g.worked_minutes += int(worked)
            g.billable_hours += int(billable)
            g.cents += int(base)
        if not int(running) and outcome is not None:
            if Outcome(outcome) in PENDING_OUTCOMES:
                out.pending_opened += int(count)
            elif Outcome(outcome) is Outcome.ESCALATED:
                out.escalations += int(count)
    lines = execute(buckets + _LINES_BY_BUCKET.format(advisor=where), params)
    for n, adv, mod, kind, band, hours, amount in lines:
        line = (LineKind(kind), Band(band) if band is not None else None)
        for g in out.groups(int(n), int(adv), Modality(mod)):
            g.add_line(*line, hours, int(amount or 0))


def _unbilled(
    execute: Execute,
    spans: Sequence[tuple[date, date]],
    where: str,
    params: dict[str, Any],
    now: datetime,
    out: PeriodSums,
) -> None:
    """The sessions without an issued receipt, priced as the corte prices them."""
    rows = corte.read_sessions(execute, where + _UNBILLED, params)
    if not rows:
        return
    # the same selection, not a list of their ids: tens of thousands of bound ids made the
    # engine's plan ten times slower than a second walk of the period's sessions
    events = corte.read_events(execute, where + _UNBILLED, params)
    bills = price_sessions(
        execute, [r.facts for r in rows], events, tariff_history(execute), now
    ).bills
    firsts = [first for first, _ in spans]
    for r in rows:
        bill = bills.get(r.id)
        if bill is None:
            continue
        n = bisect.bisect_right(firsts, to_local(r.started_at, LOCAL_ZONE).date()) - 1
        for g in out.groups(n, r.advisor_id, r.facts.stored.modality):
            g.add_bill(bill)
        out.clients[r.facts.client_id].add_bill(bill)


def _clients(execute: Execute, where: str, params: dict[str, Any], out: PeriodSums) -> None:
    for client, name, count, cases, worked, billable, base in execute(
        _BY_CLIENT.format(where=where), params
    ):
        g = out.clients[int(client)]
        out.client_names[int(client)] = name
        g.sessions += int(count)
        g.cases = int(cases)
        g.worked_minutes += int(worked)
        g.billable_hours += int(billable)
        g.cents += int(base)
    for client, kind, band, hours, amount in execute(_LINES_BY_CLIENT.format(where=where), params):
        out.clients[int(client)].add_line(
            LineKind(kind), Band(band) if band is not None else None, hours, int(amount or 0)
        )


def _events(execute: Execute, where: str, params: dict[str, Any], out: PeriodSums) -> None:
    """Consent answers and disconnections: counted by kind, except in corrected sessions,
    whose timeline is read as the corte reads it."""
    fixes, fix_params = in_list("k", [k.value for k in CORRECTIONS])
    corrected = _CORRECTED_WHERE.format(kinds=fixes)
    kinds, kind_params = in_list("e", [k.value for k in _COUNTED])
    counts = {
        EventKind(k): int(n)
        for k, n in execute(
            _EVENT_COUNTS.format(kinds=kinds, where=f"{where} AND NOT {corrected}"),
            params | kind_params | fix_params,
        )
    }
    out.consents_accepted = counts.get(EventKind.REMOTE_ACCEPTED, 0)
    out.consents_declined = counts.get(EventKind.REMOTE_DECLINED, 0)
    out.disconnections = counts.get(EventKind.DISCONNECTED, 0)
    for events in corte.read_events(
        execute, f"{where} AND {corrected}", params | fix_params
    ).values():
        for record in consent_records(events):
            out.consents_accepted += record.accepted is True
            out.consents_declined += record.accepted is False
        out.disconnections += len(disconnections(events))


def _receipts(
    execute: Execute, advisor_id: int | None, params: dict[str, Any], out: PeriodSums
) -> None:
    """Receipts issued or cancelled in the period (by their state now), and what the issued
    ones still owe — the corte's receipts section, summed."""
    where = corte.DAY_RECEIPTS_WHERE
    by_advisor = ""
    if advisor_id is not None:
        by_advisor = " AND r.advisor_id = :advisor"
        where += by_advisor
    for status, count, base, iva, total in execute(_RECEIPTS.format(where=where), params):
        out.receipts[ReceiptStatus(status)] = (int(count), cents(base), cents(iva), cents(total))
    out.outstanding = cents(execute(_OWED.format(advisor=by_advisor), params)[0][0])


def modality_totals(sums: PeriodSums) -> tuple[doc.ModalityTotal, ...]:
    """The corte's totals by modality (those with sessions, in modality order)."""
    return tuple(
        doc.ModalityTotal(m, g.sessions, g.worked_minutes, g.billable_hours, g.amount)
        for m in Modality
        if (g := sums.modalities.get(m)) is not None and g.sessions
    )
