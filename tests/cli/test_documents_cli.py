"""`appleuse receipt` and `appleuse summary`: files written, and every refusal as one Spanish
line on stderr with exit code 2 and no file left behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.kernel.clock import FakeClock
from app.kernel.limits import clip
from tests.documents.helpers import pdf_text, qpdf_check
from tests.documents.test_from_db import ShopDay, fill_day, read_sections

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An empty folder for the outputs (the test database lives in tmp_path)."""
    folder = tmp_path / "salida"
    folder.mkdir()
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- success ----------------------------------------------------------------------------------


def test_receipt_to_pdf(shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any) -> None:
    target = outdir / "recibo.pdf"
    code, out, err = run(capsys, "--db", db_url, "receipt", "a-000004", "-o", str(target))
    assert (code, err) == (0, "")
    assert out == f"Recibo A-000004 guardado en {target}\n"
    qpdf_check(target)
    text = pdf_text(target)
    assert "Folio A-000004" in text and "Lucía Pérez Domínguez" in text
    assert "IVA 16 % $96.00 MXN" in text and "TOTAL $696.00 MXN" in text
    assert files_in(outdir) == ["recibo.pdf"]  # no temporary file left


def test_cancelled_receipt_says_so(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any
) -> None:
    target = outdir / "cancelado.PDF"  # the extension's case does not matter
    code, out, _ = run(capsys, "--db", db_url, "receipt", "A-000001", "--output", str(target))
    assert code == 0 and "A-000001 (CANCELADO)" in out
    assert "CANCELADO" in pdf_text(target)


def test_summary_to_csv_and_pdf_agree(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any
) -> None:
    csv_path, pdf_path = outdir / "day.csv", outdir / "day.pdf"
    code, out, err = run(
        capsys, "--db", db_url, "summary", "--date", "2026-11-24", "-o", str(csv_path)
    )
    assert (code, err) == (0, "")
    assert out == (
        f"Corte del día 24/11/2026 (Todos los asesores, 5 sesiones) guardado en {csv_path}\n"
    )
    code, out, err = run(
        capsys, "--db", db_url, "summary", "--date", "2026-11-24", "-o", str(pdf_path)
    )
    assert (code, err) == (0, "")
    sections = read_sections(csv_path.read_bytes())
    totals = {(row[0], row[1]): row for row in sections["Resumen"][1:]}
    assert Decimal(totals[("Importes", "Total")][4]) == ShopDay.total
    assert Decimal(totals[("Pagos", "Por cobrar")][4]) == ShopDay.outstanding
    qpdf_check(pdf_path)
    text = pdf_text(pdf_path)
    for value in ("2,389.60", "329.60", "928.00", "1,461.60", "2,260.00"):
        assert value in text, value


@pytest.mark.parametrize("name", ["alberto hernández báez", "  Alberto   Hernández Báez ", "Albe"])
def test_summary_of_one_advisor_by_name_or_unique_prefix(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any, name: str
) -> None:
    target = outdir / "beto.csv"
    code, out, _ = run(
        capsys, "--db", db_url, "summary", "--date", "2026-11-24", "--advisor", name,
        "-o", str(target),
    )  # fmt: skip
    assert code == 0 and "(Alberto Hernández Báez, 2 sesiones)" in out
    header, *rows = read_sections(target.read_bytes())["Sesiones"]
    assert {r[header.index("Asesor")] for r in rows[:-1]} == {"Alberto Hernández Báez"}


