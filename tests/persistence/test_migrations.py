"""Migrations: from empty to head, metadata and migrations agree, backups before upgrading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.models import Base
from app.models.engine import (
    backup_sqlite,
    current_revision,
    head_revision,
    make_engine,
    needs_upgrade,
    upgrade,
)


def test_upgrade_from_empty_reaches_head(fresh_engine: Engine) -> None:
    assert current_revision(fresh_engine) == head_revision()
    assert not needs_upgrade(fresh_engine)
    tables = set(inspect(fresh_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_metadata_matches_migrations(fresh_engine: Engine) -> None:
    with fresh_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_is_a_no_op(fresh_engine: Engine) -> None:
    assert upgrade(fresh_engine) is None
    assert current_revision(fresh_engine) == head_revision()


def test_downgrade_to_empty_and_back(fresh_engine: Engine) -> None:
    from alembic import command

    from app.models.engine import alembic_config

    config = alembic_config()
    with fresh_engine.connect() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert current_revision(fresh_engine) is None
    assert not set(Base.metadata.tables) & set(inspect(fresh_engine).get_table_names())
    upgrade(fresh_engine)
    assert current_revision(fresh_engine) == head_revision()


def test_sqlite_file_is_backed_up_before_a_pending_migration(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    with sqlite3.connect(path) as raw:  # a database from an older version, with data
        raw.execute("CREATE TABLE legacy (x INTEGER)")
        raw.execute("INSERT INTO legacy VALUES (42)")
    engine = make_engine(f"sqlite:///{path}")
    backup = upgrade(engine)
    engine.dispose()
    assert backup is not None and backup.exists() and backup.parent == tmp_path / "respaldos"
    assert backup.name.endswith("-migracion.sqlite3")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT x FROM legacy").fetchall() == [(42,)]


def test_fresh_sqlite_file_needs_no_backup(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert upgrade(engine) is None
    engine.dispose()
    assert not (tmp_path / "respaldos").exists()


def test_backup_of_memory_database_is_none() -> None:
    engine = make_engine("sqlite://")
    assert backup_sqlite(engine) is None


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from app.models.engine import alembic_config

    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def test_upgrade_from_previous_revision_keeps_data(empty_db_url: str) -> None:
    """0001 → head with an issued receipt: its rows survive and its hours by band are filled."""
    from sqlalchemy import text

    engine = make_engine(empty_db_url)
    _migrate(engine, "0001")
    assert current_revision(engine) == "0001" and needs_upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO advisors (id, name, active, created_at)"
                " VALUES (1, 'Ana', true, '2026-11-24 16:00:00+00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO clients (id, name, phone, email, city, address, notes, active,"
                " created_at, updated_at) VALUES (1, 'Lucía', '', '', 'Xalapa', '', '', true,"
                " '2026-11-24 16:00:00+00', '2026-11-24 16:00:00+00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO receipts (id, series, number, folio, client_id, advisor_id,"
                " issued_at, modality, worked_minutes, billable_hours, subtotal, discount,"
                " credits, base, iva, total, tariff_snapshot, status) VALUES (1, 'A', 1,"
                " 'A-000001', 1, 1, '2026-11-24 18:00:00+00', 'remote', 100, 2, 600, 0, 0,"
                " 600, 96, 696, '{}', 'issued')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO receipt_lines (receipt_id, position, kind, description, band,"
                " hours, rate, amount) VALUES (1, 1, 'hours', 'x', 'outside', 2, 300, 600)"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT folio, total, business_hours, outside_hours FROM receipts")
        ).one()
    assert (row.folio, row.business_hours, row.outside_hours) == ("A-000001", 0, 2)
    assert str(row.total) in ("696", "696.00")
    _migrate(engine, "0001", down=True)
    assert current_revision(engine) == "0001"
    engine.dispose()


def test_history_probe_reads_the_partial_index_of_records(fresh_engine: Engine) -> None:
    """Revision 0012's index holds what the model's RECORDS_WHERE says, and the history's
    "has this session a record?" is answered from it: were the query's condition and the
    index's to drift apart, the database would read every event again."""
    from sqlalchemy import text

    from app.kernel.timeline import RECORDS_WHERE
    from app.services.client_history import _SESSION_LINES

    with fresh_engine.connect() as conn:
        if fresh_engine.dialect.name == "sqlite":
            made = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_session_events_records'")
            ).scalar_one()
            assert made.endswith(f"WHERE {RECORDS_WHERE}")
            plan = conn.execute(text(f"EXPLAIN QUERY PLAN {_SESSION_LINES}"), {"client": 1})
        else:
            made = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": "ix_session_events_records"},
            ).scalar_one()
            for kind in ("disconnected", "disconnection_added", "remote_requested"):
                assert f"'{kind}'" in made and kind in RECORDS_WHERE
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            plan = conn.execute(text(f"EXPLAIN {_SESSION_LINES}"), {"client": 1})
        assert "ix_session_events_records" in " ".join(str(row[-1]) for row in plan)
