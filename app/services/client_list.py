"""The window's client list as a read model: the active clients column by column, read once
through the SQL seam of :mod:`app.services.sql` — by the services on any database, or straight
from a SQLite file with the standard library so the list fills before SQLAlchemy has loaded.
Standard library only."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.kernel.search import ClientColumns
from app.services.sql import Execute, open_sqlite_readonly

_CLIENTS = (
    "SELECT id, name, phone, city, COALESCE(rfc, '') FROM clients "
    "WHERE active = :active ORDER BY id"
)
# SQLite only: one UTF-8 string per column, fields split by char(31) — far cheaper than
# 100,000 row tuples; ids as fixed-width digits. No ORDER BY: the window sorts the folded names
# itself (accents ignored), so the table is read in its own order, without a sort.
_SQLITE_COLUMNS = (
    "SELECT count(*), CAST(group_concat(printf('%010d', id), '') AS BLOB), "
    "CAST(group_concat(name, char(31)) AS BLOB), CAST(group_concat(phone, char(31)) AS BLOB), "
    "CAST(group_concat(city, char(31)) AS BLOB), "
    "CAST(group_concat(COALESCE(rfc, ''), char(31)) AS BLOB) FROM clients WHERE active = 1"
)
EMPTY = ClientColumns((), (), (), (), ())


def client_columns(execute: Execute) -> ClientColumns:
    """The active clients as parallel columns (by id: the window sorts them itself)."""
    rows = execute(_CLIENTS, {"active": True})
    if not rows:
        return EMPTY
    ids, names, phones, cities, rfcs = zip(*rows, strict=True)
    return ClientColumns([int(i) for i in ids], names, phones, cities, rfcs)


@dataclass(frozen=True)
class ClientBlobs:
    """The active clients as SQLite hands them over in one row: ``count``; ``ids``, ten ASCII
    digits each; every text column one UTF-8 string, fields separated by ``\\x1f``."""

    count: int
    ids: bytes
    names: bytes
    phones: bytes
    cities: bytes
    rfcs: bytes


def sqlite_client_blobs(path: Path) -> ClientBlobs | None:
    """The clients read from an existing SQLite file, read-only, in one row. None when that
    is not possible (no file yet, an older schema, a locked file): the window then asks the
    services a moment later."""
    if not path.is_file():
        return None
    try:
        conn = open_sqlite_readonly(path, timeout=2)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(_SQLITE_COLUMNS).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    count = int(row[0])
    return ClientBlobs(count, *(bytes(value or b"") for value in row[1:]))
