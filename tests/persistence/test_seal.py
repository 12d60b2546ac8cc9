"""The seal a clean close leaves on a SQLite file (``app.models.seal``): the next start skips
the file's check only when the file is exactly as sealed, and only once."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models import revisions
from app.models.engine import make_engine, upgrade
from app.models.seal import seal, seal_file, take_seal


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A migrated SQLite file (WAL mode, as the app keeps it), every connection closed."""
    path = tmp_path / "taller.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, backup=False)
    engine.dispose()
    return path


def write(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO advisors (name, active, created_at) VALUES ('Ana', 1, '2026-12-01')"
        )
    conn.close()


def test_a_sealed_file_vouches_for_one_start(shop: Path) -> None:
    assert seal(shop) and seal_file(shop).is_file()
    if os.name == "posix":
        assert seal_file(shop).stat().st_mode & 0o777 == 0o600
    assert take_seal(shop) is True
    assert not seal_file(shop).exists()  # used once
    assert take_seal(shop) is False  # no seal: the check runs


def test_reading_the_file_keeps_the_seal(shop: Path) -> None:
    seal(shop)
    conn = sqlite3.connect(shop)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute("SELECT count(*) FROM clients").fetchone()
    conn.close()
    assert take_seal(shop) is True


@pytest.mark.parametrize(
    "change",
    ["written", "copied over", "unreadable seal", "log left"],
)
def test_anything_but_the_sealed_file_breaks_the_seal(
    shop: Path, tmp_path: Path, change: str
) -> None:
    other = tmp_path / "otra.sqlite3"
    shutil.copyfile(shop, other)
    assert seal(shop)
    held = None
    if change == "written":
        write(shop)
    elif change == "copied over":
        os.replace(other, shop)  # same bytes, another file (a backup put in its place)
    elif change == "unreadable seal":
        seal_file(shop).write_text("{no es json", encoding="utf-8")
    else:  # a writer still has the file open, its log not yet written back
        held = sqlite3.connect(shop)
        held.execute("PRAGMA wal_autocheckpoint=0")
        with held:
            held.execute("INSERT INTO advisors (name, active, created_at) VALUES ('B', 1, 'x')")
    try:
        assert take_seal(shop) is False
        assert not seal_file(shop).exists()
    finally:
        if held is not None:
            held.close()


def test_a_file_with_a_log_left_is_not_sealed(shop: Path) -> None:
    held = sqlite3.connect(shop)
    held.execute("PRAGMA wal_autocheckpoint=0")
    with held:
        held.execute("INSERT INTO advisors (name, active, created_at) VALUES ('B', 1, 'x')")
    try:
        assert Path(f"{shop}-wal").stat().st_size > 0
        assert seal(shop) is False and not seal_file(shop).exists()
    finally:
        held.close()


def test_the_window_start_skips_the_check_of_a_sealed_file_only(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.opening import prepare

    checked: list[Path] = []
    real = revisions.sqlite_quick_check

    def spy(path: Path) -> list[str]:
        checked.append(path)
        return real(path)

    monkeypatch.setattr(revisions, "sqlite_quick_check", spy)
    clock = lambda: datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # noqa: E731
    url = f"sqlite:///{shop}"

    def start() -> None:
        opened = prepare(url, clock)
        assert opened.error is None and opened.services is not None
        opened.engine.dispose()

    start()
    assert checked == [shop]  # no seal: checked
    assert seal(shop)
    start()
    assert checked == [shop]  # sealed and untouched: not checked again
    start()
    assert checked == [shop, shop]  # the seal was used: checked
    assert seal(shop)
    write(shop)
    start()
    assert checked == [shop, shop, shop]  # written after the seal: checked
