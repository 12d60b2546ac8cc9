"""A client's history (issue 14): everything about one client, newest first — devices, cases
with their sessions and outcomes, remote-control consent and disconnection records, receipts
(and their cancellations), payments, the policy's versions and reviews, the citas of the
agenda, and the balance.

A read model on the seam of :mod:`app.services.sql` (plain SQL, no rule of its own): a
session's amount is its issued receipt's, else its bill from ``price_sessions`` (only the
sessions without an issued receipt are read in full and priced); consent and disconnection
records come from ``kernel.timeline``, read only for the sessions that have such events; the
balance is the statement's, from the same receipt and payment rows
(``billing.balance.balance_of``: one definition with ``BalanceService.statement``).

Speed (bench/history.py): one client with 1,000+ sessions in well under 100 ms — a few
indexed queries (``client_id`` / ``case_id`` / ``session_id`` indexes), only the columns
shown, no ORM objects; the events read once (one statement for the sessions that have
records or are priced), stored values turned into labels by dictionary look-ups, lines made
without the named tuple's Python-level constructor and sorted by their instant alone (ties,
a few hundred, put in order afterwards).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal
from itertools import chain, repeat
from operator import add, itemgetter, methodcaller
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from app.billing.balance import StoredPayment, StoredReceipt, balance_of
from app.billing.money import ZERO, format_money
from app.billing.pricing import Bill
from app.kernel.enums import (
    AppointmentPurpose,
    AppointmentState,
    CaseState,
    Channel,
    DeviceKind,
    EventKind,
    Modality,
    Outcome,
    PaymentMethod,
    ReceiptStatus,
)
from app.kernel.errors import NotFoundError
from app.kernel.fmt import (
    LOCAL_ZONE,
    case_label,
    format_minutes,
    format_time,
    policy_label,
)
from app.kernel.timeline import (
    CONSENT_KINDS,
    CUT_KINDS,
    RECORDS_WHERE,
    Entry,
    consent_records,
    disconnections,
)
from app.services.billing_inputs import price_sessions, tariff_history
from app.services.day_summary import read_sessions
from app.services.sql import (
    Execute,
    Row,
    calendar_day,
    in_list,
    instant,
    money,
)

__all__ = ["KINDS", "ClientHistory", "HistoryEntry", "build_client_history"]

#: the kinds of entry, in the filter's order (Spanish, as shown)
KINDS = (
    "Cita", "Caso", "Sesión", "Control remoto", "Desconexión", "Recibo", "Cancelación", "Pago",
    "Póliza", "Equipo",
)  # fmt: skip


class HistoryEntry(NamedTuple):
    """One line of the history. What it opens: ``receipt_id`` (its receipt) or
    ``appointment_id`` (its cita). A named tuple: thousands are made per history, and one
    costs a seventh of a frozen dataclass."""

    at: datetime
    kind: str  # one of KINDS
    title: str
    detail: str = ""
    amount: Decimal | None = None
    case: str = ""  # "C-000042" when the line belongs to a case
    receipt_id: int | None = None
    appointment_id: int | None = None


class Receipted(NamedTuple):
    """A session's issued receipt, as the history shows it."""

    id: int
    folio: str
    base: Decimal
    worked_minutes: int


@dataclass(frozen=True)
class ClientHistory:
    client_id: int
    client_name: str
    entries: tuple[HistoryEntry, ...]  # newest first
    devices: int = 0
    cases: int = 0
    sessions: int = 0
    balance: Decimal = ZERO  # the statement's: issued totals less payments, as of the build
    kinds: tuple[str, ...] = field(default=KINDS)
    appointments: int = 0

    def only(self, kind: str | None = None, text: str = "") -> tuple[HistoryEntry, ...]:
        """Entries of one kind (None: all) whose title, detail or case contain ``text``."""
        wanted = text.casefold().strip()
        return tuple(
            e
            for e in self.entries
            if (kind is None or e.kind == kind)
            and (not wanted or wanted in f"{e.title} {e.detail} {e.case}".casefold())
        )


