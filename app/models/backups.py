"""Backups of the SQLite file, and restoring one — standard library only.

A backup is taken with SQLite's online backup API into a temporary name beside its final one,
flushed to disk, checked (``integrity_check`` and every table's row count against the source)
and only then renamed into place, private to the user (0600 in a 0700 folder). Rotation keeps
the newest backup of each of the last days, weeks and months (:class:`Keep`). Restoring checks
the backup the same way, refuses one made by a newer AppleUse, copies the current file aside
and puts the backup in its place; the caller then migrates it if it is older.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.kernel.errors import DomainError, StorageError
from app.models.revisions import check_revision, sqlite_revision

#: Tables whose rows a backup must hold exactly as the source did.
TABLES = (
    "advisors", "clients", "devices", "cases", "sessions", "session_events", "receipts",
    "receipt_lines", "payments", "policies", "policy_versions", "repairs", "tariff_versions",
    "appointments", "appointment_changes", "blocked_periods", "advisor_hours",
)  # fmt: skip
_NAME = re.compile(r"^appleuse-(\d{8}-\d{6})(?:-(\w+))?\.sqlite3$")
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Keep:
    """How many backups rotation keeps: the newest of each of the last N days, weeks, months."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # UTC, from the file's name
    reason: str  # "diario", "cierre", "migracion", "manual", "antes-de-restaurar"…
    size: int
    rows: int  # all the tables' rows
    revision: str | None


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents) readable by the user only (POSIX 0700)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)
    return folder


def make_private(path: Path) -> None:
    """The file readable and writable by the user only (POSIX 0600)."""
    if os.name == "posix" and path.exists():
        path.chmod(0o600)


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in TABLES if t in present}  # fmt: skip


def check_file(path: Path) -> tuple[list[str], dict[str, int], str | None]:
    """``(integrity problems, row counts, revision)`` of a SQLite file, read-only."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return [str(exc)], {}, None
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        counts = row_counts(conn) if not problems else {}
        return problems, counts, sqlite_revision(conn)
    except sqlite3.Error as exc:
        return [str(exc)], {}, None
    finally:
        conn.close()


def create_backup(
    source: Path, folder: Path, now: datetime | None = None, reason: str = "manual"
) -> BackupInfo:
    """A checked, private copy of ``source`` in ``folder``; StorageError if it cannot be made
    or does not match its source (nothing half-written is left)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    private_folder(folder)
    name = f"appleuse-{moment.strftime(_STAMP)}-{reason}.sqlite3"
    target = folder / name
    n = 1
    while target.exists():
        target = folder / name.replace(".sqlite3", f"-{n}.sqlite3")
        n += 1
    temp = target.with_name(f".{target.name}.tmp")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            expected = row_counts(src)
            dst = sqlite3.connect(temp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        make_private(temp)
        _fsync(temp)
        problems, counts, _ = check_file(temp)
        if problems or counts != expected:
            raise StorageError(
                "damaged", "El respaldo no coincide con la base de datos; no se guardó."
            )
        os.replace(temp, target)
        _fsync(folder)
    except (sqlite3.Error, OSError) as exc:
        temp.unlink(missing_ok=True)
        raise StorageError("backup", f"No se pudo hacer el respaldo en «{folder}»: {exc}.") from exc
    finally:
        temp.unlink(missing_ok=True)
    return info(target)


def info(path: Path) -> BackupInfo:
    match = _NAME.match(path.name)
    taken = (
        datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        if match
        else datetime.fromtimestamp(path.stat().st_mtime, UTC)
    )
    _, counts, revision = check_file(path)
    reason = (match.group(2) or "") if match else ""
    return BackupInfo(path, taken, reason, path.stat().st_size, sum(counts.values()), revision)


@dataclass(frozen=True)
class BackupFile:
    """A backup as its name says it (no file opened): where, when, why."""

    path: Path
    taken_at: datetime  # UTC
    reason: str


def backup_files(folders: Iterable[Path]) -> list[BackupFile]:
    """The backups in ``folders`` by their names, newest first — what the day's backup and
    rotation need, without reading (and checking) every file: a backup of a large database
    takes a second to check, and a folder holds up to ~23 of them."""
    found: list[BackupFile] = []
    for folder in folders:
        if folder.is_dir():
            for p in folder.iterdir():
                if match := _NAME.match(p.name):
                    taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
                    found.append(BackupFile(p, taken, match.group(2) or ""))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def list_backups(folders: Iterable[Path]) -> list[BackupInfo]:
    """The backups found in ``folders``, newest first, each read (rows, revision)."""
    return [info(b.path) for b in backup_files(folders)]


def newest_good(folders: Iterable[Path]) -> BackupInfo | None:
    """The newest backup that passes the check (each checked once, newest first)."""
    for b in backup_files(folders):
        problems, counts, revision = check_file(b.path)
        if not problems:
            size = b.path.stat().st_size
            return BackupInfo(b.path, b.taken_at, b.reason, size, sum(counts.values()), revision)
    return None


def rotate(folder: Path, keep: Keep = Keep(), now: datetime | None = None) -> list[Path]:
    """Delete the backups rotation does not keep; return what was deleted. Kept: the newest of
    each of the last ``daily`` days, ``weekly`` ISO weeks and ``monthly`` months."""
    backups = backup_files([folder])
    kept: set[Path] = set()
    for key, count in (
        (lambda b: b.taken_at.date(), keep.daily),
        (lambda b: b.taken_at.isocalendar()[:2], keep.weekly),
        (lambda b: (b.taken_at.year, b.taken_at.month), keep.monthly),
    ):
        seen: list[object] = []
        for b in backups:  # newest first: the first of each period is its newest
            period = key(b)
            if period not in seen:
                seen.append(period)
                if len(seen) <= count:
                    kept.add(b.path)
    gone = [b.path for b in backups if b.path not in kept]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def restore(backup: Path, database: Path, now: datetime | None = None) -> Path:
    """Put ``backup`` in place of ``database`` after copying the current file aside (returned).
    A damaged backup or one from a newer AppleUse is refused and nothing changes."""
    problems, _, revision = check_file(backup)
    if problems:
        raise StorageError("damaged", f"El respaldo «{backup.name}» está dañado; elija otro.")
    check_revision(revision)
    if revision is None:
        raise DomainError(f"«{backup.name}» no es un respaldo de AppleUse.")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    aside = database.with_name(f"{database.name}.antes-de-restaurar-{moment.strftime(_STAMP)}")
    temp = database.with_name(f".{database.name}.restaurando.tmp")
    try:
        if database.exists():
            _keep_aside(database, aside)
        _copy(backup, temp)
        for suffix in ("-wal", "-shm"):  # the old file's journal must not meet the new file
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(temp, database)
        make_private(database)
        _fsync(database.parent)
    except (sqlite3.Error, OSError) as exc:
        temp.unlink(missing_ok=True)
        raise StorageError("restore", f"No se pudo restaurar «{backup.name}»: {exc}.") from exc
    return aside


def _keep_aside(database: Path, aside: Path) -> None:
    """The current file copied aside before a restore: through the backup API, or byte for
    byte when it is too damaged for SQLite to read (kept as it was, for a specialist)."""
    try:
        _copy(database, aside)
    except sqlite3.DatabaseError:
        aside.unlink(missing_ok=True)
        shutil.copyfile(database, aside)
        make_private(aside)


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, private and flushed to disk."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    make_private(target)
    _fsync(target)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:  # a folder cannot be opened on some systems: nothing more to do
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