def test_an_existing_file_is_replaced_whole(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any
) -> None:
    target = outdir / "day.csv"
    target.write_text("viejo")
    code, _, _ = run(capsys, "--db", db_url, "summary", "--date", "2026-11-23", "-o", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfCorte del d")
    assert files_in(outdir) == ["day.csv"]


def test_csv_summary_loads_neither_reportlab_nor_qt(
    shop_day: ShopDay, db_url: str, tmp_path: Path
) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from app.cli import main
        code = main(["--db", {db_url!r}, "summary", "--date", "2026-11-24",
                     "-o", {str(tmp_path / "x.csv")!r}])
        heavy = sorted(m for m in ("reportlab", "PySide6") if m in sys.modules)
        print(code, heavy)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.splitlines()[-1] == "0 []"


# -- refusals ---------------------------------------------------------------------------------


def assert_refused(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("appleuse: error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


def test_unknown_folio(shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any) -> None:
    code, out, err = run(capsys, "--db", db_url, "receipt", "A-000099", "-o", str(outdir / "r.pdf"))
    assert_refused(code, out, err, "El recibo A-000099 no existe")
    assert files_in(outdir) == []


@pytest.mark.parametrize("day", ["2026-02-30", "24/11/2026", "ayer", "2026-11-24T10:00", ""])
def test_bad_date(shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any, day: str) -> None:
    code, out, err = run(
        capsys, "--db", db_url, "summary", "--date", day, "-o", str(outdir / "d.csv")
    )
    assert_refused(code, out, err, "no es válida", "AAAA-MM-DD")
    assert files_in(outdir) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("Zacarías", "El asesor «Zacarías» no existe"), ("A", "Hay varios asesores «A»")],
)
def test_unknown_or_ambiguous_advisor(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any, name: str, message: str
) -> None:
    code, out, err = run(
        capsys, "--db", db_url, "summary", "--date", "2026-11-24", "--advisor", name,
        "-o", str(outdir / "d.pdf"),
    )  # fmt: skip
    assert_refused(code, out, err, message)
    assert files_in(outdir) == []


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["summary", "--date", "2026-11-24"], "corte.txt"),
        (["summary", "--date", "2026-11-24"], "corte"),
        (["summary", "--date", "2026-11-24"], "corte.pdf.bak"),
        (["receipt", "A-000004"], "recibo.csv"),
    ],
)
def test_bad_extension(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any, command: list[str], name: str
) -> None:
    code, out, err = run(capsys, "--db", db_url, *command, "-o", str(outdir / name))
    assert_refused(code, out, err, "debe terminar en .pdf")
    assert files_in(outdir) == []


@pytest.mark.parametrize("where", ["missing-folder", "a-folder", "proc"])
def test_unwritable_path(
    shop_day: ShopDay, db_url: str, tmp_path: Path, capsys: Any, where: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = {
        "missing-folder": out_dir / "no" / "existe.pdf",
        "a-folder": out_dir / "es-carpeta.pdf",
        "proc": Path("/proc/appleuse-recibo.pdf"),  # not writable even for root
    }[where]
    if where == "a-folder":
        target.mkdir()
    for command in (["receipt", "A-000004"], ["summary", "--date", "2026-11-24"]):
        code, out, err = run(capsys, "--db", db_url, *command, "-o", str(target))
        # the path as the message quotes it (cut to 80 characters: tmp paths vary in length)
        assert_refused(code, out, err, "No se puede escribir", clip(str(target)))
    assert files_in(out_dir) == (["es-carpeta.pdf"] if where == "a-folder" else [])
    assert not Path("/proc/appleuse-recibo.pdf").exists()


def test_missing_or_empty_database(tmp_path: Path, capsys: Any) -> None:
    missing = tmp_path / "no-existe.sqlite3"
    code, out, err = run(
        capsys, "--db", f"sqlite:///{missing}", "receipt", "A-000001", "-o",
        str(tmp_path / "r.pdf"),
    )  # fmt: skip
    assert_refused(code, out, err, "no existe")
    assert not missing.exists()  # never creates an empty database
    empty = tmp_path / "vacia.sqlite3"
    sqlite3.connect(empty).close()
    code, out, err = run(
        capsys, "--db", f"sqlite:///{empty}", "summary", "--date", "2026-11-24", "-o",
        str(tmp_path / "d.csv"),
    )  # fmt: skip
    assert_refused(code, out, err, "appleuse db upgrade")
    assert files_in(tmp_path) == ["vacia.sqlite3"]


def test_output_is_required(db_url: str, capsys: Any) -> None:
    code, out, err = run(capsys, "--db", db_url, "receipt", "A-000001")
    assert_refused(code, out, err, "faltan argumentos obligatorios")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://nadie@127.0.0.1:1/appleuse", "No hay conexión"),
        ("nada://", "no es válida"),
    ],
)
def test_unreachable_or_bad_database_url(outdir: Path, capsys: Any, url: str, message: str) -> None:
    code, out, err = run(
        capsys, "--db", url, "summary", "--date", "2026-11-24", "-o", str(outdir / "d.csv")
    )
    assert_refused(code, out, err, message)
    assert files_in(outdir) == []


def test_summary_date_defaults_to_today(
    shop_day: ShopDay, db_url: str, outdir: Path, capsys: Any
) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    code, out, err = run(capsys, "--db", db_url, "summary", "-o", str(outdir / "hoy.csv"))
    today = datetime.now(UTC).astimezone(ZoneInfo("America/Mexico_City")).date()
    assert (code, err) == (0, "")
    assert out.startswith(f"Corte del día {today:%d/%m/%Y} (Todos los asesores")
