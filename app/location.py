"""Where the data lives — standard library only, so the window can find its database before
SQLAlchemy is imported."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.search import ClientColumns

ENV_VAR = "APPLEUSE_DB"
APP_NAME = "AppleUse Soporte"
APP_AUTHOR = "AppleUse"


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR)) / "appleuse.sqlite3"


def resolve_url(url: str | None = None) -> str:
    """``--db`` first, then ``APPLEUSE_DB``, then the default SQLite file."""
    if url:
        return url
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (None for anything else)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or len(url) == len(prefix):
        return None
    return Path(url[len(prefix) :])


def quick_client_columns(url: str) -> ClientColumns | None:
    """The active clients read straight from an existing SQLite file, read-only, with the
    standard library — so the client list fills before SQLAlchemy has even loaded. None when
    that is not possible (another database, no file yet, an older schema): the window then
    fills the list through the services a moment later."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return None
    # One string per column, split in C: far cheaper than 100,000 row tuples. NOT INDEXED: a
    # sort is faster here than walking the name index with a table look-up per row.
    sep = "\x1f"
    try:
        row = conn.execute(
            "SELECT count(*), group_concat(id, char(31)), group_concat(name, char(31)), "
            "group_concat(phone, char(31)), group_concat(city, char(31)), "
            "group_concat(COALESCE(rfc, ''), char(31)) FROM (SELECT id, name, phone, city, rfc "
            "FROM clients NOT INDEXED WHERE active = 1 ORDER BY name, id)"
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    count = row[0]
    if not count:
        return ClientColumns((), (), (), (), ())
    ids, names, phones, cities, rfcs = (col.split(sep) for col in row[1:])
    if not len(ids) == len(names) == len(phones) == len(cities) == len(rfcs) == count:
        return None  # a text held the separator: let the services read it properly
    return ClientColumns(list(map(int, ids)), names, phones, cities, rfcs)
