"""What the window's resident memory is made of (issue 11), each part measured in a fresh process.

    python bench/memory.py [--clients 100000] [--db-dir DIR] [--plain]

Every process starts as ``make run`` starts the app, ``python -OO`` (``--plain``: without).

1. Imports: resident memory (``/proc/self/statm``) after each step of a fresh process — Qt,
   the window's module, NumPy, SQLAlchemy, the services (the models, and SQLite's dialect: on
   SQLite PostgreSQL's is never imported), the UI modules loaded at start-up.
2. The real window at steady state (``bench/growth.py``'s child: loaded, then searched): its
   resident memory and peak, which heavy libraries are loaded (they should not be), what
   ``linecache`` holds (PySide6's import hook used to fill it with every module's source),
   the client list's arrays (``nbytes``) and glibc's heaps (``mallinfo2``).

Linux only (``/proc``). Memory does not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]  # this checkout's app

from bigdb import ADVISOR, build  # noqa: E402
from growth import APP, FLAGS, spawn  # noqa: E402

STEPS = [
    ("PySide6.QtWidgets + QApplication", "import PySide6.QtWidgets as w; a = w.QApplication([])"),
    ("app.ui.main_window", "import app.ui.main_window"),
    ("numpy", "import numpy"),
    (
        "hashlib, asyncio without OpenSSL (lean_imports)",
        "from app.lean_imports import lean_database_imports; lean_database_imports()",
    ),
    ("sqlalchemy.orm", "import sqlalchemy.orm"),
    ("app.services.facade (models, services)", "import app.services.facade"),
    (
        "UI modules loaded at start-up",
        "import app.ui.billing_panel, app.ui.session_panel, app.ui.session_actions, "
        "app.ui.window_menus, app.ui.window_dialogs, app.ui.agenda_window, app.ui.advisor_dialog",
    ),
]

IMPORTS = """
import json, os, sys
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
out = [("python", rss())]
for name, code in json.loads(sys.argv[1]):
    exec(code)
    out.append((name, rss()))
print(json.dumps(out))
"""

HEAVY = ["reportlab", "PIL", "holidays", "stdnum", "alembic", "icalendar", "PySide6.QtCharts",
         "PySide6.QtSvg", "PySide6.QtPdf", "PySide6.QtPrintSupport", "numpy.ma",
         "ssl", "_hashlib"]  # fmt: skip

STEADY = """
        import linecache
        out["heavy"] = [m for m in HEAVY if m in sys.modules]
        out["linecache"] = [len(linecache.cache), sum(
            sum(map(len, v[2])) for v in linecache.cache.values() if len(v) > 2 and v[2])]
        model = w.clientModel
        index = model._index
        arrays = {f: getattr(index, f).nbytes for f in ("keys", "signatures", "by_name", "rank")}
        arrays["keys"] = [arrays["keys"], str(index.keys.dtype)]
        arrays["long keys, whole"] = [index.long_keys.nbytes, f"{len(index.long_rows)} rows"]
        rows = model._display[0].rows
        arrays["texts (compressed + offsets)"] = rows.nbytes
        arrays["ids"] = model._ids.nbytes
        out["arrays"] = arrays
        import ctypes
        class Info(ctypes.Structure):  # glibc's struct mallinfo2
            _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks",
                        "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
        try:
            libc = ctypes.CDLL("libc.so.6")
            libc.mallinfo2.restype = Info
            info = libc.mallinfo2()
            out["malloc"] = [info.uordblks, info.fordblks, info.hblkhd]
        except (OSError, AttributeError):
            out["malloc"] = None
"""


def imports(env: dict[str, str]) -> list[tuple[str, float]]:
    proc = subprocess.run(
        [sys.executable, *FLAGS, "-c", IMPORTS, json.dumps(STEPS)],
        env=env, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return [tuple(x) for x in json.loads(proc.stdout)]  # type: ignore[misc]


def steady(env: dict[str, str]) -> dict[str, object]:
    code = APP.replace("from app.cli import main", f"HEAVY = {HEAVY!r}\nfrom app.cli import main")
    marker = 'out["rss"], out["peak"] = rss_mib(), peak_mib()'
    code = code.replace(marker, marker + STEADY)
    return spawn(code, env)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--db-dir", default=os.path.join(tempfile.gettempdir(), "appleuse-growth"))
    parser.add_argument("--plain", action="store_true", help="without -OO")
    args = parser.parse_args()
    if args.plain:
        FLAGS.clear()
    folder = Path(args.db_dir)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"growth-{args.clients}.sqlite3"  # the same files as bench/growth.py
    if not db.exists():
        build(db, args.clients, args.clients)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"), PYTHONPATH=str(ROOT),
        BENCH_QT=str(folder / "qt"), BENCH_ADVISOR=ADVISOR, BENCH_DB=f"sqlite:///{db}",
        BENCH_WORDS="lopez hernandez,ramon 228", BENCH_COMMON="xalapa",
        XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"),
    )  # fmt: skip
    subprocess.run([sys.executable, *FLAGS, "-m", "compileall", "-q", "app"], cwd=ROOT, env=env)
    print("Imports, one fresh process (resident MiB after each step, and its cost):")
    previous = None
    for name, mib in imports(env):
        cost = "" if previous is None else f"+{mib - previous:5.1f}"
        print(f"  {name:<42} {mib:6.1f}  {cost}")
        previous = mib
    out = steady(env)
    print(f"\nThe window with {args.clients:,} clients, loaded and searched:")
    print(f"  resident {out['rss']:.1f} MiB steady, {out['peak']:.1f} MiB peak")
    print(f"  heavy libraries loaded: {out['heavy'] or 'none'}")
    files, chars = out["linecache"]  # type: ignore[misc]
    print(f"  linecache: {files} entries, {chars / 2**20:.1f} M characters of source")
    for name, size in out["arrays"].items():  # type: ignore[attr-defined]
        nbytes, dtype = size if isinstance(size, list) else (size, "")
        print(f"  list: {name:<28} {nbytes / 2**20:6.1f} MiB {dtype}")
    if out.get("malloc"):
        used, free, mapped = (x / 2**20 for x in out["malloc"])  # type: ignore[attr-defined]
        print(f"  malloc (glibc): {used:.1f} MiB in use on its heaps, {free:.1f} free there, "
              f"{mapped:.1f} in blocks of their own (mmap: the large arrays)")  # fmt: skip


if __name__ == "__main__":
    main()
