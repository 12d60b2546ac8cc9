"""The window on a big database: 100,000 clients and 100,000 sessions.

    .venv/bin/python bench/ui.py [--clients N] [--sessions N] [--db-dir DIR] [--idle-seconds S]

Prints, each measured in its own fresh process:
- the cold start to the first painted window, beside a bare PySide6 window (goal ≤ 1.3×);
- the time until the client list is filled and painted (goal ≤ 4× the bare window);
- the time per keystroke of the client search, typing a name letter by letter, including the
  repaint of the table (goal < 16 ms: one frame);
- the idle window's CPU with a running stopwatch (goal < 1 % of a core);
- the resident memory.
The database is built once (bulk inserts) and kept in --db-dir for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = [
    "Ana",
    "José",
    "María",
    "Luis",
    "Óscar",
    "Lucía",
    "Jorge",
    "Sofía",
    "Raúl",
    "Elena",
    "Benjamín",
    "Guadalupe",
    "Andrés",
    "Patricia",
    "Ramón",
    "Carmen",
    "Iñaki",
    "Noemí",
]
LAST = [
    "López",
    "Hernández",
    "Martínez",
    "Peña",
    "Ramírez",
    "Domínguez",
    "Cházaro",
    "Landa",
    "Rebolledo",
    "Téllez",
    "Zamora",
    "Báez",
    "Ochoa",
    "Couttolenc",
    "Muñoz",
    "Ibáñez",
]
CITIES = ["Xalapa", "Xalapa-Enríquez", "Coatepec", "Banderilla", "Xico", "Veracruz", "Córdoba",
          "Puebla", "Teocelo", "Perote"]  # fmt: skip


def build(url: str, clients: int, sessions: int) -> None:
    from sqlalchemy import insert

    from app.kernel.enums import CaseState, EventKind, Modality, Outcome, PaymentArrangement
    from app.models import Advisor, Case, Client, FolioCounter, SessionEvent, WorkSession
    from app.models.engine import make_engine, upgrade
    from app.services.counters import CASE_SERIES

    engine = make_engine(url)
    upgrade(engine, backup=False)
    rnd = random.Random(7)
    now = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Advisor), [{"name": "Asesor de prueba", "active": True, "created_at": now}]
        )
        rows = []
        for i in range(clients):
            rows.append({
                "name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {rnd.choice(LAST)} {i}",
                "phone": f"(228) {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}",
                "email": "", "rfc": None, "city": rnd.choice(CITIES), "address": "",
                "notes": "", "active": True, "created_at": now, "updated_at": now,
            })  # fmt: skip
        conn.execute(insert(Client), rows)
        cases, work, events = [], [], []
        for i in range(sessions):
            start = now - timedelta(minutes=rnd.randint(60, 2 * 365 * 24 * 60))
            end = start + timedelta(minutes=rnd.randint(10, 180))
            cases.append({
                "id": i + 1, "number": i + 1, "client_id": rnd.randint(1, clients),
                "device_id": None, "modality": Modality.OFFICE, "summary": "",
                "state": CaseState.RESOLVED, "opened_at": start, "pending_since": None,
                "closed_at": end, "previous_case_id": None,
            })  # fmt: skip
            work.append({
                "id": i + 1, "case_id": i + 1, "advisor_id": 1, "device_id": None,
                "modality": Modality.OFFICE, "channel": None, "city": "Xalapa",
                "started_at": start, "ended_at": end, "outcome": Outcome.RESOLVED,
                "follow_up": False, "payment_arrangement": PaymentArrangement.AT_END,
                "checklist_internet": False, "checklist_macos": False,
                "checklist_remote_tool": None, "quoted_rate": None, "quoted_amount": None,
                "notes": "",
            })  # fmt: skip
            events.append({"session_id": i + 1, "seq": 1, "kind": EventKind.STARTED, "at": start,
                           "backup_notice_acknowledged": None, "note": ""})  # fmt: skip
            events.append({"session_id": i + 1, "seq": 2, "kind": EventKind.ENDED, "at": end,
                           "backup_notice_acknowledged": None, "note": ""})  # fmt: skip
        conn.execute(insert(Case), cases)
        conn.execute(insert(WorkSession), work)
        conn.execute(insert(SessionEvent), events)
        conn.execute(insert(FolioCounter), [{"series": CASE_SERIES, "next_number": sessions + 1}])
    engine.dispose()


# -- the child processes ---------------------------------------------------------------------
BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
from PySide6.QtCore import QTimer
app = QApplication(sys.argv)
class W(QMainWindow):
    def paintEvent(self, e):
        super().paintEvent(e)
        print(time.time(), flush=True)
        QTimer.singleShot(0, app.quit)
w = W(); w.setCentralWidget(QLabel("hola")); w.resize(1280, 780); w.show()
app.exec()
"""

