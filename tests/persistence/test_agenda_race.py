"""Two processes book the same advisor at the same moment (two windows, two machines on a
shared database): exactly one wins, the others get the Spanish refusal, one row is saved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.kernel.clock import FakeClock
from app.models import Appointment, AppointmentChange
from app.services.data import ClientData
from app.services.facade import Services

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.persistence.agenda_workers", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_processes_book_the_same_advisor_at_once(engine: Engine, db_url: str) -> None:
    services = Services.create(engine, FakeClock())
    ana = services.clients.create_advisor("Ana").id
    clients = [
        services.clients.create_client(ClientData(f"Cliente {k}", city="Xalapa")).id
        for k in range(PROCESSES)
    ]
    # overlapping hours: 10:00, 10:15, 10:30 — any two clash
    starts = [f"2026-11-25T10:{15 * k:02d}:00-06:00" for k in range(PROCESSES)]
    children = [spawn(db_url, str(ana), str(c), s) for c, s in zip(clients, starts, strict=True)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:  # all wait on stdin: release them together
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    answers = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        answers.append(out.strip())
    won = [a for a in answers if a.startswith("ok ")]
    refused = [a for a in answers if a.startswith("refused ")]
    assert len(won) == 1 and len(refused) == PROCESSES - 1, answers
    assert all("Ana ya tiene una cita con Cliente" in r for r in refused), refused
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Appointment)) == 1
        assert db.scalar(select(func.count()).select_from(AppointmentChange)) == 1
