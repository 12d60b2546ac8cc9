"""Backups and restore (issue "Data safety" §7–§8): checked, private copies through SQLite's
backup API, rotated by day, week and month; a damaged database brought back from one with
every row; a backup from a newer AppleUse refused; an older one migrated."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.commands.demo import fill
from app.kernel.errors import DomainError, StorageError
from app.models import backups
from app.models.backups import (
    Keep,
    backup_files,
    create_backup,
    list_backups,
    newest_good,
    restore,
    rotate,
    row_counts,
)
from app.models.engine import make_engine, upgrade
from app.models.revisions import head

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A week of the demo business in a SQLite file (built once, copied per test)."""
    path = tmp_path_factory.mktemp("shop") / "template.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng, backup=False)
    fill(eng, NOW.date(), weeks=1, seed=7)
    eng.dispose()
    return path


@pytest.fixture
def shop(shop_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "appleuse.sqlite3"
    path.write_bytes(shop_file.read_bytes())
    return path


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return row_counts(conn)


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as ended:
        code = int(ended.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_backup_is_a_checked_private_copy(shop: Path) -> None:
    made = create_backup(shop, shop.parent / "respaldos", NOW, "manual")
    assert made.path.name == "appleuse-20261124-180000-manual.sqlite3"
    assert counts(made.path) == counts(shop) and made.rows == sum(counts(shop).values()) > 100
    assert made.revision == head()
    if os.name == "posix":
        assert made.path.stat().st_mode & 0o777 == 0o600
        assert made.path.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]  # no temp left


def test_rotation_keeps_days_weeks_and_months(shop: Path) -> None:
    folder = shop.parent / "respaldos"
    moments = [NOW - timedelta(days=d, hours=h) for d in range(0, 400, 3) for h in (0, 5)]
    for moment in moments:
        create_backup(shop, folder, moment, "diario")
    gone = rotate(folder, Keep(daily=7, weekly=4, monthly=12), NOW)
    kept = list_backups([folder])
    days = {b.taken_at.date() for b in kept}
    assert len(kept) == len(days)  # one a day at most: the newest of that day
    assert len(kept) + len(gone) == len(moments)
    newest = sorted(days, reverse=True)
    assert newest[:7] == sorted({m.date() for m in moments}, reverse=True)[:7]
    months = {(b.taken_at.year, b.taken_at.month) for b in kept}
    assert len(months) == 12  # the newest of each of the last 12 months with a backup


def test_rotation_reads_the_names_only_and_the_newest_good_skips_a_damaged_one(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = shop.parent / "respaldos"
    older = create_backup(shop, folder, NOW - timedelta(days=1), "diario")
    newer = create_backup(shop, folder, NOW, "cierre")
    damage(newer.path)
    checked: list[str] = []
    real_check = backups.check_file

    def check_file(path: Path) -> tuple[list[str], dict[str, int], str | None]:
        checked.append(path.name)
        return real_check(path)

    monkeypatch.setattr(backups, "check_file", check_file)
    assert [b.path for b in backup_files([folder])] == [newer.path, older.path]
    assert rotate(folder, Keep(daily=7), NOW) == [] and checked == []  # no file opened
    good = newest_good([folder])
    assert good is not None and good.path == older.path and good.rows == older.rows
    assert checked == [newer.path.name, older.path.name]  # each once, newest first


def test_restore_brings_back_a_damaged_database_with_every_row(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{shop}"
    before = counts(shop)
    code, out, _ = run(capsys, "--db", url, "backup", "create")
    backup = Path(out.strip())
    assert code == 0 and backup.is_file()
    damage(shop)
    code, _, err = run(capsys, "--db", url, "db", "check")
    assert code == 2 and "dañada" in err and str(backup) in err  # names the newest good one
    code, out, err = run(capsys, "--db", url, "backup", "restore", str(backup))
    assert (code, err) == (0, "") and "Respaldo restaurado" in out
    assert counts(shop) == before
    code, out, _ = run(capsys, "--db", url, "db", "check")
    assert code == 0 and "buen estado" in out
    aside = [p for p in shop.parent.iterdir() if "antes-de-restaurar" in p.name]
    assert len(aside) == 1  # the damaged file was kept aside, not deleted


def test_a_backup_list(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{shop}"
    code, out, _ = run(capsys, "--db", url, "backup", "list")
    assert code == 0 and "No hay respaldos" in out
    run(capsys, "--db", url, "backup", "create")
    code, out, _ = run(capsys, "--db", url, "backup", "list")
    assert code == 0 and "filas" in out and "respaldos/appleuse-" in out


def test_a_backup_from_a_newer_appleuse_is_refused(shop: Path) -> None:
    made = create_backup(shop, shop.parent / "respaldos", NOW)
    with sqlite3.connect(made.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = shop.read_bytes()
    with pytest.raises(DomainError, match="versión más nueva"):
        restore(made.path, shop)
    assert shop.read_bytes() == before


def test_a_damaged_backup_is_refused(shop: Path) -> None:
    made = create_backup(shop, shop.parent / "respaldos", NOW)
    damage(made.path)
    before = shop.read_bytes()
    with pytest.raises(StorageError, match="dañado"):
        restore(made.path, shop)
    assert shop.read_bytes() == before


def test_an_older_backup_is_migrated_when_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command

    from app.models.engine import alembic_config

    old = tmp_path / "old.sqlite3"
    eng = make_engine(f"sqlite:///{old}")
    config = alembic_config()
    with eng.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    eng.dispose()
    current = tmp_path / "appleuse.sqlite3"
    eng = make_engine(f"sqlite:///{current}")
    upgrade(eng, backup=False)
    eng.dispose()
    code, _, err = run(capsys, "--db", f"sqlite:///{current}", "backup", "restore", str(old))
    assert (code, err) == (0, "")
    with sqlite3.connect(current) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head(),)


def test_the_database_file_is_private(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.fail("the file modes are POSIX")  # never reached on the CI or a Mac
    path = tmp_path / "x.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng, backup=False)
    eng.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