_CLIENT = "SELECT name FROM clients WHERE id = :client"
_DEVICES = """
SELECT id, kind, model, serial, os_version, created_at FROM devices WHERE client_id = :client
"""
_CASES = """
SELECT id, number, state, opened_at, closed_at, summary, modality FROM cases
WHERE client_id = :client
"""
_CLIENT_SESSIONS = "s.case_id IN (SELECT c.id FROM cases c WHERE c.client_id = :client)"
#: A session's timeline is read for its records only when it has an event a consent record or
#: a disconnection comes from (``kernel.timeline``), and then only for the kind it has; the
#: sessions without an issued receipt are read whole anyway, to be priced.
# Each session as a line: only what the line shows (the full rows are read for the unbilled),
# and whether it has a record (then its events are read) — a probe of the session's events
# (LIMIT 1), never EXISTS: PostgreSQL would hash every consent and disconnection of every
# client for it (a scan of all the events: 80 ms at 100,000 sessions). Its condition is the
# partial index's (``RECORDS_WHERE``): the probe reads that small index, not the events.
# By a subquery on the client (PostgreSQL walks its index with the history's random_page_cost:
# see ``report_service``), in the index's order: lines at one instant keep one order anywhere.
_SESSION_LINES = f"""
SELECT s.id, s.case_id, s.advisor_id, s.modality, s.started_at, s.outcome,
       (SELECT 1 FROM session_events x WHERE x.session_id = s.id
        AND x.{RECORDS_WHERE} LIMIT 1) IS NOT NULL
FROM sessions s WHERE {_CLIENT_SESSIONS} ORDER BY s.case_id, s.id
"""
_EVENTS = """
SELECT e.session_id, e.kind, e.at, e.span_start, e.span_end FROM session_events e
WHERE e.session_id IN ({ids}) ORDER BY e.session_id, e.seq
"""
_CHUNK = 500  # ids per IN list (well under SQLite's and PostgreSQL's parameter limits)
# Receipts and payments without joins: their case comes from the sessions already read.
_RECEIPTS = """
SELECT r.id, r.folio, r.issued_at, r.session_id, r.base, r.iva, r.total, r.status,
       r.cancelled_at, r.cancel_reason, r.worked_minutes
FROM receipts r WHERE r.client_id = :client
"""
_PAYMENTS = """
SELECT p.receipt_id, p.amount, p.method, p.received_at, p.reference FROM payments p
WHERE p.receipt_id IN (SELECT r.id FROM receipts r WHERE r.client_id = :client)
ORDER BY p.receipt_id, p.id
"""
_POLICIES = """
SELECT p.id, v.version, v.valid_from, v.expected_remote, v.expected_in_person, v.discount,
       v.review_date, v.note, p.ended_on
FROM policies p JOIN policy_versions v ON v.policy_id = p.id
WHERE p.client_id = :client
"""
_APPOINTMENTS = """
SELECT a.id, a.starts_at, a.ends_at, a.state, a.purpose, a.modality, a.channel, a.city,
       a.address, a.reason, a.cancel_reason, a.policy_id, a.advisor_id, c.number,
       (SELECT COUNT(*) FROM appointment_changes m
        WHERE m.appointment_id = a.id AND m.kind = 'moved'),
       (SELECT m.note FROM appointment_changes m
        WHERE m.appointment_id = a.id AND m.kind IN ('done', 'no_show') AND m.note <> ''
        ORDER BY m.seq DESC LIMIT 1)
FROM appointments a LEFT JOIN cases c ON c.id = a.case_id
WHERE a.client_id = :client
"""
_ADVISORS = "SELECT id, name FROM advisors"


# Labels by stored value (a dictionary look-up: the enumeration's call costs ~1 µs a row).
_MODALITY = {m.value: m.label for m in Modality}
_CASE_STATE = {m.value: m.label for m in CaseState}
_OUTCOME = {m.value: m.label for m in Outcome}
_METHOD = {m.value: m.label for m in PaymentMethod}
_RECEIPT_STATUS = {m.value: m for m in ReceiptStatus}
_EVENT_KIND = {m.value: m for m in EventKind}
_MODALITIES = {m.value: m for m in Modality}
_PURPOSE = {m.value: m for m in AppointmentPurpose}
_CITA_STATE = {m.value: m.label for m in AppointmentState}
_CHANNEL = {m.value: m.label for m in Channel}
_SESSION_TITLE = {m.value: f"Sesión {m.label[0].lower()}{m.label[1:]}" for m in Modality}

#: A line made from its eight values at once: ``HistoryEntry(...)`` runs the named tuple's
#: Python-level constructor, twice as slow, and a history makes thousands of lines.
_line = tuple.__new__
_fromisoformat = datetime.fromisoformat


_to_utc = methodcaller("astimezone", UTC)


