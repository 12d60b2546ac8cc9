"""The partial index that allows one running session per advisor: partial on both dialects,
without SQLite start-ups importing SQLAlchemy's PostgreSQL dialect."""

import subprocess
import sys

from sqlalchemy.schema import CreateIndex

from app.models.engine import make_engine
from app.models.work import WorkSession


def running_index():
    return next(i for i in WorkSession.__table__.indexes if i.name == "uq_sessions_running_advisor")


def test_the_index_is_partial_on_sqlite_and_on_postgresql() -> None:
    sqlite = make_engine("sqlite://")
    assert str(CreateIndex(running_index()).compile(dialect=sqlite.dialect)).endswith(
        "WHERE ended_at IS NULL"
    )
    postgresql = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    ddl = str(CreateIndex(running_index()).compile(dialect=postgresql.dialect))
    assert ddl == (
        "CREATE UNIQUE INDEX uq_sessions_running_advisor ON sessions (advisor_id) "
        "WHERE ended_at IS NULL"
    )


def test_a_sqlite_start_does_not_import_the_postgresql_dialect() -> None:
    code = (
        "import sys; import app.models.work, app.models.engine as e; "
        "e.make_engine('sqlite://').connect().close(); "
        "print('sqlalchemy.dialects.postgresql' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
