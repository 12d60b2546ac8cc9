"""Receipt layouts (issue 10 items 8 and 9): TOTAL on one line up to $9,999,999.99, the
repair receipt's own layout, no remote-control section for in-person support."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.documents.data import ReceiptMoney, receipt_line
from app.documents.receipt_pdf import receipt_pdf_bytes
from app.kernel.enums import LineKind, Modality
from tests.documents.samples import sample_receipt
from tests.services.conftest import Shop, services, shop  # noqa: F401 (fixtures)
from tests.services.test_repairs import BATTERY, case_of, escalated

D = Decimal


def text_lines(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        " ".join(line.split())
        for page in reader.pages
        for line in (page.extract_text() or "").splitlines()
    ]


def text_rows(pdf: bytes) -> dict[float, str]:
    """The text drawn on the first page, by baseline height (rounded to 1 pt): one visual
    row per entry, left to right as drawn."""
    rows: dict[float, list[str]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            rows.setdefault(round(cm[5] + tm[5]), []).append(text.strip())

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return {y: " ".join(parts) for y, parts in rows.items()}


def quoted_money(base: Decimal) -> ReceiptMoney:
    iva = (base * D("0.16")).quantize(D("0.01"))
    line = receipt_line(LineKind.QUOTED, "Importe cotizado", base, modality=Modality.ONSITE)
    return ReceiptMoney((line,), base, D("0"), D("0"), base, D("0.16"), iva, base + iva)


@pytest.mark.parametrize(
    ("base", "total"),
    [
        (D("8620689.65"), "$9,999,999.99 MXN"),
        (D("862068.96"), "$999,999.99 MXN"),
        (D("86206896.54"), "$99,999,999.99 MXN"),  # the largest amount allowed
        (D("200.00"), "$232.00 MXN"),
    ],
)
def test_total_is_on_one_line(base: Decimal, total: str) -> None:
    doc = replace(sample_receipt(), money=quoted_money(base), business_hours=0, outside_hours=0)
    pdf = receipt_pdf_bytes(doc)
    rows = text_rows(pdf)
    total_rows = [x for x in rows.values() if x.startswith("TOTAL")]
    assert total_rows == [f"TOTAL {total}"], total_rows  # label and whole amount on one row
    assert total in text_lines(pdf)  # the amount is not wrapped
    subtotal = f"${base:,.2f} MXN"
    assert f"Subtotal {subtotal}" in rows.values()


def all_text(pdf: bytes) -> str:
    return " ".join(text_lines(pdf))


def test_in_person_support_has_no_remote_control_section() -> None:
    remote = all_text(receipt_pdf_bytes(sample_receipt()))
    assert "CONTROL REMOTO Y DESCONEXIONES" in remote
    for modality in (Modality.OFFICE, Modality.ONSITE):
        doc = replace(sample_receipt(), modality=modality, consents=(), disconnections=(),
                      channel="")  # fmt: skip
        text = all_text(receipt_pdf_bytes(doc))
        assert "CONTROL REMOTO" not in text and "control remoto" not in text
        assert "SESIÓN" in text and "Tiempo trabajado" in text


def test_repair_receipt_has_its_own_layout(shop: Shop) -> None:  # noqa: F811
    sv = shop.services
    sid = escalated(shop)  # remote desktop on Lucía's Mac: the case's device
    sv.receipts.issue_for_session(sid)
    shop.clock.advance(hours=20)
    quote = sv.repairs.quote(case_of(shop, sid), "Cambio de batería", 2, [BATTERY])
    shop.clock.advance(hours=2)
    sv.repairs.accept(quote.id)
    receipt = sv.repairs.issue_receipt(quote.id)
    doc = sv.documents.receipt_by_folio(receipt.folio)
    assert doc.is_repair and not doc.shows_remote_control
    text = all_text(receipt_pdf_bytes(doc))
    assert "RECIBO DE REPARACIÓN" in text
    assert "MacBook Air M2 — serie C02XK1" in text  # the device repaired
    assert "Reparación Cambio de batería" in text
    assert "Cotizada miércoles 25/11/2026 07:31 Aceptada 25/11/2026 09:31" in text
    for absent in ("SESIÓN", "Tiempo trabajado", "Horas cobrables", "Inicio", "CONTROL REMOTO"):
        assert absent not in text, absent
    assert "Mano de obra de reparación" in text and "Refacción: Batería MacBook Air" in text
