"""Receipts (RULES §10): issue with a gapless folio, cancel with a reason, record payments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.billing import Band, Bill, Tariff
from app.clock import Clock
from app.models import (
    Advisor,
    Case,
    Client,
    Payment,
    PaymentMethod,
    Receipt,
    ReceiptLine,
    ReceiptStatus,
    WorkSession,
)
from app.services.common import get_or_fail, tariff_at
from app.services.counters import folio_text, next_number
from app.services.errors import NotFoundError, RuleError
from app.services.sessions import SessionService
from app.services.settings import load_profile
from app.services.timeline import derive_status
from app.services.uow import Database
from app.services.values import PaymentView, ReceiptLineView, ReceiptView


class ReceiptService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def issue_for_session(
        self, session_id: int, *, advisor_id: int | None = None, series: str | None = None
    ) -> ReceiptView:
        """Price the ended session and store its receipt with the next folio of the series.

        The folio is taken in the same transaction that stores the receipt, so two advisors
        issuing at once get consecutive numbers and a failure leaves no gap.
        """

        def work(s: Session) -> ReceiptView:
            now = self.clock()
            row = s.scalars(
                select(WorkSession).where(WorkSession.id == session_id).with_for_update()
            ).first()
            if row is None:
                raise NotFoundError(f"La sesión {session_id} no existe.")
            if row.ended_at is None:
                raise RuleError("La sesión sigue en curso; termínela antes de emitir su recibo.")
            existing = s.scalars(
                select(Receipt.folio).where(
                    Receipt.session_id == session_id, Receipt.status == ReceiptStatus.ISSUED
                )
            ).first()
            if existing is not None:
                raise RuleError(
                    f"La sesión ya tiene el recibo {existing}; cancélelo para emitir otro."
                )
            from app.models import SessionEvent

            events = s.scalars(
                select(SessionEvent)
                .where(SessionEvent.session_id == session_id)
                .order_by(SessionEvent.seq)
            ).all()
            status = derive_status((e.kind, e.at) for e in events)
            bill = SessionService.bill_for(s, row, status, row.ended_at)
            if bill.requires_quote:
                raise RuleError(
                    "La sesión requiere cotización: registre la tarifa o el importe cotizado "
                    "antes de emitir el recibo."
                )
            case = get_or_fail(s, Case, row.case_id)
            tariff = tariff_at(s, row.started_at)
            use_series = (series or load_profile(s).receipt_series).strip().upper()
            receipt = _store(
                s, bill, tariff, use_series, now, case.client_id, row.id,
                advisor_id if advisor_id is not None else row.advisor_id,
            )  # fmt: skip
            return _view(s, receipt)

        return self.db.write(work)

    def cancel(self, receipt_id: int, reason: str) -> ReceiptView:
        """Cancel an issued receipt; the folio stays used, the reason is required."""
        clean = " ".join(reason.split())
        if not clean:
            raise RuleError("Indique el motivo de la cancelación.")

        def work(s: Session) -> ReceiptView:
            receipt = _locked(s, receipt_id)
            if receipt.status is ReceiptStatus.CANCELLED:
                raise RuleError(f"El recibo {receipt.folio} ya está cancelado.")
            if receipt.session_id is not None:
                from app.services.repairs import credited_by

                repair_folio = credited_by(s, receipt.session_id)
                if repair_folio is not None:
                    raise RuleError(
                        f"El recibo {receipt.folio} está abonado en el recibo {repair_folio} "
                        "de la reparación; cancele primero ese recibo."
                    )
            receipt.status = ReceiptStatus.CANCELLED
            receipt.cancelled_at = self.clock()
            receipt.cancel_reason = clean
            s.flush()
            return _view(s, receipt)

        return self.db.write(work)

    def record_payment(
        self,
        receipt_id: int,
        amount: Decimal,
        method: PaymentMethod = PaymentMethod.CASH,
        *,
        reference: str = "",
        advisor_id: int | None = None,
    ) -> ReceiptView:
        if not amount.is_finite() or amount <= 0:
            raise RuleError("El pago debe ser mayor que cero.")
        if amount != amount.quantize(Decimal("0.01")):
            raise RuleError("El pago tiene más de dos decimales.")
        try:
            use_method = PaymentMethod(method)
        except ValueError:
            raise RuleError(f"Forma de pago desconocida «{method}».") from None

        def work(s: Session) -> ReceiptView:
            receipt = _locked(s, receipt_id)
            if receipt.status is ReceiptStatus.CANCELLED:
                raise RuleError(f"El recibo {receipt.folio} está cancelado; no admite pagos.")
            paid = s.scalar(
                select(func.coalesce(func.sum(Payment.amount), 0)).where(
                    Payment.receipt_id == receipt_id
                )
            )
            balance = receipt.total - Decimal(paid or 0)
            if amount > balance:
                raise RuleError(
                    f"El pago excede el saldo del recibo {receipt.folio} (${balance:,.2f})."
                )
            s.add(
                Payment(
                    receipt_id=receipt_id,
                    amount=amount,
                    method=use_method,
                    received_at=self.clock(),
                    reference=reference.strip(),
                    advisor_id=advisor_id,
                )
            )
            s.flush()
            return _view(s, receipt)

        return self.db.write(work)

    def receipt(self, receipt_id: int) -> ReceiptView:
        def work(s: Session) -> ReceiptView:
            receipt = s.get(Receipt, receipt_id)
            if receipt is None:
                raise NotFoundError(f"El recibo {receipt_id} no existe.")
            return _view(s, receipt)

        return self.db.read(work)

    def by_folio(self, folio: str) -> ReceiptView:
        def work(s: Session) -> ReceiptView:
            receipt = s.scalars(select(Receipt).where(Receipt.folio == folio.strip())).first()
            if receipt is None:
                raise NotFoundError(f"El recibo {folio} no existe.")
            return _view(s, receipt)

        return self.db.read(work)

    def receipts(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[ReceiptView]:
        """Receipts issued in [start, end), by folio."""

        def work(s: Session) -> list[ReceiptView]:
            query = select(Receipt).order_by(Receipt.series, Receipt.number)
            if start is not None:
                query = query.where(Receipt.issued_at >= start)
            if end is not None:
                query = query.where(Receipt.issued_at < end)
            return [_view(s, r) for r in s.scalars(query)]

        return self.db.read(work)


def _locked(s: Session, receipt_id: int) -> Receipt:
    receipt = s.scalars(select(Receipt).where(Receipt.id == receipt_id).with_for_update()).first()
    if receipt is None:
        raise NotFoundError(f"El recibo {receipt_id} no existe.")
    return receipt


def _store(
    s: Session,
    bill: Bill,
    tariff: Tariff,
    series: str,
    now: datetime,
    client_id: int,
    session_id: int | None,
    advisor_id: int,
) -> Receipt:
    assert bill.subtotal is not None and bill.base is not None
    assert bill.iva is not None and bill.total is not None
    number = next_number(s, series)
    by_band = bill.hours_by_band()
    receipt = Receipt(
        series=series,
        number=number,
        folio=folio_text(series, number),
        client_id=client_id,
        session_id=session_id,
        advisor_id=advisor_id,
        issued_at=now,
        modality=bill.modality,
        worked_minutes=bill.worked_minutes,
        billable_hours=bill.billable_hours,
        business_hours=by_band[Band.BUSINESS],
        outside_hours=by_band[Band.OUTSIDE],
        subtotal=bill.subtotal,
        discount=bill.discount or Decimal("0.00"),
        credits=bill.credits or Decimal("0.00"),
        base=bill.base,
        iva=bill.iva,
        total=bill.total,
        tariff_snapshot=tariff.to_dict(),
        status=ReceiptStatus.ISSUED,
    )
    receipt.lines = [
        ReceiptLine(
            position=i,
            kind=line.kind.value,
            description=line.description,
            band=line.band.value if isinstance(line.band, Band) else None,
            hours=line.hours,
            rate=line.rate,
            amount=line.amount,
        )
        for i, line in enumerate(bill.lines, start=1)
    ]
    s.add(receipt)
    s.flush()
    return receipt


def _view(s: Session, r: Receipt) -> ReceiptView:
    client = get_or_fail(s, Client, r.client_id)
    advisor = get_or_fail(s, Advisor, r.advisor_id)
    case_number = None
    if r.session_id is not None:
        case_number = s.scalar(
            select(Case.number)
            .join(WorkSession, WorkSession.case_id == Case.id)
            .where(WorkSession.id == r.session_id)
        )
    payments = s.scalars(
        select(Payment).where(Payment.receipt_id == r.id).order_by(Payment.received_at, Payment.id)
    ).all()
    return ReceiptView(
        id=r.id,
        folio=r.folio,
        series=r.series,
        number=r.number,
        status=r.status,
        issued_at=r.issued_at,
        client_id=client.id,
        client_name=client.name,
        client_rfc=client.rfc,
        advisor_id=advisor.id,
        advisor_name=advisor.name,
        session_id=r.session_id,
        case_number=case_number,
        modality=r.modality,
        worked_minutes=r.worked_minutes,
        billable_hours=r.billable_hours,
        business_hours=r.business_hours,
        outside_hours=r.outside_hours,
        lines=tuple(
            ReceiptLineView(x.position, x.kind, x.description, x.band, x.hours, x.rate, x.amount)
            for x in r.lines
        ),
        subtotal=r.subtotal,
        discount=r.discount,
        credits=r.credits,
        base=r.base,
        iva=r.iva,
        total=r.total,
        tariff=dict(r.tariff_snapshot),
        cancelled_at=r.cancelled_at,
        cancel_reason=r.cancel_reason,
        payments=tuple(
            PaymentView(p.id, p.receipt_id, p.amount, p.method, p.received_at, p.reference)
            for p in payments
        ),
    )
