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
shown, no ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app.billing.balance import StoredPayment, StoredReceipt, balance_of
from app.billing.money import ZERO, format_money
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
from app.kernel.timeline import Entry, consent_records, disconnections
from app.services.billing_inputs import price_sessions, tariff_history
from app.services.day_summary import read_events, read_sessions
from app.services.sql import (
    Execute,
    Row,
    calendar_day,
    in_list,
    instant,
    maybe_instant,
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
# Each session as a line: only what the line shows (the full rows are read for the unbilled).
_SESSION_LINES = f"""
SELECT s.id, s.case_id, s.advisor_id, s.modality, s.started_at, s.outcome
FROM sessions s WHERE {_CLIENT_SESSIONS}
"""
#: The events a consent record or a disconnection comes from (``kernel.timeline``: the
#: corrected timeline adds disconnections only from "disconnection_added"). A session's
#: timeline is read for its records only when it has one of them (and then only for the kind
#: it has); the sessions without an issued receipt are read whole anyway, to be priced.
_CONSENT_KINDS = frozenset({EventKind.REMOTE_REQUESTED})
_CUT_KINDS = frozenset({EventKind.DISCONNECTED, EventKind.DISCONNECTION_ADDED})
_WITH_RECORDS = (
    f"{_CLIENT_SESSIONS} AND EXISTS (SELECT 1 FROM session_events x WHERE x.session_id = s.id"
    f" AND x.kind IN ({', '.join(sorted(repr(k.value) for k in _CONSENT_KINDS | _CUT_KINDS))}))"
)
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


def build_client_history(execute: Execute, client_id: int, now: datetime) -> ClientHistory:
    """The client's history, newest first, with the statement's balance as of ``now``."""
    found = execute(_CLIENT, {"client": client_id})
    if not found:
        raise NotFoundError(f"El cliente {client_id} no existe.")
    params = {"client": client_id}
    entries: list[HistoryEntry] = []
    devices = execute(_DEVICES, params)
    for _, kind, model, serial, os_version, created in devices:
        label = " ".join(x for x in (DeviceKind(kind).label, model) if x)
        detail = " · ".join(x for x in (f"Serie {serial}" if serial else "", os_version) if x)
        entries.append(HistoryEntry(instant(created), "Equipo", f"Equipo registrado: {label}",
                                    detail))  # fmt: skip
    labels = _cases(execute, params, entries)
    names = {int(k): v for k, v in execute(_ADVISORS, {})}
    lines = execute(_SESSION_LINES, params)
    case_of = {int(r[0]): labels.get(int(r[1]), "") for r in lines}
    memo = _Memo()
    receipts = _Receipts(case_of, memo)
    for r in execute(_RECEIPTS, params):
        receipts.add(r, entries)
    _sessions(execute, params, now, lines, case_of, receipts.of_session, names, memo, entries)
    payments = _payments(execute, params, receipts.named, memo, entries)
    _policies(execute, params, entries)
    citas = _appointments(execute, params, names, entries)
    entries.sort(key=_newest_first, reverse=True)
    return ClientHistory(
        client_id, found[0][0], tuple(entries), len(devices), len(labels), len(lines),
        balance_of(receipts.stored, payments, now), appointments=citas,
    )  # fmt: skip


#: at one instant, the order things happen in: a case opens, its session starts (consent,
#: disconnection), the case closes, the receipt is issued, cancelled, paid
_AT_ONE_INSTANT = {
    "Equipo": 0, "Póliza": 0, "Cita": 1, "Sesión": 3, "Control remoto": 4, "Desconexión": 5,
    "Caso": 6, "Recibo": 7, "Cancelación": 8, "Pago": 9,
}  # fmt: skip


def _newest_first(e: HistoryEntry) -> tuple[datetime, int]:
    opening = e.kind == "Caso" and " abierto (" in e.title  # "Caso C-… abierto (modalidad)"
    return e.at, 2 if opening else _AT_ONE_INSTANT.get(e.kind, 0)


def _cases(execute: Execute, params: dict[str, int], entries: list[HistoryEntry]) -> dict[int, str]:
    """Each case's opening and, once closed, its closing state; returns their labels by id."""
    labels: dict[int, str] = {}
    for cid, number, state, opened, closed, summary, modality in execute(_CASES, params):
        label = labels[int(cid)] = case_label(int(number))
        title = f"Caso {label} abierto ({_MODALITY[modality]})"
        entries.append(HistoryEntry(instant(opened), "Caso", title, summary or "", case=label))
        if closed is not None:
            entries.append(HistoryEntry(instant(closed), "Caso",
                                        f"Caso {label}: {_CASE_STATE[state]}",
                                        case=label))  # fmt: skip
    return labels


class _Receipts:
    """The client's receipts as they are read: their lines (issued, cancelled), their stored
    figures for the balance, each session's issued receipt, and each one's folio and case."""

    def __init__(self, case_of: dict[int, str], memo: _Memo) -> None:
        self.case_of = case_of
        self.memo = memo
        self.stored: list[StoredReceipt] = []
        self.of_session: dict[int, Receipted] = {}
        self.named: dict[int, tuple[str, str]] = {}  # id → (folio, case)

    def add(self, r: Row, entries: list[HistoryEntry]) -> None:
        rid, folio, issued, session, base, iva, total, status, cancelled, reason, worked = r
        rid = int(rid)
        case = self.case_of.get(int(session), "") if session is not None else ""
        self.named[rid] = (folio, case)
        memo = self.memo
        at, state = instant(issued), _RECEIPT_STATUS[status]
        charge, subtotal = memo.money(total), memo.money(base)
        detail = f"Subtotal {memo.text(subtotal)} · IVA {memo.text(memo.money(iva))}"
        entries.append(HistoryEntry(at, "Recibo", f"Recibo {folio} emitido", detail, charge,
                                    case, rid))  # fmt: skip
        cancelled_at = maybe_instant(cancelled)
        self.stored.append(StoredReceipt(rid, at, state, charge, cancelled_at))
        if state is ReceiptStatus.CANCELLED:
            entries.append(HistoryEntry(instant(cancelled), "Cancelación",
                                        f"Recibo {folio} cancelado", reason or "", -charge,
                                        case, rid))  # fmt: skip
        elif session is not None:
            self.of_session[int(session)] = Receipted(rid, folio, subtotal, int(worked))


def _sessions(
    execute: Execute,
    params: dict[str, int],
    now: datetime,
    lines: Sequence[Row],
    case_of: dict[int, str],
    receipt_of: dict[int, Receipted],
    names: dict[int, str],
    memo: _Memo,
    entries: list[HistoryEntry],
) -> None:
    """Each session with its outcome and amount, its consents and its disconnections."""
    events = read_events(execute, _WITH_RECORDS, params)
    unbilled = []  # priced: the sessions without an issued receipt (a cancelled one: again)
    waiting = [int(r[0]) for r in lines if int(r[0]) not in receipt_of]
    for k in range(0, len(waiting), _CHUNK):
        ids, chunk = in_list("u", waiting[k : k + _CHUNK])
        unbilled += [r.facts for r in read_sessions(execute, f"s.id IN ({ids})", chunk)]
        events.update(read_events(execute, f"s.id IN ({ids})", chunk))
    bills = price_sessions(execute, unbilled, events, tariff_history(execute), now).bills
    modalities = {m.value: f"Sesión {m.label[0].lower()}{m.label[1:]}" for m in Modality}
    for sid, _, advisor, modality, started, outcome in lines:
        sid = int(sid)
        receipt = receipt_of.get(sid)
        if receipt is not None:
            amount: Decimal | None = receipt.base
            minutes: int | None = receipt.worked_minutes
            paper = f"Recibo {receipt.folio}"
        else:
            bill = bills.get(sid)
            amount = bill.base if bill is not None else None
            minutes = bill.worked_minutes if bill is not None else None
            paper = "Sin recibo"
        done = _OUTCOME[outcome] if outcome is not None else "En curso"
        worked = "" if minutes is None else memo.minutes(minutes)
        detail = " · ".join(x for x in (names.get(int(advisor), ""), worked, paper) if x)
        label = case_of[sid]
        entries.append(HistoryEntry(instant(started), "Sesión", f"{modalities[modality]}: {done}",
                                    detail, amount, label,
                                    receipt.id if receipt else None))  # fmt: skip
        timeline = events.get(sid)
        if timeline:
            _records(timeline, label, entries)


def _records(events: Sequence[Entry], label: str, entries: list[HistoryEntry]) -> None:
    """A session's remote-control requests and disconnections."""
    kinds = {e.kind for e in events}
    if kinds & _CONSENT_KINDS:
        for record in consent_records(events):
            entries.append(HistoryEntry(record.requested_at, "Control remoto",
                                        f"Control remoto solicitado: {record.answer_label}",
                                        record.device, case=label))  # fmt: skip
    if not kinds & _CUT_KINDS:
        return
    for cut in disconnections(events):
        gap = (
            ""
            if cut.end is None
            else format_minutes(int((cut.end - cut.start).total_seconds() // 60))
        )
        entries.append(HistoryEntry(cut.start, "Desconexión", "Desconexión", gap,
                                    case=label))  # fmt: skip


def _payments(
    execute: Execute,
    params: dict[str, int],
    named: dict[int, tuple[str, str]],
    memo: _Memo,
    entries: list[HistoryEntry],
) -> list[StoredPayment]:
    """Each payment on the client's receipts (with the receipt's folio and case)."""
    out = []
    for rid, amount, method, received, reference in execute(_PAYMENTS, params):
        rid = int(rid)
        folio, case = named[rid]
        detail = " · ".join(x for x in (_METHOD[method], reference or "") if x)
        at, paid = instant(received), memo.money(amount)
        entries.append(HistoryEntry(at, "Pago", f"Pago al recibo {folio}", detail, paid, case,
                                    rid))  # fmt: skip
        out.append(StoredPayment(rid, at, paid))
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
        what = AppointmentPurpose(purpose)
        topic = what.label if what is not AppointmentPurpose.GENERAL else ""
        if number is not None:
            topic = f"{topic} {case_label(int(number))}".strip()
        elif policy is not None and topic:
            topic = f"{topic} {policy_label(int(policy))}"
        title = f"Cita {format_time(start)}–{format_time(end)}: {AppointmentState(state).label}"
        kind = Modality(modality)
        if kind is Modality.ONSITE:
            place = f"{kind.label}: {', '.join(x for x in (address, city) if x)}".rstrip(": ")
        else:
            place = kind.label + (f" ({Channel(channel).label})" if channel else "")
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
