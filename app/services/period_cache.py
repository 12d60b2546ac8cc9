"""The period report's sums of closed local days and months, kept between runs (issue 14).

A year holds hundreds of thousands of sessions, and a year's sums cost tens of seconds to make
from the rows; yet mostly only today's change. So the report is made of **units** — a calendar
month that lies inside one bucket and has ended, else single days through today — and each
unit's figures are :func:`app.services.period_sums.sum_period` over it (the same code as ever,
so the same figures), plus its cases, receipts, payments received and repairs accepted. A unit
with no running session (whose bill would grow with the clock) is stored in ``report_cache``
(revision 0011) with:

- the **token**: the total of the ``report_versions`` counters of the UTC dates the unit covers
  and of the ``all`` counter, read in the same transaction as the figures and before them
  (so a write committed in between can only make the stored unit look stale). The database's
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
from app.billing.policy import add_months
from app.kernel.enums import Band, CaseState, LineKind, Modality, ReceiptStatus
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.services import day_summary as corte
from app.services.period_sums import CENTS, PeriodSums, Sum, cents, sum_period
from app.services.sql import Execute, calendar_day, in_list, instant

__all__ = ["CacheRow", "PeriodFigures", "build_key", "client_names", "period_figures", "store"]

DAY, MONTH = "day", "month"
_FORMAT = 1  # the payload's layout; part of the build key

#: one unit to keep: scope, first day, advisor (0: all), token, build, payload
CacheRow = tuple[str, date, int, int, str, bytes]


@lru_cache(maxsize=1)
def build_key() -> str:
    """A digest of the sources whose figures a unit holds (rules, kernel, read models,
    documents' figures), of the installed release and of the interpreter (the payload is
    ``marshal``'s): a release with other rules or code never uses what another stored."""
    from importlib import metadata  # ~0.1 s of imports: only once a report is asked for

    try:
        release = metadata.version("appleuse-soporte")
    except metadata.PackageNotFoundError:
        release = "0"
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{_FORMAT}:{release}:{sys.version_info[:2]}".encode())
    try:
        for folder in ("billing", "kernel", "services", "documents"):
            for path in sorted((root / folder).glob("*.py")):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    except OSError:
        pass  # a build without sources: the release's number stands for them
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
_ISSUED = f"""
SELECT r.status, COUNT(*), SUM({CENTS.format("r.base")}), SUM({CENTS.format("r.iva")}),
       SUM({CENTS.format("r.total")})
FROM receipts r WHERE r.issued_at >= :start AND r.issued_at < :end{{advisor}}
GROUP BY r.status
"""
_CANCELLED_BEFORE = f"""
SELECT r.issued_at, {CENTS.format("r.base")}, {CENTS.format("r.iva")},
       {CENTS.format("r.total")}
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
_STORE = """
INSERT INTO report_cache (scope, first, advisor_id, token, build, payload)
VALUES (:scope, :first, :advisor, :token, :build, :payload)
ON CONFLICT (scope, first, advisor_id) DO UPDATE SET
    token = excluded.token, build = excluded.build, payload = excluded.payload
WHERE excluded.token >= report_cache.token OR excluded.build <> report_cache.build
"""

#: the dimensions cases are counted by: advisor, modality, client, state, and all (None)
_DIMS = (1, 2, 3, 4, None)
_DIM_KEY: dict[int | None, Any] = {1: 1, 2: 2, 3: 3, 4: 4, None: "*"}


# -- one unit -----------------------------------------------------------------------------------


class Unit:
    """One day's or month's figures in their stored form (plain values ``marshal`` writes;
    a group's sums as ``(sessions, cases, worked, billable, cents, lines)``, each line
    ``(kind, band, hours as text, cents)``): merged as they are, made into ``Sum`` once."""

    __slots__ = (
        "advisors", "bucket", "cancelled_before", "cases", "clients", "counts", "edges",
        "issued", "modalities", "received", "repairs", "total",
    )  # fmt: skip

    def __init__(self) -> None:
        self.total: tuple[Any, ...] = (0, 0, 0, 0, 0, ())
        self.bucket: dict[str, tuple[Any, ...]] = {}  # by modality
        self.advisors: dict[int, tuple[Any, ...]] = {}
        self.modalities: dict[str, tuple[Any, ...]] = {}
        self.clients: dict[int, tuple[Any, ...]] = {}
        #: pending opened, escalations, consents accepted and declined, disconnections,
        #: what the unit's issued receipts still owe (cents)
        self.counts: tuple[int, ...] = (0, 0, 0, 0, 0, 0)
        #: distinct cases by dimension → key → count (the unit's own count)
        self.cases: dict[Any, dict[Any, int]] = {}
        #: (case, advisor, modality, client, state) of cases with sessions outside the unit
        self.edges: tuple[tuple[Any, ...], ...] = ()
        #: receipts issued in the unit, by their state now: count, base, IVA, total (cents)
        self.issued: dict[str, tuple[int, ...]] = {}
        #: receipts cancelled in the unit but issued before it: issued day (ordinal) and cents
        self.cancelled_before: tuple[tuple[int, ...], ...] = ()
        self.received = 0  # cents
        self.repairs = 0

    def encode(self) -> bytes:
        return marshal.dumps(
            (_FORMAT, self.total, self.bucket, self.advisors, self.modalities, self.clients,
             self.counts, self.cases, self.edges, self.issued, self.cancelled_before,
             self.received, self.repairs)
        )  # fmt: skip

    @classmethod
    def decode(cls, payload: bytes) -> Unit | None:
        """The unit stored in ``payload``; None if it is not this layout (made anew)."""
        try:
            data = marshal.loads(payload)
        except (ValueError, TypeError, EOFError):
            return None
        if not isinstance(data, tuple) or len(data) != 13 or data[0] != _FORMAT:
            return None
        out = cls()
        (_, out.total, out.bucket, out.advisors, out.modalities, out.clients, out.counts,
         out.cases, out.edges, out.issued, out.cancelled_before, out.received,
         out.repairs) = data  # fmt: skip
        return out

    @classmethod
    def of(cls, sums: PeriodSums) -> Unit:
        out = cls()
        out.total = _raw(sums.total)
        out.bucket = {m.value: _raw(g) for m, g in sums.buckets.get(0, {}).items()}
        out.advisors = {a: _raw(g) for a, g in sums.advisors.items()}
        out.modalities = {m.value: _raw(g) for m, g in sums.modalities.items()}
        out.clients = {c: _raw(g) for c, g in sums.clients.items()}
        out.counts = (
            sums.pending_opened, sums.escalations, sums.consents_accepted,
            sums.consents_declined, sums.disconnections, int(sums.outstanding.scaleb(2)),
        )  # fmt: skip
        return out


def _raw(g: Sum) -> tuple[Any, ...]:
    lines = tuple(
        (k.value, b.value if b is not None else None, str(h), int(c))
        for (k, b), (h, c) in g.lines.items()
    )
    return (g.sessions, g.cases, g.worked_minutes, g.billable_hours, g.cents, lines)


_KINDS = {k.value: k for k in LineKind}
_HOURS: dict[str, Decimal] = {}  # a line's hours as text → Decimal (a handful of values)
_BANDS: dict[str | None, Band | None] = {b.value: b for b in Band} | {None: None}


class _Acc:
    """A group's sums while units are merged (lines keyed by their stored text)."""

    __slots__ = ("billable", "cents", "lines", "sessions", "worked")

    def __init__(self) -> None:
        self.sessions = self.worked = self.billable = self.cents = 0
        self.lines: dict[tuple[str, str | None], list[Any]] = {}

    def add(self, raw: Sequence[Any]) -> None:
        self.sessions += raw[0]
        self.worked += raw[2]
        self.billable += raw[3]
        self.cents += raw[4]
        lines = self.lines
        for kind, band, hours, amount in raw[5]:
            value = _HOURS.get(hours)
            if value is None:
                value = _HOURS[hours] = Decimal(hours)
            got = lines.get((kind, band))
            if got is None:
                lines[(kind, band)] = [value, amount]
            else:
                got[0] += value
                got[1] += amount

    def done(self, cases: int = 0) -> Sum:
        g = Sum(self.sessions, cases, self.worked, self.billable, self.cents)
        g.lines = {(_KINDS[k], _BANDS[b]): v for (k, b), v in self.lines.items()}
        return g


def _advisor(advisor_id: int | None, alias: str) -> tuple[str, dict[str, Any]]:
    if advisor_id is None:
        return "", {}
    return f" AND {alias}.advisor_id = :advisor", {"advisor": advisor_id}


def compute_unit(
    execute: Execute, first: date, last: date, advisor_id: int | None, now: datetime
) -> tuple[Unit, bool]:
    """The unit's figures from the rows, and whether it may be kept (no session running)."""
    out = Unit.of(sum_period(execute, [(first, last)], advisor_id, now))
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
    out.cases = {
        _DIM_KEY[d]: dict(Counter(key for key, _ in pairs)) for d, pairs in counted.items()
    }
    out.edges = tuple(edges)
    for status, count, base, iva, total in execute(_ISSUED.format(advisor=by_receipt), params):
        out.issued[str(status)] = (int(count), int(base or 0), int(iva or 0), int(total or 0))
    out.cancelled_before = tuple(
        (_local_ordinal(at), int(base), int(iva), int(total))
        for at, base, iva, total in execute(_CANCELLED_BEFORE.format(advisor=by_receipt), params)
    )
    out.received = int(corte.received_between(execute, start, end, advisor_id).scaleb(2))
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
    that ended before ``today`` is one unit; other days through today one each; the days
    after today one unit per bucket, never stored (scope None: nothing happened there yet)."""
    out: list[tuple[int, str | None, date, date]] = []
    for n, (a, b) in enumerate(spans):
        day = a
        while day <= b and day <= today:
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
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _tokens(execute: Execute, first: date, last: date) -> tuple[dict[date, int], int]:
    """The counters of the UTC dates ``first``…``last + 1`` and the ``all`` counter."""
    lo, hi = first.isoformat(), (last + timedelta(days=1)).isoformat()
    counters: dict[date, int] = {}
    everything = 0
    for key, n in execute(_VERSIONS, {"lo": lo, "hi": hi}):
        if key == "all":
            everything = int(n)
        else:
            try:
                counters[date.fromisoformat(str(key))] = int(n)
            except ValueError:
                everything += int(n)  # a key that is no date: let it weigh on every unit
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
    *,
    detail: bool = True,
) -> PeriodFigures:
    """The figures of the sessions started in ``spans`` (consecutive buckets), of one advisor
    or all: stored units where their token and build still hold, the others from the rows
    (added to ``fresh`` when they may be kept, for the caller to :func:`store`).
    Without ``detail`` (a comparison) only the totals, cases, receipts and payments."""
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
                unit = Unit.decode(hit[2])
        if unit is None:
            unit, keep = compute_unit(execute, a, b, advisor_id, now)
            if scope is not None and keep and fresh is not None:
                fresh.append((scope, a, key, token, build, unit.encode()))
        units.append((n, unit))
    return merge(units, first, detail=detail)


def merge(units: Iterable[tuple[int, Unit]], first: date, *, detail: bool = True) -> PeriodFigures:
    """The period's figures from its units (``n``: the unit's bucket), ``first`` its first day."""
    total = _Acc()
    buckets: dict[int, dict[str, _Acc]] = defaultdict(lambda: defaultdict(_Acc))
    groups: dict[str, dict[Any, _Acc]] = {
        name: defaultdict(_Acc) for name in ("advisors", "modalities", "clients")
    }
    counts = [0] * 6
    cases: dict[Any, dict[Any, int]] = {_DIM_KEY[d]: defaultdict(int) for d in _DIMS}
    seen: dict[int | None, Counter[tuple[Any, Any]]] = {d: Counter() for d in _DIMS}
    issued: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    out = PeriodFigures()
    received = 0
    for n, u in units:
        total.add(u.total)
        bucket = buckets[n]
        for m, raw in u.bucket.items():
            bucket[m].add(raw)
        for name, by in (("advisors", u.advisors), ("modalities", u.modalities),
                         ("clients", u.clients if detail else {})):  # fmt: skip
            into = groups[name]
            for k, raw in by.items():
                into[k].add(raw)
        for i, x in enumerate(u.counts):
            counts[i] += x
        for d, by_key in u.cases.items():
            into_cases = cases[d]
            for k, c in by_key.items():
                into_cases[k] += c
        for d in _DIMS:  # a case with sessions in several units: once per unit here
            seen[d].update({(None if d is None else e[d], e[0]) for e in u.edges})
        for status, figures in u.issued.items():
            got = issued[status]
            for i, x in enumerate(figures):
                got[i] += x
        for day, base, iva, amount in u.cancelled_before:
            if day < first.toordinal():  # else it was issued in the period: counted there
                got = issued[ReceiptStatus.CANCELLED.value]
                for i, x in enumerate((1, base, iva, amount)):
                    got[i] += x
        received += u.received
        out.repairs += u.repairs
    for d in _DIMS:  # … and once over the period
        for (k, _), times in seen[d].items():
            cases[_DIM_KEY[d]][k] -= times - 1
    s = out.sums
    s.total = total.done()
    for n, bucket in buckets.items():
        s.buckets[n] = {Modality(m): g.done() for m, g in bucket.items()}
    s.advisors.update({int(a): g.done(cases[1].get(a, 0)) for a, g in groups["advisors"].items()})
    s.modalities.update(
        {Modality(m): g.done(cases[2].get(m, 0)) for m, g in groups["modalities"].items()}
    )
    s.clients.update({int(c): g.done(cases[3].get(c, 0)) for c, g in groups["clients"].items()})
    (s.pending_opened, s.escalations, s.consents_accepted, s.consents_declined,
     s.disconnections) = counts[:5]  # fmt: skip
    s.outstanding = cents(counts[5])
    out.states = {CaseState(k): c for k, c in cases[4].items() if c}
    out.case_count = cases["*"].get(None, 0)
    s.receipts = {
        ReceiptStatus(k): (v[0], cents(v[1]), cents(v[2]), cents(v[3]))
        for k, v in issued.items()
        if v[0]
    }
    out.received = cents(received)
    return out


def store(execute: Execute, rows: Sequence[CacheRow]) -> None:
    """Keep ``rows`` (a newer token or another build replaces what is stored)."""
    for scope, first, advisor, token, build, payload in rows:
        execute(
            _STORE,
            {"scope": scope, "first": first, "advisor": advisor, "token": token,
             "build": build, "payload": payload},
        )  # fmt: skip


def client_names(execute: Execute, ids: Iterable[int]) -> dict[int, str]:
    """The names of the clients ``ids`` (read now: a name may change without a counter)."""
    out: dict[int, str] = {}
    wanted = sorted(set(ids))
    for k in range(0, len(wanted), 500):
        marks, params = in_list("n", wanted[k : k + 500])
        for ident, name in execute(f"SELECT id, name FROM clients WHERE id IN ({marks})", params):
            out[int(ident)] = str(name)
    return out
