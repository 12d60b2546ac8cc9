"""The read models' seam: run plain SQL with named parameters, get rows back — through a
SQLAlchemy session (``app.services.uow.session_execute``) or a read-only standard-library
``sqlite3`` connection (:func:`sqlite_execute`), so a command can read a SQLite file without
importing SQLAlchemy. Standard library only.

Values are normalized here, whatever the driver: instants come from SQLite as UTC text
(``YYYY-MM-DD HH:MM:SS.ffffff``) and from PostgreSQL as aware datetimes; money from SQLite as
int/float and from PostgreSQL as ``Decimal``; booleans as 0/1 or bool; dates as text or
``date``; JSON as text or already parsed. Parameters are aware instants, turned into SQLite's
stored text by :func:`sqlite_params` for either driver on SQLite.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

Row = Sequence[Any]
#: The seam: run one statement with named parameters, return its rows.
Execute = Callable[[str, Mapping[str, Any]], Sequence[Row]]

_CENT = Decimal("0.01")
_SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite


def instant(value: Any) -> datetime:
    """An aware UTC datetime from SQLite's UTC text or a driver's datetime."""
    if isinstance(value, str) and len(value) > 10:
        try:  # SQLite's text has no offset: read as UTC at once (``replace`` costs 5× more)
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:
            pass  # it has one
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"no es un instante: {value!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def maybe_instant(value: Any) -> datetime | None:
    return None if value is None else instant(value)


def money(value: Any) -> Decimal:
    """MXN with 2 places from an int, float, text or Decimal (half-up)."""
    return Decimal(str(value)).quantize(_CENT, ROUND_HALF_UP)


def maybe_money(value: Any) -> Decimal | None:
    return None if value is None else money(value)


def fraction(value: Any, places: Decimal) -> Decimal:
    """A stored share (a discount) with ``places`` decimals, half-up."""
    return Decimal(str(value)).quantize(places, ROUND_HALF_UP)


def calendar_day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"no es una fecha: {value!r}")


def maybe_day(value: Any) -> date | None:
    return None if value is None else calendar_day(value)


def maybe_int(value: Any) -> int | None:
    return None if value is None else int(value)


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def in_list(prefix: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """``:p0, :p1, …`` and their values: an IN list both drivers accept."""
    params = {f"{prefix}{k}": v for k, v in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


def sqlite_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as SQLite stores them: aware instants as UTC text, dates as ISO text."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"El parámetro {key} necesita zona horaria.")
            value = value.astimezone(UTC).strftime(_SQLITE_INSTANT)
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def sqlite_execute(conn: sqlite3.Connection) -> Execute:
    """The seam over a standard-library ``sqlite3`` connection."""

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Row]:
        return conn.execute(sql, sqlite_params(params)).fetchall()

    return execute


_NAMED = re.compile(r"(?<![:\w]):(\w+)")  # ":name", not a cast ("::int") nor "10:30"


@lru_cache(maxsize=256)
def pyformat(sql: str) -> str:
    """``sql`` with its ``:name`` parameters as ``%(name)s`` (the DB-API "pyformat" style of
    psycopg) and any ``%`` doubled."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def pyformat_execute(conn: Any) -> Execute:
    """The seam over a DB-API connection of the "pyformat" style (psycopg's), in whatever
    transaction its owner began: rows as the driver makes them (tuples), no per-row or
    per-parameter work of SQLAlchemy's."""

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Row]:
        cursor = conn.cursor()
        try:
            cursor.execute(pyformat(sql), dict(params))
            rows: Sequence[Row] = cursor.fetchall()
            return rows
        finally:
            cursor.close()

    return execute


def open_sqlite_readonly(path: Path, timeout: float = 10) -> sqlite3.Connection:
    """A read-only standard-library connection in one snapshot (``BEGIN`` already issued).
    ``sqlite3.Error`` goes to the caller (missing file, not a database…)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    conn.isolation_level = None
    conn.execute("BEGIN")
    return conn
