"""`appleuse quote`: the JSON contract, the Spanish text and every error case."""

import json
import shlex
import subprocess
import sys

import pytest

from app.cli import main

TUE = "2026-11-24T"
BASE = "--modality remote --start {T}10:00 --end {T}11:00"


def split(command: str) -> list[str]:
    """Shell-like words of a command line; {T} is Tuesday 2026-11-24, {BASE} a valid session."""
    return shlex.split(command.replace("{BASE}", BASE).replace("{T}", TUE))


def run_quote(capsys, *args):
    code = main(["quote", *args])
    out, err = capsys.readouterr()
    return code, out, err


def quote_json(capsys, *args):
    code, out, err = run_quote(capsys, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_json_output_is_exactly_one_object(capsys):
    code, out, err = run_quote(
        capsys, "--modality", "remote", "--start", TUE + "13:50", "--end", TUE + "15:30", "--json"
    )
    assert code == 0 and err == ""
    assert out.count("\n") == 1
    assert json.loads(out) == {
        "worked_minutes": 100,
        "billable_hours": 2,
        "requires_quote": False,
        "lines": [
            {"kind": "hours", "band": "outside", "hours": 2, "rate": "300.00", "amount": "600.00"}
        ],
        "base": "600.00",
        "iva": "96.00",
        "total": "696.00",
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("--modality remote --start {T}10:00 --end {T}11:31", (91, 2, "400.00", "64.00", "464.00")),
        (
            "--modality remote --start 2026-11-28T10:00 --end 2026-11-28T10:45",
            (45, 1, "300.00", "48.00", "348.00"),
        ),
        (
            "--modality onsite --city Coatepec --start {T}17:00 --end {T}18:10",
            (70, 1, "360.00", "57.60", "417.60"),
        ),
        (
            "--modality onsite --city Xalapa-Enríquez --start {T}17:00 --end {T}18:10",
            (70, 1, "360.00", "57.60", "417.60"),
        ),
        # 16:00Z is 10:00 in Mexico City: offsets are respected
        (
            "--modality remote --start 2026-11-24T16:00:00Z --end 2026-11-24T11:20:00-06:00",
            (80, 1, "200.00", "32.00", "232.00"),
        ),
        (
            "--modality remote --start {T}10:00 --end {T}12:00"
            " --gap {T}10:30 {T}10:45 --gap {T}11:00 {T}11:20",
            (85, 1, "200.00", "32.00", "232.00"),
        ),
        (
            "--modality office --start {T}10:00 --end {T}11:31 --policy-discount 0.20",
            (91, 2, "480.00", "76.80", "556.80"),
        ),
        (
            "--modality office --start {T}10:00 --end {T}11:31 --policy-discount 20%",
            (91, 2, "480.00", "76.80", "556.80"),
        ),
        (
            "--modality remote --start 2026-11-28T10:00 --end 2026-11-28T10:45 --policy-24x7",
            (45, 1, "200.00", "32.00", "232.00"),
        ),
        (
            "--modality remote --start {T}10:00 --end {T}11:31 --covered-hours 1",
            (91, 2, "200.00", "32.00", "232.00"),
        ),
        (
            "--modality onsite --city Veracruz --start {T}10:00 --end {T}11:31 --quoted-rate 500",
            (91, 2, "1000.00", "160.00", "1160.00"),
        ),
        (
            "--modality onsite --city Veracruz --start {T}10:00 --end {T}11:31"
            " --quoted-amount 1,250.50",
            (91, 2, "1250.50", "200.08", "1450.58"),
        ),
        (
            "--modality remote --start {T}10:00 --end {T}11:31 --follow-up",
            (91, 2, "0.00", "0.00", "0.00"),
        ),
    ],
)
def test_json_figures(capsys, command, expected):
    data = quote_json(capsys, *split(command))
    got = (data["worked_minutes"], data["billable_hours"], data["base"], data["iva"], data["total"])
    assert got == expected
    assert data["requires_quote"] is False
    assert {line["kind"] for line in data["lines"]} <= {"hours", "covered", "quoted", "discount"}


