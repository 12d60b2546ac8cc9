"""What revision 0011's triggers (the period report's counters per UTC date) cost the writers.

    .venv/bin/python bench/report_versions.py [--sessions N] [--runs N] [--builder NAME ...]
                                              [--client-sessions N]

1. The benchmark builders with the triggers on (the schema at head) and with them dropped right
   after the migrations (the same rows, the same inserts): ``summary_cli`` (SQLAlchemy Core bulk
   inserts of N sessions with events, receipts, lines and payments) and ``bigdb`` (the standard
   library's ``executemany`` of N clients, cases, sessions and events). Each build is timed in
   this process, wall and CPU (``time.process_time``), ``--runs`` times, alternating.
2. The write the triggers make dearest: a new case of a client with a policy, which raises the
   date of every session of the client (``--client-sessions`` of them over two years), through
   the services (``SessionService.start``), with and without the triggers.

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MIGRATION = "app.models.migrations.versions.0011_report_cache"


def drop_triggers(engine: Any) -> None:
    names = importlib.import_module(MIGRATION).RAISES
    with engine.begin() as conn:
        for r in names:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS report_versions_{r.name}")


@contextmanager
def triggers(on: bool) -> Iterator[None]:
    """While inside, ``models.engine.upgrade`` leaves the 0011 triggers out when ``on`` is
    False (the builders import it when called)."""
    import app.models.engine as models

    real = models.upgrade

    def without(engine: Any, *args: Any, **kwargs: Any) -> Any:
        out = real(engine, *args, **kwargs)
        drop_triggers(engine)
        return out

    models.upgrade = real if on else without  # type: ignore[assignment]
    try:
        yield
    finally:
        models.upgrade = real  # type: ignore[assignment]


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def counters(path: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT COUNT(*), COALESCE(SUM(n), 0) FROM report_versions").fetchone()
    finally:
        conn.close()
    return int(row[0]), int(row[1])


def builder(name: str) -> Callable[[Path, int], Any]:
    """``build(path, sessions)`` of one of the benchmark builders."""
    if name == "summary_cli":
        from summary_cli import build as build_summary

        return build_summary
    from bigdb import build as build_big

    return lambda path, sessions: build_big(path, sessions, sessions, counting=True)


def builds(name: str, sessions: int, runs: int, work: Path) -> None:
    build = builder(name)
    build(work / f"{name}-warm-up.sqlite3", 200)  # imports and caches, untimed
    figures: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    rows = (0, 0)
    for k in range(runs):
        for on in (False, True):
            path = work / f"{name}-{k}-{'on' if on else 'off'}.sqlite3"
            with triggers(on):
                figures[on].append(timed(lambda p=path: build(p, sessions)))  # type: ignore[misc]
            if on:
                rows = counters(path)
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
    off_wall = statistics.median(w for w, _ in figures[False])
    off_cpu = statistics.median(c for _, c in figures[False])
    on_wall = statistics.median(w for w, _ in figures[True])
    on_cpu = statistics.median(c for _, c in figures[True])
    print(f"{name} ({sessions:,} sesiones, mediana de {runs}):")
    print(f"  sin disparadores  {off_wall:7.1f} s  (CPU {off_cpu:7.1f} s)")
    print(f"  con disparadores  {on_wall:7.1f} s  (CPU {on_cpu:7.1f} s)  "
          f"×{on_wall / off_wall:.2f} pared, ×{on_cpu / off_cpu:.2f} CPU; "
          f"{rows[0]:,} contadores, suma {rows[1]:,}")  # fmt: skip


def policy_client_case(client_sessions: int, runs: int, work: Path) -> None:
    """A new case (and its first session) of a client with a policy and many sessions."""
    from sqlalchemy import insert

    from app.kernel.clock import FakeClock
    from app.kernel.enums import Modality, Outcome
    from app.models import Case, FolioCounter, WorkSession
    from app.models.engine import make_engine, upgrade
    from app.services.counters import CASE_SERIES
    from app.services.data import ClientData, PolicyData
    from app.services.facade import Services

    for on in (False, True):
        path = work / f"policy-{'on' if on else 'off'}.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine, backup=False)
        if not on:
            drop_triggers(engine)
        clock = FakeClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
        sv = Services.create(engine, clock)
        advisor = sv.clients.create_advisor("Asesor de prueba").id
        client = sv.clients.create_client(ClientData("Cliente con póliza", city="Xalapa")).id
        first = datetime.combine(date(2024, 11, 25), datetime.min.time(), tzinfo=UTC)
        step = timedelta(days=730) / client_sessions
        cases, rows = [], []
        for i in range(client_sessions):
            start = first + i * step + timedelta(hours=15)
            cases.append({"id": i + 1, "number": i + 1, "client_id": client, "modality": "office",
                          "summary": "", "state": "resolved", "opened_at": start})  # fmt: skip
            rows.append({"id": i + 1, "case_id": i + 1, "advisor_id": advisor,
                         "modality": "office", "city": "Xalapa", "started_at": start,
                         "ended_at": start + timedelta(minutes=40), "outcome": "resolved",
                         "follow_up": False, "checklist_internet": False,
                         "checklist_macos": False, "notes": ""})  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(Case.__table__), cases)
            conn.execute(insert(WorkSession.__table__), rows)
            conn.execute(
                insert(FolioCounter.__table__),
                {"series": CASE_SERIES, "next_number": client_sessions + 1},
            )
        sv.policies.create(client, PolicyData(4, 2))
        walls, cpus = [], []
        for k in range(runs):
            clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC) + timedelta(hours=k))
            w0, c0 = time.perf_counter(), time.process_time()
            running = sv.sessions.start(advisor, client, Modality.OFFICE)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            clock.set(clock() + timedelta(minutes=30))
            sv.sessions.end(running.id, Outcome.RESOLVED)
            walls.append(wall)
            cpus.append(cpu)
        engine.dispose()
        label = "con" if on else "sin"
        print(f"  caso nuevo de un cliente con póliza y {client_sessions:,} sesiones, {label} "
              f"disparadores: {statistics.median(walls) * 1000:6.1f} ms "
              f"(CPU {statistics.median(cpus) * 1000:6.1f} ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--builder", nargs="*", default=["summary_cli", "bigdb"],
                        choices=["summary_cli", "bigdb"])  # fmt: skip
    parser.add_argument("--client-sessions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="appleuse-rv-") as tmp:
        work = Path(tmp)
        for name in args.builder:
            builds(name, args.sessions, args.runs, work)
        if args.client_sessions:
            policy_client_case(args.client_sessions, max(args.runs, 9), work)


if __name__ == "__main__":
    main()
