"""The end-of-day summary: PDF and CSV read back, sums checked against each other."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.billing import ZERO, format_money
from app.documents.data import DaySummary
from app.documents.summary_csv import SESSION_HEADER, summary_csv_bytes, write_summary_csv
from app.documents.summary_pdf import render_summary_pdf, summary_pdf_bytes
from app.kernel.enums import Modality
from tests.documents.helpers import font_report, page_count, pdf_text, qpdf_check
from tests.documents.samples import local, sample_business, sample_summary


def read_sections(path: Path) -> dict[str, list[list[str]]]:
    """CSV sections by title: {title: [header, *rows]} (sections are split by an empty row)."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    text = raw.decode("utf-8-sig")
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row:
            current = None
        elif current is None:
            assert len(row) == 1, f"section title expected, got {row}"
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


@pytest.fixture(scope="module")
def day() -> DaySummary:
    return sample_summary(14)


@pytest.fixture(scope="module")
def files(day: DaySummary, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("summary")
    pdf, csv_path = folder / "corte.pdf", folder / "corte.csv"
    render_summary_pdf(day, pdf)
    write_summary_csv(day, csv_path)
    return pdf, csv_path


def test_csv_sessions_sum_to_the_summary_totals(day: DaySummary, files: tuple[Path, Path]) -> None:
    sections = read_sections(files[1])
    header, *rows = sections["Sesiones"]
    assert tuple(header) == SESSION_HEADER
    *sessions, total = rows
    assert len(sessions) == len(day.sessions) == 14
    col = {name: i for i, name in enumerate(header)}
    minutes = sum(int(r[col["Minutos trabajados"]]) for r in sessions)
    hours = sum(int(r[col["Horas cobrables"]]) for r in sessions)
    amounts = [r[col["Importe sin IVA"]] for r in sessions]
    amount = sum((Decimal(a) for a in amounts if a), ZERO)
    assert "" in amounts  # the onsite session outside Xalapa/Coatepec still requires a quote
    assert all(a == "" or (a.count(".") == 1 and len(a.split(".")[1]) == 2) for a in amounts)
    assert total[0] == "TOTAL"
    assert minutes == day.worked_minutes == int(total[col["Minutos trabajados"]])
    assert hours == day.billable_hours == int(total[col["Horas cobrables"]])
    assert amount == day.sessions_amount == Decimal(total[col["Importe sin IVA"]])


def test_csv_receipts_and_summary_section(day: DaySummary, files: tuple[Path, Path]) -> None:
    sections = read_sections(files[1])
    header, *receipts = sections["Recibos"]
    col = {name: i for i, name in enumerate(header)}
    issued = [r for r in receipts if r[col["Estado"]] == "Emitido"]
    cancelled = [r for r in receipts if r[col["Estado"]] == "Cancelado"]
    assert len(issued) == len(day.receipts_issued) and len(cancelled) == 1
    assert cancelled[0][col["Motivo"]] == "Cliente equivocado; se emitió de nuevo."
    for name, expected in (("Subtotal", day.subtotal), ("IVA", day.iva), ("Total", day.total)):
        assert sum((Decimal(r[col[name]]) for r in issued), ZERO) == expected
    for r in issued:
        assert Decimal(r[col["Subtotal"]]) + Decimal(r[col["IVA"]]) == Decimal(r[col["Total"]])

    _, *summary_rows = sections["Resumen"]
    table = {(r[0], r[1]): r[2:] for r in summary_rows}
    assert Decimal(table[("Importes", "Total")][2]) == day.total
    assert Decimal(table[("Importes", "IVA")][2]) == day.iva
    assert (
        Decimal(table[("Pagos", "Recibidos")][2]) + Decimal(table[("Pagos", "Por cobrar")][2])
        == day.total
    )
    modality_sum = sum((Decimal(v[2]) for (sec, _), v in table.items() if sec == "Modalidad"), ZERO)
    assert modality_sum == day.sessions_amount
    band_hours = sum(int(v[1]) for (sec, _), v in table.items() if sec == "Banda")
    assert band_hours == day.billable_hours
    assert table[("Control remoto", "Aceptado")][0] == str(day.consents_accepted)
    assert table[("Escalamientos", "Casos escalados")][0] == "2"


def test_csv_keeps_accents(files: tuple[Path, Path]) -> None:
    text = files[1].read_bytes().decode("utf-8-sig")
    for word in ("Corte del día", "María José Núñez Córdoba", "Iñaki Gómez Ortíz",
                 "Fotografía Ñu Estudio", "Situación", "Vence en 2 días"):  # fmt: skip
        assert word in text


def test_pdf_matches_csv_and_totals(day: DaySummary, files: tuple[Path, Path]) -> None:
    pdf, csv_path = files
    qpdf_check(pdf)
    text = pdf_text(pdf)
    assert "CORTE DEL DÍA" in text
    assert "Martes 24 de noviembre de 2026" in text
    assert "Asesor: Todos los asesores" in text
    sections = read_sections(csv_path)
    header, *rows = sections["Sesiones"]
    col = {name: i for i, name in enumerate(header)}
    for row in rows[:-1]:
        assert row[col["Cliente"]] in text
        assert row[col["Caso"]] in text
        if row[col["Folio"]]:
            assert row[col["Folio"]] in text
    # every money total of the CSV appears, formatted, in the PDF
    for value in (day.sessions_amount, day.subtotal, day.iva, day.total,
                  day.payments_received, day.outstanding):  # fmt: skip
        assert format_money(value, currency=False) in text, value
    assert f"{len(day.sessions)} sesiones" in text
    assert "Por cotizar" in text
    assert "CANCELADO: Cliente equivocado; se emitió de nuevo." in text
    assert "Aceptadas: 7 · Rechazadas: 1" in text
    assert "C-000187" in text  # pending case expiring within 2 days
    assert "Revisión presencial y cotización de reparación" in text
    for name, embedded in font_report(pdf):
        assert embedded, name


def test_by_modality_and_band_add_up(day: DaySummary) -> None:
    assert sum((m.amount for m in day.by_modality), ZERO) == day.sessions_amount
    assert sum(m.sessions for m in day.by_modality) == len(day.sessions)
    assert sum(b.hours for b in day.by_band) == day.billable_hours
    assert [m.modality for m in day.by_modality] == list(Modality)


def test_hundred_sessions_flow_over_pages(tmp_path: Path) -> None:
    big = sample_summary(100)
    path = tmp_path / "big.pdf"
    render_summary_pdf(big, path)
    qpdf_check(path)
    assert page_count(path) >= 4
    text = pdf_text(path)
    assert "100 sesiones" in text and "Página 4" in text
    assert text.count("Horario Cliente Caso") >= 3  # header row repeated on each page


def test_one_advisor_and_an_empty_day(tmp_path: Path) -> None:
    one = replace(sample_summary(6), advisor="Lucía Domínguez")
    path = tmp_path / "one.pdf"
    render_summary_pdf(one, path)
    text = pdf_text(path)
    assert "Asesor: Lucía Domínguez" in text
    assert "Horario Cliente Caso Modalidad" in text  # no advisor column for one advisor

    empty = DaySummary(
        business=sample_business(), day=date(2026, 11, 28), generated_at=local(2026, 11, 28, 20)
    )
    path = tmp_path / "empty.pdf"
    render_summary_pdf(empty, path)
    qpdf_check(path)
    text = pdf_text(path)
    assert "Sábado 28 de noviembre de 2026" in text
    assert "Sin sesiones en el día." in text
    assert "No se emitieron ni cancelaron recibos." in text
    rows = read_sections_from_bytes(summary_csv_bytes(empty), tmp_path)
    assert rows["Sesiones"][-1][0] == "TOTAL" and rows["Sesiones"][-1][-1] == "0.00"


def read_sections_from_bytes(data: bytes, folder: Path) -> dict[str, list[list[str]]]:
    path = folder / "x.csv"
    path.write_bytes(data)
    return read_sections(path)


def test_bytes_helpers_and_text_stream(day: DaySummary) -> None:
    assert summary_pdf_bytes(day).startswith(b"%PDF-")
    stream = io.StringIO()
    write_summary_csv(day, stream)
    assert stream.getvalue().startswith("\ufeffCorte del día")
    assert stream.getvalue().encode("utf-8") == summary_csv_bytes(day)
