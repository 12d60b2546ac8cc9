"""Alembic environment: runs on the connection handed over by
``app.models.engine.upgrade`` (or on the URL set in the config, for the ``alembic`` command
line)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    if not sqlite:
        with context.begin_transaction():
            context.run_migrations()
        return
    # SQLite rebuilds tables to alter them ("batch" mode); foreign keys must be off meanwhile
    # (a PRAGMA that only works outside a transaction, so it goes straight to the driver).
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.models.engine import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Indique la base de datos: sqlalchemy.url en la configuración de Alembic.")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Las migraciones de AppleUse se aplican en línea (appleuse db upgrade).")
run_migrations_online()
