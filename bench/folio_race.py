"""Folio race: several processes issue receipts at the same moment on one database.

Like Odoo's sequence concurrency test: N connections at once, then the folio numbers must be
exactly 1..N×K — no duplicate, no gap.

    .venv/bin/python bench/folio_race.py [--processes 8] [--each 25] [--db URL]

Without ``--db`` a fresh SQLite file in a temporary directory is used. With ``--db`` the
database must be empty (its schema is created).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(url: str, advisor_id: int, client_id: int, count: int) -> None:
    from app.kernel.enums import Modality, Outcome
    from app.models.engine import make_engine
    from app.services.facade import Services

    services = Services.create(make_engine(url))
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    for _ in range(count):
        sid = services.sessions.start(advisor_id, client_id, Modality.OFFICE).id
        services.sessions.end(sid, Outcome.RESOLVED)
        print(services.receipts.issue_for_session(sid).folio, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--each", type=int, default=25)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, advisor, client, count = args.child
        child(url, int(advisor), int(client), int(count))
        return 0

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.models import Receipt
    from app.models.engine import make_engine, upgrade
    from app.services.data import ClientData
    from app.services.facade import Services

    tmp = tempfile.TemporaryDirectory(prefix="appleuse-race-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'race.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    services = Services.create(engine)
    client = services.clients.create_client(ClientData("Cliente de mostrador", city="Xalapa")).id
    advisors = [services.clients.create_advisor(f"Asesor {i}").id for i in range(args.processes)]
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", url, str(a), str(client), str(args.each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for a in advisors
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    folios: list[str] = []
    failures = 0
    for proc in procs:
        out, _ = proc.communicate()
        folios += out.split()
        failures += proc.returncode != 0
    elapsed = time.perf_counter() - began
    with Session(engine) as db:
        numbers = db.scalars(select(Receipt.number).order_by(Receipt.number)).all()
    engine.dispose()

    n = args.processes * args.each
    exact = list(numbers) == list(range(1, n + 1)) and len(set(folios)) == len(folios) == n
    print(f"database:      {engine.url.render_as_string(hide_password=True)}")
    print(f"processes:     {args.processes} × {args.each} receipts")
    print(f"failed procs:  {failures}")
    print(f"receipts:      {len(numbers)} stored, {len(folios)} reported")
    print(f"numbers 1..N:  {'yes' if exact else 'NO'}")
    print(f"elapsed:       {elapsed:.2f} s ({n / elapsed:.0f} receipts/s incl. sessions)")
    tmp.cleanup()
    return 0 if exact and not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
