"""A client's history (issue 14): everything about one client, newest first — devices, cases
with their sessions and outcomes, remote-control consent and disconnection records, receipts
(and their cancellations), payments, the policy's versions and reviews, and the balance.

A read model on the seam of :mod:`app.services.sql` (plain SQL, no rule of its own): a
session's amount is its issued receipt's, else its bill from ``price_sessions``; consent and
disconnection records come from ``kernel.timeline``; the balance is the statement's
(``BalanceService.statement``). Appointments do not exist in the app yet: none are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing.money import ZERO, format_money
from app.kernel.enums import (
    CaseState,
    DeviceKind,
    Modality,
    PaymentMethod,
    ReceiptStatus,
)
from app.kernel.errors import NotFoundError
from app.kernel.fmt import LOCAL_ZONE, case_label, format_minutes, policy_label
from app.kernel.timeline import consent_records, disconnections
from app.services.billing_inputs import SessionFacts, price_sessions, tariff_history
from app.services.day_summary import _SESSIONS, _Session, read_events
from app.services.sql import Execute, calendar_day, instant, maybe_instant, money

__all__ = ["KINDS", "ClientHistory", "HistoryEntry", "build_client_history"]

#: the kinds of entry, in the filter's order (Spanish, as shown)
KINDS = (
    "Caso", "Sesión", "Control remoto", "Desconexión", "Recibo", "Cancelación", "Pago",
    "Póliza", "Equipo",
)  # fmt: skip


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history. ``receipt_id``: the document the line opens (its receipt)."""

    at: datetime
    kind: str  # one of KINDS
    title: str
    detail: str = ""
    amount: Decimal | None = None
    case: str = ""  # "C-000042" when the line belongs to a case
    receipt_id: int | None = None


@dataclass(frozen=True)
class Receipted:
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
    balance: Decimal = ZERO  # filled by the service from the client's statement
    kinds: tuple[str, ...] = field(default=KINDS)

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
_WHERE = "c.client_id = :client"  # the corte's session statement joins the case as c
_EVENTS_WHERE = "s.case_id IN (SELECT c.id FROM cases c WHERE c.client_id = :client)"
_RECEIPTS = """
SELECT r.id, r.folio, r.issued_at, r.session_id, r.base, r.iva, r.total, r.status,
       r.cancelled_at, r.cancel_reason, r.worked_minutes, c.number
FROM receipts r
LEFT JOIN sessions s ON s.id = r.session_id
LEFT JOIN cases c ON c.id = s.case_id
WHERE r.client_id = :client
"""
_PAYMENTS = """
SELECT p.receipt_id, p.amount, p.method, p.received_at, p.reference, r.folio, c.number
FROM payments p JOIN receipts r ON r.id = p.receipt_id
LEFT JOIN sessions s ON s.id = r.session_id
LEFT JOIN cases c ON c.id = s.case_id
WHERE r.client_id = :client
"""
_POLICIES = """
SELECT p.id, v.version, v.valid_from, v.expected_remote, v.expected_in_person, v.discount,
       v.review_date, v.note, p.ended_on
FROM policies p JOIN policy_versions v ON v.policy_id = p.id
WHERE p.client_id = :client
"""
_ADVISORS = "SELECT id, name FROM advisors"


def _case(number: object) -> str:
    return "" if number is None else case_label(int(str(number)))


def _local_midnight(day: object) -> datetime:
    return datetime.combine(calendar_day(day), time(0), tzinfo=ZoneInfo(LOCAL_ZONE))


def build_client_history(execute: Execute, client_id: int, now: datetime) -> ClientHistory:
    """The client's history, newest first (the balance is left to the service)."""
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
    cases = execute(_CASES, params)
    for _, number, state, opened, closed, summary, modality in cases:
        title = f"Caso {case_label(int(number))} abierto ({Modality(modality).label})"
        entries.append(HistoryEntry(instant(opened), "Caso", title, summary or "",
                                    case=case_label(int(number))))  # fmt: skip
        closed_at = maybe_instant(closed)
        if closed_at is not None:
            entries.append(HistoryEntry(closed_at, "Caso",
                                        f"Caso {case_label(int(number))}: {CaseState(state).label}",
                                        case=case_label(int(number))))  # fmt: skip
    receipt_of = _receipts(execute, params, entries)
    sessions = _sessions(execute, params, now, receipt_of, entries)
    _payments(execute, params, entries)
    _policies(execute, params, entries)
    entries.sort(key=lambda e: e.at, reverse=True)
    return ClientHistory(client_id, found[0][0], tuple(entries), len(devices), len(cases), sessions)


