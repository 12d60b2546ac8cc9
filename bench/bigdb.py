"""A large benchmark database built fast: N clients and N sessions in one transaction.

    python bench/bigdb.py FILE.sqlite3 --clients N [--sessions N]

The schema comes from the migrations (``models.engine.upgrade``); the rows go in through the
standard library's ``sqlite3`` with ``executemany`` over generators, in one transaction, with
the journal off while filling (a benchmark file, rebuilt when lost). 1,000,000 clients and
1,000,000 sessions take about a minute here (the ORM path took 21 minutes). The triggers that
raise the report's counters (revision 0011) are dropped while filling and made again.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's app

FIRST = ["Ana", "José", "María", "Luis", "Óscar", "Lucía", "Jorge", "Sofía", "Raúl", "Elena",
         "Benjamín", "Guadalupe", "Andrés", "Patricia", "Ramón", "Carmen", "Iñaki",
         "Noemí"]  # fmt: skip
LAST = ["López", "Hernández", "Martínez", "Peña", "Ramírez", "Domínguez", "Cházaro", "Landa",
        "Rebolledo", "Téllez", "Zamora", "Báez", "Ochoa", "Couttolenc", "Muñoz",
        "Ibáñez"]  # fmt: skip
CITIES = ["Xalapa", "Xalapa-Enríquez", "Coatepec", "Banderilla", "Xico", "Veracruz", "Córdoba",
          "Puebla", "Teocelo", "Perote"]  # fmt: skip
ADVISOR = "Asesor de prueba"
_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite
NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def _clients(count: int, rnd: random.Random) -> Iterator[tuple[object, ...]]:
    stamp = NOW.strftime(_STAMP)
    for i in range(count):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {rnd.choice(LAST)} {i}"
        phone = f"(228) {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}"
        yield (name, phone, "", None, rnd.choice(CITIES), "", "", 1, stamp, stamp)


def _times(count: int, rnd: random.Random) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        start = NOW - timedelta(minutes=rnd.randint(60, 2 * 365 * 24 * 60))
        end = start + timedelta(minutes=rnd.randint(10, 180))
        out.append((start.strftime(_STAMP), end.strftime(_STAMP)))
    return out


def build(
    path: Path, clients: int, sessions: int | None = None, *, seed: int = 7, counting: bool = False
) -> None:
    """Create ``path`` (which must not exist) with the schema and the rows; ``counting``: with
    the report counters raised row by row, as the app's writes raise them (slower)."""
    from app.models.engine import make_engine, upgrade

    sessions = clients if sessions is None else sessions
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, backup=False)
    engine.dispose()
    rnd = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        # The report counters' triggers (revision 0011) raise a day's counter for each row
        # written (a third of the build); a new file's counters may as well start at nought:
        # they are dropped while filling and made again, as they were, before the commit.
        counters = (
            []
            if counting
            else conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND sql LIKE '%report_versions%'"
            ).fetchall()
        )
        for name, _ in counters:
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(
            "INSERT INTO advisors (name, active, created_at) VALUES (?, 1, ?)",
            (ADVISOR, NOW.strftime(_STAMP)),
        )
        conn.executemany(
            "INSERT INTO clients (name, phone, email, rfc, city, address, notes, active, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _clients(clients, rnd),
        )
        times = _times(sessions, rnd)
        owners = [rnd.randint(1, clients) for _ in range(sessions)]
        conn.executemany(
            "INSERT INTO cases (id, number, client_id, modality, summary, state, opened_at, "
            "closed_at) VALUES (?, ?, ?, 'office', '', 'resolved', ?, ?)",
            ((i + 1, i + 1, owners[i], s, e) for i, (s, e) in enumerate(times)),
        )
        conn.executemany(
            "INSERT INTO sessions (id, case_id, advisor_id, modality, city, started_at, "
            "ended_at, outcome, follow_up, payment_arrangement, checklist_internet, "
            "checklist_macos, notes) VALUES (?, ?, 1, 'office', 'Xalapa', ?, ?, 'resolved', 0, "
            "'at_end', 0, 0, '')",
            ((i + 1, i + 1, s, e) for i, (s, e) in enumerate(times)),
        )
        conn.executemany(
            "INSERT INTO session_events (session_id, seq, kind, at, note) VALUES (?, ?, ?, ?, '')",
            (
                row
                for i, (s, e) in enumerate(times)
                for row in ((i + 1, 1, "started", s), (i + 1, 2, "ended", e))
            ),
        )
        conn.execute(
            "INSERT INTO folio_counters (series, next_number) VALUES ('#CASE', ?)", (sessions + 1,)
        )
        for _, sql in counters:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int)
    args = parser.parse_args()
    if args.file.exists():
        parser.error(f"{args.file} already exists")
    cpu, wall = time.process_time(), time.perf_counter()
    build(args.file, args.clients, args.sessions)
    print(
        f"built {args.file} in {time.perf_counter() - wall:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU ({args.file.stat().st_size / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
