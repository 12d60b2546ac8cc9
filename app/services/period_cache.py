"""The period report's sums of closed local days and months, kept between runs (issue 14).

A year holds hundreds of thousands of sessions, and a year's sums cost tens of seconds to make
from the rows; yet only today's change. So the report is made of **units** — a calendar month
that lies inside one bucket and has ended, else single days — and each unit's figures are
:func:`app.services.period_sums.sum_period` over it (the same code as ever, so the same
figures), plus its cases, receipts, payments received and repairs accepted. A unit before today
with no running session is stored in ``report_cache`` (revision 0011) with:

- the **token**: the total of the ``report_versions`` counters of the UTC dates the unit covers
  and of the ``all`` counter, read in the same transaction as the figures. The database's
  triggers raise those counters in the transaction of any write a report reads (a session, its
  events, a receipt, a payment, a case, a policy, a repair, a tariff); counters only go up, so
  any such write changes the token and the stored unit is no longer used;
- the **build**: a digest of this release's rules and read models (:func:`build_key`): another
  release never reads what this one stored.

Merging units is exact: sums add; cases are counted once per unit and the cases that also have
sessions outside their unit (``edges``) are counted once over the period; a receipt cancelled
in a unit but issued before it counts in the period only if it was issued before the period.
Nothing here prices, covers or classifies: the rules stay in ``app.billing`` through
``sum_period``. Standard library only (the seam of :mod:`app.services.sql`).
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.billing.money import ZERO
from app.kernel.enums import Band, CaseState, LineKind, Modality, ReceiptStatus
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.services import day_summary as corte
from app.services.period_sums import PeriodSums, Sum, cents, sum_period
from app.services.sql import Execute, calendar_day, in_list, instant

__all__ = [
    "STORE",
    "CacheRow",
    "PeriodFigures",
    "build_key",
    "client_names",
    "period_figures",
    "store_params",
]

DAY, MONTH = "day", "month"
_FORMAT = 1  # the payload's layout; part of the build key

#: one unit to keep: scope, first day, advisor (0: all), token, build, payload
CacheRow = tuple[str, date, int, int, str, bytes]


@lru_cache(maxsize=1)
def build_key() -> str:
    """A digest of the sources whose figures a unit holds (rules, kernel, read models) and of
    the interpreter (the payload is ``marshal``'s): a release with other rules or code never
    uses what another stored. Without sources (a frozen build), the release's version."""
    from app import __version__

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}:{__version__}:{sys.version_info[:2]}".encode())
    try:
        for folder in ("billing", "kernel", "services", "documents"):
            for path in sorted((root / folder).glob("*.py")):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    except OSError:
        pass
    return digest.hexdigest()[:32]


# -- the statements (counts and sums; no rule) --------------------------------------------------

_CASES = """
SELECT s.case_id, s.advisor_id, s.modality, c.client_id, c.state,
       EXISTS (SELECT 1 FROM sessions o WHERE o.case_id = s.case_id
               AND (o.started_at < :start OR o.started_at >= :end))
FROM sessions s JOIN cases c ON c.id = s.case_id
WHERE {where}
GROUP BY s.case_id, s.advisor_id, s.modality, c.client_id, c.state
"""
_RUNNING = "SELECT 1 FROM sessions s WHERE {where} AND s.ended_at IS NULL LIMIT 1"
_CENTS = "CAST(ROUND({} * 100) AS BIGINT)"
_ISSUED = f"""
SELECT r.status, COUNT(*), SUM({_CENTS.format("r.base")}), SUM({_CENTS.format("r.iva")}),
       SUM({_CENTS.format("r.total")})
FROM receipts r WHERE r.issued_at >= :start AND r.issued_at < :end{{advisor}}
GROUP BY r.status
"""
_CANCELLED_BEFORE = f"""
SELECT r.issued_at, {_CENTS.format("r.base")}, {_CENTS.format("r.iva")},
       {_CENTS.format("r.total")}
FROM receipts r
WHERE r.cancelled_at >= :start AND r.cancelled_at < :end AND r.issued_at < :start{{advisor}}
"""
_REPAIRS_ACCEPTED = """
SELECT COUNT(*) FROM repairs r
WHERE r.status = 'accepted' AND r.decided_at >= :start AND r.decided_at < :end{advisor}
"""
_VERSIONS = "SELECT key, n FROM report_versions WHERE (key >= :lo AND key <= :hi) OR key = 'all'"
_CACHED = """
SELECT scope, first, token, build, payload FROM report_cache
WHERE advisor_id = :advisor AND first >= :lo AND first <= :hi
"""
STORE = """
INSERT INTO report_cache (scope, first, advisor_id, token, build, payload)
VALUES (:scope, :first, :advisor, :token, :build, :payload)
ON CONFLICT (scope, first, advisor_id) DO UPDATE SET
    token = excluded.token, build = excluded.build, payload = excluded.payload
WHERE excluded.token >= report_cache.token OR excluded.build <> report_cache.build
"""

