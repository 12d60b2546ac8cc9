"""Every command that opens a database answers a bad one in one Spanish line (exit 2, no
traceback) and writes nothing: a missing folder, a file that is not a database, a truncated or
damaged file, a bad or unsupported address, an in-memory database for the demo, and a schema
made by a newer AppleUse (refused before any backup copy is made)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.models.engine import make_engine, upgrade


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as ended:
        code = int(ended.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], words: str, *args: str) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, ""), (code, out, err)
    assert err.startswith("appleuse: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and words in err, err


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "appleuse.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng, backup=False)
    eng.dispose()
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """The folder's files (SQLite's transient -wal/-shm files of a reader left out)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


COMMANDS = [
    ("db", "upgrade"),
    ("demo", "--weeks", "1"),
    ("receipt", "A-000001", "-o", "{out}.pdf"),
    ("summary", "--date", "2026-11-24", "-o", "{out}.csv"),
    ("summary", "--date", "2026-11-24", "-o", "{out}.pdf"),
]


def words_for(command: tuple[str, ...], out: Path) -> list[str]:
    return [w.replace("{out}", str(out)) for w in command]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}"
    refused(capsys, "no existe", "--db", url, *words_for(command, tmp_path / "out"))
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_is_not_a_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "notas.sqlite3"
    path.write_text("Estas son mis notas, no una base de datos.\n" * 200)
    before = snapshot(tmp_path)
    refused(capsys, "dañada", "--db", f"sqlite:///{path}", *words_for(command, tmp_path / "o"))
    assert snapshot(tmp_path) == before  # nothing written, no backup copy


@pytest.mark.parametrize("command", COMMANDS)
def test_a_truncated_or_damaged_file(
    capsys: pytest.CaptureFixture[str], migrated: Path, command: tuple[str, ...]
) -> None:
    data = migrated.read_bytes()
    damaged = bytearray(data)
    damaged[len(data) // 2 : len(data) // 2 + 8192] = os.urandom(8192)
    migrated.write_bytes(bytes(damaged[: len(data) - 4096]))  # garbage, and cut short
    before = snapshot(migrated.parent)
    args = words_for(command, migrated.parent / "o")
    refused(capsys, "dañada", "--db", f"sqlite:///{migrated}", *args)
    assert snapshot(migrated.parent) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_schema_from_a_newer_appleuse(
    capsys: pytest.CaptureFixture[str], migrated: Path, command: tuple[str, ...]
) -> None:
    with sqlite3.connect(migrated) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = snapshot(migrated.parent)
    args = words_for(command, migrated.parent / "o")
    refused(capsys, "versión más nueva de AppleUse", "--db", f"sqlite:///{migrated}", *args)
    assert snapshot(migrated.parent) == before  # and no backup copy was made


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("notaurl", "no es válida"),
        ("mysql://u:p@localhost/appleuse", "SQLite o PostgreSQL"),
        ("sqlite://", "en memoria"),
        ("sqlite:///:memory:", "en memoria"),
    ],
)
@pytest.mark.parametrize("command", [("db", "upgrade"), ("demo", "--weeks", "1")])
def test_bad_addresses(
    capsys: pytest.CaptureFixture[str], url: str, words: str, command: tuple[str, ...]
) -> None:
    refused(capsys, words, "--db", url, *command)


def test_a_database_that_is_up_to_date_is_left_alone(
    capsys: pytest.CaptureFixture[str], migrated: Path
) -> None:
    before = snapshot(migrated.parent)
    code, out, err = run(capsys, "--db", f"sqlite:///{migrated}", "db", "upgrade")
    assert (code, err) == (0, "") and "ya está al día" in out
    assert snapshot(migrated.parent).keys() == before.keys()  # no backup copy


def test_a_foreign_database_with_clashing_tables(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ajena.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, nombre TEXT)")
    conn.close()
    refused(capsys, "no es una base de AppleUse", "--db", f"sqlite:///{path}", "db", "upgrade")
    with sqlite3.connect(path) as conn:  # nothing created, no backup copy made
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    conn.close()
    assert tables == ["clients"] and not (tmp_path / "respaldos").exists()
