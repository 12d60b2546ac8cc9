"""Escalation to repair (RULES §7 "Escalated"): a repair quote attached to an escalated case,
accepted or declined by the client; an accepted repair gets its own receipt that credits the
escalated support session once.

Interpretations:
- Labour is quoted in hours, fractions allowed (1.5 h; hundredths at most), at the office
  business rate in force when quoted, its amount rounded half-up to the cent; the policy
  discount in force then applies to labour only. The quote keeps both values.
- The credit is the support session receipt's *subtotal as printed* (after its policy discount,
  before IVA: the receipt's ``base``), capped so the repair's base is never below 0.00.
- The support session must have its issued receipt first (the credit names its folio). A session
  is credited once: a second repair receipt crediting it is refused while the first stands
  (cancelling the repair receipt allows issuing it again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.policy import applicable_discount, local_day
from app.billing.pricing import Bill, Credit
from app.billing.repair import RepairPart, price_repair
from app.billing.tariff import Tariff
from app.documents.statement_data import RepairView
from app.kernel.clock import Clock
from app.kernel.enums import CaseState, Outcome, ReceiptStatus, RepairStatus
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.fmt import case_label
from app.models import Case, Client, Receipt, Repair, RepairPartRow, WorkSession
from app.services.billing_inputs import client_policies
from app.services.data import clean_note
from app.services.loading import get_or_fail, issued_receipt, tariff_at
from app.services.receipts import credited_by, receipt_series, receipt_view, store_receipt
from app.services.uow import Database, session_execute
from app.services.values import ReceiptView, RepairTerms

CREDIT_TEXT = "Abono sesión de soporte, recibo {folio}"


class RepairService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def quote(
        self,
        case_id: int,
        description: str,
        labour_hours: Decimal | int,
        parts: Sequence[RepairPart] = (),
        *,
        advisor_id: int | None = None,
    ) -> RepairView:
        """Attach a repair quote to an escalated case."""
        text = " ".join(clean_note(description, "La descripción").split())
        if not text:
            raise RuleError("Describa la reparación cotizada.")

        def work(s: Session) -> RepairView:
            now = self.clock()
            case = s.scalars(select(Case).where(Case.id == case_id).with_for_update()).first()
            if case is None:
                raise NotFoundError(f"El caso {case_id} no existe.")
            if case.state is not CaseState.ESCALATED:
                raise RuleError(
                    f"El caso {case_label(case.number)} no está escalado "
                    f"(estado: {case.state.label.lower()}); no admite cotización de reparación."
                )
            support = _support_session(s, case)
            open_ = s.scalars(
                select(Repair).where(
                    Repair.case_id == case_id,
                    Repair.status.in_([RepairStatus.QUOTED, RepairStatus.ACCEPTED]),
                )
            ).first()
            if open_ is not None:
                what = (
                    "aceptada"
                    if open_.status is RepairStatus.ACCEPTED
                    else "pendiente de respuesta del cliente"
                )
                raise RuleError(
                    f"El caso {case_label(case.number)} ya tiene una cotización {what}."
                )
            terms = _terms(s, case.client_id, now)
            clean = [RepairPart(p.description, p.quantity, p.unit_price) for p in parts]
            price_repair(labour_hours, clean, terms.tariff, discount=terms.discount)
            row = Repair(
                case_id=case.id,
                support_session_id=support.id,
                description=text,
                labour_hours=Decimal(labour_hours),
                labour_rate=terms.tariff.office_business_rate,
                discount=terms.discount,
                status=RepairStatus.QUOTED,
                quoted_at=now,
                advisor_id=advisor_id,
            )
            row.parts = [
                RepairPartRow(
                    position=i,
                    description=p.description.strip(),
                    quantity=p.quantity,
                    unit_price=p.unit_price,
                )
                for i, p in enumerate(clean, start=1)
            ]
            s.add(row)
            s.flush()
            return _view(s, row)

        return self.db.write(work)

    def terms(self, case_id: int) -> RepairTerms:
        """The labour rate, policy discount and IVA a quote saved now would use."""

        def work(s: Session) -> RepairTerms:
            case = get_or_fail(s, Case, case_id)
            return _terms(s, case.client_id, self.clock())

        return self.db.read(work)

    def preview(
        self, case_id: int, labour_hours: Decimal | int, parts: Sequence[RepairPart] = ()
    ) -> Bill:
        """The amounts a quote saved now would carry (nothing is stored); RuleError while the
        input cannot be priced."""
        terms = self.terms(case_id)
        return price_repair(labour_hours, list(parts), terms.tariff, discount=terms.discount)

    def accept(self, repair_id: int) -> RepairView:
        return self._decide(repair_id, RepairStatus.ACCEPTED)

    def decline(self, repair_id: int) -> RepairView:
        """The client declines: the support session stays charged as it was."""
        return self._decide(repair_id, RepairStatus.DECLINED)

    def repair(self, repair_id: int) -> RepairView:
        return self.db.read(lambda s: _view(s, _get(s, repair_id)))

    def repairs_of_case(self, case_id: int) -> list[RepairView]:
        def work(s: Session) -> list[RepairView]:
            rows = s.scalars(
                select(Repair).where(Repair.case_id == case_id).order_by(Repair.quoted_at)
            ).all()
            return [_view(s, r) for r in rows]

        return self.db.read(work)

    def issue_receipt(
        self, repair_id: int, *, advisor_id: int | None = None, series: str | None = None
    ) -> ReceiptView:
        """The accepted repair's own receipt, crediting the escalated support session's
        subtotal once, with the next folio of the series (the receipts' gapless counter)."""

        def work(s: Session) -> ReceiptView:
            now = self.clock()
            row = _get(s, repair_id, lock=True)
            # serialize every credit of this support session (PostgreSQL row lock)
            s.scalars(
                select(WorkSession.id)
                .where(WorkSession.id == row.support_session_id)
                .with_for_update()
            ).one()
            if row.status is not RepairStatus.ACCEPTED:
                raise RuleError(
                    f"La reparación está {row.status.label.lower()}; "
                    "solo una reparación aceptada se cobra."
                )
            if row.receipt_id is not None:
                mine = s.get(Receipt, row.receipt_id)
                if mine is not None and mine.status is ReceiptStatus.ISSUED:
                    raise RuleError(
                        f"La reparación ya tiene el recibo {mine.folio}; "
                        "cancélelo para emitir otro."
                    )
            support = issued_receipt(s, row.support_session_id)
            if support is None:
                raise RuleError(
                    "Emita primero el recibo de la sesión de soporte escalada: "
                    "el recibo de la reparación la abona."
                )
            credited = credited_by(s, row.support_session_id, exclude=row.id)
            if credited is not None:
                raise RuleError(
                    f"La sesión de soporte ya se abonó en el recibo {credited}; "
                    "no se abona dos veces."
                )
            credit = Credit(CREDIT_TEXT.format(folio=support.folio), support.base)
            tariff = replace(tariff_at(s, row.quoted_at), office_business_rate=row.labour_rate)
            bill = _price(row, tariff, (credit,))
            case = get_or_fail(s, Case, row.case_id)
            use_series = receipt_series(s, series)
            who = advisor_id if advisor_id is not None else row.advisor_id
            if who is None:
                who = get_or_fail(s, WorkSession, row.support_session_id).advisor_id
            receipt = store_receipt(s, bill, tariff, use_series, now, case.client_id, None, who)
            row.receipt_id = receipt.id
            s.flush()
            return receipt_view(s, receipt)

        return self.db.write(work)

    # -- internals ---------------------------------------------------------------------------
    def _decide(self, repair_id: int, status: RepairStatus) -> RepairView:
        def work(s: Session) -> RepairView:
            row = _get(s, repair_id, lock=True)
            if row.status is not RepairStatus.QUOTED:
                raise RuleError(
                    f"La cotización ya fue {row.status.label.lower()} "
                    f"el {row.decided_at:%d/%m/%Y}; no se cambia."
                )
            row.status = status
            row.decided_at = self.clock()
            s.flush()
            return _view(s, row)

        return self.db.write(work)


def _get(s: Session, repair_id: int, *, lock: bool = False) -> Repair:
    query = select(Repair).where(Repair.id == repair_id)
    if lock:
        query = query.with_for_update()
    row = s.scalars(query).first()
    if row is None:
        raise NotFoundError(f"La reparación {repair_id} no existe.")
    return row


def _support_session(s: Session, case: Case) -> WorkSession:
    row = s.scalars(
        select(WorkSession)
        .where(WorkSession.case_id == case.id, WorkSession.outcome == Outcome.ESCALATED)
        .order_by(WorkSession.ended_at.desc(), WorkSession.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise RuleError(f"El caso {case_label(case.number)} no tiene una sesión escalada.")
    return row


def _price(row: Repair, tariff: Tariff, credits: Sequence[Credit]) -> Bill:
    parts = [RepairPart(p.description, p.quantity, p.unit_price) for p in row.parts]
    return price_repair(
        row.labour_hours,
        parts,
        tariff,
        discount=applicable_discount(row.discount, tariff),
        credits=credits,
    )


def _view(s: Session, row: Repair) -> RepairView:
    case = get_or_fail(s, Case, row.case_id)
    client = get_or_fail(s, Client, case.client_id)
    support = issued_receipt(s, row.support_session_id)
    receipt = s.get(Receipt, row.receipt_id) if row.receipt_id is not None else None
    tariff = replace(tariff_at(s, row.quoted_at), office_business_rate=row.labour_rate)
    return RepairView(
        id=row.id,
        case_id=case.id,
        case_label=case_label(case.number),
        client_id=client.id,
        client_name=client.name,
        support_session_id=row.support_session_id,
        support_receipt_folio=support.folio if support else None,
        description=row.description,
        labour_hours=row.labour_hours,
        labour_rate=row.labour_rate,
        discount=Decimal(row.discount),
        parts=tuple(RepairPart(p.description, p.quantity, p.unit_price) for p in row.parts),
        status=row.status,
        quoted_at=row.quoted_at,
        decided_at=row.decided_at,
        receipt_id=row.receipt_id,
        receipt_folio=receipt.folio if receipt else None,
        quote=_price(row, tariff, ()),
    )


def _terms(s: Session, client_id: int, at: datetime) -> RepairTerms:
    """The tariff in force at ``at`` and the discount of the client's policy version in force
    then (RULES §6), as ``app.billing.policy.applicable_discount`` gives it — as for sessions."""
    tariff = tariff_at(s, at)
    holders = client_policies(session_execute(s), [client_id])
    version = holders[client_id].version_on(local_day(at, tariff)) if holders else None
    discount = applicable_discount(version.discount, tariff) if version else Decimal("0")
    return RepairTerms(tariff, discount)
