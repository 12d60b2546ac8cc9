"""The end-of-day summary (corte del día, RULES §11) as a read model: plain SQL through the
seam of :mod:`app.services.sql`, no SQLAlchemy, no Qt, and no rule of its own.

:func:`build_day_summary` runs a few portable statements (named parameters, valid both for
SQLAlchemy ``text()`` and for the standard library's ``sqlite3``) and assembles
``app.documents.data.DaySummary``:

- ``DocumentService.day_summary`` (the window, the PDF; SQLite and PostgreSQL) passes its unit
  of work's connection;
- ``appleuse summary -o día.csv`` on a plain ``sqlite:///archivo`` passes a read-only
  ``sqlite3`` connection (:func:`summary_from_sqlite`), so SQLAlchemy is never imported.

Figures of a session: with an issued receipt, the receipt's stored figures (never priced
again: a later tariff change does not alter them, RULES §10); without one, its bill from
``app.services.billing_inputs.price_sessions`` — the one pricing path every service uses.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.billing.money import ZERO
from app.billing.policy import CaseOpening
from app.billing.pricing import Bill, StoredSession
from app.billing.session_rules import (
    PENDING_OUTCOMES,
    expiring_pending_since,
    follow_up_deadline,
)
from app.billing.tariff import Tariff, TariffHistory
from app.documents import data as doc
from app.kernel.enums import Band, CaseState, EventKind, LineKind, Modality, Outcome, ReceiptStatus
from app.kernel.errors import NotFoundError
from app.kernel.fmt import LOCAL_ZONE, case_label
from app.kernel.timeline import Entry, consent_records, disconnections
from app.models.revisions import check_revision, head, sqlite_revision
from app.services.billing_inputs import SessionFacts, price_sessions, tariff_history
from app.services.data import PROFILE_KEY, BusinessProfile
from app.services.sql import (
    Execute,
    Row,
    instant,
    json_value,
    maybe_instant,
    maybe_money,
    money,
    open_sqlite_readonly,
    sqlite_execute,
)

__all__ = [
    "ADVISORS",
    "DAY_RECEIPTS_WHERE",
    "DAY_SESSIONS",
    "SessionRow",
    "build_day_summary",
    "business_header",
    "expiring_cases",
    "local_day_bounds",
    "money_flows",
    "read_events",
    "read_sessions",
    "summary_from_sqlite",
]


def local_day_bounds(day: date, zone: str = LOCAL_ZONE) -> tuple[datetime, datetime]:
    """The instants [00:00 of ``day``, 00:00 of the next day) in ``zone``."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


# -- the statements ---------------------------------------------------------------------------

