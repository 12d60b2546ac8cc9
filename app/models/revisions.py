"""The schema revisions this release knows, read from its migration files — standard library
only, so a command reading a SQLite file with ``sqlite3`` can refuse a schema made by a newer
AppleUse as the window and every other command do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.kernel.errors import DomainError

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


class NewerSchemaError(DomainError):
    """The database was created by a newer AppleUse; this release must not touch it."""


def known_revisions() -> list[str]:
    """Every revision id of this release, oldest first (``0001_….py`` → ``0001``)."""
    return sorted(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9]*_*.py"))


def head() -> str:
    return known_revisions()[-1]


def check_revision(current: str | None) -> None:
    """Refuse a revision this release does not know (None: an empty database, fine)."""
    if current is not None and current not in known_revisions():
        raise NewerSchemaError(
            f"La base de datos fue creada por una versión más nueva de AppleUse (revisión "
            f"{current}); actualice AppleUse para abrirla. No se modificó nada."
        )


def sqlite_revision(conn: sqlite3.Connection) -> str | None:
    """The revision stored in a SQLite file (None: no schema yet)."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: never migrated
        return None
    return None if row is None else str(row[0])


def sqlite_quick_check(path: Path) -> list[str]:
    """SQLite's ``quick_check`` of a file through the standard library (the damage found, in
    the database's own words; empty: none) — so the window runs it on one thread while
    SQLAlchemy is imported on another (SQLite releases the interpreter while it reads)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:  # not even readable: a truncated file, not a database
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows
