"""How fast `appleuse summary … -o day.csv` and `appleuse receipt` are on a big database.

    .venv/bin/python bench/summary_cli.py [--cache DIR] [--sessions N] [--runs N] [--rebuild]

Builds (once; cached in ``--cache``, by default a folder in the system temp dir) a SQLite
database of 100,000 ended sessions spread over the two years up to Tuesday 2026-11-24: 24
advisors, 800 clients in Xalapa, Coatepec and elsewhere, every modality and outcome,
remote-control consents (some declined), disconnections and pauses, receipts priced by the real
billing engine (90 %, a few cancelled and issued again), payments (80 %), pending and expired
cases. Rows go in with SQLAlchemy Core bulk inserts, on a schema made by the migrations.

Then it runs the whole commands as a user would (a new process each time, median of
``--runs``; wall and CPU time, the child's ``rusage``, beside ``python -c pass``) and prints
each figure beside its goal (issue 5: summary to CSV < 0.35 s). It also times the summary as a
PDF and `appleuse receipt` for reference, and breaks one summary down: the CSV's own path
(standard-library ``sqlite3``, ``app.services.day_summary``: importing, the corte, of which the
balance due at the close — running totals less what happened after it —, the CSV; CPU time) and the
services' path (SQLAlchemy: the window and the PDF). Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ZONE = ZoneInfo("America/Mexico_City")
LAST_DAY = date(2026, 11, 24)  # a Tuesday: the day the summary is timed for
DAYS = 730
ADVISORS = 24
CLIENTS = 800
GOAL_CSV = 0.35
BATCH = 20_000
CITIES = ["Xalapa"] * 10 + ["Xalapa-Enríquez"] * 3 + ["Coatepec"] * 4 + ["Banderilla", "Veracruz"]
FIRST = [
    "Lucía",
    "José Luis",
    "María Fernanda",
    "Carmen",
    "Jorge",
    "Guadalupe",
    "Ricardo",
    "Sofía",
    "Andrés",
    "Patricia",
    "Fernando",
    "Elena",
    "Miguel Ángel",
    "Begoña",
    "Iñaki",
]
LAST = [
    "Pérez",
    "Ortega",
    "Hernández",
    "Vázquez",
    "Sánchez",
    "Rosas",
    "Martínez",
    "Castillo",
    "Ruiz",
    "Gómez",
    "Díaz",
    "Cházaro",
    "Rebolledo",
    "Núñez",
    "Muñoz",
    "Téllez",
]


def local(day: date, minutes: int) -> datetime:
    return datetime.combine(day, clock_time(0), tzinfo=ZONE).astimezone(UTC) + timedelta(
        minutes=minutes
    )


def day_counts(total: int) -> list[tuple[date, int]]:
    """Sessions per day: weekdays busy, Saturdays light, Sundays almost none."""
    days = [LAST_DAY - timedelta(days=k) for k in range(DAYS - 1, -1, -1)]
    weight = {5: 0.3, 6: 0.04}
    weights = [weight.get(d.weekday(), 1.0) for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    k = 0
    while sum(counts) < total:  # hand out the rounding remainder to weekdays
        if days[k % DAYS].weekday() < 5:
            counts[k % DAYS] += 1
        k += 1
    return list(zip(days, counts, strict=True))


def build(path: Path, total: int, seed: int = 2026) -> dict[str, Any]:
    """Create the database at ``path``; return a few facts about it."""
    from sqlalchemy import insert

    from app.billing import SessionCharge, Tariff, price_session
    from app.kernel.enums import Band, Modality
    from app.kernel.timeline import Interval
    from app.models import (
        Advisor,
        BusinessSetting,
        Case,
        Client,
        Device,
        FolioCounter,
        Payment,
        Receipt,
        ReceiptLine,
        SessionEvent,
        WorkSession,
    )
    from app.models.engine import make_engine, upgrade
    from app.services.counters import CASE_SERIES

    rng = random.Random(seed)
    tariff = Tariff()
    snapshot = tariff.to_dict()
    created = local(LAST_DAY - timedelta(days=DAYS + 1), 9 * 60)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, backup=False)
    rows: dict[Any, list[dict[str, Any]]] = {
        t: []
        for t in (
            Advisor,
            Client,
            Device,
            Case,
            WorkSession,
            SessionEvent,
            Receipt,
            ReceiptLine,
            Payment,
            BusinessSetting,
            FolioCounter,
        )
    }
    for a in range(1, ADVISORS + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
        rows[Advisor].append({"id": a, "name": name, "active": True, "created_at": created})
    cities = {}
    for c in range(1, CLIENTS + 1):
        city = rng.choice(CITIES)
        cities[c] = city
        rows[Client].append(
            {
                "id": c, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
                "phone": f"228 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "email": f"cliente{c}@example.mx", "rfc": None, "city": city, "address": "",
                "notes": "", "active": True, "created_at": created, "updated_at": created,
            }
        )  # fmt: skip
        rows[Device].append(
            {
                "id": c, "client_id": c, "kind": "mac", "model": "MacBook Air M2",
                "serial": f"C02{rng.randint(10**6, 10**7 - 1)}", "os_version": "15.1",
                "notes": "", "active": True, "created_at": created,
            }
        )  # fmt: skip
    rows[BusinessSetting].append(
        {
            "key": "business_profile",
            "value": {
                "name": "AppleUse", "phones": ["228 812 3456"], "address": "Xalapa, Veracruz",
                "receipt_series": "A",
            },
        }
    )  # fmt: skip

    sid = event_id = receipt_id = line_id = payment_id = folio = 0
    outcomes = ["resolved"] * 15 + ["follow_up", "follow_up", "unsolvable", "escalated"]
    cut_off = local(LAST_DAY, 24 * 60) - timedelta(days=tariff.pending_days)
    for day, count in day_counts(total):
        # each advisor works consecutive sessions from 09:00; slots never overlap
        next_free = {a: 9 * 60 + rng.randint(0, 20) for a in range(1, ADVISORS + 1)}
        for k in range(count):
            sid += 1
            advisor = 1 + k % ADVISORS
            client = rng.randint(1, CLIENTS)
            length = rng.randint(15, 95)
            begin = next_free[advisor]
            next_free[advisor] = begin + length + rng.randint(5, 25)
            start = local(day, begin)
            end = start + timedelta(minutes=length)
            modality = rng.choices(["remote", "office", "onsite"], weights=[6, 3, 2])[0]
            channel = None
            if modality == "remote":
                channel = rng.choices(["remote_desktop", "phone", "chat"], weights=[6, 2, 2])[0]
            city = cities[client]
            needs_quote = modality == "onsite" and not tariff.onsite_city_has_rate(city)
            quoted = Decimal("900.00") if needs_quote else None
            events: list[tuple[str, datetime, bool | None]] = [("started", start, None)]
            gaps: list[Interval] = []
            outcome = rng.choice(outcomes)
            if channel == "remote_desktop":
                t = start + timedelta(minutes=2)
                events.append(("remote_requested", t, None))
                if rng.random() < 0.06:
                    events.append(("remote_declined", t + timedelta(minutes=1), None))
                    outcome = "declined_remote"
                else:
                    events.append(("remote_accepted", t + timedelta(minutes=1), True))
                    events.append(("remote_started", t + timedelta(minutes=2), None))
                    if length > 30 and rng.random() < 0.2:
                        cut = t + timedelta(minutes=8)
                        back = cut + timedelta(minutes=4)
                        events.append(("disconnected", cut, None))
                        events.append(("reconnected", back, None))
                        gaps.append(Interval(cut, back))
                        if rng.random() < 0.4:
                            outcome = "interrupted"
                    else:
                        events.append(("remote_stopped_by_client", end, None))
            elif modality != "remote" and length > 40 and rng.random() < 0.2:
                p0 = start + timedelta(minutes=15)
                events.append(("paused", p0, None))
                events.append(("resumed", p0 + timedelta(minutes=7), None))
                gaps.append(Interval(p0, p0 + timedelta(minutes=7)))
            events.append(("ended", end, None))
            state = {
                "resolved": "resolved", "follow_up": "pending", "interrupted": "pending",
                "unsolvable": "closed", "declined_remote": "closed", "escalated": "escalated",
            }[outcome]  # fmt: skip
            pending_since = end if state == "pending" else None
            closed_at = end if state in ("resolved", "closed") else None
            if state == "pending" and end < cut_off:
                state, closed_at = "expired", end + timedelta(days=tariff.pending_days)
            rows[Case].append(
                {
                    "id": sid, "number": sid, "client_id": client, "device_id": client,
                    "modality": modality, "summary": "Revisión de la Mac", "state": state,
                    "opened_at": start, "pending_since": pending_since, "closed_at": closed_at,
                    "previous_case_id": None,
                }
            )  # fmt: skip
            rows[WorkSession].append(
                {
                    "id": sid, "case_id": sid, "advisor_id": advisor,
                    "device_id": client if channel == "remote_desktop" else None,
                    "modality": modality, "channel": channel, "city": city,
                    "started_at": start, "ended_at": end, "outcome": outcome,
                    "follow_up": False,
                    "payment_arrangement": "prepaid" if modality == "remote" else "at_end",
                    "checklist_internet": modality == "remote",
                    "checklist_macos": channel == "remote_desktop",
                    "checklist_remote_tool": "teamviewer" if channel == "remote_desktop" else None,
                    "quoted_rate": None, "quoted_amount": quoted, "notes": "",
                }
            )  # fmt: skip
            for seq, (kind, at, ack) in enumerate(events, start=1):
                event_id += 1
                rows[SessionEvent].append(
                    {
                        "id": event_id, "session_id": sid, "seq": seq, "kind": kind, "at": at,
                        "backup_notice_acknowledged": ack, "note": "",
                    }
                )  # fmt: skip
            if rng.random() >= 0.9:
                continue
            bill = price_session(
                SessionCharge(
                    Modality(modality), start, end, gaps=tuple(gaps), city=city,
                    quoted_amount=quoted,
                ),
                tariff,
            )  # fmt: skip
            assert bill.total is not None and bill.base is not None and bill.iva is not None
            issued_at = end + timedelta(minutes=2)
            cancel = rng.random() < 0.02
            for attempt in (0, 1) if cancel else (0,):
                receipt_id += 1
                folio += 1
                by_band = bill.hours_by_band()
                cancelled = cancel and attempt == 0
                at = issued_at + timedelta(minutes=3 * attempt)
                rows[Receipt].append(
                    {
                        "id": receipt_id, "series": "A", "number": folio,
                        "folio": f"A-{folio:06d}", "client_id": client, "session_id": sid,
                        "advisor_id": advisor, "issued_at": at, "modality": modality,
                        "worked_minutes": bill.worked_minutes,
                        "billable_hours": bill.billable_hours,
                        "business_hours": by_band[Band.BUSINESS],
                        "outside_hours": by_band[Band.OUTSIDE],
                        "subtotal": bill.subtotal, "discount": bill.discount or Decimal("0.00"),
                        "credits": bill.credits or Decimal("0.00"), "base": bill.base,
                        "iva": bill.iva, "total": bill.total, "tariff_snapshot": snapshot,
                        "status": "cancelled" if cancelled else "issued",
                        "cancelled_at": at + timedelta(minutes=2) if cancelled else None,
                        "cancel_reason": "Datos del cliente equivocados" if cancelled else None,
                    }
                )  # fmt: skip
                for pos, line in enumerate(bill.lines, start=1):
                    line_id += 1
                    rows[ReceiptLine].append(
                        {
                            "id": line_id, "receipt_id": receipt_id, "position": pos,
                            "kind": line.kind.value, "description": line.description,
                            "band": line.band.value if line.band else None,
                            "hours": line.hours, "rate": line.rate, "amount": line.amount,
                        }
                    )  # fmt: skip
                if not cancelled and bill.total > 0 and rng.random() < 0.8:
                    payment_id += 1
                    rows[Payment].append(
                        {
                            "id": payment_id, "receipt_id": receipt_id, "amount": bill.total,
                            "method": rng.choice(["cash", "transfer", "card"]),
                            "received_at": at + timedelta(minutes=5), "reference": "",
                            "advisor_id": advisor,
                        }
                    )  # fmt: skip
    rows[FolioCounter] += [
        {"series": "A", "next_number": folio + 1},
        {"series": CASE_SERIES, "next_number": sid + 1},
    ]
    with engine.begin() as conn:
        for model, data in rows.items():
            table = model.__table__
            for k in range(0, len(data), BATCH):
                conn.execute(insert(table), data[k : k + BATCH])
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"sessions": sid, "events": event_id, "receipts": receipt_id, "payments": payment_id}


def at_head(path: Path) -> bool:
    """True when the cached database has the newest schema (else it is built again)."""
    from app.models.engine import make_engine, needs_upgrade

    engine = make_engine(f"sqlite:///{path}")
    try:
        return not needs_upgrade(engine)
    finally:
        engine.dispose()


def upgraded(path: Path) -> bool:
    """Bring a cached database of an older schema to the newest in place (migrations only add
    tables, indexes and triggers, and fill what they add — revision 0010's running totals);
    False when that is not possible (a schema of a newer AppleUse, a damaged file): the caller
    builds it again."""
    from app.models.engine import make_engine, upgrade

    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine, backup=False)
    except Exception as exc:  # any refusal: the file is built again
        print(f"no se pudo actualizar {path} ({exc}); se construye de nuevo")
        return False
    finally:
        engine.dispose()
    print(f"base actualizada al esquema más reciente: {path}")
    return True


def command() -> list[str]:
    script = Path(sys.executable).with_name("appleuse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


def run_once(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds (the child's user + system time, ``RUSAGE_CHILDREN``) of one fresh
    process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"falló {' '.join(args)}:\n{result.stderr}{result.stdout}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout.strip()


def timed_runs(args: list[str], runs: int, cwd: Path) -> tuple[float, str, float]:
    """Median wall time, last output and median CPU time of ``runs`` fresh processes (after
    one warm-up run), see :func:`run_once`."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the package is compiled once, not per run
    times, cpus = [], []
    out = ""
    for k in range(runs + 1):
        elapsed, cpu, out = run_once(args, env, cwd)
        if k:  # the first run only warms the disk cache
            times.append(elapsed)
            cpus.append(cpu)
    return statistics.median(times), out, statistics.median(cpus)


BREAKDOWN = """
import sys, time
t0 = time.process_time()
from datetime import UTC, date, datetime
from pathlib import Path
import app.cli
app.cli.build_parser(command="summary")
import app.commands.output, app.commands.summary, app.services.day_summary as corte
from app.documents.summary_csv import summary_csv_bytes
t1 = time.process_time()
flows = corte.money_flows
spent = []
def timed(*args):
    start = time.process_time()
    try:
        return flows(*args)
    finally:
        spent.append(time.process_time() - start)
corte.money_flows = timed
summary = corte.summary_from_sqlite(
    Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), datetime.now(UTC)
)
t2 = time.process_time()
summary_csv_bytes(summary)
t3 = time.process_time()
print(t1 - t0, t2 - t1 - sum(spent), sum(spent), t3 - t2)
"""

SERVICES_BREAKDOWN = """
import sys, time
t0 = time.perf_counter()
import app.models.engine, app.services.facade
from datetime import date
t1 = time.perf_counter()
services = app.services.facade.Services.create(app.models.engine.make_engine(sys.argv[1]))
t2 = time.perf_counter()
summary = services.documents.day_summary(date.fromisoformat(sys.argv[2]))
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def breakdown(script: str, target: str, day: str, cwd: Path) -> list[float]:
    """Where the time of one summary goes, measured inside a fresh process (the interpreter's
    own start, ``python -c pass``, is not in the first figure). The CSV's breakdown is CPU
    time; the services' is wall time."""
    result = subprocess.run(
        [sys.executable, "-c", script, target, day], capture_output=True, text=True, cwd=cwd,
        check=True,
    )  # fmt: skip
    return [float(x) for x in result.stdout.split()]


def report(title: str, names: tuple[str, ...], parts: list[list[float]]) -> None:
    medians = [statistics.median(c) for c in zip(*parts, strict=True)]
    print(title + ", ".join(f"{n} {m:.3f} s" for n, m in zip(names, medians, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "appleuse-bench",
        help="folder that keeps the generated database between runs",
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--date", default=LAST_DAY.isoformat(), help="day to summarize")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    args = parser.parse_args()

    args.cache.mkdir(parents=True, exist_ok=True)
    db = args.cache / f"bench-{args.sessions}.sqlite3"
    if args.rebuild or not db.exists() or not (at_head(db) or upgraded(db)):
        partial = db.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        t0 = time.perf_counter()
        facts = build(partial, args.sessions)
        shutil.move(partial, db)
        print(
            f"base construida en {time.perf_counter() - t0:.1f} s: {facts['sessions']:,} "
            f"sesiones, {facts['events']:,} eventos, {facts['receipts']:,} recibos, "
            f"{facts['payments']:,} pagos → {db}"
        )
    else:
        print(f"base reutilizada: {db}")
    url = f"sqlite:///{db}"
    base = [*command(), "--db", url]
    work = Path(tempfile.mkdtemp(prefix="appleuse-bench-out-"))
    try:
        csv_time, csv_out, csv_cpu = timed_runs(
            [*base, "summary", "--date", args.date, "-o", "day.csv"], args.runs, work
        )
        print(f"appleuse summary -o day.csv   mediana {csv_time:.3f} s, CPU {csv_cpu:.3f} s"
              f"  (meta < {GOAL_CSV} s)  {'OK' if csv_time < GOAL_CSV else 'EXCEDE'}")  # fmt: skip
        print(f"  {csv_out}")
        bare_time, _, bare_cpu = timed_runs([sys.executable, "-c", "pass"], args.runs, work)
        print(f"python -c pass                mediana {bare_time:.3f} s, CPU {bare_cpu:.3f} s")
        pdf_time, _, pdf_cpu = timed_runs(
            [*base, "summary", "--date", args.date, "-o", "day.pdf"], args.runs, work
        )
        print(f"appleuse summary -o day.pdf   mediana {pdf_time:.3f} s, CPU {pdf_cpu:.3f} s"
              "  (referencia)")  # fmt: skip
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            folio = conn.execute(
                text("SELECT folio FROM receipts ORDER BY id DESC LIMIT 1")
            ).scalar_one()
        engine.dispose()
        receipt_time, receipt_out, _ = timed_runs(
            [*base, "receipt", folio, "-o", "recibo.pdf"], args.runs, work
        )
        print(f"appleuse receipt -o recibo.pdf mediana {receipt_time:.3f} s  (referencia)")
        print(f"  {receipt_out}")
        bare, _, _ = timed_runs(
            [sys.executable, "-c", "import app.services.facade"], args.runs, work
        )
        print(f"solo importar app.services      mediana {bare:.3f} s  (ventana y PDF; el CSV "
              "de un archivo SQLite no lo importa)")  # fmt: skip
        parts = [breakdown(BREAKDOWN, str(db), args.date, work) for _ in range(args.runs)]
        report("desglose del CSV (sqlite3, proceso nuevo, CPU): ",
               ("importar", "corte sin el saldo", "saldo al cierre", "CSV"), parts)  # fmt: skip
        parts = [breakdown(SERVICES_BREAKDOWN, url, args.date, work) for _ in range(args.runs)]
        report("desglose vía servicios (SQLAlchemy): ",
               ("python + importar", "motor", "corte del día"), parts)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
