"""How fast the period report (a year) and a client's history (1,000 sessions) are.

    .venv/bin/python bench/report.py [--cache DIR] [--sessions N] [--runs N] [--rebuild]

Builds (once; cached in ``--cache``) the SQLite database of ``bench/summary_cli.py``: N ended
sessions over the two years up to Tuesday 2026-11-24 (24 advisors, 800 clients, every modality
and outcome, consents, disconnections, receipts priced by the billing engine, cancellations,
payments). A copy of it then gets one client with at least 1,000 sessions (other clients'
cases are moved to them; in that copy only, the receipts' append-only trigger is dropped so
their client can follow).

Then it times, in this process, median of ``--runs`` (wall time and CPU time):
- the year's report (2025-11-25 – 2026-11-24) through the services (SQLAlchemy), with the
  comparison with the previous year (two years read): first with nothing stored (every day and
  month made from the rows, once), then again (the closed days and months read back), then
  after a payment recorded today (today's day made again each time); and without the comparison;
- the same through the standard library's ``sqlite3`` seam (no SQLAlchemy);
- the CSV and the PDF of that report (rendering only);
- the history of the client with 1,000+ sessions (and its balance from the statement).
Prints; asserts nothing. Issue 14's goals (≤ 1 s for 1,000,000 sessions, ≤ 100 ms for the
history) are printed beside the figures.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FIRST, LAST = date(2025, 11, 25), date(2026, 11, 24)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # the evening of the last day, local time


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``runs`` calls, and the last result."""
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def line(label: str, wall: float, cpu: float, note: str = "") -> None:
    print(f"{label:<52} {wall:7.3f} s  (CPU {cpu:7.3f} s)  {note}")


def database(cache: Path, sessions: int, rebuild: bool) -> Path:
    from summary_cli import at_head, build, upgraded

    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"bench-{sessions}.sqlite3"
    if rebuild or not db.exists() or not (at_head(db) or upgraded(db)):
        partial = db.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        w0, c0 = time.perf_counter(), time.process_time()
        facts = build(partial, sessions)
        shutil.move(partial, db)
        print(f"base construida en {time.perf_counter() - w0:.1f} s (CPU "
              f"{time.process_time() - c0:.1f} s): {facts['sessions']:,} sesiones, "
              f"{facts['receipts']:,} recibos, {facts['payments']:,} pagos → {db}")  # fmt: skip
    else:
        print(f"base reutilizada: {db}")
    return db


