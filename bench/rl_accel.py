"""Does ReportLab's C accelerator (the ``rl-accel`` package, module ``_rl_accel``) make the
receipt PDF faster? Renders the sample receipt in fresh processes with and without it
(without: ``sys.modules["_rl_accel"] = None``, ReportLab's own way to test its fallbacks) and
prints the in-process time per receipt (warm: fonts loaded, median of N) as CPU and wall.

    python bench/rl_accel.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import io, json, statistics, sys, time
if sys.argv[1] == "off":
    sys.modules["_rl_accel"] = None
from app.documents.receipt_pdf import render_receipt
from tests.documents.samples import sample_receipt
import reportlab.lib.rl_accel as accel
doc = sample_receipt()
render_receipt(doc, io.BytesIO())  # imports, fonts
cpu, wall = [], []
for _ in range(int(sys.argv[2])):
    c, w = time.process_time(), time.perf_counter()
    render_receipt(doc, io.BytesIO())
    cpu.append(time.process_time() - c)
    wall.append(time.perf_counter() - w)
print(json.dumps({"cpu": statistics.median(cpu), "wall": statistics.median(wall),
                  "python_fallbacks": sorted(getattr(accel, "_py_funcs", {}))}))
"""


def run(mode: str, runs: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(runs)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs, rounds = args.runs, args.rounds
    try:
        import _rl_accel  # noqa: F401
    except ImportError:
        print("rl-accel is not installed: pip install rl-accel")
        return
    results: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    for _ in range(rounds):  # alternate, the machine is shared
        for mode in ("off", "on"):
            r = run(mode, runs)
            results[mode].append((float(str(r["cpu"])), float(str(r["wall"]))))
            print(f"  accelerator {mode:>3}: pure-Python fallbacks {r['python_fallbacks']}")
    for mode, pairs in results.items():
        cpu = statistics.median(c for c, _ in pairs) * 1000
        wall = statistics.median(w for _, w in pairs) * 1000
        print(f"accelerator {mode:>3}: receipt {cpu:6.1f} ms CPU, {wall:6.1f} ms wall "
              f"(median of {rounds} processes × {runs} renders)")  # fmt: skip


if __name__ == "__main__":
    main()