#: the dimensions cases are counted by: advisor, modality, client, state, and all (None)
_DIMS = (1, 2, 3, 4, None)


# -- one unit -----------------------------------------------------------------------------------


class Unit:
    """One day's or month's figures, as stored (plain values: ``marshal`` writes them)."""

    __slots__ = (
        "cancelled_before", "cases", "edges", "first", "issued", "last", "received", "repairs",
        "sums",
    )  # fmt: skip

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last
        self.sums = PeriodSums()
        #: distinct cases by dimension → key → count (the unit's own count)
        self.cases: dict[int | None, dict[Any, int]] = {d: {} for d in _DIMS}
        #: (case, advisor, modality, client, state) of cases with sessions outside the unit
        self.edges: tuple[tuple[Any, ...], ...] = ()
        #: receipts issued in the unit, by their state now: count, base, IVA, total (cents)
        self.issued: dict[str, tuple[int, int, int, int]] = {}
        #: receipts cancelled in the unit but issued before it: issued day (ordinal) and cents
        self.cancelled_before: tuple[tuple[int, int, int, int], ...] = ()
        self.received = 0  # cents
        self.repairs = 0

    # the stored form
    def encode(self) -> bytes:
        s = self.sums
        bucket = s.buckets.get(0, {})
        return marshal.dumps(
            (
                _FORMAT,
                _sum_out(s.total),
                {m.value: _sum_out(g) for m, g in bucket.items()},
                {a: _sum_out(g) for a, g in s.advisors.items()},
                {m.value: _sum_out(g) for m, g in s.modalities.items()},
                {c: _sum_out(g) for c, g in s.clients.items()},
                (s.pending_opened, s.escalations, s.consents_accepted, s.consents_declined,
                 s.disconnections, int(s.outstanding.scaleb(2))),
                {("*" if d is None else d): counts for d, counts in self.cases.items()},
                self.edges,
                self.issued,
                self.cancelled_before,
                self.received,
                self.repairs,
            )
        )  # fmt: skip

    @classmethod
    def decode(cls, first: date, last: date, payload: bytes) -> Unit | None:
        """The unit stored in ``payload``; None if it is not this layout (read anew)."""
        try:
            data = marshal.loads(payload)
            if not isinstance(data, tuple) or len(data) != 13 or data[0] != _FORMAT:
                return None
            out = cls(first, last)
            s = out.sums
            s.total = _sum_in(data[1])
            s.buckets[0] = {Modality(m): _sum_in(g) for m, g in data[2].items()}
            s.advisors.update({int(a): _sum_in(g) for a, g in data[3].items()})
            s.modalities.update({Modality(m): _sum_in(g) for m, g in data[4].items()})
            s.clients.update({int(c): _sum_in(g) for c, g in data[5].items()})
            pending, escalations, accepted, declined, cuts, owed = data[6]
            s.pending_opened, s.escalations = int(pending), int(escalations)
            s.consents_accepted, s.consents_declined = int(accepted), int(declined)
            s.disconnections, s.outstanding = int(cuts), cents(owed)
            out.cases = {(None if d == "*" else d): dict(c) for d, c in data[7].items()}
            out.edges = tuple(tuple(e) for e in data[8])
            out.issued = {str(k): tuple(v) for k, v in data[9].items()}
            out.cancelled_before = tuple(tuple(x) for x in data[10])
            out.received, out.repairs = int(data[11]), int(data[12])
            return out
        except (ValueError, TypeError, EOFError, KeyError, AttributeError):
            return None


def _sum_out(g: Sum) -> tuple[Any, ...]:
    lines = tuple(
        (k.value, b.value if b is not None else None, str(h), int(c))
        for (k, b), (h, c) in g.lines.items()
    )
    return (g.sessions, g.cases, g.worked_minutes, g.billable_hours, g.cents, lines)


def _sum_in(data: Sequence[Any]) -> Sum:
    sessions, cases, worked, billable, amount, lines = data
    g = Sum(int(sessions), int(cases), int(worked), int(billable), int(amount))
    for kind, band, hours, c in lines:
        g.lines[(LineKind(kind), Band(band) if band is not None else None)] = [
            Decimal(hours),
            int(c),
        ]
    return g


def _advisor(advisor_id: int | None, alias: str) -> tuple[str, dict[str, Any]]:
    if advisor_id is None:
        return "", {}
    return f" AND {alias}.advisor_id = :advisor", {"advisor": advisor_id}


