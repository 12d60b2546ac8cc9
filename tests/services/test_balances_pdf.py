"""Client statement and repair quote PDFs, from real service values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.billing.repair import RepairPart
from app.documents.statement_pdf import (
    render_repair_quote_pdf,
    render_statement_pdf,
    repair_quote_pdf_bytes,
    statement_pdf_bytes,
)
from app.kernel.enums import Outcome, PaymentMethod
from app.services.data import PolicyData
from tests.documents.helpers import font_report, pdf_text, qpdf_check
from tests.services.conftest import Shop
from tests.services.test_policies import at, session

D = Decimal


def test_statement_pdf(shop: Shop, tmp_path: Path) -> None:
    sv = shop.services
    a = sv.receipts.issue_for_session(session(shop, "2026-11-24 10:00", 91))
    sv.receipts.record_payment(a.id, D("200.00"), PaymentMethod.CASH)
    session(shop, "2026-11-24 12:00", 30)  # ended, no receipt yet
    shop.clock.set(at("2026-11-24 18:00"))
    statement = sv.balances.statement(shop.lucia)
    path = tmp_path / "estado.pdf"
    render_statement_pdf(statement, path, business="AppleUse", generated_at=shop.clock())
    qpdf_check(path)
    assert all(embedded for _, embedded in font_report(path))
    text = pdf_text(path)
    for expected in (
        "Estado de cuenta",
        "Lucía Pérez Domínguez",
        "A-000001",
        "Pago (efectivo)",
        "Saldo $264.00 MXN",
        "Sesión del caso C-000001",
        "SESIONES TERMINADAS SIN RECIBO",
        "C-000002",
        "232.00",
        "No es un comprobante fiscal",
    ):
        assert expected in text, expected
    again = statement_pdf_bytes(statement, business="AppleUse", generated_at=shop.clock())
    assert again == path.read_bytes()


def test_repair_quote_pdf(shop: Shop, tmp_path: Path) -> None:
    sv = shop.services
    sv.policies.create(shop.lucia, PolicyData(0, 0, D("0.20")))
    sid = session(shop, "2026-11-24 10:00", 30, outcome=Outcome.ESCALATED)
    sv.receipts.issue_for_session(sid)
    case = sv.sessions.session(sid).case.id
    quote = sv.repairs.quote(case, "Cambio de batería", 2, [RepairPart("Batería", 1, D("1800"))])
    path = tmp_path / "cotizacion.pdf"
    render_repair_quote_pdf(quote, path, business="AppleUse", generated_at=shop.clock())
    qpdf_check(path)
    text = pdf_text(path)
    for expected in (
        "Cotización de reparación",
        f"R-{quote.id:06d}",
        "C-000001",
        "Mano de obra de reparación: 2 h × $300.00",
        "Refacción: Batería",
        "Descuento póliza 20 % en mano de obra",
        "-$120.00",
        "2,280.00",
        "IVA 16 %",
        "2,644.80",
        "recibo A-000001",
    ):
        assert expected in text, expected
    assert repair_quote_pdf_bytes(quote, business="AppleUse", generated_at=shop.clock()) == (
        path.read_bytes()
    )