def _instants(values: list[Any]) -> list[datetime]:
    """:func:`app.services.sql.instant` over a column of stored instants (no NULLs), in C
    loops (no Python call per value) as ``instant`` reads them: SQLite's UTC text with the
    offset appended; PostgreSQL's aware datetimes turned to UTC. Anything else (text with an
    offset, naive datetimes) value by value through ``instant``."""
    if not values:
        return []
    first = values[0]
    if isinstance(first, str) and min(map(len, values)) > 10:
        try:
            return list(map(_fromisoformat, map(add, values, repeat("+00:00"))))
        except (TypeError, ValueError):
            pass
    elif isinstance(first, datetime) and first.tzinfo is not None:
        return list(map(_to_utc, values))  # a column's type: aware throughout (timestamptz)
    return [instant(v) for v in values]


def _by_ids(execute: Execute, sql: str, ids: Sequence[int]) -> list[Row]:
    """The rows of ``sql`` (``{ids}``: its IN list) for ``ids``, a chunk at a time."""
    rows: list[Row] = []
    for k in range(0, len(ids), _CHUNK):
        marks, chunk = in_list("i", ids[k : k + _CHUNK])
        rows += execute(sql.format(ids=marks), chunk)
    return rows


def _case(number: object) -> str:
    return "" if number is None else case_label(int(str(number)))


def _local_midnight(day: object) -> datetime:
    return datetime.combine(calendar_day(day), time(0), tzinfo=ZoneInfo(LOCAL_ZONE))


class _Memo:
    """Amounts and their texts, durations and their texts, each made once per history: a
    client's receipts and sessions repeat the same few figures (and a Decimal, its text or a
    duration's text costs a microsecond or more each time)."""

    def __init__(self) -> None:
        self._money: dict[object, Decimal] = {}
        self._texts: dict[Decimal, str] = {}
        self._minutes: dict[int, str] = {}
        self._figures: dict[tuple[object, object], str] = {}

    def figures(self, base: object, iva: object) -> str:
        """A receipt's "Subtotal … · IVA …" from its stored base and IVA."""
        found = self._figures.get((base, iva))
        if found is None:
            subtotal, tax = self.text(self.money(base)), self.text(self.money(iva))
            found = self._figures[base, iva] = f"Subtotal {subtotal} · IVA {tax}"
        return found

    def money(self, raw: object) -> Decimal:
        found = self._money.get(raw)
        if found is None:
            found = self._money[raw] = money(raw)
        return found

    def text(self, amount: Decimal) -> str:
        found = self._texts.get(amount)
        if found is None:
            found = self._texts[amount] = format_money(amount)
        return found

    def minutes(self, minutes: int) -> str:
        found = self._minutes.get(minutes)
        if found is None:
            found = self._minutes[minutes] = format_minutes(minutes)
        return found


class _Lines:
    """The history's lines as they are made, one list per place at one instant. Newest first,
    at one instant the order things happen in reversed — a payment, a cancellation, a receipt
    issued, a case closed, a disconnection, a remote-control request, a session started, its
    case opened, a cita, a device or a policy — and lines of one place in the order they were
    made: the lists joined in that order and sorted by instant alone (a stable sort, on a
    C-level key) give exactly that, with no Python key per line."""

    def __init__(self) -> None:
        self.payments: list[HistoryEntry] = []
        self.cancellations: list[HistoryEntry] = []
        self.receipts: list[HistoryEntry] = []
        self.closings: list[HistoryEntry] = []  # "Caso C-…: Resuelto"
        self.cuts: list[HistoryEntry] = []
        self.consents: list[HistoryEntry] = []
        self.sessions: list[HistoryEntry] = []
        self.openings: list[HistoryEntry] = []  # "Caso C-… abierto (…)"
        self.citas: list[HistoryEntry] = []
        self.others: list[HistoryEntry] = []  # devices, then the policy's versions

    def newest_first(self) -> tuple[HistoryEntry, ...]:
        lines = list(chain(
            self.payments, self.cancellations, self.receipts, self.closings, self.cuts,
            self.consents, self.sessions, self.openings, self.citas, self.others,
        ))  # fmt: skip
        lines.sort(key=_AT, reverse=True)  # stable, also in reverse
        return tuple(lines)


_AT = itemgetter(0)  # a line's instant


