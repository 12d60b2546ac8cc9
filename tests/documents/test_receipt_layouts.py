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
