"""The agenda on a big database: 10,000 appointments (issue 13).

    .venv/bin/python bench/agenda.py [--appointments N] [--advisors N] [--db-dir DIR] [--runs N]

Prints, as wall time beside CPU time (``time.process_time``), median and worst of ``--runs``:
- the week view of one advisor: the query through the service (with each cita's marks and price
  preview from the billing engine) plus setting the grid and painting it into an image
  (goal ≤ 50 ms);
- the week view of all advisors side by side, the same way;
- the free-slot search ("próximo hueco libre") for one advisor and for any advisor, 5 slots of
  one hour (goal ≤ 10 ms).
Nothing is asserted. The database is built once (bulk inserts of booked, confirmed, done and
cancelled citas over two years around the benchmark's "now") and kept in --db-dir.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NOW = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # Tuesday 10:00 in Xalapa


def build(path: Path, appointments: int, advisors: int) -> None:
    from sqlalchemy import insert

    from app.kernel.enums import AppointmentPurpose, AppointmentState
    from app.models import Advisor, Appointment, AppointmentChange, Client
    from app.models.engine import make_engine, upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    rng = random.Random(13)
    states = [AppointmentState.SCHEDULED] * 4 + [AppointmentState.CONFIRMED] * 3 + [
        AppointmentState.DONE, AppointmentState.CANCELLED,
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Advisor), [
            {"name": f"Asesor {k + 1}", "active": True, "created_at": NOW} for k in range(advisors)
        ])  # fmt: skip
        conn.execute(insert(Client), [
            {"name": f"Cliente {k:04d}", "phone": "", "email": "", "rfc": None, "city": "Xalapa",
             "address": "", "notes": "", "active": True, "created_at": NOW, "updated_at": NOW}
            for k in range(1000)
        ])  # fmt: skip
        rows = []
        for a in range(advisors):
            per_advisor = appointments // advisors + (1 if a < appointments % advisors else 0)
            # back to back from a year ago: 4 a business day (9:00, 10:30, 12:00, 16:30)
            day = (NOW - timedelta(days=365)).date()
            made = 0
            while made < per_advisor:
                day += timedelta(days=1)
                if day.weekday() >= 5:
                    continue
                for hour, minute in ((15, 0), (16, 30), (18, 0), (22, 30)):  # UTC = local + 6
                    if made >= per_advisor:
                        break
                    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    rows.append({
                        "client_id": rng.randint(1, 1000), "advisor_id": a + 1,
                        "modality": rng.choice(["remote", "office", "onsite"]), "channel": None,
                        "city": rng.choice(["Xalapa", "Coatepec", "Veracruz"]), "address": "",
                        "device_id": None, "starts_at": start,
                        "ends_at": start + timedelta(minutes=rng.choice([60, 60, 90])),
                        "reason": "Revisión", "purpose": AppointmentPurpose.GENERAL.value,
                        "case_id": None, "policy_id": None, "state": rng.choice(states).value,
                        "cancel_reason": None, "created_at": NOW,
                    })  # fmt: skip
                    made += 1
        conn.execute(insert(Appointment), rows)
        conn.execute(insert(AppointmentChange), [  # each cita's history: booked, then its state
            {"appointment_id": k + 1, "seq": seq, "kind": kind, "at": NOW,
             "advisor_id": r["advisor_id"], "starts_at": r["starts_at"], "ends_at": r["ends_at"],
             "note": ""}
            for k, r in enumerate(rows)
            for seq, kind in enumerate(
                ["booked"] + ([] if r["state"] == "scheduled" else [r["state"]]), start=1
            )
        ])  # fmt: skip
    engine.dispose()


def measure(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    fn()  # warm: imports, statement cache, holidays
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return walls, cpus


def report(label: str, goal: str, figures: tuple[list[float], list[float]]) -> None:
    walls, cpus = figures
    print(
        f"{label:<46} wall median {statistics.median(walls):7.2f} ms, worst {max(walls):7.2f} ms"
        f" | CPU median {statistics.median(cpus):7.2f} ms   (goal {goal})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--advisors", type=int, default=3)
    parser.add_argument("--db-dir", default=tempfile.gettempdir())
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = Path(args.db_dir) / f"appleuse-agenda-{args.appointments}-{args.advisors}.sqlite3"
    if not path.exists():
        t0 = time.perf_counter()
        build(path, args.appointments, args.advisors)
        print(f"built {path} in {time.perf_counter() - t0:.1f} s")

    from PySide6.QtWidgets import QApplication

    from app.kernel.clock import FakeClock
    from app.models.engine import make_engine
    from app.services.facade import Services
    from app.ui.agenda_window import AgendaWindow

    app = QApplication.instance() or QApplication([])
    services = Services.create(make_engine(f"sqlite:///{path}"), FakeClock(NOW))
    total = len(
        services.agenda.appointments(
            NOW - timedelta(days=3000), NOW + timedelta(days=3000), marks=False
        )
    )
    print(f"{total:,} appointments, {args.advisors} advisors; now = Tuesday 24/11/2026 10:00")
    window = AgendaWindow(services, advisor_id=1)
    window.resize(1400, 800)
    window.show()
    app.processEvents()
    view = window.view

    def week(advisor: int | None) -> Callable[[], object]:
        index = window.advisorCombo.findData(advisor)

        def draw() -> object:
            window.advisorCombo.blockSignals(True)
            window.advisorCombo.setCurrentIndex(index)
            window.advisorCombo.blockSignals(False)
            first, days = window.period()
            start = services.agenda.local_midnight(NOW - timedelta(days=NOW.weekday()))
            shown = services.agenda.appointments(start, start + timedelta(days=7), advisor)
            view.set_data(window.columns(first, days, advisor), shown)
            return view.grab()  # paints the grid into an image

        return draw

    shown = len(services.agenda.appointments(NOW - timedelta(days=1), NOW + timedelta(days=6), 1))
    report(f"week view, one advisor (~{shown} citas)", "≤ 50 ms", measure(week(1), args.runs))
    report("week view, all advisors side by side", "≤ 50 ms", measure(week(None), args.runs))
    report(
        "free slots, one advisor (5 × 1 h)", "≤ 10 ms",
        measure(lambda: services.agenda.free_slots(60, advisor_id=1, count=5), args.runs),
    )  # fmt: skip
    report(
        "free slots, any advisor (5 × 1 h)", "≤ 10 ms",
        measure(lambda: services.agenda.free_slots(60, count=5), args.runs),
    )  # fmt: skip
    window.close()


if __name__ == "__main__":
    main()
