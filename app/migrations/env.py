"""Alembic environment: runs on the connection handed over by ``app.db.upgrade`` (or on the
URL set in the config, for the ``alembic`` command line)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Las migraciones de AppleUse se aplican en línea (appleuse db upgrade).")
run_migrations_online()