def _receipts(
    execute: Execute, params: dict[str, int], entries: list[HistoryEntry]
) -> dict[int, Receipted]:
    """Receipts and cancellations; returns each session's issued receipt."""
    out: dict[int, Receipted] = {}
    for r in execute(_RECEIPTS, params):
        rid, folio, issued, session, base, iva, total, status, cancelled, reason, worked = r[:11]
        case = _case(r[11])
        detail = f"Subtotal {format_money(money(base))} · IVA {format_money(money(iva))}"
        entries.append(HistoryEntry(instant(issued), "Recibo", f"Recibo {folio} emitido", detail,
                                    money(total), case, int(rid)))  # fmt: skip
        if ReceiptStatus(status) is ReceiptStatus.CANCELLED:
            entries.append(HistoryEntry(instant(cancelled), "Cancelación",
                                        f"Recibo {folio} cancelado", reason or "", -money(total),
                                        case, int(rid)))  # fmt: skip
        elif session is not None:
            out[int(session)] = Receipted(int(rid), folio, money(base), int(worked))
    return out


def _sessions(
    execute: Execute,
    params: dict[str, int],
    now: datetime,
    receipt_of: dict[int, Receipted],
    entries: list[HistoryEntry],
) -> int:
    """Each session with its outcome and amount, its consents and its disconnections."""
    rows = [_Session.of(r) for r in execute(_SESSIONS.format(where=_WHERE), params)]
    events = read_events(execute, _EVENTS_WHERE, params)
    unbilled: list[SessionFacts] = [r.facts for r in rows if r.id not in receipt_of]
    bills = price_sessions(execute, unbilled, events, tariff_history(execute), now).bills
    names = {int(k): v for k, v in execute(_ADVISORS, {})}
    for r in rows:
        label = case_label(r.case_number)
        receipt = receipt_of.get(r.id)
        bill = bills.get(r.id)
        amount = receipt.base if receipt else (bill.base if bill is not None else None)
        minutes = receipt.worked_minutes if receipt else (bill.worked_minutes if bill else None)
        worked = format_minutes(minutes) if minutes is not None else ""
        outcome = r.outcome.label if r.outcome is not None else "En curso"
        modality = r.facts.stored.modality.label
        title = f"Sesión {modality[0].lower()}{modality[1:]}: {outcome}"
        who = names.get(r.advisor_id, "")
        detail = " · ".join(
            x for x in (who, worked, f"Recibo {receipt.folio}" if receipt else "Sin recibo") if x
        )
        entries.append(HistoryEntry(r.started_at, "Sesión", title, detail, amount, label,
                                    receipt.id if receipt else None))  # fmt: skip
        for record in consent_records(events[r.id]):
            entries.append(HistoryEntry(record.requested_at, "Control remoto",
                                        f"Control remoto solicitado: {record.answer_label}",
                                        record.device, case=label))  # fmt: skip
        for cut in disconnections(events[r.id]):
            gap = (
                ""
                if cut.end is None
                else format_minutes(int((cut.end - cut.start).total_seconds() // 60))
            )
            entries.append(HistoryEntry(cut.start, "Desconexión", "Desconexión", gap,
                                        case=label))  # fmt: skip
    return len(rows)


def _payments(execute: Execute, params: dict[str, int], entries: list[HistoryEntry]) -> None:
    for rid, amount, method, received, reference, folio, number in execute(_PAYMENTS, params):
        detail = " · ".join(x for x in (PaymentMethod(method).label, reference or "") if x)
        entries.append(HistoryEntry(instant(received), "Pago", f"Pago al recibo {folio}", detail,
                                    money(amount), _case(number), int(rid)))  # fmt: skip


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