_DAY_SESSIONS = DAY_SESSIONS = "s.started_at >= :start AND s.started_at < :end"
_SESSIONS = """
SELECT s.id, s.advisor_id, s.modality, s.city, s.started_at, s.ended_at, s.outcome,
       s.follow_up, s.quoted_rate, s.quoted_amount,
       c.id, c.number, c.client_id, c.device_id, c.modality, c.opened_at, c.summary, cl.name
FROM sessions s
JOIN cases c ON c.id = s.case_id
JOIN clients cl ON cl.id = c.client_id
WHERE {where}
ORDER BY s.started_at, s.id
"""
_EVENTS = """
SELECT e.session_id, e.kind, e.at, e.span_start, e.span_end
FROM session_events e JOIN sessions s ON s.id = e.session_id
WHERE {where}
ORDER BY e.session_id, e.seq
"""
# ``IN (SELECT …)`` rather than a join: both engines then walk the day's sessions and the
# receipts' session index, instead of the whole receipts table.
_DAY_SESSION_IDS = "SELECT s.id FROM sessions s WHERE {where}"
_SESSION_RECEIPTS = f"""
SELECT r.session_id, r.id, r.folio, r.worked_minutes, r.billable_hours, r.business_hours,
       r.outside_hours, r.base
FROM receipts r
WHERE r.status = 'issued' AND r.session_id IN ({_DAY_SESSION_IDS})
ORDER BY r.id
"""
_SESSION_RECEIPT_LINES = f"""
SELECT l.receipt_id, l.kind, l.band, l.hours, l.amount
FROM receipt_lines l
WHERE l.receipt_id IN (
    SELECT r.id FROM receipts r
    WHERE r.status = 'issued' AND r.session_id IN ({_DAY_SESSION_IDS})
)
ORDER BY l.receipt_id, l.position
"""
_ADVISORS = ADVISORS = "SELECT id, name FROM advisors"
_PROFILE = "SELECT value FROM business_settings WHERE key = :key"
_DAY_RECEIPTS_WHERE = DAY_RECEIPTS_WHERE = """r.id IN (
    SELECT x.id FROM receipts x WHERE x.issued_at >= :start AND x.issued_at < :end
    UNION ALL
    SELECT x.id FROM receipts x WHERE x.cancelled_at >= :start AND x.cancelled_at < :end
)"""
# Issued on the day through the issued_at index, cancelled on it through the cancelled_at one
# (revision 0009). What each still owes comes from the payments' receipt index, receipt by
# receipt.
_DAY_RECEIPTS = """
SELECT r.id, r.folio, r.issued_at, cl.name, r.base, r.iva, r.total, r.status, r.cancel_reason,
       r.advisor_id, (SELECT SUM(p.amount) FROM payments p WHERE p.receipt_id = r.id)
FROM receipts r JOIN clients cl ON cl.id = r.client_id
WHERE {where}
ORDER BY r.series, r.number
"""
_RECEIVED = """
SELECT COALESCE(SUM(p.amount), 0)
FROM payments p JOIN receipts r ON r.id = p.receipt_id
WHERE p.received_at >= :start AND p.received_at < :end{advisor}
"""
# Everything still owed when the day closes: what was issued by then less what was cancelled by
# then, less what was paid by then on receipts not cancelled by then (a payment always follows
# its receipt). The database keeps each advisor's running totals of all of it (``balance_totals``,
# revision 0010: every receipt's total, the cancelled ones', every payment), so "by then" is
# those totals less what happened after the close — read from the covering indexes of revision
# 0009 over the receipts and payments after it: nothing for today's corte, instead of a pass
# over every receipt and payment. Summed in whole cents (exact even where SQLite keeps NUMERIC
# amounts as floating point: each term is a whole number, and a sum of whole numbers below
# 2**53 is exact in a double). None when nothing matched.
_CENTS_OF = "SUM(ROUND({} * 100))"
_TOTALS = (
    "SELECT SUM(t.issued_cents - t.cancelled_cents), SUM(t.paid_cents) FROM balance_totals t"
    "{advisor}"
)
_ISSUED_AFTER = (
    f"SELECT {_CENTS_OF.format('r.total')} FROM receipts r WHERE r.issued_at >= :end{{advisor}}"
)
# cancelled by now but not by then: cancelled after the close, or issued after it
_CANCELLED_AFTER = (
    f"SELECT {_CENTS_OF.format('r.total')} FROM receipts r WHERE r.cancelled_at IS NOT NULL"
    " AND r.id IN (SELECT x.id FROM receipts x WHERE x.cancelled_at >= :end"
    " UNION SELECT x.id FROM receipts x WHERE x.issued_at >= :end){advisor}"
)
_PAID_AFTER = (
    f"SELECT {_CENTS_OF.format('p.amount')} FROM payments p WHERE p.received_at >= :end{{receipts}}"
)
_PAID_BY = (
    f"SELECT {_CENTS_OF.format('p.amount')} FROM payments p WHERE p.received_at < :end{{receipts}}"
)
_OF_ADVISOR = " AND p.receipt_id IN (SELECT r.id FROM receipts r WHERE r.advisor_id = :advisor)"
_OF_CANCELLED = (
    " AND p.receipt_id IN (SELECT r.id FROM receipts r WHERE r.cancelled_at < :end{advisor})"
)
_EXPIRING = """
SELECT c.number, c.pending_since, cl.name,
       (SELECT s.advisor_id FROM sessions s WHERE s.case_id = c.id
        ORDER BY s.started_at DESC LIMIT 1)
FROM cases c JOIN clients cl ON cl.id = c.client_id
WHERE c.state = :pending AND c.pending_since >= :low AND c.pending_since < :high
ORDER BY c.pending_since
"""


