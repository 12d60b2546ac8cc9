"""Engine selection, instants stored as UTC, the `appleuse db upgrade` command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.location import ENV_VAR, resolve_url
from app.models import Advisor
from app.models.engine import current_revision, head_revision, make_engine


def test_resolve_url_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:///from-env.sqlite3")
    assert resolve_url("sqlite:///explicit.sqlite3") == "sqlite:///explicit.sqlite3"
    assert resolve_url(None) == "sqlite:///from-env.sqlite3"
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = resolve_url(None)
    assert url.startswith("sqlite:///") and url.endswith("appleuse.sqlite3")
    assert str(tmp_path) in url


def test_instants_round_trip_as_aware_utc(engine: Engine) -> None:
    local = datetime(2026, 11, 24, 10, 0, 30, 123456, tzinfo=timezone(timedelta(hours=-6)))
    with Session(engine) as s, s.begin():
        s.add(Advisor(id=1, name="Ana", active=True, created_at=local))
    with Session(engine) as s:
        stored = s.scalars(select(Advisor.created_at)).one()
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == local
    assert stored == datetime(2026, 11, 24, 16, 0, 30, 123456, tzinfo=UTC)


@pytest.mark.skipif(not os.environ.get("APPLEUSE_TEST_PG"), reason="needs PostgreSQL")
def test_postgresql_sessions_are_in_utc_whatever_the_server_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The session's zone is UTC even where the server (or the client's environment) says
    otherwise: a stored instant comes back in UTC as is, and a text without an offset is read
    as UTC."""
    monkeypatch.setenv("PGTZ", "America/Mexico_City")  # what libpq would send otherwise
    engine = make_engine(os.environ["APPLEUSE_TEST_PG"])
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
            noon = conn.exec_driver_sql("SELECT TIMESTAMPTZ '2026-12-01 12:00'").scalar()
    finally:
        engine.dispose()
    assert noon == datetime(2026, 12, 1, 12, 0, tzinfo=UTC) and noon.tzinfo is UTC


def test_naive_instants_are_refused(engine: Engine) -> None:
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError), Session(engine) as s, s.begin():
        s.add(Advisor(name="Ana", active=True, created_at=datetime(2026, 11, 24, 10, 0)))


def test_db_upgrade_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    cmd = [sys.executable, "-m", "app", "--db", url, "db", "upgrade"]
    first = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "actualizada" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "al día" in second.stdout
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_db_command_needs_an_action() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "db"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith("appleuse: error:")


def test_cli_commands_import_no_database_library() -> None:
    """`appleuse quote` (and the parser with every command registered) stays light."""
    code = (
        "import sys, app.cli; app.cli.build_parser();"
        "roots = ('sqlalchemy', 'alembic', 'PySide6');"
        "heavy = [m for m in sys.modules if m.split('.')[0] in roots];"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
