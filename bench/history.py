"""How fast a client's history is (issue 14: ≤ 100 ms with 1,000 sessions, balance included).

    .venv/bin/python bench/history.py [--cache DIR] [--sessions N] [--runs N] [--citas N]
                                      [--rebuild] [--profile]

Reuses ``bench/report.py``'s database (``bench/summary_cli.py``'s builder, cached in
``--cache``) and its copy where one client has at least 1,000 sessions; that copy also gets
``--citas`` appointments of the client (every state, with their changes), since the builder
makes none. Then it times, median of ``--runs`` (wall and CPU time):
- the history as the window asks for it (``services.reports.client_history``), balance included;
- the read model alone (``build_client_history``) through SQLAlchemy's ``session_execute`` and
  through a ``sqlite3`` connection of its own;
  (the three in turn, run after run, so that the machine's other work weighs on each alike);
- the client's statement (``BalanceService.statement``), for comparison: the history no longer
  waits for it, and the two balances are printed side by side (they must agree);
- what the window adds (``app.ui.client_history_dialog``): each line's cells and search text
  (once, off the GUI thread) and picking the lines of a kind or a text (per key typed).
``--profile`` prints the top of ``cProfile`` for one history. ``--pg URL`` copies that database
into PostgreSQL (once; the database is created if missing) and times the history there too;
``--explain`` adds PostgreSQL's plans of its statements. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import NOW, database, line, timed, with_big_client  # noqa: E402

_STORED = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores an instant on SQLite
_STATES = ("scheduled", "confirmed", "done", "done", "no_show", "cancelled")


def add_citas(db: Path, client: int, count: int, seed: int = 14) -> None:
    """``count`` citas of ``client`` over the two years up to ``NOW`` and a month after, each
    with its "booked" change (and its state's change)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    try:
        advisors = [a for (a,) in conn.execute("SELECT id FROM advisors")]
        first = NOW - timedelta(days=730)
        for _ in range(count):
            start = first + timedelta(days=rng.randrange(760), hours=rng.randrange(24))
            start = start.replace(minute=0, second=0, microsecond=0)
            future = start > NOW
            state = rng.choice(_STATES[:2] if future else _STATES)
            advisor = rng.choice(advisors)
            modality = rng.choice(("remote", "office", "onsite"))
            row = (
                client, advisor, modality, "phone" if modality == "remote" else None,
                "Xalapa" if modality == "onsite" else "", "Av. Ávila Camacho 12"
                if modality == "onsite" else "", start.strftime(_STORED),
                (start + timedelta(hours=1)).strftime(_STORED), "Revisión del equipo",
                "general", state, "El cliente pidió otra fecha" if state == "cancelled" else None,
                (start - timedelta(days=3)).strftime(_STORED),
            )  # fmt: skip
            cursor = conn.execute(
                "INSERT INTO appointments (client_id, advisor_id, modality, channel, city, "
                "address, starts_at, ends_at, reason, purpose, state, cancel_reason, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            changes = [("booked", row[12])]
            if state != "scheduled":
                changes.append((state, row[6]))
            for seq, (kind, at) in enumerate(changes, 1):
                conn.execute(
                    "INSERT INTO appointment_changes (appointment_id, seq, kind, at, advisor_id, "
                    "starts_at, ends_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, '')",
                    (cursor.lastrowid, seq, kind, at, advisor, row[6], row[7]),
                )
        conn.commit()
    finally:
        conn.close()


def round_robin(paths: dict[str, Callable[[], Any]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each path, called in turn ``runs`` times (so that the
    machine's other work weighs on each alike); the fastest run of each is printed too (on a
    shared machine, the nearest to an idle one)."""
    walls: dict[str, list[float]] = {k: [] for k in paths}
    cpus: dict[str, list[float]] = {k: [] for k in paths}
    for _ in range(runs):
        for name, fn in paths.items():
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            walls[name].append(time.perf_counter() - w0)
            cpus[name].append(time.process_time() - c0)
    print("  la corrida más rápida: " + ", ".join(
        f"{k} {min(walls[k]):.3f} s (CPU {min(cpus[k]):.3f} s)" for k in paths))  # fmt: skip
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in paths}


def to_postgresql(db: Path, url: str, client: int) -> Any:
    """An engine on ``url`` holding a copy of ``db`` (made once: kept while its sessions and
    the big client's cases match). The database is created when missing; its schema comes
    from the migrations, its rows from the SQLite file (receipt lines left out: no history
    reads them)."""
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    from app.models import Base
    from app.models.engine import make_engine, upgrade

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if exists is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    source = make_engine(f"sqlite:///{db}")
    engine = make_engine(url)
    upgrade(engine, backup=False)
    tables = [t for t in Base.metadata.sorted_tables if t.name != "receipt_lines"]
    cases = Base.metadata.tables["cases"]

    def fingerprint(e: Any) -> tuple[int, int]:
        with e.connect() as conn:
            sessions = conn.execute(select(func.count()).select_from(
                Base.metadata.tables["sessions"])).scalar_one()  # fmt: skip
            mine = conn.execute(
                select(func.count()).select_from(cases).where(cases.c.client_id == client)
            ).scalar_one()
        return int(sessions), int(mine)

    if fingerprint(engine) == fingerprint(source):
        print(f"copia en PostgreSQL reutilizada: {target.database}")
        source.dispose()
        return engine
    w0 = time.perf_counter()
    names = ", ".join(f'"{t.name}"' for t in tables)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # append-only
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
    with source.connect() as src, engine.begin() as dst:
        dst.execute(text("SET session_replication_role = replica"))  # no triggers while copying
        for table in tables:
            result = src.execute(select(table)).mappings()
            while chunk := result.fetchmany(20_000):
                dst.execute(table.insert(), [dict(r) for r in chunk])
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    source.dispose()
    print(f"copia en PostgreSQL hecha en {time.perf_counter() - w0:.0f} s: {target.database}")
    return engine


def postgresql(copy: Path, url: str, client: int, runs: int, *, explain: bool) -> None:
    from app.kernel.clock import FakeClock
    from app.services.facade import Services

    engine = to_postgresql(copy, url, client)
    try:
        services = Services.create(engine, FakeClock(NOW))
        services.reports.client_history(client)
        wall, cpu, history = timed(lambda: services.reports.client_history(client), runs)
        line("historial en PostgreSQL (servicios)", wall, cpu,
             f"{len(history.entries):,} renglones, saldo {history.balance}")  # fmt: skip
        if explain:
            explain_postgresql(engine, client)
    finally:
        engine.dispose()


def explain_postgresql(engine: Any, client: int) -> None:
    """Each of the history's statements as PostgreSQL plans and runs it (EXPLAIN ANALYZE), with
    the history's own ``random_page_cost``."""
    from sqlalchemy import text

    import app.services.client_history as ch
    from app.services.day_summary import _SESSIONS
    from app.services.report_service import _INDEX_WALKS

    def first_ids(sql: str) -> str:
        """The first chunk of ids, as the history asks for them (bound there, written here)."""
        with engine.connect() as conn:
            ids = sorted(int(i) for (i,) in conn.execute(text(sql), {"client": client}))
        return ", ".join(str(i) for i in ids[: ch._CHUNK])

    sessions = first_ids("SELECT s.id FROM sessions s JOIN cases c ON c.id = s.case_id "
                         "WHERE c.client_id = :client")  # fmt: skip
    statements = {
        "casos": ch._CASES, "sesiones": ch._SESSION_LINES, "recibos": ch._RECEIPTS,
        "pagos": ch._PAYMENTS,
        "citas": ch._APPOINTMENTS, "eventos (500 sesiones)": ch._EVENTS.format(ids=sessions),
        "sin recibo (uno)": _SESSIONS.format(where="s.id IN (SELECT 1)"),
    }  # fmt: skip
    with engine.connect() as conn:
        conn.execute(text(_INDEX_WALKS))  # as the history's read transaction does
        for name, sql in statements.items():
            print(f"-- {name}")
            for (row,) in conn.execute(text("EXPLAIN ANALYZE " + sql), {"client": client}):
                print(f"   {row}")


def window(history: Any, runs: int) -> None:
    """What the history window adds: the history made ready off the GUI thread, the cells of
    the lines its columns are fitted to (the newest hundred; the others are made when shown),
    the search texts at the first search, then what a kind or a text typed costs (picking
    lines; on the GUI thread)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.ui.client_history_dialog import matching, prepare

    wall, cpu, prepared = timed(lambda: prepare(history), runs)
    line("  ventana: lista para mostrar", wall, cpu, "fuera del hilo GUI")

    def newest_cells() -> list[Any]:
        ready = prepare(history)
        return [ready.row(n) for n in range(100)]

    wall, cpu, _ = timed(newest_cells, runs)
    line("  ventana: celdas de los 100 renglones más recientes", wall, cpu, "al mostrarse")
    wall, cpu, _ = timed(lambda: matching(prepare(history), None, "c-0"), runs)
    line("  ventana: primera búsqueda (sus textos, una vez)", wall, cpu, "«c-0»")
    for kind, text in ((None, "c-0"), (None, "recibo a-09"), ("Pago", "")):
        wall, cpu, picked = timed(lambda k=kind, t=text: matching(prepared, k, t), runs)
        shown = f"{len(picked):,} renglones"
        line(f"  ventana: filtro {kind or 'Todo'} «{text}»", wall, cpu, shown)


def dialog(services: Any, client: int, runs: int) -> None:
    """What the advisor waits for: *Historial del cliente…* opened until its lines are
    painted — the history read on a worker thread, then shown (offscreen Qt). CPU time of the
    whole process (the worker's included)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from app.ui.client_history_dialog import ClientHistoryDialog

    QApplication.instance() or QApplication([])

    def opened() -> int:
        loop = QEventLoop()
        window = ClientHistoryDialog(services, client)
        window.loaded.connect(loop.quit)
        window.show()
        if window.loading:
            loop.exec()
        window.table.viewport().repaint()  # the lines painted now, not at the next turn
        shown = window.table.model().rowCount()
        window.close()
        window.deleteLater()
        return int(shown)

    opened()  # warm: the dialog's modules, fonts
    wall, cpu, shown = timed(opened, runs)
    line("  ventana abierta hasta ver sus renglones", wall, cpu, f"{shown:,} renglones")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "appleuse-bench"
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--citas", type=int, default=150)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg", metavar="URL", help="also on a PostgreSQL copy at this URL")
    parser.add_argument("--explain", action="store_true", help="with --pg: the plans")
    args = parser.parse_args()
    db = database(args.cache, args.sessions, args.rebuild)

    from app.kernel.clock import FakeClock
    from app.models.engine import make_engine
    from app.services.client_history import build_client_history
    from app.services.facade import Services
    from app.services.sql import open_sqlite_readonly, sqlite_execute
    from app.services.uow import session_execute

    copy, client, sessions = with_big_client(db)
    add_citas(copy, client, args.citas)
    engine = make_engine(f"sqlite:///{copy}")
    services = Services.create(engine, FakeClock(NOW))
    conn = open_sqlite_readonly(copy)
    execute = sqlite_execute(conn)
    paths: dict[str, Callable[[], Any]] = {
        "services": lambda: services.reports.client_history(client),
        "sqlalchemy": lambda: services.db.read(
            lambda s: build_client_history(session_execute(s), client, NOW)
        ),
        "sqlite3": lambda: build_client_history(execute, client, NOW),
    }
    try:
        for fn in paths.values():  # warm: connections, imports, the page cache
            fn()
        # as the window does once its start-up is over (``app.loading``) and a command before
        # it runs (``app.cli``): what is there now stays, collections walk only what is new
        gc.freeze()
        figures = round_robin(paths, args.runs)
        history = paths["services"]()
        wall, cpu = figures["services"]
        line(f"historial de un cliente con {sessions:,} sesiones", wall, cpu,
             f"{len(history.entries):,} renglones, saldo incluido (meta ≤ 0.100 s)")  # fmt: skip
        line("  modelo de lectura (SQLAlchemy, session_execute)", *figures["sqlalchemy"])
        line("  modelo de lectura (sqlite3 propio)", *figures["sqlite3"])
        wall, cpu, statement = timed(lambda: services.balances.statement(client), args.runs)
        line("  estado de cuenta completo (comparación)", wall, cpu,
             f"saldo {statement.balance} = historial {history.balance}")  # fmt: skip
        kinds = {k: len(history.only(k)) for k in history.kinds}
        print("  renglones por tipo: " + ", ".join(f"{k} {n:,}" for k, n in kinds.items()))
        window(history, args.runs)
        dialog(services, client, args.runs)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            services.reports.client_history(client)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        if args.pg:
            postgresql(copy, args.pg, client, args.runs, explain=args.explain)
    finally:
        conn.close()
        engine.dispose()
        copy.unlink(missing_ok=True)
    print(f"reloj del banco: {NOW.astimezone(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