def build_client_history(execute: Execute, client_id: int, now: datetime) -> ClientHistory:
    """The client's history, newest first, with the statement's balance as of ``now``."""
    found = execute(_CLIENT, {"client": client_id})
    if not found:
        raise NotFoundError(f"El cliente {client_id} no existe.")
    params = {"client": client_id}
    out = _Lines()
    devices = execute(_DEVICES, params)
    for _, kind, model, serial, os_version, created in devices:
        label = " ".join(x for x in (DeviceKind(kind).label, model) if x)
        detail = " · ".join(x for x in (f"Serie {serial}" if serial else "", os_version) if x)
        out.others.append(HistoryEntry(instant(created), "Equipo",
                                       f"Equipo registrado: {label}", detail))  # fmt: skip
    labels = _cases(execute, params, out)
    names = {int(k): v for k, v in execute(_ADVISORS, {})}
    rows = execute(_SESSION_LINES, params)
    case_of = {r[0]: labels.get(r[1], "") for r in rows}
    memo = _Memo()
    receipts = _receipts(execute, params, case_of, memo, out)
    _sessions(execute, now, rows, case_of, receipts.of_session, names, memo, out)
    payments = _payments(execute, params, receipts.named, memo, out.payments)
    _policies(execute, params, out.others)
    citas = _appointments(execute, params, names, out.citas)
    return ClientHistory(
        client_id, found[0][0], out.newest_first(), len(devices), len(labels), len(rows),
        balance_of(receipts.stored, payments, now), appointments=citas,
    )  # fmt: skip


def _cases(execute: Execute, params: dict[str, int], out: _Lines) -> dict[int, str]:
    """Each case's opening and, once closed, its closing state; returns their labels by id."""
    labels: dict[int, str] = {}
    rows = execute(_CASES, params)
    opening = out.openings.append
    closed: list[tuple[Any, str, str]] = []  # (stored instant, label, state) of the closed
    for (cid, number, state, _, at, summary, modality), opened in zip(
        rows, _instants([r[3] for r in rows]), strict=True
    ):
        label = labels[int(cid)] = case_label(int(number))
        title = f"Caso {label} abierto ({_MODALITY[modality]})"
        opening(_line(HistoryEntry, (opened, "Caso", title, summary or "", None, label, None,
                                     None)))  # fmt: skip
        if at is not None:
            closed.append((at, label, state))
    closing = out.closings.append
    for (_, label, state), at in zip(closed, _instants([c[0] for c in closed]), strict=True):
        closing(_line(HistoryEntry, (at, "Caso", f"Caso {label}: {_CASE_STATE[state]}", "",
                                     None, label, None, None)))  # fmt: skip
    return labels


@dataclass
class _Receipts:
    """The client's receipts as read: their stored figures for the balance, each session's
    issued receipt, and each one's folio and case."""

    stored: list[StoredReceipt] = field(default_factory=list)
    of_session: dict[int, Receipted] = field(default_factory=dict)
    named: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (folio, case)


def _receipts(
    execute: Execute,
    params: dict[str, int],
    case_of: dict[int, str],
    memo: _Memo,
    lines: _Lines,
) -> _Receipts:
    """Each receipt's line (and its cancellation's), and what the rest of the history needs
    of it."""
    out = _Receipts()
    rows = execute(_RECEIPTS, params)
    issued, stored, named = lines.receipts.append, out.stored.append, out.named
    money, figures = memo.money, memo.figures
    cancelled_at = dict(zip(  # the few cancelled ones' instants, by receipt
        [r[0] for r in rows if r[8] is not None],
        _instants([r[8] for r in rows if r[8] is not None]), strict=True,
    ))  # fmt: skip
    for r, at in zip(rows, _instants([r[2] for r in rows]), strict=True):
        rid, folio, _, session, base, iva, total, status, _, reason, worked = r
        case = "" if session is None else case_of.get(session, "")
        named[rid] = (folio, case)
        state, charge = _RECEIPT_STATUS[status], money(total)
        issued(_line(HistoryEntry, (at, "Recibo", f"Recibo {folio} emitido",
                                    figures(base, iva), charge, case, rid, None)))  # fmt: skip
        cancelled = cancelled_at.get(rid)
        stored(_line(StoredReceipt, (rid, at, state, charge, cancelled)))
        if state is ReceiptStatus.CANCELLED:
            lines.cancellations.append(HistoryEntry(
                cancelled_at[rid], "Cancelación", f"Recibo {folio} cancelado", reason or "",
                -charge, case, rid))  # fmt: skip
        elif session is not None:
            out.of_session[session] = _line(Receipted, (rid, folio, money(base), int(worked)))
    return out


