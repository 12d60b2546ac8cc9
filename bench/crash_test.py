"""Crash test: SIGKILL a process that records session events, at random moments, many times.

Modelled on SQLite's own crash tests: after each kill the database is reopened and checked —
every event the child acknowledged (printed after its commit) must be there, the sequence must
have no hole, the running session must be found, and ``PRAGMA integrity_check`` must say ok.

    .venv/bin/python bench/crash_test.py [--trials 50] [--db URL] [--max-ms 400]

Without ``--db`` a fresh SQLite file in a temporary directory is used.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(url: str, session_id: int) -> None:
    from app.models.engine import make_engine
    from app.services.facade import Services

    sessions = Services.create(make_engine(url)).sessions
    print("ready", flush=True)
    while True:
        view = sessions.session(session_id)
        view = sessions.resume(session_id) if view.paused else sessions.pause(session_id)
        print(f"ack {view.events[-1].seq}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--max-ms", type=float, default=400.0, help="latest kill after ready")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--child", nargs=2, metavar=("URL", "SESSION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from app.kernel.enums import Modality
    from app.models import SessionEvent
    from app.models.engine import make_engine, upgrade
    from app.services.data import ClientData
    from app.services.facade import Services

    rng = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="appleuse-crash-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'crash.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    services = Services.create(engine)
    advisor = services.clients.create_advisor("Asesor de prueba").id
    client = services.clients.create_client(ClientData("Cliente de prueba", city="Xalapa")).id
    session_id = services.sessions.start(advisor, client, Modality.OFFICE).id
    engine.dispose()

    acknowledged = found = lost = holes = not_found = 0
    integrity: dict[str, int] = {}
    for _ in range(args.trials):
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", url, str(session_id)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit("the child did not start")
        time.sleep(rng.uniform(0, args.max_ms) / 1000)
        proc.send_signal(signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        acks = [int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack ")]
        acked = max(acks, default=0)

        engine = make_engine(url)
        with Session(engine) as db:
            seqs = db.scalars(
                select(SessionEvent.seq)
                .where(SessionEvent.session_id == session_id)
                .order_by(SessionEvent.seq)
            ).all()
            total = db.scalar(select(func.count()).select_from(SessionEvent)) or 0
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                result = str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())
        else:
            result = "n/a (server)"
        integrity[result] = integrity.get(result, 0) + 1
        running = Services.create(engine).sessions.running_session(advisor)
        engine.dispose()

        acknowledged += len(acks)
        found = total
        if acked and acked not in seqs:
            lost += 1
        if seqs != list(range(1, len(seqs) + 1)):
            holes += 1
        if running is None or running.id != session_id:
            not_found += 1

    print(f"database:               {engine.url.render_as_string(hide_password=True)}")
    print(f"trials:                 {args.trials}")
    print(f"events acknowledged:    {acknowledged} (by the killed processes)")
    print(f"events found:           {found} (at the end; ≥ acknowledged + 1 start event)")
    print(f"acknowledged but lost:  {lost} trials")
    print(f"sequence holes:         {holes} trials")
    print(f"running session lost:   {not_found} trials")
    print("integrity_check:        " + ", ".join(f"{k} × {v}" for k, v in integrity.items()))
    tmp.cleanup()
    healthy = set(integrity) <= {"ok", "n/a (server)"} and found >= acknowledged + 1
    return 0 if healthy and lost == holes == not_found == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