def compute_unit(
    execute: Execute, first: date, last: date, advisor_id: int | None, now: datetime
) -> tuple[Unit, bool]:
    """The unit's figures from the rows, and whether it may be kept (no session running)."""
    out = Unit(first, last)
    out.sums = sum_period(execute, [(first, last)], advisor_id, now)
    start, end = corte.local_day_bounds(first)[0], corte.local_day_bounds(last)[1]
    by_session, params = _advisor(advisor_id, "s")
    by_receipt, _ = _advisor(advisor_id, "r")
    params = {**params, "start": start, "end": end}
    where = corte.DAY_SESSIONS + by_session
    counted: dict[int | None, set[tuple[Any, Any]]] = {d: set() for d in _DIMS}
    edges = []
    for row in execute(_CASES.format(where=where), params):
        case = (int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]))
        for d in _DIMS:
            counted[d].add((None if d is None else case[d], case[0]))
        if row[5]:
            edges.append(case)
    for d, pairs in counted.items():
        out.cases[d] = dict(Counter(key for key, _ in pairs))
    out.edges = tuple(edges)
    for status, count, base, iva, total in execute(_ISSUED.format(advisor=by_receipt), params):
        out.issued[str(status)] = (int(count), int(base or 0), int(iva or 0), int(total or 0))
    out.cancelled_before = tuple(
        (_local_ordinal(at), int(base), int(iva), int(total))
        for at, base, iva, total in execute(_CANCELLED_BEFORE.format(advisor=by_receipt), params)
    )
    received, _ = corte.money_flows(execute, start, end, advisor_id)
    out.received = int(received.scaleb(2))
    out.repairs = int(execute(_REPAIRS_ACCEPTED.format(advisor=by_receipt), params)[0][0] or 0)
    running = bool(execute(_RUNNING.format(where=where), params))
    return out, not running


def _local_ordinal(at: Any) -> int:
    return to_local(instant(at), LOCAL_ZONE).date().toordinal()


# -- the units of a period ----------------------------------------------------------------------


def plan_units(
    spans: Sequence[tuple[date, date]], today: date
) -> list[tuple[int, str | None, date, date]]:
    """Each bucket's units: (bucket, scope, first, last). A calendar month inside the bucket
    that ended before ``today`` is one unit; other days before today one each; the days from
    today on one unit per bucket, never stored (scope None)."""
    out: list[tuple[int, str | None, date, date]] = []
    for n, (a, b) in enumerate(spans):
        day = a
        while day <= b and day < today:
            month_end = _month_last(day)
            if day.day == 1 and month_end <= b and month_end < today:
                out.append((n, MONTH, day, month_end))
                day = month_end + timedelta(days=1)
            else:
                out.append((n, DAY, day, day))
                day += timedelta(days=1)
        if day <= b:
            out.append((n, None, day, b))
    return out