class _Events(NamedTuple):
    """Stored events by session, and the sessions with a consent record or a disconnection
    among them (by the events' stored kinds)."""

    by_session: dict[int, list[Entry]]
    consents: set[int]
    cuts: set[int]


_CONSENT_VALUES = frozenset(k.value for k in CONSENT_KINDS)
_CUT_VALUES = frozenset(k.value for k in CUT_KINDS)


def _read_events(execute: Execute, ids: Sequence[int]) -> _Events:
    """The stored events (corrections included) of the sessions ``ids``, by session, in order
    (what ``day_summary.read_events`` gives, by ids, its kinds looked up by value)."""
    out = _Events({}, set(), set())
    events = out.by_session
    rows = _by_ids(execute, _EVENTS, ids)
    for (sid, kind, _, low, high), at in zip(rows, _instants([r[2] for r in rows]), strict=True):
        timeline = events.get(sid)
        if timeline is None:
            timeline = events[sid] = []
        if low is not None:
            low = instant(low)
        if high is not None:
            high = instant(high)
        timeline.append(_line(Entry, (_EVENT_KIND[kind], at, low, high)))
        if kind in _CONSENT_VALUES:
            out.consents.add(sid)
        elif kind in _CUT_VALUES:
            out.cuts.add(sid)
    return out


def _priced(
    execute: Execute, waiting: Sequence[int], events: dict[int, list[Entry]], now: datetime
) -> dict[int, Bill]:
    """The bills of the sessions ``waiting`` (those without an issued receipt), from
    ``price_sessions``: the one pricing path."""
    unbilled = []
    for k in range(0, len(waiting), _CHUNK):
        ids, chunk = in_list("u", waiting[k : k + _CHUNK])
        unbilled += [r.facts for r in read_sessions(execute, f"s.id IN ({ids})", chunk)]
    return price_sessions(execute, unbilled, events, tariff_history(execute), now).bills


def _sessions(
    execute: Execute,
    now: datetime,
    lines: Sequence[Row],
    case_of: dict[int, str],
    receipt_of: dict[int, Receipted],
    names: dict[int, str],
    memo: _Memo,
    out: _Lines,
) -> None:
    """Each session with its outcome and amount, its consents and its disconnections."""
    # priced: the sessions without an issued receipt (a cancelled one: again)
    waiting = [r[0] for r in lines if r[0] not in receipt_of]
    recorded = [r[0] for r in lines if r[6]]
    events = _read_events(execute, sorted(set(waiting).union(recorded)))
    bills = _priced(execute, waiting, events.by_session, now)
    put, minutes, consents, cuts = out.sessions.append, memo.minutes, events.consents, events.cuts
    titles = {(m, o): f"{title}: {_OUTCOME[o] if o is not None else 'En curso'}"
              for m, title in _SESSION_TITLE.items() for o in (*_OUTCOME, None)}  # fmt: skip
    starts = _instants([r[4] for r in lines])
    for (sid, _, advisor, modality, _, outcome, _), started in zip(lines, starts, strict=True):
        receipt = receipt_of.get(sid)
        name = names.get(advisor, "")
        if receipt is not None:
            worked = minutes(receipt.worked_minutes)
            detail = (f"{name} · {worked} · Recibo {receipt.folio}" if name
                      else f"{worked} · Recibo {receipt.folio}")  # fmt: skip
            put(_line(HistoryEntry, (started, "Sesión", titles[modality, outcome], detail,
                                     receipt.base, case_of[sid], receipt.id, None)))  # fmt: skip
        else:
            bill = bills.get(sid)
            worked = "" if bill is None else minutes(bill.worked_minutes)
            detail = " · ".join(x for x in (name, worked, "Sin recibo") if x)
            put(_line(HistoryEntry, (started, "Sesión", titles[modality, outcome], detail,
                                     None if bill is None else bill.base, case_of[sid], None,
                                     None)))  # fmt: skip
        if sid in consents:
            _consents(events.by_session[sid], case_of[sid], out.consents)
        if sid in cuts:
            _cuts(events.by_session[sid], case_of[sid], out.cuts)


def _consents(events: Sequence[Entry], label: str, entries: list[HistoryEntry]) -> None:
    """A session's remote-control requests, with their answers."""
    for record in consent_records(events):
        entries.append(_line(HistoryEntry, (
            record.requested_at, "Control remoto",
            f"Control remoto solicitado: {record.answer_label}", record.device, None, label,
            None, None)))  # fmt: skip


