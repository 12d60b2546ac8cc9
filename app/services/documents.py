"""Fill the documents' values (``app.documents.data``) from the database: a stored receipt as a
``ReceiptDocument`` and a local date's ``DaySummary`` (RULES §10, §11).

A stored receipt is printed from its own lines, totals and tariff snapshot, never re-priced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.billing import ZERO, Bill, Tariff, format_money
from app.clock import Clock
from app.documents import data as doc
from app.fmt import LOCAL_ZONE, format_datetime
from app.models import (
    Advisor,
    Case,
    CaseState,
    Channel,
    Client,
    Device,
    EventKind,
    Outcome,
    Payment,
    PaymentArrangement,
    Receipt,
    ReceiptStatus,
    SessionEvent,
    WorkSession,
)
from app.services.common import get_or_fail, tariff_at
from app.services.counters import case_label
from app.services.errors import NotFoundError, RuleError
from app.services.sessions import SessionService
from app.services.settings import load_profile
from app.services.timeline import derive_status
from app.services.uow import Database

_PENDING_OUTCOMES = (Outcome.FOLLOW_UP, Outcome.INTERRUPTED)
_STOPS = {
    EventKind.REMOTE_STOPPED_BY_CLIENT,
    EventKind.REMOTE_STOPPED_BY_ADVISOR,
    EventKind.DISCONNECTED,
    EventKind.ENDED,
}


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
            return _day_summary(s, day, advisor_id, self.clock())

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


def consent_records(events: Sequence[SessionEvent], device: str) -> tuple[doc.ConsentRecord, ...]:
    out: list[doc.ConsentRecord] = []
    current: dict[str, object] | None = None
    started = False
    for e in events:
        if e.kind is EventKind.REMOTE_REQUESTED:
            if current is not None:
                out.append(doc.ConsentRecord(device=device, **current))  # type: ignore[arg-type]
            current, started = {"requested_at": e.at}, False
        elif current is not None and e.kind is EventKind.REMOTE_ACCEPTED:
            current.update(accepted=True, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_DECLINED:
            current.update(accepted=False, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_STARTED:
            started = True
        elif current is not None and started and e.kind in _STOPS:
            current["ended_at"] = e.at
            started = False
    if current is not None:
        out.append(doc.ConsentRecord(device=device, **current))  # type: ignore[arg-type]
    return tuple(out)


def disconnections(events: Sequence[SessionEvent]) -> tuple[doc.Disconnection, ...]:
    out: list[doc.Disconnection] = []
    since: datetime | None = None
    for e in events:
        if e.kind is EventKind.DISCONNECTED:
            since = e.at
        elif e.kind is EventKind.RECONNECTED and since is not None:
            out.append(doc.Disconnection(since, e.at))
            since = None
    if since is not None:
        out.append(doc.Disconnection(since, None))
    return tuple(out)


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


def local_day_bounds(day: date, zone: str = LOCAL_ZONE) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def _day_summary(s: Session, day: date, advisor_id: int | None, now: datetime) -> doc.DaySummary:
    start, end = local_day_bounds(day)
    advisor_name = get_or_fail(s, Advisor, advisor_id).name if advisor_id is not None else None
    names = {k: v for k, v in s.execute(select(Advisor.id, Advisor.name))}
    tariff = tariff_at(s, now)

    query = select(WorkSession).where(WorkSession.started_at >= start, WorkSession.started_at < end)
    if advisor_id is not None:
        query = query.where(WorkSession.advisor_id == advisor_id)
    rows = s.scalars(query.order_by(WorkSession.started_at, WorkSession.id)).all()
    events = _events(s, [r.id for r in rows])
    case_ids = {r.case_id for r in rows}
    cases = {c.id: c for c in s.scalars(select(Case).where(Case.id.in_(case_ids)))}
    client_ids = {c.client_id for c in cases.values()}
    clients = {
        k: v for k, v in s.execute(select(Client.id, Client.name).where(Client.id.in_(client_ids)))
    }
    folios = {
        k: v
        for k, v in s.execute(
            select(Receipt.session_id, Receipt.folio).where(
                Receipt.session_id.in_([r.id for r in rows]),
                Receipt.status == ReceiptStatus.ISSUED,
            )
        )
    }

    sessions: list[doc.SummarySession] = []
    bills: list[Bill] = []
    pending_opened: list[doc.PendingCase] = []
    escalations: list[doc.SummaryEscalation] = []
    consents: list[doc.SummaryConsent] = []
    cuts: list[doc.SummaryDisconnection] = []
    for row in rows:
        case = cases[row.case_id]
        client = clients[case.client_id]
        label = case_label(case.number)
        status = derive_status((e.kind, e.at) for e in events[row.id])
        try:
            bill: Bill | None = SessionService.bill_for(s, row, status, now)
        except RuleError:
            bill = None
        if bill is not None:
            bills.append(bill)
        sessions.append(
            doc.SummarySession(
                client=client,
                modality=row.modality,
                start=row.started_at,
                end=row.ended_at or now,
                worked_minutes=bill.worked_minutes if bill else 0,
                billable_hours=bill.billable_hours if bill else 0,
                outcome=row.outcome.label if row.outcome else "En curso",
                amount=bill.base if bill else None,
                advisor=names.get(row.advisor_id, ""),
                case_number=label,
                folio=folios.get(row.id, ""),
            )
        )
        if row.ended_at is not None and row.outcome in _PENDING_OUTCOMES:
            pending_opened.append(
                doc.PendingCase(
                    label, client, row.ended_at,
                    row.ended_at + timedelta(days=tariff.pending_days),
                    names.get(row.advisor_id, ""),
                )
            )  # fmt: skip
        if row.ended_at is not None and row.outcome is Outcome.ESCALATED:
            escalations.append(
                doc.SummaryEscalation(
                    label, client, row.ended_at, case.summary, names.get(row.advisor_id, "")
                )
            )
        for record in consent_records(events[row.id], ""):
            consents.append(doc.SummaryConsent(label, client, record.requested_at, record.accepted))
        for cut in disconnections(events[row.id]):
            cuts.append(doc.SummaryDisconnection(label, client, cut.start, cut.end))

    receipts = _day_receipts(s, start, end, advisor_id, names)
    expiring = _expiring(s, start, end, advisor_id, tariff.pending_days, names)
    paid_query = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(Receipt, Receipt.id == Payment.receipt_id)
        .where(Payment.received_at >= start, Payment.received_at < end)
    )
    if advisor_id is not None:
        paid_query = paid_query.where(Receipt.advisor_id == advisor_id)
    received = Decimal(s.scalar(paid_query) or 0).quantize(Decimal("0.01"))
    return doc.DaySummary(
        business=business_profile(s),
        day=day,
        generated_at=now,
        advisor=advisor_name,
        sessions=tuple(sessions),
        by_band=doc.band_totals(bills),
        receipts=tuple(r for r, _ in receipts),
        payments_received=received,
        outstanding=sum((owed for _, owed in receipts), ZERO),
        pending_opened=tuple(pending_opened),
        pending_expiring=expiring,
        escalations=tuple(escalations),
        consents=tuple(consents),
        disconnections=tuple(cuts),
    )


def _day_receipts(
    s: Session, start: datetime, end: datetime, advisor_id: int | None, names: dict[int, str]
) -> list[tuple[doc.SummaryReceipt, Decimal]]:
    """Receipts issued or cancelled on the day, with what each issued one still owes."""
    query = select(Receipt, Client.name).join(Client, Client.id == Receipt.client_id)
    query = query.where(
        or_(
            (Receipt.issued_at >= start) & (Receipt.issued_at < end),
            (Receipt.cancelled_at >= start) & (Receipt.cancelled_at < end),
        )
    )
    if advisor_id is not None:
        query = query.where(Receipt.advisor_id == advisor_id)
    rows = [(r, c) for r, c in s.execute(query.order_by(Receipt.series, Receipt.number))]
    paid = {
        k: v
        for k, v in s.execute(
            select(Payment.receipt_id, func.sum(Payment.amount))
            .where(Payment.receipt_id.in_([r.id for r, _ in rows]))
            .group_by(Payment.receipt_id)
        )
    }
    out = []
    for r, client in rows:
        status = doc.ReceiptStatus(r.status.value)
        owed = ZERO
        if r.status is ReceiptStatus.ISSUED and start <= r.issued_at < end:
            owed = max(ZERO, r.total - Decimal(paid.get(r.id) or 0))
        out.append(
            (
                doc.SummaryReceipt(
                    r.folio, r.issued_at, client, r.base, r.iva, r.total, status,
                    r.cancel_reason or "", names.get(r.advisor_id, ""),
                ),
                owed,
            )
        )  # fmt: skip
    return out


def _expiring(
    s: Session,
    start: datetime,
    end: datetime,
    advisor_id: int | None,
    pending_days: int,
    names: dict[int, str],
) -> tuple[doc.PendingCase, ...]:
    """Pending cases whose free follow-up ends from the day's start to two days after it."""
    low = start - timedelta(days=pending_days)
    high = end + timedelta(days=2) - timedelta(days=pending_days)
    query = (
        select(Case, Client.name)
        .join(Client, Client.id == Case.client_id)
        .where(
            Case.state == CaseState.PENDING,
            Case.pending_since >= low,
            Case.pending_since < high,
        )
        .order_by(Case.pending_since)
    )
    out = []
    for case, client in s.execute(query):
        last = s.scalars(
            select(WorkSession.advisor_id)
            .where(WorkSession.case_id == case.id)
            .order_by(WorkSession.started_at.desc())
            .limit(1)
        ).first()
        if advisor_id is not None and last != advisor_id:
            continue
        assert case.pending_since is not None
        out.append(
            doc.PendingCase(
                case_label(case.number), client, case.pending_since,
                case.pending_since + timedelta(days=pending_days),
                names.get(last or 0, ""),
            )
        )  # fmt: skip
    return tuple(out)
