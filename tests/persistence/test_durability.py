"""A process killed with SIGKILL mid-session loses nothing it acknowledged; the running session
is found again with its elapsed time intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.kernel.clock import SystemClock
from app.kernel.enums import EventKind, Modality
from app.models import SessionEvent
from app.models.engine import make_engine
from app.services.data import ClientData
from app.services.facade import Services

ROOT = Path(__file__).resolve().parents[2]


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.persistence.workers", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_running_session_survives_sigkill(engine: Engine, db_url: str) -> None:
    services = Services.create(engine, SystemClock())
    ana = services.clients.create_advisor("Ana").id
    client = services.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    started = services.sessions.start(ana, client, Modality.OFFICE)

    for kill_after in (1, 7, 23):  # different moments, each mid-way through the next event
        child = spawn("record", db_url, str(started.id))
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        acked = 0
        for _ in range(kill_after):
            line = child.stdout.readline().split()
            assert line[0] == "ack"
            acked = int(line[1])
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL

        # "restart": a fresh engine, as the app would open it
        fresh = make_engine(db_url)
        again = Services.create(fresh, SystemClock())
        found = again.sessions.running_session(ana)
        assert found is not None and found.id == started.id
        assert found.started_at == started.started_at  # elapsed time intact
        seqs = [e.seq for e in found.events]
        assert seqs == list(range(1, len(seqs) + 1))  # nothing torn, nothing missing
        assert len(seqs) >= acked
        assert found.worked(datetime.now(UTC)) >= timedelta(0)
        assert again.sessions.live_bill(found.id).billable_hours >= 1
        fresh.dispose()

    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    with Session(engine) as db:
        kinds = db.scalars(select(SessionEvent.kind).order_by(SessionEvent.seq)).all()
    assert kinds[0] is EventKind.STARTED
    assert set(kinds[1:]) <= {EventKind.PAUSED, EventKind.RESUMED}
