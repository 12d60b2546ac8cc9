"""Every database fault a real office meets leaves a unit of work as one Spanish
``StorageError`` (never a raw driver exception), and nothing is changed — SQLite and, where
the fault exists there, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from app.kernel.clock import FakeClock
from app.kernel.errors import DomainError, StorageError
from app.models import Client
from app.models.engine import make_engine, upgrade
from app.services.data import ClientData
from app.services.facade import Services
from app.services.faults import translate

NAME = ClientData("Lucía Pérez", city="Xalapa")


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "faults.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng, backup=False)
    Services.create(eng, FakeClock()).clients.create_client(NAME)
    eng.dispose()
    yield path


def clients(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM clients")).scalar_one())


def refused(services: Services, kind: str) -> StorageError:
    with pytest.raises(StorageError) as caught:
        services.clients.create_client(ClientData("Otro cliente"))
    assert caught.value.kind == kind, str(caught.value)
    assert isinstance(caught.value, DomainError)  # the window and the CLI show it as any refusal
    return caught.value


def test_a_read_only_file(sqlite_file: Path) -> None:
    eng = make_engine(f"sqlite:///file:{sqlite_file}?mode=ro&uri=true")
    error = refused(Services.create(eng, FakeClock()), "read_only")
    assert "solo lectura" in str(error) and "no se guardó nada" in str(error)
    assert Services.create(eng, FakeClock()).clients.clients()[0].name == NAME.name  # reads work


def test_a_full_disk(sqlite_file: Path) -> None:
    eng = make_engine(f"sqlite:///{sqlite_file}")

    @event.listens_for(eng, "connect")
    def _full(dbapi_connection: Any, _: Any) -> None:  # no page may be added
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    sv = Services.create(eng, FakeClock())
    with pytest.raises(StorageError) as caught:
        for n in range(200):  # until a new page is needed
            sv.clients.create_client(ClientData(f"Cliente {n} " + "x" * 150, notes="y" * 2000))
    assert caught.value.kind == "disk_full" and "disco está lleno" in str(caught.value)


def test_a_damaged_file(sqlite_file: Path) -> None:
    size = sqlite_file.stat().st_size
    with sqlite_file.open("r+b") as f:  # garbage over the pages after the first
        f.seek(4096)
        f.write(os.urandom(size - 4096))
    eng = make_engine(f"sqlite:///{sqlite_file}")
    with pytest.raises(StorageError) as caught:
        Services.create(eng, FakeClock()).clients.clients()
    assert caught.value.kind == "damaged" and "appleuse db check" in str(caught.value)


def test_a_missing_sqlite_file(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}")
    with pytest.raises(StorageError) as caught:
        Services.create(eng, FakeClock()).clients.clients()
    assert caught.value.kind == "missing"


def test_rewriting_history_is_a_clear_message(engine: Engine) -> None:
    from app.kernel.enums import Modality

    sv = Services.create(engine, FakeClock())
    client = sv.clients.create_client(NAME).id
    sid = sv.sessions.start(sv.clients.create_advisor("Ana").id, client, Modality.OFFICE).id

    def rewrite(s: Session) -> None:
        s.execute(text("UPDATE session_events SET note = 'otra cosa'"))

    with pytest.raises(StorageError) as caught:
        sv.db.write(rewrite)
    assert caught.value.kind == "history" and "historial no se modifica" in str(caught.value)
    assert [e.note for e in sv.sessions.session(sid).events] == [""]


def test_no_server_at_the_address() -> None:
    eng = make_engine("postgresql+psycopg://appleuse@127.0.0.1:1/appleuse", pool_pre_ping=False)
    with pytest.raises(StorageError) as caught:
        Services.create(eng, FakeClock()).clients.advisors()
    assert caught.value.kind == "connection" and "servidor" in str(caught.value)


if os.environ.get("APPLEUSE_TEST_PG"):  # faults only PostgreSQL has; SQLite's are above

    @pytest.fixture
    def pg_engine() -> Iterator[Engine]:
        """A migrated PostgreSQL database of its own (the shared one is migrated again by
        the next test that asks for it)."""
        from tests.conftest import _PG_AT_HEAD, reset_pg_schema

        url = os.environ["APPLEUSE_TEST_PG"]
        reset_pg_schema(url)
        _PG_AT_HEAD.clear()
        eng = make_engine(url)
        upgrade(eng, backup=False)
        yield eng
        eng.dispose()

    def test_a_value_too_large_for_postgresql(pg_engine: Engine) -> None:
        sv = Services.create(pg_engine, FakeClock())

        def long_name(s: Session) -> None:
            now = FakeClock()()
            s.add(Client(name="x" * 201, phone="", email="", city="", address="", notes="",
                         active=True, created_at=now, updated_at=now))  # fmt: skip
            s.flush()

        with pytest.raises(StorageError) as caught:
            sv.db.write(long_name)
        assert caught.value.kind == "too_large"
        assert clients(pg_engine) == 0

    def test_a_missing_postgresql_database(pg_engine: Engine) -> None:
        url = pg_engine.url.set(database="appleuse_no_such_database")
        eng = make_engine(url.render_as_string(hide_password=False))
        with pytest.raises(StorageError) as caught:
            Services.create(eng, FakeClock()).clients.advisors()
        assert caught.value.kind == "missing"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("InvalidPassword", "authentication"),  # a wrong PostgreSQL password (28P01)
        ("InvalidAuthorizationSpecification", "authentication"),
        ("InvalidCatalogName", "missing"),
        ("DiskFull", "disk_full"),
        ("ReadOnlySqlTransaction", "read_only"),
        ("DataCorrupted", "damaged"),
        ("AdminShutdown", "connection"),
        ("NumericValueOutOfRange", "too_large"),
        ("StringDataRightTruncation", "too_large"),
        ("RestrictViolation", "history"),
    ],
)
def test_postgresql_errors_by_their_sqlstate(error: str, kind: str) -> None:
    """psycopg's own exception classes (the trust-authenticated test server cannot refuse a
    password): each SQLSTATE is recognised without looking at the text."""
    import psycopg.errors

    exc = getattr(psycopg.errors, error)("servidor: mensaje cualquiera")
    assert translate(exc).kind == kind


def test_an_unknown_fault_is_still_one_short_spanish_line() -> None:
    error = translate(RuntimeError("x" * 500))
    assert error.kind == "unknown" and str(error).startswith("Error de la base de datos (")
    assert len(str(error)) < 140
