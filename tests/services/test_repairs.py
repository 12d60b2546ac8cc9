"""Escalation to repair (RULES §7): quote, accept/decline, own receipt crediting the support
session once, through the receipts' gapless folios."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.billing.repair import RepairPart
from app.kernel.enums import Modality, Outcome, RepairStatus
from app.kernel.errors import DomainError
from app.services.data import PolicyData
from tests.services.conftest import Shop
from tests.services.test_policies import GOLD, at, session

D = Decimal
BATTERY = RepairPart("Batería MacBook Air", 1, D("1800.00"))


def escalated(shop: Shop, minutes: int = 91, modality: Modality = Modality.REMOTE) -> int:
    return session(shop, "2026-11-24 10:00", minutes, modality, Outcome.ESCALATED)


def case_of(shop: Shop, sid: int) -> int:
    return shop.services.sessions.session(sid).case.id


def money(r):  # type: ignore[no-untyped-def]
    return r.subtotal, r.discount, r.credits, r.base, r.iva, r.total


def test_accepted_repair_credits_the_support_session_on_its_own_receipt(shop: Shop) -> None:
    sv = shop.services
    sv.policies.create(shop.lucia, GOLD)
    sid = escalated(shop)  # covered hour + 1 h × 200 − 20 % = 160 + IVA
    support = sv.receipts.issue_for_session(sid)
    assert (support.folio, support.base, support.total) == ("A-000001", D("160.00"), D("185.60"))
    shop.clock.set(at("2026-11-25 10:00"))
    quote = sv.repairs.quote(case_of(shop, sid), "  Cambio de  batería ", 2, [BATTERY])
    assert quote.status is RepairStatus.QUOTED and quote.description == "Cambio de batería"
    assert (quote.labour_rate, quote.discount) == (D("300.00"), D("0.2000"))
    assert quote.support_receipt_folio == "A-000001" and quote.receipt_folio is None
    assert money(quote.quote) == (
        D("2400.00"), D("120.00"), D("0.00"), D("2280.00"), D("364.80"), D("2644.80"),
    )  # fmt: skip
    accepted = sv.repairs.accept(quote.id)
    assert accepted.status is RepairStatus.ACCEPTED and accepted.decided_at == shop.clock()
    shop.clock.set(at("2026-11-27 12:00"))
    receipt = sv.repairs.issue_receipt(quote.id)
    assert receipt.folio == "A-000002" and receipt.session_id is None
    assert [(x.kind, x.description, x.amount) for x in receipt.lines] == [
        ("hours", "Mano de obra de reparación: 2 h × $300.00", D("600.00")),
        ("quoted", "Refacción: Batería MacBook Air", D("1800.00")),
        ("discount", "Descuento póliza 20 % en mano de obra", D("-120.00")),
        ("credit", "Abono sesión de soporte, recibo A-000001", D("-160.00")),
    ]
    assert money(receipt) == (
        D("2400.00"), D("120.00"), D("160.00"), D("2120.00"), D("339.20"), D("2459.20"),
    )  # fmt: skip
    assert sv.repairs.repair(quote.id).receipt_folio == "A-000002"
    # once only
    with pytest.raises(DomainError, match="ya tiene el recibo A-000002"):
        sv.repairs.issue_receipt(quote.id)
    with pytest.raises(DomainError, match="ya tiene una cotización aceptada"):
        sv.repairs.quote(case_of(shop, sid), "Otra", 1)
    # the support receipt is untouched, and cannot be cancelled while a repair credits it
    assert sv.receipts.receipt(support.id).total == D("185.60")
    with pytest.raises(DomainError, match="abonado en el recibo A-000002 de la reparación"):
        sv.receipts.cancel(support.id, "Error")
    # a cancelled repair receipt may be issued again (same credit, next folio)
    sv.receipts.cancel(receipt.id, "Refacción equivocada")
    again = sv.repairs.issue_receipt(quote.id)
    assert (again.folio, again.credits, again.total) == ("A-000003", D("160.00"), D("2459.20"))
    # folios stay gapless across session and repair receipts
    other = session(shop, "2026-11-27 16:00", 30)
    assert sv.receipts.issue_for_session(other).folio == "A-000004"


def test_declined_repair_leaves_the_support_charge(shop: Shop) -> None:
    sv = shop.services
    sid = escalated(shop, 45)
    support = sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_of(shop, sid), "Cambio de pantalla", 1, [])
    declined = sv.repairs.decline(quote.id)
    assert declined.status is RepairStatus.DECLINED and declined.status_label == "Rechazada"
    with pytest.raises(DomainError, match="rechazada; solo una reparación aceptada"):
        sv.repairs.issue_receipt(quote.id)
    with pytest.raises(DomainError, match="ya fue rechazada"):
        sv.repairs.accept(quote.id)
    assert sv.receipts.receipt(support.id).total == D("232.00")
    # a new quote may follow a declined one
    assert sv.repairs.quote(case_of(shop, sid), "Otra opción", 1).status is RepairStatus.QUOTED
    assert [r.status for r in sv.repairs.repairs_of_case(case_of(shop, sid))] == [
        RepairStatus.DECLINED, RepairStatus.QUOTED,
    ]  # fmt: skip


def test_credit_is_capped_at_the_repair(shop: Shop) -> None:
    sv = shop.services
    sid = escalated(shop, 150, Modality.ONSITE)  # 3 h × 360 = 1080
    sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_of(shop, sid), "Ajuste de bisagra", 1, [])
    sv.repairs.accept(quote.id)
    receipt = sv.repairs.issue_receipt(quote.id)
    assert [(x.kind, x.amount) for x in receipt.lines] == [
        ("hours", D("300.00")), ("credit", D("-300.00")),
    ]  # fmt: skip
    assert money(receipt) == (
        D("300.00"), D("0.00"), D("300.00"), D("0.00"), D("0.00"), D("0.00"),
    )  # fmt: skip


def test_refusals(shop: Shop) -> None:
    sv = shop.services
    resolved = session(shop, "2026-11-24 10:00", 30)
    with pytest.raises(DomainError, match="no está escalado"):
        sv.repairs.quote(case_of(shop, resolved), "x", 1)
    sid = session(shop, "2026-11-24 11:00", 30, outcome=Outcome.ESCALATED)
    case = case_of(shop, sid)
    with pytest.raises(DomainError, match="Describa la reparación"):
        sv.repairs.quote(case, "  ", 1)
    with pytest.raises(DomainError, match="mano de obra o refacciones"):
        sv.repairs.quote(case, "Nada", 0)
    with pytest.raises(DomainError, match="al menos 1"):
        sv.repairs.quote(case, "x", 1, [RepairPart("Tornillo", 0, D("5.00"))])
    quote = sv.repairs.quote(case, "Cambio de teclado", 1, [RepairPart("Teclado", 1, D("900.00"))])
    with pytest.raises(DomainError, match="ya tiene una cotización pendiente de respuesta"):
        sv.repairs.quote(case, "Otra", 1)
    with pytest.raises(DomainError, match="cotizada; solo una reparación aceptada"):
        sv.repairs.issue_receipt(quote.id)
    sv.repairs.accept(quote.id)
    with pytest.raises(DomainError, match="Emita primero el recibo de la sesión de soporte"):
        sv.repairs.issue_receipt(quote.id)
    with pytest.raises(DomainError, match="no existe"):
        sv.repairs.repair(999)


def test_policy_discount_on_labour_is_the_one_in_force_when_quoted(shop: Shop) -> None:
    sv = shop.services
    sv.policies.create(shop.lucia, PolicyData(0, 0, D("0.10")))
    sid = escalated(shop, 30)  # no events expected: 200 − 10 % = 180
    assert sv.receipts.issue_for_session(sid).base == D("180.00")
    quote = sv.repairs.quote(case_of(shop, sid), "Limpieza interna", 3, [])
    assert money(quote.quote)[:4] == (D("900.00"), D("90.00"), D("0.00"), D("810.00"))


def test_repair_receipt_documents_and_day_summary(shop: Shop) -> None:
    from datetime import date

    from app.documents.receipt_pdf import receipt_pdf_bytes

    sv = shop.services
    sid = escalated(shop, 45)
    sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_of(shop, sid), "Cambio de teclado", 1, [])
    sv.repairs.accept(quote.id)
    receipt = sv.repairs.issue_receipt(quote.id)
    document = sv.documents.receipt(receipt.id)
    assert document.folio == "A-000002"
    assert receipt_pdf_bytes(document).startswith(b"%PDF")
    summary = sv.documents.day_summary(date(2026, 11, 24))
    assert len(summary.receipts) == 2


def test_labour_in_fractions_of_an_hour_is_stored_and_billed(shop: Shop) -> None:
    sv = shop.services
    sid = escalated(shop)
    sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_of(shop, sid), "Limpieza interna", D("1.5"))
    assert quote.labour_hours == D("1.5") and quote.quote.subtotal == D("450.00")
    again = sv.repairs.repair(quote.id)  # read back from the database
    assert again.labour_hours == D("1.5") and again.quote == quote.quote
    sv.repairs.accept(quote.id)
    receipt = sv.repairs.issue_receipt(quote.id)
    assert receipt.lines[0].hours == D("1.5")
    assert receipt.lines[0].description == "Mano de obra de reparación: 1.5 h × $300.00"
    with pytest.raises(DomainError, match="dos decimales"):
        sv.repairs.quote(case_of(shop, escalated(shop)), "Otra", D("0.125"))