# -- rows as values ---------------------------------------------------------------------------


class _Session:
    """One of the day's sessions: what pricing needs and what the summary shows. (The rows of
    this module are plain classes, not dataclasses: a dataclass costs ~1 ms to define — its
    methods are compiled at import — and ``appleuse summary`` imports this module.)"""

    __slots__ = ("advisor_id", "case_number", "case_summary", "client", "facts", "outcome")

    def __init__(self, *, facts: SessionFacts, advisor_id: int, outcome: Outcome | None,
                 case_number: int, case_summary: str, client: str) -> None:  # fmt: skip
        self.facts = facts
        self.advisor_id = advisor_id
        self.outcome = outcome
        self.case_number = case_number
        self.case_summary = case_summary
        self.client = client

    @property
    def id(self) -> int:
        return self.facts.id

    @property
    def started_at(self) -> datetime:
        return self.facts.stored.started_at

    @property
    def ended_at(self) -> datetime | None:
        return self.facts.stored.ended_at

    @classmethod
    def of(cls, r: Row) -> _Session:
        number = int(r[11])
        stored = StoredSession(
            modality=Modality(r[2]), started_at=instant(r[4]), ended_at=maybe_instant(r[5]),
            city=r[3] or "", quoted_rate=maybe_money(r[8]), quoted_amount=maybe_money(r[9]),
            follow_up=bool(r[7]), case_number=number,
        )  # fmt: skip
        device = int(r[13]) if r[13] is not None else None
        case = CaseOpening(int(r[10]), instant(r[15]), Modality(r[14]), device)
        return cls(
            facts=SessionFacts(int(r[0]), int(r[12]), stored, case),
            advisor_id=int(r[1]),
            outcome=Outcome(r[6]) if r[6] is not None else None,
            case_number=number,
            case_summary=r[16] or "",
            client=r[17],
        )


#: one session of a period as the read models take it (public name)
SessionRow = _Session


class _Figures:
    """What the summary takes from one session's bill or issued receipt: ``amount`` is the
    base before IVA (None: the session still requires a quote)."""

    __slots__ = ("amount", "billable_hours", "folio", "lines", "worked_minutes")

    def __init__(self, worked_minutes: int, billable_hours: int, amount: Decimal | None,
                 lines: tuple[tuple[LineKind, Band | None, int | None, Decimal], ...],
                 folio: str = "") -> None:  # fmt: skip
        self.worked_minutes = worked_minutes
        self.billable_hours = billable_hours
        self.amount = amount
        self.lines = lines
        self.folio = folio


def _bill_figures(bill: Bill) -> _Figures:
    return _Figures(
        bill.worked_minutes,
        bill.billable_hours,
        bill.base,
        tuple(
            (x.kind, x.band, int(x.hours) if x.hours is not None else None, x.amount)
            for x in bill.lines
        ),
    )


def _receipt_figures(
    execute: Execute, where: str, params: Mapping[str, Any]
) -> dict[int, _Figures]:
    """The stored figures of the issued receipt of each of the day's sessions (by session)."""
    lines: dict[int, list[tuple[LineKind, Band | None, int | None, Decimal]]] = defaultdict(list)
    for receipt_id, kind, band, hours, amount in execute(
        _SESSION_RECEIPT_LINES.format(where=where), params
    ):
        lines[int(receipt_id)].append(
            (
                LineKind(kind),
                Band(band) if band is not None else None,
                int(hours) if hours is not None else None,
                money(amount),
            )
        )
    out: dict[int, _Figures] = {}
    for r in execute(_SESSION_RECEIPTS.format(where=where), params):
        out[int(r[0])] = _Figures(
            worked_minutes=int(r[3]),
            billable_hours=int(r[4]),
            amount=money(r[7]),
            lines=tuple(lines.get(int(r[1]), ())),
            folio=r[2],
        )
    return out


