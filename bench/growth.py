"""The growth curve: the window and the corte del día on 10,000 → 100,000 → 1,000,000 clients.

    python bench/growth.py [--sizes 10000,100000,1000000] [--runs 3] [--db-dir DIR]

For each size a database with that many clients and as many sessions is built once
(``bench/bigdb.py``: bulk inserts in one transaction) and kept in ``--db-dir``. Then, in fresh
processes started side by side with a bare PySide6 window (and a bare window that also imports
``sqlalchemy.orm``, the reference for "services ready"), it prints the median of ``--runs``:

- first paint, list usable (painted, indexed, searchable), services ready (the window takes
  requests: its panels, menus and actions wired on the open database — ``servicesReady``)
  on a normal start (the previous run closed the window, which sealed the file:
  ``app.models.seal``) and, in one more process per run, after a crash (no seal: the start
  runs SQLite's ``quick_check`` of the file),
  everything loaded (list, services, the first reads, the warm-up): wall time from the process
  start and the process's CPU time (``time.process_time``, every thread), each as a ratio to the
  bare window's first paint measured in the same run;
- the longest event-loop gap after the first paint, until everything is loaded (a 5 ms timer on
  the GUI thread), as wall time and as the GUI thread's CPU time in that gap
  (``time.thread_time``): work done on the GUI thread, not waiting for the CPU;
- search: the slowest keystroke, typing words letter by letter (filter + repaint); apart, the
  same for words (nearly) every client holds (:data:`COMMON_WORDS`);
- resident memory: steady (after loading and searching) and peak (``ru_maxrss``);
- ``appleuse summary -o day.csv``: wall and the child's CPU (``RUSAGE_CHILDREN``).

The machine is shared: compare the CPU ratios, which the load of other processes barely moves.
``PYTHONDONTWRITEBYTECODE`` is unset and the package precompiled first, so start-ups do not
recompile it. Every window, the bare ones too, starts as ``make run`` starts the app: ``python
-OO`` (docstrings and asserts left out: ~5 MiB less resident, the same CPU); ``--plain``
starts them without it, as ``appleuse`` or ``python -m app`` do.

Goals (issue 11): gap ≤ 50 ms at 100k and ≤ 100 ms at 1M; services ready ≤ 1.5× (bare +
sqlalchemy.orm) at 100k; search ≤ 16 ms at 100k and ≤ 50 ms at 1M; RSS ≤ 130 MiB at 100k and
≤ 400 MiB at 1M, peak ≤ 1.5× steady.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]  # this checkout's app

from bigdb import ADVISOR, build  # noqa: E402

try:  # a checkout from before the seal (for comparisons): every start checks the file
    from app.models.seal import seal_file
except ImportError:  # pragma: no cover
    seal_file = None  # type: ignore[assignment]

_RSS = """
def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
def peak_mib():
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024)
"""

BARE = (
    """
import json, os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
from PySide6.QtCore import QTimer
"""
    + _RSS
    + """
app = QApplication(sys.argv)
class W(QMainWindow):
    def paintEvent(self, e):
        super().paintEvent(e)
        out = {"painted": (time.time(), time.process_time())}
        if os.environ.get("BENCH_SQLALCHEMY"):
            import sqlalchemy.orm
            out["imported"] = (time.time(), time.process_time())
        out["rss"] = rss_mib()
        print(json.dumps(out), flush=True)
        QTimer.singleShot(0, app.quit)
w = W(); w.setCentralWidget(QLabel("hola")); w.resize(1280, 780); w.show()
app.exec()
"""
)

APP = (
    """
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
"""
    + _RSS
    + """
app = QApplication(sys.argv)
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, os.environ["BENCH_QT"])
from app.ui.main_window import MainWindow
MainWindow.back_up_daily = lambda self: None  # not what is measured here
marks, gap, last = {}, {"wall": 0.0, "cpu": 0.0}, []
def mark(name):
    marks.setdefault(name, (time.time(), time.process_time()))
def tick():
    now = (time.perf_counter(), time.thread_time())
    if last:
        wall, cpu = now[0] - last[0][0], now[1] - last[0][1]
        if wall > gap["wall"]:
            gap["wall"], gap["cpu"] = wall, cpu
        last[0] = now
    else:
        last.append(now)
ticker = QTimer(); ticker.setInterval(5); ticker.timeout.connect(tick)
def window():
    return next((x for x in app.topLevelWidgets() if isinstance(x, MainWindow)), None)
PAINT = QEvent.Type.Paint
class Probe(QObject):
    # Python sees every event of the application only until the first paint (then only the
    # list's viewport's): the probe's own calls are not counted as the window's work.
    def eventFilter(self, obj, event):
        if event.type() == PAINT:
            if "painted" not in marks and isinstance(obj, MainWindow):
                mark("painted")
                app.removeEventFilter(self)
                ready = getattr(obj, "servicesReady", None)  # older checkouts: see poll()
                if ready is not None:
                    ready.connect(lambda: mark("services"))
                ticker.start()
                poller.start()
            elif "list" not in marks and obj is watched.get("viewport"):
                mark("list")
        return False
