"""The period report's CSV and PDF from the scripted fortnight (SQLite and PostgreSQL): the CSV
repeats the corte's sections and labels, and its totals are the day CSVs' totals summed; the
PDF is read back with pypdf and holds ReportLab charts (vector drawings, not images)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from app.documents.report_csv import report_csv_bytes
from app.documents.report_pdf import report_pdf_bytes
from app.documents.summary_csv import summary_csv_bytes
from tests.documents.helpers import font_report, pdf_text, qpdf_check
from tests.documents.test_from_db import read_sections
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import WEEK, play

services = service_fixtures.services  # the services' fixtures, shared
shop = service_fixtures.shop


def _resumen(data: bytes) -> dict[tuple[str, str], list[str]]:
    return {(r[0], r[1]): r[2:] for r in read_sections(data)["Resumen"][1:]}


def test_csv_has_the_cortes_sections_and_its_totals_sum_up(shop: Shop) -> None:
    play(shop)
    sv = shop.services
    data = report_csv_bytes(sv.reports.period(*WEEK), sv.reports.period_corte(*WEEK))
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    sections = read_sections(data)
    assert list(sections)[:5] == ["Reporte del periodo", "Sesiones", "Recibos",
                                  "Casos pendientes", "Resumen"]  # fmt: skip
    assert ["Desde", "2026-11-23"] in sections["Reporte del periodo"]
    assert ["Periodo anterior", "2026-11-16 a 2026-11-22"] in sections["Reporte del periodo"]
    sessions = sections["Sesiones"]
    assert sessions[0][0] == "Inicio" and len(sessions) == 1 + 9 + 1  # header, rows, TOTAL
    mine = _resumen(data)
    days = [WEEK[0] + timedelta(days=n) for n in range(7)]
    theirs = [_resumen(summary_csv_bytes(sv.documents.day_summary(d))) for d in days]
    keys = [("Importes", "Subtotal"), ("Importes", "IVA"), ("Importes", "Total"),
            ("Pagos", "Recibidos"), ("Pagos", "Por cobrar"), ("Recibos", "Emitidos")]  # fmt: skip
    for key in keys:
        assert Decimal(mine[key][2]) == sum(Decimal(t[key][2]) for t in theirs), key
    assert mine[("Importes", "Total")][2] == "1809.60"
    assert mine[("Sesiones", "Total del periodo")] == ["9", "11", "2030.00"]
    band = {k[1]: v for k, v in mine.items() if k[0] == "Banda"}
    # the session still to quote counts its hour under "Tarifa cotizada", as in the corte
    assert band == {"Horario laboral": ["", "7", "1200.00"],
                    "Fuera de horario": ["", "3", "900.00"],
                    "Tarifa cotizada": ["", "1", "0.00"]}  # fmt: skip
    by_day = sections["Por día"]
    assert by_day[0][-4:] == ["A distancia", "Presencial en AppleUse", "En domicilio del cliente",
                              "Importe sin IVA"]  # fmt: skip
    assert by_day[1][:4] == ["23 nov", "2026-11-23", "2026-11-23", "2"]
    assert by_day[1][-1] == "480.00"
    assert sections["Por asesor"][1] == ["Alberto Hernández", "5", "4", "330", "3", "2", "1200.00"]
    assert ["Control remoto rechazado (%)", "50.0"] in sections["Casos"]
    assert sections["Pólizas"][1][:3] == ["Lucía Pérez Domínguez", "P-000001", "630.00"]
    comparison = {r[0]: r[1:] for r in sections["Comparación con el periodo anterior"][1:]}
    assert comparison["Sesiones"] == ["9", "2", "350.0"]
    assert comparison["Total emitido"] == ["1809.60", "556.80", "225.0"]


def test_pdf_read_back(shop: Shop, tmp_path: Path) -> None:
    play(shop)
    report = shop.services.reports.period(*WEEK)
    path = tmp_path / "reporte.pdf"
    path.write_bytes(report_pdf_bytes(report))
    qpdf_check(path)
    text = pdf_text(path)
    for expected in (
        "Reporte del periodo 23 nov 2026 – 29 nov 2026",
        "Todos los asesores",
        "Comparado con 16/11/2026–22/11/2026",
        "Ingresos por día, por modalidad (sin IVA, MXN)",
        "Horas cobrables por banda",
        "Ingresos por asesor (sin IVA, MXN)",
        "Presencial en AppleUse",
        "Fuera de horario (emergencia)",
        "1,809.60",  # total issued
        "Alberto Hernández",
        "Lucía Pérez Domínguez",
        "P-000001",
        "+350.0 %",  # sessions vs the previous week
        "Página 1",
    ):
        assert expected in text, expected
    # the chart's axis: one label per day, in Spanish
    for label in ("23 nov", "29 nov"):
        assert label in text
    # vector charts: no images on the pages, every font embedded
    reader = PdfReader(str(path))
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        xobjects = resources.get("/XObject")
        assert xobjects is None or not any(
            x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values()
        )
    assert all(embedded for _, embedded in font_report(path))


def test_pdf_of_one_advisor_and_an_empty_period(shop: Shop, tmp_path: Path) -> None:
    play(shop)
    sv = shop.services
    path = tmp_path / "ana.pdf"
    path.write_bytes(report_pdf_bytes(sv.reports.period(*WEEK, shop.ana)))
    text = pdf_text(path)
    assert "Ana Martínez" in text and "Alberto Hernández" not in text
    empty = tmp_path / "vacio.pdf"
    report = sv.reports.period(WEEK[0] - timedelta(days=365), WEEK[1] - timedelta(days=365))
    empty.write_bytes(report_pdf_bytes(report))
    qpdf_check(empty)
    assert "Ningún cliente con póliza" in pdf_text(empty)