APP = """
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["BENCH_QT"])
marks = {}
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            name = obj.objectName()
            if "painted" not in marks and obj.metaObject().className() == "MainWindow":
                marks["painted"] = time.time()
            if "filled" not in marks and obj.parent() is not None \\
                    and obj.parent().objectName() == "clientTable" \\
                    and obj.parent().model().rowCount() > 0:
                marks["filled"] = time.time()
                QTimer.singleShot(0, measure)
        return False
probe = Probe(); app.installEventFilter(probe)

def measure():
    try:
        _measure()
    except BaseException:
        import traceback
        traceback.print_exc()
        app.exit(1)

def _measure():
    from app.ui.main_window import MainWindow
    w = next(x for x in app.topLevelWidgets() if isinstance(x, MainWindow))
    loading = getattr(w, "_loading", None)
    if w.services is None or (loading is not None and not loading.done):  # still loading
        QTimer.singleShot(5, measure)
        return
    marks.setdefault("ready", time.time())
    app.processEvents()  # let the deferred search index build
    out = dict(marks)
    out["rows"] = w.clientModel.total
    typing = []
    word = os.environ.get("BENCH_QUERY", "lopez hernandez")
    for i in range(1, len(word) + 1):
        t = time.perf_counter()
        w.clientSearch.setText(word[:i])
        w.clientTable.viewport().repaint()
        typing.append((time.perf_counter() - t) * 1000)
    out["typing_ms"] = typing
    out["matches"] = w.clientModel.rowCount()
    w.clientSearch.clear()
    # a running stopwatch, then an idle event loop
    s = w.services
    w.clientTable.selectRow(0)
    view = s.sessions.start(w.advisor.id, w.selected_client_id(), "office")
    w.set_session(view)
    seconds = float(os.environ.get("BENCH_IDLE", "10"))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    def done():
        out["idle_cpu_pct"] = 100 * (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        import resource
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["max_rss_mb"] = rss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        out["stopwatch"] = w.sessionPanel.stopwatchLabel.text()
        s.sessions.end(view.id, "resolved")
        print(json.dumps(out), flush=True)
        app.quit()
    QTimer.singleShot(int(seconds * 1000), done)

from app.cli import main  # the real entry point: `appleuse --db URL --advisor NAME`
main(["--db", os.environ["BENCH_DB"], "--advisor", "Asesor de prueba"])
"""


def spawn(code: str, env: dict[str, str]) -> tuple[float, str]:
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    return t0, proc.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--db-dir", default=os.path.join(tempfile.gettempdir(), "appleuse-bench"))
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    folder = Path(args.db_dir)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"ui-v2-{args.clients}-{args.sessions}.sqlite3"
    url = f"sqlite:///{db}"
    if not db.exists():
        t = time.perf_counter()
        build(url, args.clients, args.sessions)
        print(f"built {db} in {time.perf_counter() - t:.1f} s")
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        BENCH_DB=url,
        BENCH_IDLE=str(args.idle_seconds),
        BENCH_QT=str(folder / "qt"),
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CONFIG_HOME=str(folder / "config"),
    )
    bare, painted, filled, ready, results = [], [], [], [], []
    for _ in range(args.runs):
        t0, line = spawn(BARE, env)
        bare.append(float(line) - t0)
        t0, line = spawn(APP, env)
        data = json.loads(line)
        painted.append(data["painted"] - t0)
        filled.append(data["filled"] - t0)
        ready.append(data["ready"] - t0)
        results.append(data)
    b, p, f = statistics.median(bare), statistics.median(painted), statistics.median(filled)
    typing = [ms for r in results for ms in r["typing_ms"]]
    last = results[-1]
    idle = statistics.median(r["idle_cpu_pct"] for r in results)
    rss = statistics.median(r["max_rss_mb"] for r in results)
    ready_ms = statistics.median(ready) * 1000
    rows = [
        ("database", f"{last['rows']:,} active clients, {args.sessions:,} sessions ({db})"),
        ("bare PySide6 window, first paint", f"{b * 1000:.0f} ms"),
        ("AppleUse window, first paint", f"{p * 1000:.0f} ms ({p / b:.2f}× bare; goal ≤ 1.3×)"),
        ("client list filled and painted", f"{f * 1000:.0f} ms ({f / b:.2f}× bare; goal ≤ 4×)"),
        ("services ready (SQLAlchemy, migrations)", f"{ready_ms:.0f} ms"),
        (
            "search, per keystroke, repaint included",
            f"median {statistics.median(typing):.1f} ms, max {max(typing):.1f} ms "
            f"over {len(typing)} keys (goal < 16 ms)",
        ),
        ("idle CPU with a running stopwatch", f"{idle:.2f} % of a core (goal < 1 %)"),
        ("max resident memory", f"{rss:.0f} MB"),
    ]
    for label, value in rows:
        print(f"{label:<42} {value}")


if __name__ == "__main__":
    main()
