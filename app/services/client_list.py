"""The window's client list as a read model: the active clients column by column, read once
through the SQL seam of :mod:`app.services.sql` — by the services on any database, or straight
from a SQLite file with the standard library so the list fills before SQLAlchemy has loaded.
Standard library only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.kernel.search import ClientColumns
from app.services.sql import Execute, open_sqlite_readonly

_CLIENTS = (
    "SELECT id, name, phone, city, COALESCE(rfc, '') FROM clients "
    "WHERE active = :active ORDER BY name, id"
)
# SQLite only: one string per column, split in C — far cheaper than 100,000 row tuples.
# NOT INDEXED: a sort is faster here than walking the name index with a look-up per row.
_SQLITE_COLUMNS = (
    "SELECT count(*), group_concat(id, char(31)), group_concat(name, char(31)), "
    "group_concat(phone, char(31)), group_concat(city, char(31)), "
    "group_concat(rfc, char(31)) FROM (SELECT id, name, phone, city, COALESCE(rfc, '') AS rfc "
    "FROM clients NOT INDEXED WHERE active = 1 ORDER BY name, id)"
)
_SEPARATOR = "\x1f"
EMPTY = ClientColumns((), (), (), (), ())


def client_columns(execute: Execute) -> ClientColumns:
    """The active clients by name, as parallel columns."""
    rows = execute(_CLIENTS, {"active": True})
    if not rows:
        return EMPTY
    ids, names, phones, cities, rfcs = zip(*rows, strict=True)
    return ClientColumns([int(i) for i in ids], names, phones, cities, rfcs)


def sqlite_client_columns(path: Path) -> ClientColumns | None:
    """The same columns read from an existing SQLite file, read-only. None when that is not
    possible (no file yet, an older schema, a locked file): the window then asks the services
    a moment later."""
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
    count = row[0]
    if not count:
        return EMPTY
    ids, names, phones, cities, rfcs = (col.split(_SEPARATOR) for col in row[1:])
    if not len(ids) == len(names) == len(phones) == len(cities) == len(rfcs) == count:
        return None  # a text held the separator: let the services read it properly
    return ClientColumns([int(i) for i in ids], names, phones, cities, rfcs)
