"""The receipt PDF read back: every item of RULES §10, fonts embedded, qpdf-clean."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.billing import SessionCharge, Tariff, format_money, price_session
from app.documents.data import receipt_line
from app.documents.receipt_pdf import CFDI_LEGEND, qr_payload, receipt_pdf_bytes, render_receipt
from app.kernel.enums import Modality, ReceiptStatus
from app.kernel.timeline import ConsentRecord, Disconnection
from tests.documents.helpers import font_report, page_count, pdf_text, qpdf_check
from tests.documents.samples import hours_by_band, local, money_from_bill, sample_receipt


@pytest.fixture(scope="module")
def receipt_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("receipt") / "A-000042.pdf"
    render_receipt(sample_receipt(), path)
    qpdf_check(path)
    return pdf_text(path)


def test_header_folio_date_client(receipt_text: str) -> None:
    for expected in (
        "AppleUse Soporte",
        "228 812 3456",
        "Av. Manuel Ávila Camacho 123",
        "RECIBO",
        "Folio A-000042",
        "Emitido: martes 24/11/2026 15:21",
        "María José Núñez Córdoba",
        "NUCM850312QX4",
        "José Ángel Pérez Ibáñez",
        "A distancia — Escritorio remoto",
        "C-000121",
    ):
        assert expected in receipt_text, expected


def test_session_times_hours_and_outcome(receipt_text: str) -> None:
    for expected in (
        "martes 24/11/2026 13:20",
        "15:16",
        "1 h 51 min (111 min)",
        "2 h (1 laboral, 1 fuera de horario)",
        "No resuelto — requiere seguimiento (¿falla de disco? se programa revisión)",
        "Sin costo hasta el martes 01/12/2026 15:16",
        "Pagado por transferencia el 24/11/2026 15:24",
    ):
        assert expected in receipt_text, expected


def test_consent_and_disconnections(receipt_text: str) -> None:
    assert "24/11/2026 13:31 Aceptado 13:32 14:40" in receipt_text
    assert "24/11/2026 14:46 Aceptado 14:47 15:12" in receipt_text
    assert "Desconexión: 14:40 – 14:45 (5 min)" in receipt_text


def test_lines_and_totals(receipt_text: str) -> None:
    assert "Soporte a distancia, horario laboral 1 $200.00 $200.00" in receipt_text
    assert "Soporte a distancia, fuera de horario 1 $300.00 $300.00" in receipt_text
    assert "Subtotal $500.00 MXN" in receipt_text
    assert "Descuento póliza 10 % -$50.00 MXN" in receipt_text
    assert "Base gravable $450.00 MXN" in receipt_text
    assert "IVA 16 % $72.00 MXN" in receipt_text
    assert "TOTAL $522.00 MXN" in receipt_text
    assert "(Quinientos veintidós pesos 00/100 M.N.)" in receipt_text
    assert CFDI_LEGEND in receipt_text
    assert "CANCELADO" not in receipt_text


def test_example_464_in_words(tmp_path: Path) -> None:
    """RULES §12: remote 10:00–11:31 -> 2 h × 200, IVA 64.00, total 464.00."""
    path = tmp_path / "r.pdf"
    doc = replace(sample_receipt(cancelled=True), status=ReceiptStatus.ISSUED, cancelled_at=None)
    render_receipt(doc, path)
    text = pdf_text(path)
    assert "Soporte a distancia, horario laboral 2 $200.00 $400.00" in text
    assert "IVA 16 % $64.00 MXN" in text
    assert "TOTAL $464.00 MXN" in text
    assert "(Cuatrocientos sesenta y cuatro pesos 00/100 M.N.)" in text
    assert "Base gravable" not in text  # no discount, no credits: subtotal is the base
    assert "No se solicitó control remoto" in text and "Sin desconexiones." in text


def test_cancelled_receipt(tmp_path: Path) -> None:
    path = tmp_path / "A-000041.pdf"
    render_receipt(sample_receipt(cancelled=True), path)
    qpdf_check(path)
    text = pdf_text(path)
    assert text.count("CANCELADO") >= 3  # banner, status line, diagonal mark
    assert "CANCELADO el 24/11/2026 12:02" in text
    assert "Motivo: Se capturó el cliente equivocado; se sustituye por el recibo A-000043." in text
    assert "Folio A-000041" in text
    assert "Ingeniería Ñandú del Golfo, S.A. de C.V." in text
    assert "TOTAL $464.00 MXN" in text  # the folio keeps its numbers


def test_credit_line(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    render_receipt(sample_receipt(credit=True), path)
    text = pdf_text(path)
    # 500 − 50 discount − 100 credit = 350 base; IVA 56; total 406
    assert "Abono sesión de soporte, recibo A-000030 -$100.00 MXN" in text
    assert "Base gravable $350.00 MXN" in text
    assert "IVA 16 % $56.00 MXN" in text
    assert "TOTAL $406.00 MXN" in text
    assert "(Cuatrocientos seis pesos 00/100 M.N.)" in text


def test_fonts_are_embedded_truetype(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    render_receipt(sample_receipt(cancelled=True), path)
    fonts = font_report(path)
    assert fonts, "no fonts found"
    for name, embedded in fonts:
        assert embedded, f"font {name} is not embedded"
        assert "Helvetica" not in name and "Times" not in name, name


def test_accents_and_markup_characters_print_as_typed(tmp_path: Path) -> None:
    doc = replace(
        sample_receipt(),
        client_name="Peña & Muñoz <Diseño> ¡Hola! ¿Qué tal?",
        device="iMac 24″ ✓",
        notes=("Información: año, niño, acción, pingüino — ÁÉÍÓÚÜÑ",),
    )
    path = tmp_path / "r.pdf"
    render_receipt(doc, path)
    qpdf_check(path)
    text = pdf_text(path)
    assert "Peña & Muñoz <Diseño> ¡Hola! ¿Qué tal?" in text
    assert 'iMac 24" √' in text  # characters the font lacks get a printable fallback
    assert "Información: año, niño, acción, pingüino — ÁÉÍÓÚÜÑ" in text


def test_to_buffer_and_bytes_match() -> None:
    doc = sample_receipt()
    buffer = io.BytesIO()
    render_receipt(doc, buffer)
    data = receipt_pdf_bytes(doc)
    assert data.startswith(b"%PDF-")
    assert buffer.getvalue() == data  # invariant output: same document, same bytes
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "Recibo A-000042"
    assert reader.metadata.creation_date == doc.issued_at  # the issue instant, not "now"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # letter


def test_qr_payload_holds_folio_and_total() -> None:
    payload = qr_payload(sample_receipt())
    assert "Recibo A-000042" in payload
    assert "Total 522.00 MXN" in payload
    assert "CANCELADO" not in payload
    assert "CANCELADO" in qr_payload(sample_receipt(cancelled=True))


def test_long_receipt_flows_onto_more_pages(tmp_path: Path) -> None:
    base = sample_receipt()
    start = base.session_start
    consents = tuple(
        ConsentRecord(requested_at=start, accepted=i % 2 == 0, answered_at=start) for i in range(40)
    )
    drops = tuple(Disconnection(start, None) for _ in range(30))
    doc = replace(base, consents=consents, disconnections=drops, notes=("Nota larga. " * 80,))
    path = tmp_path / "long.pdf"
    render_receipt(doc, path)
    qpdf_check(path)
    assert page_count(path) >= 2
    text = pdf_text(path)
    assert "Página 2" in text
    assert "Rechazado" in text and "sin reconexión" in text
    assert "TOTAL $522.00 MXN" in text


def test_money_from_bill_refuses_a_bill_that_requires_a_quote() -> None:
    start, end = local(2026, 11, 24, 10), local(2026, 11, 24, 11)
    bill = price_session(SessionCharge(Modality.ONSITE, start, end, city="Veracruz"), Tariff())
    assert bill.requires_quote
    with pytest.raises(ValueError, match="cotización"):
        money_from_bill(bill)


def test_money_from_bill_keeps_the_engine_numbers() -> None:
    start, end = local(2026, 11, 24, 17), local(2026, 11, 24, 18, 10)
    bill = price_session(SessionCharge(Modality.ONSITE, start, end, city="Coatepec"), Tariff())
    money = money_from_bill(bill)
    assert money.total == Decimal("417.60") == bill.total
    assert money.iva_percent == "16"
    assert [x.description for x in money.lines] == [
        "Soporte en domicilio del cliente, horario laboral"
    ]


def test_stored_lines_print_like_engine_lines() -> None:
    """A service rebuilding a receipt from stored rows gets the same printed concepts."""
    start, end = local(2026, 11, 24, 13, 50), local(2026, 11, 24, 15, 30)
    bill = price_session(
        SessionCharge(Modality.REMOTE, start, end, follow_up=True, follow_up_case="C-000099"),
        Tariff(),
    )
    stored = [
        receipt_line(
            x.kind.value,
            x.description,
            x.amount,
            hours=x.hours,
            rate=x.rate,
            band=x.band.value if x.band else None,
            modality="remote",
        )
        for x in bill.lines
    ]
    assert tuple(stored) == money_from_bill(bill).lines
    assert stored[0].description == (
        "Soporte a distancia, fuera de horario — Seguimiento sin costo del caso C-000099"
    )
    assert money_from_bill(bill).total == Decimal("0.00")


def test_receipt_money_checks_its_sums() -> None:
    money = sample_receipt().money
    with pytest.raises(ValueError):
        replace(money, total=money.total + Decimal("0.01"))
    with pytest.raises(ValueError):
        replace(money, subtotal=Decimal("1.00"))


def test_cancelled_receipt_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="motivo"):
        replace(sample_receipt(cancelled=True), cancel_reason=" ")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="zona horaria"):
        replace(sample_receipt(), issued_at=sample_receipt().issued_at.replace(tzinfo=None))


def test_package_import_does_not_load_reportlab() -> None:
    code = "import sys, app.documents; assert 'reportlab' not in sys.modules, 'reportlab loaded'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_logo_in_the_header(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw  # Pillow comes with ReportLab

    logo = tmp_path / "logo.png"
    image = Image.new("RGBA", (240, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 110, 110), fill=(11, 92, 173, 255))
    image.save(logo)
    doc = sample_receipt()
    doc = replace(doc, business=replace(doc.business, logo_path=logo))
    path = tmp_path / "logo.pdf"
    render_receipt(doc, path)
    qpdf_check(path)
    reader = PdfReader(str(path))
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
    assert "Folio A-000042" in pdf_text(path)


EXAMPLES = [
    # RULES §12 (remote, Tuesday 2026-11-24 unless said) plus a free follow-up and a quote
    (Modality.REMOTE, (24, 10, 0), (24, 10, 20), {}, "232.00", "Doscientos treinta y dos pesos"),
    (Modality.REMOTE, (24, 13, 50), (24, 15, 30), {}, "696.00", "Seiscientos noventa y seis pesos"),
    (Modality.REMOTE, (28, 10, 0), (28, 10, 45), {}, "348.00", "Trescientos cuarenta y ocho pesos"),
    (
        Modality.ONSITE, (24, 17, 0), (24, 18, 10), {"city": "Coatepec"},
        "417.60", "Cuatrocientos diecisiete pesos 60/100",
    ),
    (
        Modality.REMOTE, (24, 10, 0), (24, 11, 0), {"follow_up": True, "follow_up_case": "C-7"},
        "0.00", "Cero pesos 00/100",
    ),
    (
        Modality.ONSITE, (24, 10, 0), (24, 12, 40),
        {"city": "Veracruz", "quoted_rate": Decimal("500")},
        "1740.00", "Mil setecientos cuarenta pesos",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("modality", "start", "end", "extra", "total", "words"), EXAMPLES)
def test_engine_examples_print_exactly(
    tmp_path: Path,
    modality: Modality,
    start: tuple[int, int, int],
    end: tuple[int, int, int],
    extra: dict[str, object],
    total: str,
    words: str,
) -> None:
    begin, finish = local(2026, 11, start[0], *start[1:]), local(2026, 11, end[0], *end[1:])
    bill = price_session(SessionCharge(modality, begin, finish, **extra), Tariff())  # type: ignore[arg-type]
    business, outside = hours_by_band(bill.hours_by_band())
    doc = replace(
        sample_receipt(),
        modality=modality,
        session_start=begin,
        session_end=finish,
        worked=bill.worked,
        business_hours=business,
        outside_hours=outside,
        money=money_from_bill(bill),
        consents=(),
        disconnections=(),
    )
    path = tmp_path / "r.pdf"
    render_receipt(doc, path)
    text = pdf_text(path)
    assert f"TOTAL {format_money(Decimal(total))}" in text
    assert f"IVA 16 % {format_money(bill.iva or Decimal(0))}" in text
    assert f"({words}" in text
    for line in doc.money.charge_lines:
        assert line.description in text


def test_unwritable_path_raises_os_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "r.pdf"
    with pytest.raises(OSError):
        render_receipt(sample_receipt(), target)
    assert not target.exists()