def read_sessions(execute: Execute, where: str, params: Mapping[str, Any]) -> list[_Session]:
    """The sessions ``where`` selects (``s`` the session, ``c`` its case), by start."""
    return [_Session.of(r) for r in execute(_SESSIONS.format(where=where), params)]


def read_events(execute: Execute, where: str, params: dict[str, Any]) -> dict[int, list[Entry]]:
    """The events (corrections included) of the sessions ``where`` selects, by session: what
    the corte, the period report and the client's history price and read."""
    events: dict[int, list[Entry]] = defaultdict(list)
    for sid, kind, at, low, high in execute(_EVENTS.format(where=where), params):
        events[int(sid)].append(
            Entry(EventKind(kind), instant(at), maybe_instant(low), maybe_instant(high))
        )
    return events


def build_day_summary(
    execute: Execute, day: date, advisor_id: int | None, now: datetime
) -> doc.DaySummary:
    """The corte del día for a local date, one advisor or all (``None``)."""
    return build_range_summary(execute, day, day, advisor_id, now).summary


class RangeSummary:
    """The corte over local days [first, last] and what it was built from: the period report
    reads its sessions, figures and events rather than a second copy of these queries."""

    __slots__ = ("events", "figures", "names", "sessions", "summary", "tariffs")

    def __init__(self, summary: doc.DaySummary, sessions: list[_Session],
                 figures: dict[int, _Figures], events: dict[int, list[Entry]],
                 tariffs: TariffHistory, names: dict[int, str]) -> None:  # fmt: skip
        self.summary = summary
        self.sessions = sessions
        self.figures = figures
        self.events = events
        self.tariffs = tariffs
        self.names = names


def build_range_summary(
    execute: Execute, first: date, last: date, advisor_id: int | None, now: datetime
) -> RangeSummary:
    """The corte's figures over local days [first, last] (one day: the corte del día)."""
    start, end = local_day_bounds(first)[0], local_day_bounds(last)[1]
    names = {int(k): v for k, v in execute(_ADVISORS, {})}
    if advisor_id is not None and advisor_id not in names:
        raise NotFoundError(f"El asesor {advisor_id} no existe.")
    tariffs = tariff_history(execute)
    where = _DAY_SESSIONS
    params: dict[str, Any] = {"start": start, "end": end}
    if advisor_id is not None:
        where += " AND s.advisor_id = :advisor"
        params["advisor"] = advisor_id
    rows = read_sessions(execute, where, params)
    events = read_events(execute, where, params) if rows else {}
    figures = _receipt_figures(execute, where, params) if rows else {}
    unbilled = [r.facts for r in rows if r.id not in figures]
    if unbilled:
        bills = price_sessions(execute, unbilled, events, tariffs, now).bills
        figures.update((ident, _bill_figures(bill)) for ident, bill in bills.items())
    today_tariff = tariffs.at(now)
    parts = _Parts()
    for r in rows:
        parts.add(r, figures.get(r.id), events[r.id], names.get(r.advisor_id, ""), now,
                  today_tariff)  # fmt: skip
    receipts, outstanding = _day_receipts(execute, start, end, advisor_id, names)
    received, balance_due = money_flows(execute, start, end, advisor_id)
    last_start, last_end = local_day_bounds(last)
    summary = doc.DaySummary(
        business=business_header(execute),
        day=first,
        generated_at=now,
        advisor=names[advisor_id] if advisor_id is not None else None,
        sessions=tuple(parts.sessions),
        by_band=doc.band_totals_of(parts.billable_hours, parts.lines),
        receipts=receipts,
        payments_received=received,
        outstanding=outstanding,
        balance_due=balance_due,
        pending_opened=tuple(parts.pending_opened),
        pending_expiring=expiring_cases(
            execute, last_start, last_end, advisor_id, today_tariff, names
        ),
        escalations=tuple(parts.escalations),
        consents=tuple(parts.consents),
        disconnections=tuple(parts.cuts),
    )
    return RangeSummary(summary, rows, figures, events, tariffs, names)