def forget(db: Path) -> None:
    """The period report's stored days and months removed (the next report makes them)."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM report_cache")


def paid_today(services: Any, db: Path) -> None:
    """One peso paid today on a receipt issued today (a write the report reads)."""
    from decimal import Decimal

    with sqlite3.connect(db) as conn:
        receipt = conn.execute(
            "SELECT r.id FROM receipts r WHERE r.status = 'issued' AND r.issued_at >= ? AND "
            "r.total - COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.receipt_id = r.id),"
            " 0) >= 1 ORDER BY r.id LIMIT 1",
            ("2026-11-24 06:00:00.000000",),
        ).fetchone()[0]
    services.receipts.record_payment(receipt, Decimal("1.00"))


def after_a_payment(services: Any, db: Path, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of the year's report just after a payment today (the
    payment itself not timed)."""
    walls, cpus = [], []
    for _ in range(runs):
        paid_today(services, db)
        w0, c0 = time.perf_counter(), time.process_time()
        services.reports.period(FIRST, LAST)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def with_big_client(db: Path, wanted: int = 1000) -> tuple[Path, int, int]:
    """A copy of ``db`` where one client has at least ``wanted`` sessions."""
    copy = db.with_name(db.stem + "-history.sqlite3")
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    try:
        rows = conn.execute(
            "SELECT c.client_id, COUNT(*) FROM sessions s JOIN cases c ON c.id = s.case_id "
            "GROUP BY c.client_id ORDER BY 2 DESC"
        ).fetchall()
        target, total = rows[0]
        moved = []
        for client, n in rows[1:]:
            if total >= wanted:
                break
            moved.append(client)
            total += n
        conn.execute("DROP TRIGGER IF EXISTS receipts_frozen")  # this copy only
        for client in moved:
            conn.execute("UPDATE cases SET client_id = ? WHERE client_id = ?", (target, client))
            conn.execute("UPDATE receipts SET client_id = ? WHERE client_id = ?", (target, client))
        conn.commit()
    finally:
        conn.close()
    return copy, int(target), int(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "appleuse-bench"
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    db = database(args.cache, args.sessions, args.rebuild)

    from app.documents.report_csv import report_csv_bytes
    from app.documents.report_pdf import report_pdf_bytes
    from app.kernel.clock import FakeClock
    from app.models.engine import make_engine
    from app.services.client_history import build_client_history
    from app.services.facade import Services
    from app.services.reports import build_period_report
    from app.services.sql import open_sqlite_readonly, sqlite_execute
    from app.services.uow import session_execute

    engine = make_engine(f"sqlite:///{db}")
    services = Services.create(engine, FakeClock(NOW))
    with sqlite3.connect(db) as conn:
        in_year = conn.execute(
            "SELECT COUNT(*) FROM sessions WHERE started_at >= ? AND started_at < ?",
            ("2025-11-25 06:00:00.000000", "2026-11-25 06:00:00.000000"),
        ).fetchone()[0]
        unbilled = conn.execute(
            "SELECT COUNT(*) FROM sessions s WHERE started_at >= ? AND started_at < ? AND NOT "
            "EXISTS (SELECT 1 FROM receipts r WHERE r.session_id = s.id AND r.status = 'issued')",
            ("2025-11-25 06:00:00.000000", "2026-11-25 06:00:00.000000"),
        ).fetchone()[0]
    print(f"sesiones en el año {FIRST:%d/%m/%Y}–{LAST:%d/%m/%Y}: {in_year:,} "
          f"({unbilled:,} sin recibo: se tarifican en Python, una por una)")  # fmt: skip
    goal = "meta ≤ 1 s sobre 1,000,000 sesiones"
    forget(db)  # nothing stored: every day and month made from the rows
    wall, cpu, report = timed(lambda: services.reports.period(FIRST, LAST), 1)
    both = f"{report.totals.sessions:,} + {int(report.comparison[0].previous):,} sesiones"
    line("reporte del año + año anterior, nada guardado", wall, cpu, both)
    wall, cpu, again = timed(lambda: services.reports.period(FIRST, LAST), args.runs)
    assert again == report
    line("  de nuevo: días y meses cerrados guardados", wall, cpu, goal)
    wall, cpu = after_a_payment(services, db, args.runs)
    line("  tras un pago registrado hoy (se rehace el día)", wall, cpu, goal)
    wall, cpu, _ = timed(lambda: services.reports.period(FIRST, LAST, compare=False), args.runs)
    line("reporte del año, sin comparación (servicios)", wall, cpu, goal)
    conn = open_sqlite_readonly(db)
    try:
        execute = sqlite_execute(conn)
        wall, cpu, _ = timed(
            lambda: build_period_report(execute, FIRST, LAST, None, NOW, compare=False), args.runs
        )
        line("reporte del año, sin comparación (sqlite3)", wall, cpu)
    finally:
        conn.close()
    wall, cpu, data = timed(
        lambda: report_csv_bytes(report, services.reports.period_corte(FIRST, LAST)), 1
    )
    line("CSV del reporte (el corte del año, una fila por sesión)", wall, cpu,
         f"{len(data) / 1e6:.1f} MB")  # fmt: skip
    wall, cpu, data = timed(lambda: report_pdf_bytes(report), args.runs)
    line("PDF del reporte (gráficas ReportLab)", wall, cpu, f"{len(data) / 1e3:.0f} kB")
    engine.dispose()

    copy, client, sessions = with_big_client(db)
    engine = make_engine(f"sqlite:///{copy}")
    services = Services.create(engine, FakeClock(NOW))
    try:
        wall, cpu, history = timed(lambda: services.reports.client_history(client), args.runs)
        line(f"historial de un cliente con {sessions:,} sesiones", wall, cpu,
             f"{len(history.entries):,} renglones (meta ≤ 0.100 s)")  # fmt: skip
        wall, cpu, _ = timed(
            lambda: services.db.read(
                lambda s: build_client_history(session_execute(s), client, NOW)
            ),
            args.runs,
        )
        line("  solo el historial (sin el saldo del estado de cuenta)", wall, cpu)
        wall, cpu, _ = timed(lambda: services.balances.statement(client), args.runs)
        line("  solo el saldo (estado de cuenta)", wall, cpu)
    finally:
        engine.dispose()
        copy.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
