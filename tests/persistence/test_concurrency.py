"""Several processes issue receipts at the same moment: folios are exactly 1..N, no gap, no
duplicate (on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.kernel.clock import SystemClock
from app.models import FolioCounter, Receipt
from app.services.data import ClientData
from app.services.facade import Services
from tests.persistence.test_durability import spawn

PROCESSES = 4
EACH = 6


def test_concurrent_folios_are_gapless(engine: Engine, db_url: str) -> None:
    services = Services.create(engine, SystemClock())
    client = services.clients.create_client(ClientData("Cliente de mostrador", city="Xalapa")).id
    advisors = [services.clients.create_advisor(f"Asesor {i}").id for i in range(PROCESSES)]
    children = [spawn("issue", db_url, str(a), str(client), str(EACH)) for a in advisors]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:  # all wait on stdin: release them together
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    folios: list[str] = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        folios += out.split()

    n = PROCESSES * EACH
    assert sorted(folios) == [f"A-{k:06d}" for k in range(1, n + 1)]
    with Session(engine) as db:
        numbers = db.scalars(select(Receipt.number).order_by(Receipt.number)).all()
        assert numbers == list(range(1, n + 1))
        assert db.scalar(select(func.count()).select_from(Receipt)) == n
        assert db.get(FolioCounter, "A").next_number == n + 1  # type: ignore[union-attr]
