"""A stored receipt as the printable ``ReceiptDocument`` — support and repair receipts alike,
assembled here once (RULES §10). A stored receipt is printed from its own lines, totals and
tariff snapshot, never priced again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.money import ZERO, format_money
from app.billing.session_rules import PENDING_OUTCOMES, follow_up_deadline
from app.billing.tariff import Tariff
from app.documents import data as doc
from app.kernel.enums import (
    Channel,
    Modality,
    PaymentArrangement,
    ReceiptStatus,
    RemoteTool,
)
from app.kernel.errors import RuleError
from app.kernel.fmt import case_label, format_datetime
from app.kernel.timeline import ConsentRecord, Disconnection, consent_records, disconnections
from app.models import Advisor, Case, Client, Device, Payment, Receipt, Repair, WorkSession
from app.services.loading import get_or_fail, load_sessions
from app.services.settings import load_profile


@dataclass(frozen=True)
class _Work:
    """What the receipt says about the work it charges: a session, or a repair."""

    case: Case
    start: datetime
    end: datetime
    worked: timedelta
    outcome: str
    arrangement: PaymentArrangement | None = None
    channel: str = ""
    device: str = ""
    city: str = ""
    consents: tuple[ConsentRecord, ...] = ()
    disconnections: tuple[Disconnection, ...] = ()
    pending_until: datetime | None = None
    notes: tuple[str, ...] = ()


def receipt_document(s: Session, r: Receipt) -> doc.ReceiptDocument:
    tariff = Tariff.from_dict(r.tariff_snapshot)
    work = _session_work(s, r, tariff) if r.session_id is not None else _repair_work(s, r)
    client = get_or_fail(s, Client, r.client_id)
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
        lines=lines, subtotal=r.subtotal, discount=r.discount, credits=r.credits, base=r.base,
        iva_rate=tariff.iva_rate, iva=r.iva, total=r.total,
    )  # fmt: skip
    return doc.ReceiptDocument(
        business=load_profile(s).document_header(),
        series=r.series,
        number=r.number,
        issued_at=r.issued_at,
        client_name=client.name,
        advisor=get_or_fail(s, Advisor, r.advisor_id).name,
        modality=r.modality,
        case_number=case_label(work.case.number),
        session_start=work.start,
        session_end=work.end,
        worked=work.worked,
        business_hours=r.business_hours,
        outside_hours=r.outside_hours,
        outcome=work.outcome,
        payment_status=payment_label(r.status, r.total, payments, work.arrangement),
        money=money,
        client_rfc=client.rfc or "",
        channel=work.channel,
        device=work.device,
        city=work.city,
        case_opened_at=work.case.opened_at,
        consents=work.consents,
        disconnections=work.disconnections,
        pending_until=work.pending_until,
        notes=work.notes,
        status=r.status,
        cancel_reason=r.cancel_reason or "",
        cancelled_at=r.cancelled_at,
        is_repair=r.session_id is None,
    )


def _session_work(s: Session, r: Receipt, tariff: Tariff) -> _Work:
    row = s.get(WorkSession, r.session_id)
    if row is None or row.ended_at is None:
        raise RuleError(f"El recibo {r.folio} no corresponde a una sesión terminada.")
    x = load_sessions(s, [row])[0]
    device = s.get(Device, row.device_id) if row.device_id is not None else None
    pending_until = None
    if row.outcome in PENDING_OUTCOMES:
        pending_until = follow_up_deadline(row.ended_at, tariff)
    notes: tuple[str, ...] = ()
    if row.follow_up:
        notes = (f"Seguimiento sin costo del caso {case_label(x.case.number)}.",)
    return _Work(
        case=x.case,
        start=row.started_at,
        end=row.ended_at,
        worked=timedelta(minutes=r.worked_minutes),
        outcome=row.outcome.label if row.outcome else "",
        arrangement=row.payment_arrangement,
        channel=channel_label(row.channel, row.checklist_remote_tool),
        device=device_label(device),
        city=row.city if row.modality is Modality.ONSITE else "",
        consents=consent_records(x.events, device_label(device)),
        disconnections=disconnections(x.events),
        pending_until=pending_until,
        notes=notes,
    )


def _repair_work(s: Session, r: Receipt) -> _Work:
    """A repair's receipt: its "session" is the repair, from the quote to the client's
    acceptance; no worked time is billed."""
    repair = s.scalars(select(Repair).where(Repair.receipt_id == r.id)).first()
    if repair is None:
        raise RuleError(f"El recibo {r.folio} no corresponde a una sesión terminada.")
    case = get_or_fail(s, Case, repair.case_id)
    device = s.get(Device, case.device_id) if case.device_id is not None else None
    return _Work(
        case=case,
        start=repair.quoted_at,
        end=repair.decided_at or repair.quoted_at,
        worked=timedelta(0),
        outcome=repair.description,
        device=device_label(device),
        notes=(f"Reparación del caso {case_label(case.number)} (caso escalado).",),
    )


def channel_label(channel: Channel | None, tool: RemoteTool | None) -> str:
    """ "Escritorio remoto (TeamViewer)", "Teléfono", or "" for an in-person session."""
    if channel is None:
        return ""
    if channel is Channel.REMOTE_DESKTOP and tool is not None:
        return f"{channel.label} ({'TeamViewer' if tool is RemoteTool.TEAMVIEWER else 'iCloud'})"
    return channel.label


def device_label(device: Device | None) -> str:
    if device is None:
        return ""
    text = device.model or device.kind.label
    return f"{text} — serie {device.serial}" if device.serial else text


def payment_label(
    status: ReceiptStatus,
    total: Decimal,
    payments: Sequence[Payment],
    arrangement: PaymentArrangement | None,
) -> str:
    """What the receipt says about its payment."""
    paid = sum((p.amount for p in payments), ZERO)
    if status is ReceiptStatus.CANCELLED:  # nothing is owed on a cancelled receipt
        if payments:
            return f"Recibo cancelado; se habían recibido {format_money(paid)}"
        return "No aplica: recibo cancelado"
    if payments and paid >= total:
        last = payments[-1]
        return f"Pagado — {last.method.label.lower()}, {format_datetime(last.received_at)}"
    if payments:
        return f"Pagado parcialmente: {format_money(paid)} de {format_money(total)}"
    if total == 0:
        return "Sin costo"
    if arrangement is PaymentArrangement.LATER:
        return "Pago acordado con el asesor (pendiente)"
    if arrangement is PaymentArrangement.PREPAID:
        return "Pago cubierto por adelantado"
    return "Pendiente de pago"
