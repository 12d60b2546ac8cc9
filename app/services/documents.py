"""Fill the documents' values (``app.documents.data``) from the database: a stored receipt as a
``ReceiptDocument`` and a local date's ``DaySummary`` (RULES §10, §11).

A stored receipt is printed from its own lines, totals and tariff snapshot, never re-priced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.billing import ZERO, Tariff, format_money
from app.clock import Clock
from app.day_summary import (
    Execute,
    build_day_summary,
    consent_records,
    disconnections,
    local_day_bounds,
    sqlite_params,
)
from app.documents import data as doc
from app.fmt import format_datetime
from app.models import (
    Advisor,
    Case,
    Channel,
    Client,
    Device,
    Outcome,
    Payment,
    PaymentArrangement,
    Receipt,
    ReceiptStatus,
    SessionEvent,
    WorkSession,
)
from app.services.common import get_or_fail
from app.services.counters import case_label
from app.services.errors import NotFoundError, RuleError
from app.services.settings import load_profile
from app.services.uow import Database

__all__ = [
    "DocumentService",
    "business_profile",
    "channel_label",
    "consent_records",
    "device_label",
    "disconnections",
    "local_day_bounds",
    "payment_label",
    "session_execute",
]

_PENDING_OUTCOMES = (Outcome.FOLLOW_UP, Outcome.INTERRUPTED)


class DocumentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def receipt(self, receipt_id: int) -> doc.ReceiptDocument:
        def work(s: Session) -> doc.ReceiptDocument:
            row = s.get(Receipt, receipt_id)
            if row is None:
                raise NotFoundError(f"El recibo {receipt_id} no existe.")
            return _receipt_document(s, row)

        return self.db.read(work)

    def receipt_by_folio(self, folio: str) -> doc.ReceiptDocument:
        def work(s: Session) -> doc.ReceiptDocument:
            wanted = folio.strip().upper()
            row = s.scalars(select(Receipt).where(Receipt.folio == wanted)).first()
            if row is None:
                raise NotFoundError(f"El recibo {folio.strip()} no existe.")
            return _receipt_document(s, row)

        return self.db.read(work)

    def day_summary(self, day: date, advisor_id: int | None = None) -> doc.DaySummary:
        """The corte del día for a local date, one advisor or all (``None``)."""

        def work(s: Session) -> doc.DaySummary:
            if advisor_id is not None:
                get_or_fail(s, Advisor, advisor_id)
            return build_day_summary(session_execute(s), day, advisor_id, self.clock())

        return self.db.read(work)


# -- receipts ----------------------------------------------------------------------------------


def business_profile(s: Session) -> doc.BusinessProfile:
    p = load_profile(s)
    return doc.BusinessProfile(
        name=p.name,
        phones=p.phones,
        address=p.address,
        email=p.email,
        website=p.website,
        logo_path=Path(p.logo_path) if p.logo_path and Path(p.logo_path).is_file() else None,
    )


def channel_label(row: WorkSession) -> str:
    if row.channel is None:
        return ""
    if row.channel is Channel.REMOTE_DESKTOP and row.checklist_remote_tool is not None:
        tool = "TeamViewer" if row.checklist_remote_tool.value == "teamviewer" else "iCloud"
        return f"{row.channel.label} ({tool})"
    return row.channel.label


def device_label(device: Device | None) -> str:
    if device is None:
        return ""
    text = device.model or device.kind.label
    return f"{text} — serie {device.serial}" if device.serial else text


def payment_label(receipt: Receipt, payments: Sequence[Payment], row: WorkSession | None) -> str:
    paid = sum((p.amount for p in payments), ZERO)
    if receipt.status is ReceiptStatus.CANCELLED:  # nothing is owed on a cancelled receipt
        if payments:
            return f"Recibo cancelado; se habían recibido {format_money(paid)}"
        return "No aplica: recibo cancelado"
    if payments and paid >= receipt.total:
        last = payments[-1]
        return f"Pagado — {last.method.label.lower()}, {format_datetime(last.received_at)}"
    if payments:
        return f"Pago parcial: {format_money(paid)} de {format_money(receipt.total)}"
    if receipt.total == 0:
        return "Sin costo"
    if row is not None and row.payment_arrangement is PaymentArrangement.LATER:
        return "Pago acordado con el asesor (pendiente)"
    if row is not None and row.payment_arrangement is PaymentArrangement.PREPAID:
        return "Pago cubierto por adelantado"
    return "Pendiente de pago"


def _events(s: Session, session_ids: Sequence[int]) -> dict[int, list[SessionEvent]]:
    out: dict[int, list[SessionEvent]] = defaultdict(list)
    if session_ids:
        query = (
            select(SessionEvent)
            .where(SessionEvent.session_id.in_(list(session_ids)))
            .order_by(SessionEvent.session_id, SessionEvent.seq)
        )
        for e in s.scalars(query):
            out[e.session_id].append(e)
    return out


def _receipt_document(s: Session, r: Receipt) -> doc.ReceiptDocument:
    client = get_or_fail(s, Client, r.client_id)
    advisor = get_or_fail(s, Advisor, r.advisor_id)
    tariff = Tariff.from_dict(r.tariff_snapshot)
    row = s.get(WorkSession, r.session_id) if r.session_id is not None else None
    if row is None and r.session_id is None:
        from app.services.repairs import repair_receipt_document

        found = repair_receipt_document(s, r, client, advisor, business_profile(s), tariff)
        if found is not None:
            return found
    if row is None or row.ended_at is None:
        raise RuleError(f"El recibo {r.folio} no corresponde a una sesión terminada.")
    case = get_or_fail(s, Case, row.case_id)
    device = s.get(Device, row.device_id) if row.device_id is not None else None
    events = _events(s, [row.id])[row.id]
    payments = s.scalars(
        select(Payment).where(Payment.receipt_id == r.id).order_by(Payment.received_at, Payment.id)
    ).all()
    lines = tuple(
        doc.receipt_line(
            x.kind, x.description, x.amount, hours=x.hours, rate=x.rate, band=x.band,
            modality=r.modality,
        )
        for x in r.lines
    )  # fmt: skip
    money = doc.ReceiptMoney(
        lines=lines,
        subtotal=r.subtotal,
        discount=r.discount,
        credits=r.credits,
        base=r.base,
        iva_rate=tariff.iva_rate,
        iva=r.iva,
        total=r.total,
    )
    pending_until = None
    if row.outcome in _PENDING_OUTCOMES:
        pending_until = row.ended_at + timedelta(days=tariff.pending_days)
    notes: tuple[str, ...] = ()
    if row.follow_up:
        notes = (f"Seguimiento sin costo del caso {case_label(case.number)}.",)
    status = doc.ReceiptStatus(r.status.value)
    return doc.ReceiptDocument(
        business=business_profile(s),
        series=r.series,
        number=r.number,
        issued_at=r.issued_at,
        client_name=client.name,
        advisor=advisor.name,
        modality=r.modality,
        case_number=case_label(case.number),
        session_start=row.started_at,
        session_end=row.ended_at,
        worked=timedelta(minutes=r.worked_minutes),
        business_hours=r.business_hours,
        outside_hours=r.outside_hours,
        outcome=row.outcome.label if row.outcome else "",
        payment_status=payment_label(r, payments, row),
        money=money,
        client_rfc=client.rfc or "",
        channel=channel_label(row),
        device=device_label(device),
        city=row.city if row.modality.value == "onsite" else "",
        case_opened_at=case.opened_at,
        consents=consent_records(events, device_label(device)),
        disconnections=disconnections(events),
        pending_until=pending_until,
        notes=notes,
        status=status,
        cancel_reason=r.cancel_reason or "",
        cancelled_at=r.cancelled_at,
    )


# -- day summary -------------------------------------------------------------------------------


def session_execute(s: Session) -> Execute:
    """The summary's SQL seam (``app.day_summary``) over this unit of work's connection."""
    on_sqlite = s.get_bind().dialect.name == "sqlite"

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        bound = sqlite_params(params) if on_sqlite else dict(params)
        return [tuple(r) for r in s.execute(text(sql), bound)]

    return execute