def _month_last(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _tokens(execute: Execute, first: date, last: date) -> tuple[dict[date, int], int]:
    """The counters of the UTC dates ``first``…``last + 1`` and the ``all`` counter."""
    lo, hi = first.isoformat(), (last + timedelta(days=1)).isoformat()
    counters: dict[date, int] = {}
    everything = 0
    for key, n in execute(_VERSIONS, {"lo": lo, "hi": hi}):
        if key == "all":
            everything = int(n)
        else:
            counters[date.fromisoformat(str(key))] = int(n)
    return counters, everything


def _token(counters: dict[date, int], everything: int, first: date, last: date) -> int:
    """A local day is [00:00, 24:00) in Mexico City: within its own UTC date and the next."""
    total = everything
    day = first
    while day <= last + timedelta(days=1):
        total += counters.get(day, 0)
        day += timedelta(days=1)
    return total


class PeriodFigures:
    """A period's sums (cases counted once over it), receipts, payments received, repairs
    accepted and cases by their state now."""

    __slots__ = ("case_count", "received", "repairs", "states", "sums")

    def __init__(self) -> None:
        self.sums = PeriodSums()
        self.case_count = 0
        self.states: dict[CaseState, int] = {}
        self.received = ZERO
        self.repairs = 0


def period_figures(
    execute: Execute,
    spans: Sequence[tuple[date, date]],
    advisor_id: int | None,
    now: datetime,
    fresh: list[CacheRow] | None = None,
) -> PeriodFigures:
    """The figures of the sessions started in ``spans`` (consecutive buckets), of one advisor
    or all: stored units where their token and build still hold, the others from the rows
    (added to ``fresh`` when they may be kept, for the caller to store with :data:`STORE`)."""
    today = to_local(now, LOCAL_ZONE).date()
    plan = plan_units(spans, today)
    first, last = spans[0][0], spans[-1][1]
    counters, everything = _tokens(execute, first, last)
    key = advisor_id or 0
    build = build_key()
    stored: dict[tuple[str, date], tuple[int, str, bytes]] = {}
    if any(scope is not None for _, scope, _, _ in plan):
        for scope, day, token, made_by, payload in execute(
            _CACHED, {"advisor": key, "lo": first, "hi": last}
        ):
            stored[(str(scope), calendar_day(day))] = (int(token), str(made_by), bytes(payload))
    units: list[tuple[int, Unit]] = []
    for n, scope, a, b in plan:
        unit = None
        token = _token(counters, everything, a, b)
        if scope is not None:
            hit = stored.get((scope, a))
            if hit is not None and hit[0] == token and hit[1] == build:
                unit = Unit.decode(a, b, hit[2])
        if unit is None:
            unit, keep = compute_unit(execute, a, b, advisor_id, now)
            if scope is not None and keep and fresh is not None:
                fresh.append((scope, a, key, token, build, unit.encode()))
        units.append((n, unit))
    return merge(units, first)


def merge(units: Iterable[tuple[int, Unit]], first: date) -> PeriodFigures:
    """The period's figures from its units (``n``: the unit's bucket), ``first`` its first day."""
    out = PeriodFigures()
    s = out.sums
    counts: dict[int | None, dict[Any, int]] = {d: defaultdict(int) for d in _DIMS}
    seen: dict[int | None, Counter[tuple[Any, Any]]] = {d: Counter() for d in _DIMS}
    issued: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    received = 0
    for n, u in units:
        _add(s.total, u.sums.total)
        bucket = s.buckets[n]
        for m, g in u.sums.buckets.get(0, {}).items():
            _add(bucket.setdefault(m, Sum()), g)
        for a, g in u.sums.advisors.items():
            _add(s.advisors[a], g)
        for m, g in u.sums.modalities.items():
            _add(s.modalities[m], g)
        for c, g in u.sums.clients.items():
            _add(s.clients[c], g)
        s.pending_opened += u.sums.pending_opened
        s.escalations += u.sums.escalations
        s.consents_accepted += u.sums.consents_accepted
        s.consents_declined += u.sums.consents_declined
        s.disconnections += u.sums.disconnections
        s.outstanding += u.sums.outstanding
        for d, by_key in u.cases.items():
            for k, c in by_key.items():
                counts[d][k] += c
        for d in _DIMS:  # a case with sessions in several units: once per unit here
            seen[d].update({(None if d is None else e[d], e[0]) for e in u.edges})
        for status, figures in u.issued.items():
            got = issued[status]
            for i, x in enumerate(figures):
                got[i] += x
        for day, base, iva, total in u.cancelled_before:
            if day < first.toordinal():  # else it was issued in the period: counted there
                got = issued[ReceiptStatus.CANCELLED.value]
                got[0] += 1
                got[1] += base
                got[2] += iva
                got[3] += total
        received += u.received
        out.repairs += u.repairs
    for d in _DIMS:  # … and once over the period
        for (k, _), times in seen[d].items():
            counts[d][k] -= times - 1
    for a, c in counts[1].items():
        s.advisors[int(a)].cases = c
    for m, c in counts[2].items():
        s.modalities[Modality(m)].cases = c
    for cl, c in counts[3].items():
        s.clients[int(cl)].cases = c
    out.states = {CaseState(k): c for k, c in counts[4].items() if c}
    out.case_count = counts[None].get(None, 0)
    s.receipts = {
        ReceiptStatus(k): (v[0], cents(v[1]), cents(v[2]), cents(v[3]))
        for k, v in issued.items()
        if v[0]
    }
    out.received = cents(received)
    return out


def _add(into: Sum, g: Sum) -> None:
    into.sessions += g.sessions
    into.worked_minutes += g.worked_minutes
    into.billable_hours += g.billable_hours
    into.cents += g.cents
    for line, (hours, amount) in g.lines.items():
        got = into.lines.get(line)
        if got is None:
            into.lines[line] = [hours, amount]
        else:
            got[0] += hours
            got[1] += amount


def store_params(rows: Sequence[CacheRow]) -> list[dict[str, Any]]:
    """The parameters of :data:`STORE` for each of ``rows``."""
    return [
        {"scope": scope, "first": first, "advisor": advisor, "token": token,
         "build": build, "payload": payload}
        for scope, first, advisor, token, build, payload in rows
    ]  # fmt: skip


def client_names(execute: Execute, ids: Iterable[int]) -> dict[int, str]:
    """The names of the clients ``ids`` (read now: a name may change without a counter)."""
    out: dict[int, str] = {}
    wanted = sorted(set(ids))
    for k in range(0, len(wanted), 500):
        marks, params = in_list("n", wanted[k : k + 500])
        for ident, name in execute(f"SELECT id, name FROM clients WHERE id IN ({marks})", params):
            out[int(ident)] = str(name)
    return out
