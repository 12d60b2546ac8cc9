"""`appleuse report`: the period report as CSV or PDF, and every refusal as one Spanish line on
stderr with exit code 2 and no file written (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app.services.reports import Preset, preset_period
from tests.cli.test_documents_cli import files_in, run
from tests.documents.helpers import pdf_text, qpdf_check
from tests.documents.test_from_db import read_sections
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import MX, play

services = service_fixtures.services  # the services' fixtures, shared
shop = service_fixtures.shop


@pytest.fixture
def played(shop: Shop) -> Shop:
    play(shop)
    return shop


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    folder = tmp_path / "salida"
    folder.mkdir()
    return folder


def test_report_to_csv_and_pdf(played: Shop, db_url: str, outdir: Path, capsys: Any) -> None:
    csv_path, pdf_path = outdir / "semana.csv", outdir / "semana.pdf"
    period = ("--from", "2026-11-23", "--to", "2026-11-29")
    code, out, err = run(capsys, "--db", db_url, "report", *period, "-o", str(csv_path))
    assert (code, err) == (0, "")
    said = "Reporte 23/11/2026–29/11/2026 (Todos los asesores, 9 sesiones) guardado en"
    assert out == f"{said} {csv_path}\n"
    resumen = {(r[0], r[1]): r[4] for r in read_sections(csv_path.read_bytes())["Resumen"][1:]}
    assert resumen[("Importes", "Total")] == "1809.60"
    code, out, err = run(capsys, "--db", db_url, "report", *period, "-o", str(pdf_path))
    assert (code, err) == (0, "")
    qpdf_check(pdf_path)
    assert "Reporte del periodo 23 nov 2026 – 29 nov 2026" in pdf_text(pdf_path)
    assert files_in(outdir) == ["semana.csv", "semana.pdf"]


def test_one_advisor_by_name(played: Shop, db_url: str, outdir: Path, capsys: Any) -> None:
    target = outdir / "ana.csv"
    code, out, _ = run(
        capsys, "--db", db_url, "report", "--from", "2026-11-23", "--to", "2026-11-29",
        "--advisor", "ana", "-o", str(target),
    )  # fmt: skip
    assert code == 0 and "(Ana Martínez, 4 sesiones)" in out
    heading = read_sections(target.read_bytes())["Reporte del periodo"]
    assert ["Asesor", "Ana Martínez"] in heading


def test_named_period(played: Shop, db_url: str, outdir: Path, capsys: Any) -> None:
    # the command line's clock is the real one: the month holding today in Xalapa
    target = outdir / "mes.csv"
    code, out, err = run(capsys, "--db", db_url, "report", "--period", "month", "-o", str(target))
    assert (code, err) == (0, "")
    first, last = preset_period(Preset.MONTH, datetime.now(MX).date())
    assert out.startswith(f"Reporte {first:%d/%m/%Y}–{last:%d/%m/%Y} (Todos los asesores, ")
    heading = read_sections(target.read_bytes())["Reporte del periodo"]
    assert ["Desde", first.isoformat()] in heading and ["Hasta", last.isoformat()] in heading


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01", "--to", "2026-11-29"), "La fecha «2026-13-01» no es válida"),
        (("--from", "ayer", "--to", "2026-11-29"), "La fecha «ayer» no es válida"),
        (("--from", "2026-11-29", "--to", "2026-11-01"), "El periodo está al revés"),
        (("--from", "2026-11-01", "--to", "2026-11-29", "--advisor", "Zoe"),
         "El asesor «Zoe» no existe."),
        (("--from", "2026-11-01", "--to", "2026-11-29", "--advisor", "A"),
         "Hay varios asesores «A»"),
        (("--from", "2026-11-01",), "Indique el periodo"),
        (("--period", "month", "--from", "2026-11-01"), "no ambos"),
        (("--period", "decade",), "valor no válido para --period: «decade»"),
        (("--from", "1999-12-31", "--to", "2026-11-01"), "entre 2000 y 2100"),
    ],
)  # fmt: skip
def test_refusals(
    played: Shop, db_url: str, outdir: Path, capsys: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "--db", db_url, "report", *args, "-o", str(outdir / "r.pdf"))
    assert code == 2 and out == ""
    assert err.startswith("appleuse: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert files_in(outdir) == []


def test_bad_extension(played: Shop, db_url: str, outdir: Path, capsys: Any) -> None:
    code, _, err = run(
        capsys, "--db", db_url, "report", "--period", "week", "-o", str(outdir / "r.xlsx")
    )
    assert code == 2 and ".pdf" in err and files_in(outdir) == []
