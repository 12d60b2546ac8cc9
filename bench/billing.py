"""How fast the billing engine prices a session, and `appleuse quote` as a whole command.

    .venv/bin/python bench/billing.py

Prints figures; asserts nothing (timings belong in benchmarks, not tests).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
import timeit
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing import PolicyTerms, SessionCharge, Tariff, price_session
from app.kernel.enums import Modality
from app.kernel.timeline import Interval

MX = ZoneInfo("America/Mexico_City")
TARIFF = Tariff()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MX)


SCENARIOS = {
    "remote 20 min": SessionCharge(Modality.REMOTE, at("2026-11-24 10:00"), at("2026-11-24 10:20")),
    "remote 13:50-15:30 (crosses a band)": SessionCharge(
        Modality.REMOTE, at("2026-11-24 13:50"), at("2026-11-24 15:30")
    ),
    "onsite 6 h, 3 gaps, policy": SessionCharge(
        Modality.ONSITE,
        at("2026-11-27 15:00"),
        at("2026-11-27 21:10"),
        tuple(
            Interval(at(f"2026-11-27 {a}"), at(f"2026-11-27 {b}"))
            for a, b in (("15:30", "15:40"), ("17:00", "17:25"), ("19:55", "20:05"))
        ),
        city="Xalapa-Enríquez",
        policy=PolicyTerms(discount=Decimal("0.2"), covered_hours=1),
    ),
    "office weekend 30 h": SessionCharge(
        Modality.OFFICE, at("2026-11-27 18:00"), at("2026-11-29 00:00")
    ),
}


def per_call(charge: SessionCharge) -> float:
    price_session(charge, TARIFF)  # warm caches (holiday calendar, zone)
    timer = timeit.Timer(lambda: price_session(charge, TARIFF))
    loops, _ = timer.autorange()
    best = min(timer.repeat(repeat=5, number=loops)) / loops
    return best * 1e6


def command_time(args: list[str], runs: int = 15) -> tuple[float, float]:
    """Median wall and CPU (the child's user + system, ``RUSAGE_CHILDREN``) in ms."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    print("Pricing one session (best of 5, µs per call):")
    for name, charge in SCENARIOS.items():
        print(f"  {name:<40} {per_call(charge):8.1f} µs")
    py = sys.executable
    quote = [py, "-m", "app", "quote", "--modality", "remote", "--start", "2026-11-24T13:50",
             "--end", "2026-11-24T15:30", "--json"]  # fmt: skip
    print("Whole commands (median of 15 runs; wall, and CPU of the child process):")
    bare = command_time([py, "-c", "pass"])
    hol = command_time([py, "-c", "import holidays"])
    hol_mx = command_time(
        [
            py,
            "-c",
            "import holidays, datetime; datetime.date(2026,1,1) in "
            "holidays.country_holidays('MX', language='es')",
        ]
    )
    q = command_time(quote)
    for name, (wall, cpu) in (
        ("python -c pass", bare),
        ("python -c 'import holidays'", hol),
        ("... plus loading Mexico's calendar", hol_mx),
        ("appleuse quote --json", q),
    ):
        print(f"  {name:<38} {wall:8.1f} ms wall {cpu:8.1f} ms CPU")
    print(f"  appleuse quote / import holidays: {q[1] / hol[1]:.2f}× CPU (goal ≤ 1.5×), "
          f"{q[0] / hol[0]:.2f}× wall")  # fmt: skip


if __name__ == "__main__":
    main()
