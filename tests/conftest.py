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


_PG_AT_HEAD: dict[str, bool] = {}


@pytest.fixture(params=DB_BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(db_backend: str, tmp_path: Path) -> str:
    """A truly empty database (no tables): for migration tests."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    url = os.environ["APPLEUSE_TEST_PG"]
    reset_pg_schema(url)
    _PG_AT_HEAD.clear()
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy."""
    from app.models.engine import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "appleuse.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()  # the last connection checkpoints and removes the WAL
    return path


@pytest.fixture
def db_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database at the newest revision with no rows in any table.

    SQLite: a copy of a migrated file. PostgreSQL: the schema is dropped and migrated once per
    test run (and again after a migration test), then every table is truncated per test.
    """
    if db_backend == "sqlite":
        import shutil

        path = tmp_path / "appleuse.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text

    url = os.environ["APPLEUSE_TEST_PG"]
    if not _PG_AT_HEAD.get(url):
        from app.models.engine import make_engine, upgrade

        reset_pg_schema(url)
        eng = make_engine(url)
        upgrade(eng)
        eng.dispose()
        _PG_AT_HEAD[url] = True
        return url
    from app.models import Base

    eng = create_engine(url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with eng.begin() as conn:
            # the append-only tables refuse TRUNCATE (revision 0005); the test reset is not
            # the app: as superuser, skip the triggers for this one statement
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        eng.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    """An engine on a migrated database with no rows."""
    from app.models.engine import make_engine

    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def fresh_engine(empty_db_url: str) -> Iterator[Any]:
    """An engine on an empty database, migrated from nothing to the newest revision."""
    from app.models.engine import make_engine, upgrade

    eng = make_engine(empty_db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> Any:
    """A fake clock at Tuesday 2026-11-24 10:00 hora del centro."""
    from app.kernel.clock import FakeClock

    return FakeClock()
