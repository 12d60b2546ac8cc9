"""`appleuse summary -o day.csv` beside Timewarrior's `timew summary` over the same entries.

    .venv/bin/python bench/timew.py [--sessions N ...] [--runs N] [--date YYYY-MM-DD]

Issue 11's goal: the corte del día as CSV costs at most 2× `timew summary` of one day at
100,000 entries and at most 3× at 1,000,000. For each size, the database of
`bench/summary_cli.py` (cached in ``--cache``; N ended sessions over two years) and a
Timewarrior database holding one interval per session (same start and end, tagged with the
client, the advisor and the modality) are built once, in two layouts: as Timewarrior keeps them
(one data file per month: a day's summary reads its month, a few thousand intervals) and with
every interval in the summarized month's file (the summary parses all N, as the corte's
database holds all N). Then fresh processes of each command run alternately, ``--runs`` times
after a warm-up, and the medians of their CPU time (children's ``rusage``: user + system) and
wall time are printed with the ratios, beside a bare ``python -c pass`` (the interpreter's
own start-up, which no Python command goes below). Timewarrior is Debian's `timewarrior`
(`apt-get install timewarrior`; not installed in CI): without it the script says so and prints
only AppleUse's figures. The load average and the busiest other processes are printed before
and after, since the machine may be shared; ``--instructions`` also counts each command's
instructions once under valgrind, a figure the load does not move. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

GOALS = {100_000: 2.0, 1_000_000: 3.0}


def stamp(value: str) -> str:
    """SQLite's stored UTC text → Timewarrior's ``20261124T150000Z``."""
    return datetime.fromisoformat(value).strftime("%Y%m%dT%H%M%SZ")


def timew_database(db: Path, target: Path, one_file: str | None = None) -> int:
    """One Timewarrior interval per ended session of ``db``, in monthly data files (or all in
    the file of month ``one_file``, ``YYYY-MM``)."""
    done = target / "done"
    if done.exists():
        return int(done.read_text())
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    (target / "timewarrior.cfg").write_text("verbose = off\n")
    months: dict[str, list[str]] = defaultdict(list)
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT s.started_at, s.ended_at, cl.name, a.name, s.modality FROM sessions s "
            "JOIN cases c ON c.id = s.case_id JOIN clients cl ON cl.id = c.client_id "
            "JOIN advisors a ON a.id = s.advisor_id WHERE s.ended_at IS NOT NULL "
            "ORDER BY s.started_at"
        )
        count = 0
        for start, end, client, advisor, modality in rows:
            begin = stamp(start)
            months[one_file or begin[:4] + "-" + begin[4:6]].append(
                f'inc {begin} - {stamp(end)} # "{client}" "{advisor}" {modality}\n'
            )
            count += 1
    finally:
        conn.close()
    for month, lines in months.items():
        (data / f"{month}.data").write_text("".join(lines))
    (data / "tags.data").write_text("{}\n")
    done.write_text(str(count))
    return count


def machine_note() -> str:
    """The load average and the three busiest other processes (``ps``), for the record."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        ps = subprocess.run(
            ["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.splitlines()[1:]
    except (OSError, subprocess.SubprocessError):
        ps = []
    rows = [line.split(maxsplit=2) for line in ps]
    busy = [f"{r[1]} % {r[2][:60]}" for r in rows
            if len(r) == 3 and r[0] != str(os.getpid()) and not r[2].startswith("ps ")]  # fmt: skip
    return f"carga {load}; procesos más activos: {' | '.join(busy[:3]) or '¿?'}"


def instructions(args: list[str], env: dict[str, str], cwd: Path) -> float | None:
    """Millions of instructions one run executes, counted by valgrind (``--instructions``): a
    figure that does not move with the machine's load, unlike CPU time. None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
        capture_output=True, text=True, env=env, cwd=cwd,
    )  # fmt: skip
    counted = [line for line in done.stderr.splitlines() if "Collected :" in line]
    return int(counted[-1].split()[-1]) / 1e6 if counted and done.returncode == 0 else None


def compare(sessions: int, cache: Path, runs: int, day: date, timew: bool, count: bool) -> None:
    from summary_cli import at_head, build, command, run_once, upgraded

    db = cache / f"bench-{sessions}.sqlite3"
    if not db.exists() or not (at_head(db) or upgraded(db)):
        partial = db.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build(partial, sessions)
        partial.replace(db)
        print(f"base construida en {time.perf_counter() - t0:.1f} s → {db}")
    layouts = {
        "timew (un archivo por mes)": cache / f"timew-{sessions}",
        "timew (todo en un archivo)": cache / f"timew-{sessions}-one",
    }
    entries = 0
    if timew:
        entries = timew_database(db, layouts["timew (un archivo por mes)"])
        timew_database(db, layouts["timew (todo en un archivo)"], f"{day:%Y-%m}")
    else:
        layouts = {}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the package is compiled once, not per run
    ours = [*command(), "--db", f"sqlite:///{db}", "summary", "--date", day.isoformat(),
            "-o", "day.csv"]  # fmt: skip
    theirs = ["timew", "summary", day.isoformat(), "-", (day + timedelta(days=1)).isoformat()]
    runs_of = {"appleuse summary -o day.csv": (ours, None)}
    runs_of |= {name: (theirs, str(folder)) for name, folder in layouts.items()}
    runs_of["python -c pass"] = ([sys.executable, "-c", "pass"], None)
    work = Path(tempfile.mkdtemp(prefix="appleuse-timew-"))
    figures: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for k in range(runs + 1):  # alternately, so all see the same machine
        for name, (args, folder) in runs_of.items():
            wall, cpu, _ = run_once(args, env | ({"TIMEWARRIORDB": folder} if folder else {}), work)
            measured = (wall, cpu)
            if k:  # the first round warms the disk cache and compiles the package
                figures[name].append(measured)
    wall = {n: statistics.median(w for w, _ in f) for n, f in figures.items()}
    cpu = {n: statistics.median(c for _, c in f) for n, f in figures.items()}
    intervals = f" / {entries:,} intervalos de timew" if timew else ""
    print(f"{sessions:>9,} sesiones{intervals}, día {day.isoformat()}"
          f" ({runs} rondas; después: {machine_note()})")  # fmt: skip
    for name in runs_of:
        print(f"  {name:<28} CPU {cpu[name]:.3f} s   pared {wall[name]:.3f} s")
    if count:  # after the timed rounds: valgrind's runs are ~50× slower
        counted = {
            name: instructions(args, env | ({"TIMEWARRIORDB": folder} if folder else {}), work)
            for name, (args, folder) in runs_of.items()
        }
        for name, millions in counted.items():
            print(f"  {name:<28} {millions or float('nan'):,.0f} M instrucciones (valgrind)")
        ours_count = counted["appleuse summary -o day.csv"]
        for name in layouts:
            theirs_count = counted[name]
            if ours_count and theirs_count:
                print(f"  instrucciones appleuse ÷ {name} = {ours_count / theirs_count:.2f}×")
    goal = GOALS.get(sessions)
    for name in layouts:
        ratio = cpu["appleuse summary -o day.csv"] / cpu[name]
        verdict = "" if goal is None else f"meta ≤ {goal:.0f}×: {'OK' if ratio <= goal else 'no'}"
        print(f"  CPU appleuse ÷ {name} = {ratio:.2f}×  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "appleuse-bench"
    )
    parser.add_argument("--sessions", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 24))
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions once with valgrind (independent of load)",
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    timew = shutil.which("timew") is not None
    if timew:
        version = subprocess.run(["timew", "--version"], capture_output=True, text=True).stdout
        print(f"timew {version.strip()} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    else:
        print("Timewarrior no está instalado (`apt-get install timewarrior`): solo se miden las "
              "cifras de AppleUse, sin comparación.")  # fmt: skip
    print(f"antes: {machine_note()}")
    for sessions in args.sessions:
        compare(sessions, args.cache, args.runs, args.date, timew, args.instructions)


if __name__ == "__main__":
    main()
