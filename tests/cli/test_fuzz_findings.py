"""What the fuzz of the command line found (bench/fuzz.py), each now one Spanish line, exit 2,
no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main

T = ["--modality", "office", "--start", "2026-11-24T10:00", "--end", "2026-11-24T12:00"]


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    out, err = capsys.readouterr()
    assert (ended.value.code, out) == (2, "")
    assert err.startswith("appleuse: error: ") and err.count("\n") == 1, err
    return err


def test_a_discount_that_overflows(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "quote", *T, "--policy-discount", "1E+999999999%")
    assert "no es un número" in err


def test_bytes_that_are_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    odd = "\udcff"  # how Python hands over the byte 0xff of a command line
    assert "UTF-8" in refused(capsys, "--db", f"sqlite:///{tmp_path}/{odd}.sqlite3", "db", "check")
    assert "UTF-8" in refused(capsys, "receipt", odd, "-o", str(tmp_path / "r.pdf"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["quote", "--start"], "espera un valor"),
        (["db", "check", "\n"], "argumentos no reconocidos"),
    ],
)
def test_argparse_messages_are_spanish(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    assert words in refused(capsys, *args)


def test_an_output_name_too_long(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = str(tmp_path / ("x" * 300 + ".csv"))
    err = refused(capsys, "summary", "--date", "2026-11-24", "-o", name)
    assert "nombre es demasiado largo" in err and "…" in err


def test_an_output_name_with_a_nul(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = refused(capsys, "receipt", "A-000001", "-o", str(tmp_path / "a\x00.pdf"))
    assert "caracteres de control" in err


def test_an_unknown_postgresql_host(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://u@no-such-host.invalid/x"
    assert "No hay conexión" in refused(capsys, "--db", url, "db", "check")