def test_requires_quote_has_null_money_and_exit_code_zero(capsys):
    data = quote_json(
        capsys, "--modality", "onsite", "--city", "Veracruz",
        "--start", TUE + "17:00", "--end", TUE + "18:10",
    )  # fmt: skip
    assert data == {
        "worked_minutes": 70,
        "billable_hours": 1,
        "requires_quote": True,
        "lines": [],
        "base": None,
        "iva": None,
        "total": None,
    }


def test_text_output_is_spanish(capsys):
    code, out, err = run_quote(
        capsys, "--modality", "remote", "--start", TUE + "13:50", "--end", TUE + "15:30"
    )
    assert code == 0 and err == ""
    assert "Tiempo trabajado: 1 h 40 min (100 min)" in out
    assert "2 h fuera de horario × $300.00" in out
    assert "IVA 16 %" in out
    assert "$696.00 MXN" in out
    assert "martes 24/11/2026 13:50" in out


def test_text_output_when_a_quote_is_required(capsys):
    code, out, _ = run_quote(
        capsys, "--modality", "onsite", "--city", "Veracruz",
        "--start", TUE + "17:00", "--end", TUE + "18:10",
    )  # fmt: skip
    assert code == 0
    assert "requiere cotización" in out and "--quoted-rate" in out
    assert "Total" not in out


BASE_ARGS = split(BASE)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("--modality remote --start {T}10:00 --end {T}10:00", "posterior"),
        ("--modality remote --start {T}10:00 --end {T}09:00", "posterior"),
        ("{BASE} --gap {T}09:00 {T}10:30", "fuera de la sesión"),
        ("{BASE} --gap {T}10:10 {T}10:30 --gap {T}10:20 {T}10:40", "traslapan"),
        ("{BASE} --gap {T}10:30 {T}10:10", "terminar después"),
        ("{BASE} --policy-discount 0.26", "25 %"),
        ("{BASE} --policy-discount -0.1", "25 %"),
        ("{BASE} --policy-discount mucho", "no es un número"),
        ("{BASE} --quoted-rate -100", "negativ"),
        ("{BASE} --quoted-amount cien", "no es una cantidad"),
        ("{BASE} --quoted-rate 100 --quoted-amount 100", "no se puede usar junto"),
        ("{BASE} --covered-hours -1", "negativas"),
        ("{BASE} --covered-hours uno", "entero"),
        ("--modality teletransporte --start {T}10:00 --end {T}11:00", "Modalidad desconocida"),
        ("--modality remote --start ayer --end {T}11:00", "no es una fecha"),
        ("--modality remote --start 2026-13-45T10:00 --end {T}11:00", "no es una fecha"),
        ("--modality remote --start {T}10:00", "faltan argumentos"),
        ("{BASE} --gap {T}10:30", "espera"),
        ("{BASE} --bogus", "no reconocidos"),
    ],
)
def test_bad_input_is_one_spanish_line_and_exit_code_2(capsys, command, message):
    with pytest.raises(SystemExit) as exc:
        main(["quote", *split(command)])
    out, err = capsys.readouterr()
    assert exc.value.code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("appleuse: error: ")
    assert message in err
    assert "Traceback" not in err


def test_real_process_exit_code_and_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "app", "quote", *BASE_ARGS, "--policy-discount", "0.5", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "25 %" in proc.stderr


def test_quote_imports_neither_qt_nor_sqlalchemy_nor_reportlab():
    code = (
        "import sys, json\n"
        "from app.cli import main\n"
        f"main(['quote', *{BASE_ARGS!r}, '--json'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlalchemy', "
        "'reportlab', 'alembic', 'psycopg'})\n"
        "sys.stderr.write(json.dumps(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(proc.stderr) == []
    assert json.loads(proc.stdout)["total"] == "232.00"
