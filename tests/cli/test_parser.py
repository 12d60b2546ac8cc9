"""The parser registers only the sub-command the line names (so ``appleuse summary`` imports no
other command's module), and says exactly what the parser with every command says: the same
help, the same one-line Spanish errors, the same exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser, command_word
from app.commands import NAMES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("line", "word"),
    [
        (["summary", "-o", "x.csv"], "summary"),
        (["--db", "sqlite:///x", "summary"], "summary"),
        (["--db=sqlite:///x", "--advisor", "Ana", "receipt", "A-1"], "receipt"),
        (["--adv", "Ana", "--d", "sqlite:///x", "quote"], "quote"),  # unique prefixes
        (["--db", "quote", "receipt"], "receipt"),  # "quote" is the option's value
        (["--advisor=quote", "agenda"], "agenda"),
        (["-h"], None),
        (["--help", "summary"], "summary"),
        ([], None),
        (["--db", "sqlite:///x"], None),
        (["sumary", "-o", "x.csv"], None),  # mistyped: every command, to word the error
        (["--", "summary"], None),
        (["-", "summary"], None),
    ],
)
def test_the_command_word(line: list[str], word: str | None) -> None:
    assert command_word(line) == word


def outcome(line: list[str], command: str | None, capsys: pytest.CaptureFixture[str]) -> tuple:
    parser = build_parser(command=command)
    try:
        args = parser.parse_args(line)
    except SystemExit as exc:
        code = exc.code
    else:
        code, args.handler = None, None  # a function of the command's module: compared by name
        return code, sorted(vars(args).items()), capsys.readouterr()
    return code, None, capsys.readouterr()


@pytest.mark.parametrize(
    "line",
    [
        ["summary", "--help"],
        ["receipt", "--help"],
        ["cita", "add", "--help"],
        ["summary"],
        ["summary", "-o"],
        ["summary", "--bogus", "-o", "x.csv"],
        ["--db", "sqlite:///x", "summary", "--date", "2026-11-24", "-o", "x.csv"],
        ["--adv", "Ana", "summary", "-o", "x.csv", "--advisor", "Beto"],
        ["--db", "-h", "summary", "-o", "x.csv"],
        ["quote", "--modality", "remote", "--start", "2026-11-24T10:00"],
        ["report", "--period", "decade", "-o", "x.pdf"],
        ["db"],
        ["backup", "restore"],
        ["agenda", "--date", "2026-11-24", "--week", "2026-11-24", "-o", "x.ics"],
    ],
)
def test_one_command_parses_and_refuses_as_all_of_them(
    line: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    word = command_word(line)
    assert word in NAMES
    assert outcome(line, word, capsys) == outcome(line, None, capsys)


def test_summary_imports_no_other_command() -> None:
    script = (
        "import json, sys\n"
        "from app.cli import main\n"
        "try:\n"
        "    main(['--db', 'sqlite:///no-such.sqlite3', 'summary', '--date', '2026-13-01',"
        " '-o', 'x.csv'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "mods = sorted(m for m in sys.modules if m.startswith('app.commands.'))\n"
        "print(json.dumps([code, mods]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    code, modules = json.loads(done.stdout)
    assert code == 2 and "no es válida" in done.stderr
    assert {f"app.commands.{name}" for name in NAMES} & set(modules) == {"app.commands.summary"}


@pytest.mark.parametrize("columns", ["40", "132", "0", "ancho"])
def test_help_is_as_wide_as_argparse_makes_it(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from app.cli import SpanishHelpFormatter

    monkeypatch.setenv("COLUMNS", columns)
    assert SpanishHelpFormatter("appleuse")._width == argparse.HelpFormatter("appleuse")._width


def test_a_command_leaves_the_collector_as_it_found_it(capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    from app.cli import main

    before = gc.get_threshold()
    with pytest.raises(SystemExit):
        main(["summary", "--date", "2026-13-01", "-o", "x.csv"])
    assert main(["quote", "--modality", "remote", "--start", "2026-11-24T10:00",
                 "--end", "2026-11-24T10:20"]) == 0  # fmt: skip
    assert gc.get_threshold() == before
    assert "232.00" in capsys.readouterr().out
