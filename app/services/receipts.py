"""Receipts (RULES §10): the one module that stores and shows receipts — a support session's
(issued here, priced once) and a repair's (issued by ``repairs`` through :func:`store_receipt`)
— with gapless folios, cancellation with a reason, and payments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.billing.money import check_money
from app.billing.pricing import Bill
from app.billing.tariff import Tariff
from app.kernel.clock import Clock
from app.kernel.enums import Band, PaymentMethod, ReceiptStatus
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.fmt import folio_text
from app.kernel.limits import check_moment, check_text, clip
from app.models import Advisor, Case, Client, Payment, Receipt, ReceiptLine, Repair, WorkSession
from app.services.counters import next_number
from app.services.data import clean_note
from app.services.loading import bill_of, get_or_fail, issued_receipt, load_session, tariff_at
from app.services.settings import load_profile
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
            return receipt_view(s, _issue(s, session_id, advisor_id, series, self.clock()))

        return self.db.write(work)

    def cancel(self, receipt_id: int, reason: str) -> ReceiptView:
        """Cancel an issued receipt; the folio stays used, the reason is required."""
        clean = cancel_reason(reason)

        def work(s: Session) -> ReceiptView:
            return receipt_view(s, _cancel(s, receipt_id, clean, self.clock()))

        return self.db.write(work)

    def cancel_and_reissue(
        self, receipt_id: int, reason: str, *, advisor_id: int | None = None
    ) -> tuple[ReceiptView, ReceiptView]:
        """Cancel a support session's receipt and issue its corrected one (the session priced
        again as it stands now, next folio) in one transaction: both happen, or neither."""
        clean = cancel_reason(reason)

        def work(s: Session) -> tuple[ReceiptView, ReceiptView]:
            now = self.clock()
            old = _cancel(s, receipt_id, clean, now)
            if old.session_id is None:
                raise RuleError(
                    f"El recibo {old.folio} es de una reparación: cancélelo y emita el nuevo "
                    "desde la reparación del caso."
                )
            new = _issue(s, old.session_id, advisor_id, None, now)
            return receipt_view(s, old), receipt_view(s, new)

        return self.db.write(work)

    def cancellation_refusal(self, receipt_id: int) -> str | None:
        """Why the receipt cannot be cancelled now (Spanish), or None when it can."""

        def work(s: Session) -> str | None:
            receipt = s.get(Receipt, receipt_id)
            if receipt is None:
                return f"El recibo {receipt_id} no existe."
            return _cancel_refusal(s, receipt)

        return self.db.read(work)

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
        check_money(amount, "El pago")
        check_text(reference, "La referencia del pago", limit=120)
        try:
            use_method = PaymentMethod(method)
        except ValueError:
            raise RuleError(f"Forma de pago desconocida «{clip(method)}».") from None

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
            return receipt_view(s, receipt)

        return self.db.write(work)

    def receipt(self, receipt_id: int) -> ReceiptView:
        def work(s: Session) -> ReceiptView:
            receipt = s.get(Receipt, receipt_id)
            if receipt is None:
                raise NotFoundError(f"El recibo {receipt_id} no existe.")
            return receipt_view(s, receipt)

        return self.db.read(work)

    def by_folio(self, folio: str) -> ReceiptView:
        def work(s: Session) -> ReceiptView:
            receipt = s.scalars(select(Receipt).where(Receipt.folio == folio.strip())).first()
            if receipt is None:
                raise NotFoundError(f"El recibo {folio} no existe.")
            return receipt_view(s, receipt)

        return self.db.read(work)

    def for_session(self, session_id: int) -> ReceiptView | None:
        """The session's receipt in force (issued, not cancelled); None when it has none."""

        def work(s: Session) -> ReceiptView | None:
            receipt = issued_receipt(s, session_id)
            return None if receipt is None else receipt_view(s, receipt)

        return self.db.read(work)

    def receipts(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[ReceiptView]:
        """Receipts issued in [start, end), by folio."""
        for moment in (start, end):
            if moment is not None:
                check_moment(moment)

        def work(s: Session) -> list[ReceiptView]:
            query = select(Receipt).order_by(Receipt.series, Receipt.number)
            if start is not None:
                query = query.where(Receipt.issued_at >= start)
            if end is not None:
                query = query.where(Receipt.issued_at < end)
            return [receipt_view(s, r) for r in s.scalars(query)]

        return self.db.read(work)


def cancel_reason(reason: str) -> str:
    """The cancellation's reason, cleaned; refused when empty."""
    clean = " ".join(clean_note(reason, "El motivo").split())
    if not clean:
        raise RuleError("Indique el motivo de la cancelación.")
    return clean


def _cancel_refusal(s: Session, receipt: Receipt) -> str | None:
    if receipt.status is ReceiptStatus.CANCELLED:
        return f"El recibo {receipt.folio} ya está cancelado."
    if receipt.session_id is not None:
        repair_folio = credited_by(s, receipt.session_id)
        if repair_folio is not None:
            return (
                f"El recibo {receipt.folio} está abonado en el recibo {repair_folio} "
                "de la reparación; cancele primero ese recibo."
            )
    return None


def _cancel(s: Session, receipt_id: int, reason: str, now: datetime) -> Receipt:
    receipt = _locked(s, receipt_id)
    refusal = _cancel_refusal(s, receipt)
    if refusal is not None:
        raise RuleError(refusal)
    receipt.status = ReceiptStatus.CANCELLED
    receipt.cancelled_at = now
    receipt.cancel_reason = reason
    s.flush()
    return receipt


def _issue(
    s: Session, session_id: int, advisor_id: int | None, series: str | None, now: datetime
) -> Receipt:
    """Price the ended session and store its receipt with the next folio of the series.

    The folio is taken in the same transaction that stores the receipt, so two advisors
    issuing at once get consecutive numbers and a failure leaves no gap.
    """
    x = load_session(s, session_id, lock=True)
    if x.row.ended_at is None:
        raise RuleError("La sesión sigue en curso; termínela antes de emitir su recibo.")
    existing = issued_receipt(s, session_id)
    if existing is not None:
        raise RuleError(
            f"La sesión ya tiene el recibo {existing.folio}; cancélelo para emitir otro."
        )
    bill = bill_of(s, x, x.row.ended_at)
    if bill.requires_quote:
        raise RuleError(
            "La sesión requiere cotización: registre la tarifa o el importe cotizado "
            "antes de emitir el recibo."
        )
    who = advisor_id if advisor_id is not None else x.row.advisor_id
    return store_receipt(
        s, bill, tariff_at(s, x.row.started_at), receipt_series(s, series), now,
        x.case.client_id, x.row.id, who,
    )  # fmt: skip


def _locked(s: Session, receipt_id: int) -> Receipt:
    receipt = s.scalars(select(Receipt).where(Receipt.id == receipt_id).with_for_update()).first()
    if receipt is None:
        raise NotFoundError(f"El recibo {receipt_id} no existe.")
    return receipt


def store_receipt(
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
    """Store the receipt of ``bill`` (support session or repair) with the next folio of the
    series, taken in this transaction: no gaps, no duplicates."""
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


def receipt_view(s: Session, r: Receipt) -> ReceiptView:
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


def receipt_series(s: Session, series: str | None) -> str:
    """The series asked for, or the business profile's."""
    return (series or load_profile(s).receipt_series).strip().upper()


def credited_by(s: Session, session_id: int, *, exclude: int | None = None) -> str | None:
    """The folio of an issued repair receipt that already credits this support session."""
    query = (
        select(Receipt.folio)
        .join(Repair, Repair.receipt_id == Receipt.id)
        .where(
            Repair.support_session_id == session_id,
            Receipt.status == ReceiptStatus.ISSUED,
            Receipt.credits > 0,
        )
    )
    if exclude is not None:
        query = query.where(Repair.id != exclude)
    return s.scalars(query).first()