def business_header(execute: Execute) -> doc.BusinessProfile:
    """The business's header for documents, as stored (the defaults when nothing is)."""
    profile = execute(_PROFILE, {"key": PROFILE_KEY})
    stored = json_value(profile[0][0]) if profile else None
    return BusinessProfile.from_stored(stored).document_header()


def money_flows(
    execute: Execute, start: datetime, end: datetime, advisor_id: int | None
) -> tuple[Decimal, Decimal]:
    """Payments received in [start, end), and what the receipts in force at ``end`` still owe
    then (one advisor's receipts, or all)."""
    return received_between(execute, start, end, advisor_id), balance_due(execute, end, advisor_id)


def received_between(
    execute: Execute, start: datetime, end: datetime, advisor_id: int | None
) -> Decimal:
    """Payments received in [start, end) (on one advisor's receipts, or all)."""
    params: dict[str, Any] = {"start": start, "end": end}
    by_advisor = ""
    if advisor_id is not None:
        by_advisor = " AND r.advisor_id = :advisor"
        params["advisor"] = advisor_id
    return money(execute(_RECEIVED.format(advisor=by_advisor), params)[0][0] or 0)


def balance_due(execute: Execute, end: datetime, advisor_id: int | None) -> Decimal:
    """What the receipts in force at ``end`` still owe then (one advisor's receipts, or all)."""
    params: dict[str, Any] = {"end": end}
    by_advisor = ""
    if advisor_id is not None:
        by_advisor = " AND r.advisor_id = :advisor"
        params["advisor"] = advisor_id

    def cents(sql: str) -> int:
        return int(execute(sql, params)[0][0] or 0)

    of_receipts = _OF_ADVISOR if advisor_id is not None else ""
    totals = execute(
        _TOTALS.format(advisor=" WHERE t.advisor_id = :advisor" if advisor_id is not None else ""),
        params,
    )[0]
    charged = (
        int(totals[0] or 0)
        - cents(_ISSUED_AFTER.format(advisor=by_advisor))
        + cents(_CANCELLED_AFTER.format(advisor=by_advisor))
    )
    paid = (
        int(totals[1] or 0)
        - cents(_PAID_AFTER.format(receipts=of_receipts))
        - cents(_PAID_BY.format(receipts=_OF_CANCELLED.format(advisor=by_advisor)))
    )
    return max(ZERO, Decimal(charged - paid).scaleb(-2))


class _Parts:
    """The summary's sections, filled session by session."""

    def __init__(self) -> None:
        self.sessions: list[doc.SummarySession] = []
        self.pending_opened: list[doc.PendingCase] = []
        self.escalations: list[doc.SummaryEscalation] = []
        self.consents: list[doc.SummaryConsent] = []
        self.cuts: list[doc.SummaryDisconnection] = []
        self.billable_hours = 0
        self.lines: list[tuple[LineKind, Band | None, int | None, Decimal]] = []

    def add(
        self,
        r: _Session,
        f: _Figures | None,
        events: Sequence[Entry],
        advisor: str,
        now: datetime,
        tariff: Tariff,
    ) -> None:
        label = case_label(r.case_number)
        if f is not None:
            self.billable_hours += f.billable_hours
            self.lines.extend(f.lines)
        self.sessions.append(
            doc.SummarySession(
                client=r.client,
                modality=r.facts.stored.modality,
                start=r.started_at,
                end=r.ended_at or now,
                worked_minutes=f.worked_minutes if f else 0,
                billable_hours=f.billable_hours if f else 0,
                outcome=r.outcome.label if r.outcome else "En curso",
                amount=f.amount if f else None,
                advisor=advisor,
                case_number=label,
                folio=f.folio if f else "",
            )
        )
        if r.ended_at is not None and r.outcome in PENDING_OUTCOMES:
            deadline = follow_up_deadline(r.ended_at, tariff)
            self.pending_opened.append(
                doc.PendingCase(label, r.client, r.ended_at, deadline, advisor)
            )
        if r.ended_at is not None and r.outcome is Outcome.ESCALATED:
            self.escalations.append(
                doc.SummaryEscalation(label, r.client, r.ended_at, r.case_summary, advisor)
            )
        for record in consent_records(events):
            self.consents.append(
                doc.SummaryConsent(label, r.client, record.requested_at, record.accepted)
            )
        for cut in disconnections(events):
            self.cuts.append(doc.SummaryDisconnection(label, r.client, cut.start, cut.end))


