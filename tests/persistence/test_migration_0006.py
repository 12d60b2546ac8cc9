"""Revision 0006 on a database with sessions (SQLite and PostgreSQL): the events survive, the
new columns are empty, a correction can be stored and the append-only triggers still hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, text

from app.kernel.clock import FakeClock
from app.kernel.enums import EventKind
from app.models.engine import current_revision, head_revision, make_engine, upgrade
from app.services.facade import Services

ROWS = [
    "INSERT INTO advisors (id, name, active, created_at)"
    " VALUES (1, 'Ana', true, '2026-11-24 16:00:00+00')",
    "INSERT INTO clients (id, name, phone, email, city, address, notes, active, created_at,"
    " updated_at) VALUES (1, 'Lucía', '', '', 'Xalapa', '', '', true,"
    " '2026-11-24 16:00:00+00', '2026-11-24 16:00:00+00')",
    "INSERT INTO cases (id, number, client_id, modality, summary, state, opened_at, closed_at)"
    " VALUES (1, 1, 1, 'office', '', 'resolved', '2026-11-24 16:00:00+00',"
    " '2026-11-24 18:00:00+00')",
    "INSERT INTO sessions (id, case_id, advisor_id, modality, city, started_at, ended_at,"
    " outcome, follow_up, payment_arrangement, checklist_internet, checklist_macos, notes)"
    " VALUES (1, 1, 1, 'office', 'Xalapa', '2026-11-24 16:00:00+00',"
    " '2026-11-24 18:00:00+00', 'resolved', false, 'at_end', false, false, '')",
    "INSERT INTO session_events (session_id, seq, kind, at, note)"
    " VALUES (1, 1, 'started', '2026-11-24 16:00:00+00', '')",
    "INSERT INTO session_events (session_id, seq, kind, at, note)"
    " VALUES (1, 2, 'ended', '2026-11-24 18:00:00+00', 'listo')",
]


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from app.models.engine import alembic_config

    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0006_upgrades_a_database_with_sessions(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    _migrate(engine, "0005")
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    columns = {c["name"] for c in inspect(engine).get_columns("session_events")}
    assert {"span_start", "span_end", "author_id"} <= columns
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT seq, kind, note, span_start, span_end, author_id FROM session_events")
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, "started", "", None, None, None),
        (2, "ended", "listo", None, None, None),
    ]
    # the old session is read, billed and corrected by today's code
    clock = FakeClock(datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    services = Services.create(engine, clock)
    assert services.sessions.final_bill(1).billable_hours == 2
    corrected = services.corrections.correct_end(
        1, datetime(2026, 11, 24, 17, 0, tzinfo=UTC), reason="Olvido", author_id=1
    )
    assert corrected.events[-1].kind is EventKind.END_CORRECTED
    assert services.sessions.final_bill(1).billable_hours == 1
    # still append-only, the new columns included
    for statement in (
        "UPDATE session_events SET author_id = NULL WHERE seq = 3",
        "DELETE FROM session_events WHERE seq = 3",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    # a downgrade would lose the corrections: refused, nothing changed (the later revisions
    # hold nothing yet, so they step down first)
    _migrate(engine, "0006", down=True)
    with pytest.raises(RuntimeError, match="corrections"):
        _migrate(engine, "0005", down=True)
    assert current_revision(engine) == "0006"
    engine.dispose()


def test_0006_downgrades_while_no_correction_is_stored(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    _migrate(engine, "0005")
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))
    _migrate(engine, "0006")
    _migrate(engine, "0005", down=True)
    assert current_revision(engine) == "0005"
    columns = {c["name"] for c in inspect(engine).get_columns("session_events")}
    assert not {"span_start", "span_end", "author_id"} & columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM session_events")).scalar() == 2
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM session_events"))
    engine.dispose()
