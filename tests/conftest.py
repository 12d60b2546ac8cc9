import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# -- persistence fixtures --------------------------------------------------------------------
# SQLAlchemy is imported inside the fixtures only: tests that check `appleuse quote` stays free
# of heavy imports must not find it loaded by this file.
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: The persistence tests run on SQLite always and on PostgreSQL when APPLEUSE_TEST_PG is set.
DB_BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("APPLEUSE_TEST_PG") else [])


def reset_pg_schema(url: str) -> None:
    """Start a PostgreSQL test from an empty ``public`` schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=DB_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in tmp_path, or the clean PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'appleuse.sqlite3'}"
    url = os.environ["APPLEUSE_TEST_PG"]
    reset_pg_schema(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    """An engine on an empty database migrated to the newest revision."""
    from app.db import make_engine, upgrade

    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> Any:
    """A fake clock at Tuesday 2026-11-24 10:00 hora del centro."""
    from app.clock import FakeClock

    return FakeClock()