def _day_receipts(
    execute: Execute, start: datetime, end: datetime, advisor_id: int | None, names: dict[int, str]
) -> tuple[tuple[doc.SummaryReceipt, ...], Decimal]:
    """Receipts issued or cancelled on the day, and what the issued ones still owe."""
    where = _DAY_RECEIPTS_WHERE
    params: dict[str, Any] = {"start": start, "end": end}
    if advisor_id is not None:
        where += " AND r.advisor_id = :advisor"
        params["advisor"] = advisor_id
    out = []
    owed = ZERO
    rows = execute(_DAY_RECEIPTS.format(where=where), params)
    for _, folio, issued, client, base, iva, total, status, reason, advisor, paid in rows:
        issued_at = instant(issued)
        state = ReceiptStatus(status)
        if state is ReceiptStatus.ISSUED and start <= issued_at < end:
            owed += max(ZERO, money(total) - money(paid or 0))
        out.append(
            doc.SummaryReceipt(
                folio, issued_at, client, money(base), money(iva), money(total), state,
                reason or "", names.get(int(advisor), ""), money(paid or 0),
            )
        )  # fmt: skip
    return tuple(out), owed


def expiring_cases(
    execute: Execute,
    start: datetime,
    end: datetime,
    advisor_id: int | None,
    tariff: Tariff,
    names: dict[int, str],
) -> tuple[doc.PendingCase, ...]:
    """Pending cases whose free follow-up ends from the day's start to two days after it (by
    the advisor of the case's last session when one is asked for)."""
    low, high = expiring_pending_since(start, end, tariff)
    params = {"pending": CaseState.PENDING.value, "low": low, "high": high}
    out = []
    for number, since, client, last in execute(_EXPIRING, params):
        last_id = int(last) if last is not None else None
        if advisor_id is not None and last_id != advisor_id:
            continue
        pending_since = instant(since)
        out.append(
            doc.PendingCase(
                case_label(int(number)), client, pending_since,
                follow_up_deadline(pending_since, tariff), names.get(last_id or 0, ""),
            )
        )  # fmt: skip
    return tuple(out)


def summary_from_sqlite(
    path: Path,
    day: date,
    now: datetime,
    pick_advisor: Callable[[Sequence[tuple[int, str]]], int | None] | None = None,
) -> doc.DaySummary:
    """The summary read from a SQLite file opened read-only with the standard library.
    ``pick_advisor`` chooses the advisor from ``(id, name)`` pairs (None: all advisors).
    ``sqlite3.Error`` goes to the caller (missing file, older schema…); a schema from a newer
    AppleUse is refused (``NewerSchemaError``)."""
    conn = open_sqlite_readonly(path)
    try:
        revision = sqlite_revision(conn)
        check_revision(revision)  # a newer AppleUse's file: refused, as everywhere
        if revision != head():
            raise sqlite3.OperationalError(f"schema at revision {revision}")
        execute = sqlite_execute(conn)
        advisor_id = None
        if pick_advisor is not None:
            advisor_id = pick_advisor([(int(i), n) for i, n in execute(_ADVISORS, {})])
        return build_day_summary(execute, day, advisor_id, now)
    finally:
        conn.close()