def _cuts(events: Sequence[Entry], label: str, entries: list[HistoryEntry]) -> None:
    """A session's disconnections, with how long each lasted."""
    for cut in disconnections(events):
        gap = (
            ""
            if cut.end is None
            else format_minutes(int((cut.end - cut.start).total_seconds() // 60))
        )
        entries.append(_line(HistoryEntry, (cut.start, "Desconexión", "Desconexión", gap, None,
                                            label, None, None)))  # fmt: skip


def _payments(
    execute: Execute,
    params: dict[str, int],
    named: dict[int, tuple[str, str]],
    memo: _Memo,
    entries: list[HistoryEntry],
) -> list[StoredPayment]:
    """Each payment on the client's receipts (with the receipt's folio and case)."""
    out = []
    put = entries.append
    rows = execute(_PAYMENTS, params)
    for (rid, amount, method, _, reference), at in zip(rows, _instants([r[3] for r in rows]),
                                                        strict=True):  # fmt: skip
        rid = int(rid)
        folio, case = named[rid]
        detail = f"{_METHOD[method]} · {reference}" if reference else _METHOD[method]
        paid = memo.money(amount)
        put(_line(HistoryEntry, (at, "Pago", f"Pago al recibo {folio}", detail, paid, case, rid,
                                 None)))  # fmt: skip
        out.append(_line(StoredPayment, (rid, at, paid)))
    return out


def _policies(execute: Execute, params: dict[str, int], entries: list[HistoryEntry]) -> None:
    for pid, version, valid, remote, in_person, discount, review, note, ended in execute(
        _POLICIES, params
    ):
        label = policy_label(int(pid))
        kind = "revisión trimestral" if review is not None else (
            "alta" if int(version) == 1 else "cambio")  # fmt: skip
        detail = (
            f"{int(remote)} a distancia y {int(in_person)} presenciales por mes · "
            f"descuento {Decimal(str(discount)) * 100:.0f} %"
        )
        if note:
            detail += f" · {note}"
        entries.append(HistoryEntry(_local_midnight(valid), "Póliza",
                                    f"Póliza {label}: {kind} (versión {int(version)})",
                                    detail))  # fmt: skip
        if ended is not None and int(version) == 1:
            entries.append(HistoryEntry(_local_midnight(ended), "Póliza",
                                        f"Póliza {label} terminada"))  # fmt: skip


def _appointments(
    execute: Execute, params: dict[str, int], names: dict[int, str], entries: list[HistoryEntry]
) -> int:
    """The client's citas, each at its (local) start: its time, state and purpose; advisor,
    modality or place, reason, cancellation, moves and the note left when done."""
    rows = execute(_APPOINTMENTS, params)
    for r in rows:
        aid, starts, ends, state, purpose, modality, channel, city, address, reason = r[:10]
        cancel_reason, policy, advisor, number, moves, note = r[10:]
        start, end = instant(starts), instant(ends)
        what = _PURPOSE[purpose]
        topic = what.label if what is not AppointmentPurpose.GENERAL else ""
        if number is not None:
            topic = f"{topic} {case_label(int(number))}".strip()
        elif policy is not None and topic:
            topic = f"{topic} {policy_label(int(policy))}"
        title = f"Cita {format_time(start)}–{format_time(end)}: {_CITA_STATE[state]}"
        kind = _MODALITIES[modality]
        if kind is Modality.ONSITE:
            place = f"{kind.label}: {', '.join(x for x in (address, city) if x)}".rstrip(": ")
        else:
            place = kind.label + (f" ({_CHANNEL[channel]})" if channel else "")
        moved = int(moves or 0)
        detail = " · ".join(
            x
            for x in (
                names.get(int(advisor), ""), place, f"Motivo: {reason}" if reason else "",
                f"Cancelada: {cancel_reason}" if cancel_reason else "",
                f"Reagendada {moved} {'vez' if moved == 1 else 'veces'}" if moved else "",
                f"Nota: {note}" if note else "",
            )
            if x
        )  # fmt: skip
        entries.append(HistoryEntry(start, "Cita", f"{title} · {topic}" if topic else title,
                                    detail, case=_case(number),
                                    appointment_id=int(aid)))  # fmt: skip
    return len(rows)