probe = Probe(); app.installEventFilter(probe)
watched = {}
def poll():
    w = window()
    if getattr(w, "sessionMenu", None) is not None:  # without servicesReady: within 10 ms
        mark("services")
    table = getattr(w, "clientTable", None)
    if "viewport" not in watched and table is not None and table.model() is not None \\
            and table.model().indexed and table.model().rowCount() > 0:
        watched["viewport"] = table.viewport()  # its next paint: the list is usable
        watched["viewport"].installEventFilter(probe)
        watched["viewport"].update()
    loading = getattr(w, "_loading", None)
    if loading is None or not loading.done or "list" not in marks:
        return
    mark("loaded")
    ticker.stop(); poller.stop()
    QTimer.singleShot(0, measure)
poller = QTimer(); poller.setInterval(10); poller.timeout.connect(poll)
def measure():
    try:
        w = window()
        out = {k: v for k, v in marks.items()}
        out["gap"] = gap
        out["rows"] = w.clientModel.total
        viewport = w.clientTable.viewport()  # its wrapper made once, outside the timing
        for name, words in (("keys", "BENCH_WORDS"), ("common_keys", "BENCH_COMMON")):
            keys = []
            for word in os.environ[words].split(","):
                for i in range(1, len(word) + 1):
                    t, c = time.perf_counter(), time.thread_time()
                    w.clientSearch.setText(word[:i])
                    viewport.repaint()
                    keys.append(((time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000))
                w.clientSearch.clear()
            out[name] = keys
        out["rss"], out["peak"] = rss_mib(), peak_mib()
        print(json.dumps(out), flush=True)
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush()
    # closed as an advisor closes it (after the measures): the next start is a normal one,
    # on a file sealed by a clean close (app.models.seal); see BENCH_CHECKED for the other
    window().close()
from app.cli import main
main(["--db", os.environ["BENCH_DB"], "--advisor", os.environ["BENCH_ADVISOR"]])
"""
)


#: How the windows are started: as ``make run`` starts the app (``--plain``: none).
FLAGS = ["-OO"]


def spawn(code: str, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, *FLAGS, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT,
        timeout=900,
    )  # fmt: skip
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        raise SystemExit(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return t0, json.loads(lines[-1])


def child_command(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (the child's user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def measure_size(size: int, folder: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    db = folder / f"growth-{size}.sqlite3"
    if not db.exists():
        wall, cpu = time.perf_counter(), time.process_time()
        build(db, size, size)
        print(
            f"  built {db.name}: {time.perf_counter() - wall:.0f} s wall, "
            f"{time.process_time() - cpu:.0f} s CPU, {db.stat().st_size / 2**20:.0f} MiB",
            flush=True,
        )
    env = dict(env, BENCH_DB=f"sqlite:///{db}")
    spawn(APP, env)  # warm-up: the file in the OS cache, as on a second start
    samples: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)

    for _ in range(runs):
        t0, bare = spawn(BARE, env)
        add("bare_wall", bare["painted"][0] - t0)  # type: ignore[index]
        add("bare_cpu", bare["painted"][1])  # type: ignore[index]
        add("bare_rss", bare["rss"])  # type: ignore[arg-type]
        t0, sa = spawn(BARE, dict(env, BENCH_SQLALCHEMY="1"))
        add("sa_wall", sa["imported"][0] - t0)  # type: ignore[index]
        add("sa_cpu", sa["imported"][1])  # type: ignore[index]
        add("sa_rss", sa["rss"])  # type: ignore[arg-type]
        t0, out = spawn(APP, env)
        for name in ("painted", "list", "services", "loaded"):
            add(f"{name}_wall", out[name][0] - t0)  # type: ignore[index]
            add(f"{name}_cpu", out[name][1])  # type: ignore[index]
        if seal_file is not None:  # as after a crash: no seal, the start checks the file
            seal_file(db).unlink(missing_ok=True)
            t0, checked = spawn(APP, env)
            add("checked_wall", checked["services"][0] - t0)  # type: ignore[index]
            add("checked_cpu", checked["services"][1])  # type: ignore[index]
        add("gap_wall", out["gap"]["wall"])  # type: ignore[index]
        add("gap_cpu", out["gap"]["cpu"])  # type: ignore[index]
        add("key_wall", max(k[0] for k in out["keys"]))  # type: ignore[attr-defined]
        add("key_cpu", max(k[1] for k in out["keys"]))  # type: ignore[attr-defined]
        add("common_wall", max(k[0] for k in out["common_keys"]))  # type: ignore[attr-defined]
        add("common_cpu", max(k[1] for k in out["common_keys"]))  # type: ignore[attr-defined]
        add("rss", out["rss"])  # type: ignore[arg-type]
        add("peak", out["peak"])  # type: ignore[arg-type]
        csv = folder / "day.csv"
        command = [sys.executable, "-m", "app", "--db", env["BENCH_DB"], "summary", "--date",
                   "2026-11-23", "-o", str(csv)]  # fmt: skip
        wall, cpu = child_command(command, env)
        add("csv_wall", wall)
        add("csv_cpu", cpu)
    return {name: statistics.median(values) for name, values in samples.items()}


#: Typed too, reported apart: words (nearly) every client of the benchmark's data holds — the
#: area code as written, the city — where the signatures rule out no one and every key is read.
COMMON_WORDS = "(228) 9,xalapa-enriquez"


def report(size: int, m: dict[str, float]) -> list[tuple[str, str, str]]:
    bw, bc = m["bare_wall"], m["bare_cpu"]

    def timed(name: str) -> str:
        wall, cpu = m[f"{name}_wall"], m[f"{name}_cpu"]
        return (
            f"{cpu * 1000:6.0f} ms CPU ({cpu / bc:4.2f}×) · "
            f"{wall * 1000:6.0f} ms wall ({wall / bw:4.2f}×)"
        )

    ready_vs_sa = m["services_cpu"] / m["sa_cpu"]
    return [
        ("bare window, first paint", f"{bc * 1000:6.0f} ms CPU · {bw * 1000:6.0f} ms wall", ""),
        ("bare + import sqlalchemy.orm", timed("sa"), f"RSS {m['sa_rss']:.0f} MiB"),
        ("AppleUse first paint", timed("painted"), ""),
        ("list usable (indexed)", timed("list"), ""),
        ("services ready", timed("services"), f"{ready_vs_sa:.2f}× bare+SA CPU (goal ≤ 1.5×)"),
        *(
            [
                (
                    "services ready, file checked (after a crash)",
                    timed("checked"),
                    f"{m['checked_cpu'] / m['sa_cpu']:.2f}× bare+SA CPU",
                )
            ]
            if "checked_cpu" in m
            else []
        ),
        ("everything loaded", timed("loaded"), ""),
        (
            "longest event-loop gap",
            f"{m['gap_cpu'] * 1000:6.0f} ms GUI-thread CPU · {m['gap_wall'] * 1000:6.0f} ms wall",
            f"goal ≤ {50 if size <= 100_000 else 100} ms",
        ),
        (
            "search, slowest keystroke",
            f"{m['key_cpu']:6.1f} ms CPU · {m['key_wall']:6.1f} ms wall",
            f"goal ≤ {16 if size <= 100_000 else 50} ms",
        ),
        (
            f"  words nearly every client holds ({COMMON_WORDS})",
            f"{m['common_cpu']:6.1f} ms CPU · {m['common_wall']:6.1f} ms wall",
            f"goal ≤ {16 if size <= 100_000 else 50} ms",
        ),
        (
            "resident memory",
            f"{m['rss']:.0f} MiB steady · {m['peak']:.0f} MiB peak",
            f"peak {m['peak'] / m['rss']:.2f}× steady; bare {m['bare_rss']:.0f} MiB",
        ),
        ("appleuse summary -o day.csv", timed("csv"), ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db-dir", default=os.path.join(tempfile.gettempdir(), "appleuse-growth"))
    parser.add_argument(
        "--plain", action="store_true", help="windows started without -OO (as `appleuse` starts)"
    )
    args = parser.parse_args()
    if args.plain:
        FLAGS.clear()
    folder = Path(args.db_dir)
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        PYTHONPATH=str(ROOT),
        BENCH_QT=str(folder / "qt"),
        BENCH_ADVISOR=ADVISOR,
        BENCH_WORDS="lopez hernandez,ramon 228",
        BENCH_COMMON=COMMON_WORDS,
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CONFIG_HOME=str(folder / "config"),
    )
    subprocess.run([sys.executable, *FLAGS, "-m", "compileall", "-q", "app"], cwd=ROOT, env=env)
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs")
    print(f"windows started as: python {' '.join([*FLAGS, '-c …'])}")
    rows: list[tuple[int, dict[str, float]]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n{size:,} clients, {size:,} sessions (median of {args.runs})", flush=True)
        m = measure_size(size, folder, args.runs, env)
        rows.append((size, m))
        for label, value, note in report(size, m):
            print(f"  {label:<30} {value}  {note}", flush=True)
    names = sorted({k for _, m in rows for k in m})
    print("\nsize," + ",".join(names))
    for size, m in rows:
        print(f"{size}," + ",".join(f"{m[k]:.4f}" for k in names))


if __name__ == "__main__":
    main()
