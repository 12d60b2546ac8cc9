"""Engines and schema migrations.

By default the database is a SQLite file in the user data directory; any SQLAlchemy URL can be
given with ``--db URL`` or ``APPLEUSE_DB`` (PostgreSQL via psycopg 3 is the shared database);
``app.location`` says which.

SQLite is opened with foreign keys on, WAL, ``synchronous=FULL`` and a busy timeout. The
driver's own transaction handling is switched off and ``BEGIN`` is emitted by SQLAlchemy, so
a unit of work that will write begins with ``BEGIN IMMEDIATE`` and holds the write lock from the
first statement (see the SQLite dialect docs, "Serializable isolation / Savepoints /
Transactional DDL").
"""

from __future__ import annotations

import os
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.kernel.errors import StorageError
from app.kernel.limits import clip
from app.models.revisions import check_revision, head

BUSY_TIMEOUT_MS = 10_000
#: Connection execution option: begin the transaction holding the write lock (SQLite).
WRITE = "appleuse_write"


def make_engine(url: str, *, lock_timeout_ms: int = BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """An engine for ``url`` (``app.location.resolve_url`` finds it), tuned per dialect.

    ``lock_timeout_ms``: how long a writer waits for another's lock before the unit of work
    retries (SQLite ``busy_timeout``; PostgreSQL ``lock_timeout``).
    """
    resolved = make_url(url)
    if resolved.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", lock_timeout_ms / 1000)
        engine = create_engine(resolved, **kwargs)
        _tune_sqlite(engine, lock_timeout_ms)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if resolved.get_backend_name() == "postgresql":
        from app.models.work import postgresql_options

        postgresql_options()
        options = kwargs.setdefault("connect_args", {})
        options.setdefault("options", f"-c lock_timeout={int(lock_timeout_ms)}")
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _utc_session)
        return engine
    return create_engine(resolved, **kwargs)


def _utc_session(dbapi_connection: Any, connection_record: Any) -> None:
    """A PostgreSQL session's zone is UTC whatever the server's or the client's (``PGTZ``)
    default: instants come back in UTC as they are (psycopg's own ``timezone.utc``: nothing to
    convert, a client's history reads 13% faster than with ``ZoneInfo("Etc/UTC")``), and no
    statement depends on where the server is."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET outside any transaction: it stays
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET TIME ZONE 'UTC'")
    finally:
        cursor.close()
        dbapi_connection.autocommit = autocommit


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
        if not memory:
            _keep_private(str(engine.url.database))

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _keep_private(database: str) -> None:
    """The database file and its journal readable by the user only (POSIX 0600): they hold
    clients' RFCs and phones."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        path = Path(database + suffix)
        try:
            if path.is_file() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # not ours to change (a shared or read-only file): leave it
            pass


#: The first key of AppleUse's PostgreSQL advisory locks ("AU").
LOCK_SPACE = 0x4155


def advisor_lock(engine: Engine, advisor_id: int) -> Connection | None:
    """On a shared PostgreSQL database, one window per advisor: a session-level advisory
    lock held on a connection of its own while the window lives (close it to release). None
    when another window holds it. SQLite: the lock file beside the database does this."""
    if engine.dialect.name != "postgresql":
        return None
    from sqlalchemy import text

    conn = engine.connect()
    taken = conn.execute(
        text("SELECT pg_try_advisory_lock(:space, :advisor)"),
        {"space": LOCK_SPACE, "advisor": advisor_id},
    ).scalar()
    conn.commit()
    if taken:
        return conn
    conn.close()
    return None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# -- migrations -------------------------------------------------------------------------------


def alembic_config(engine: Engine | None = None) -> Any:
    """An Alembic config whose scripts live in the ``app.models.migrations`` package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("app.models.migrations")))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None: never migrated), with a plain
    query — Alembic is imported only when a migration is needed."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def needs_upgrade(engine: Engine) -> bool:
    """Whether migrations are pending; a schema from a newer AppleUse is refused
    (``revisions.NewerSchemaError``) before anything is written or copied."""
    current = current_revision(engine)
    check_revision(current)
    return current != head()


def integrity_problems(engine: Engine, *, thorough: bool = False) -> list[str]:
    """SQLite's ``quick_check`` (``integrity_check`` when ``thorough``): the damage found, in
    the database's own words (empty: none). PostgreSQL checks its pages itself: empty."""
    if not is_sqlite(engine) or engine.url.database in (None, "", ":memory:"):
        return []
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with engine.connect() as conn:
            rows = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA {pragma}")]
    except DBAPIError as exc:  # not even readable: a truncated file, not a database
        return [str(exc.orig)]
    return [] if rows == ["ok"] else rows


def check_integrity(engine: Engine, problems: list[str] | None = None) -> None:
    """Refuse a damaged SQLite file before anything writes to it (a Spanish StorageError).
    ``problems``: what ``revisions.sqlite_quick_check`` already found (no second check)."""
    problems = integrity_problems(engine) if problems is None else problems
    if problems:
        raise StorageError(
            "damaged",
            "La base de datos está dañada; no se modificó nada. Revísela con «appleuse db "
            f"check» y restaure el respaldo más reciente. ({clip(problems[0])})",
        )


def backup_sqlite(engine: Engine, now: datetime | None = None) -> Path | None:
    """A checked backup of the SQLite file in the ``respaldos`` folder beside it, before a
    migration (``app.models.backups``); None for another database or an empty file."""
    database = engine.url.database
    if not is_sqlite(engine) or not database or database == ":memory:":
        return None
    source = Path(database)
    if not source.exists() or source.stat().st_size == 0:
        return None
    from app.models.backups import create_backup

    return create_backup(source, source.resolve().parent / "respaldos", now, "migracion").path


def upgrade(
    engine: Engine, *, backup: bool = True, problems: list[str] | None = None
) -> Path | None:
    """Bring the schema to the newest revision. On SQLite, when a migration is pending and the
    file already holds data, copy it first; return the backup path (None when none was made).
    A damaged file or a newer schema is refused before anything is written or copied.
    ``problems``: the integrity check's findings when the caller already ran it."""
    check_integrity(engine, problems)
    if not needs_upgrade(engine):
        return None
    _check_not_foreign(engine)
    made = backup_sqlite(engine) if backup and _has_tables(engine) else None
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return made


def _check_not_foreign(engine: Engine) -> None:
    """A database with tables named like AppleUse's but no record of its revisions was not
    made by AppleUse (or lost that record): migrating it would fail half-way. Refused."""
    from sqlalchemy import inspect

    from app.models import Base

    if current_revision(engine) is not None:
        return
    clash = set(inspect(engine).get_table_names()) & set(Base.metadata.tables)
    if clash:
        raise StorageError(
            "foreign",
            "La base de datos ya tiene tablas con los nombres de AppleUse "
            f"({', '.join(sorted(clash)[:3])}…) pero no su registro de versiones: no es una "
            "base de AppleUse. No se modificó nada.",
        )


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())
