"""How fast the documents are made: a receipt PDF and a 100-session day summary (PDF and CSV).

    .venv/bin/python bench/documents.py [--runs N]

Goals (issue 5): receipt PDF < 100 ms; 100-session summary PDF < 1 s. The first render of a
process also pays for importing ReportLab and loading the TrueType fonts: shown apart as
"cold" (a fresh process, as `appleuse receipt` would be). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.receipt_pdf import render_receipt
from app.documents.summary_csv import write_summary_csv
from app.documents.summary_pdf import render_summary_pdf
from tests.documents.samples import sample_receipt, sample_summary

COLD = """
import io, time
from app.documents.receipt_pdf import render_receipt
from tests.documents.samples import sample_receipt
doc = sample_receipt()  # pricing (and `holidays`) is the service's cost, not the renderer's
t0 = time.perf_counter()
render_receipt(doc, io.BytesIO())  # imports ReportLab, loads the fonts, renders
print(f"{(time.perf_counter() - t0) * 1000:.1f}")
"""


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, ms: list[float], goal_ms: float | None) -> None:
    median = statistics.median(ms)
    goal = ""
    if goal_ms is not None:
        goal = f"  goal < {goal_ms:.0f} ms: {'OK' if median < goal_ms else 'MISSED'}"
    print(f"{name:<44} median {median:7.1f} ms   min {min(ms):7.1f}   max {max(ms):7.1f}{goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs

    receipt = sample_receipt()
    cancelled = sample_receipt(cancelled=True)
    summary = sample_summary(100)
    print(f"{len(summary.sessions)} sessions, {len(summary.receipts)} receipts in the summary\n")

    root = Path(__file__).resolve().parent.parent
    cold = [
        float(
            subprocess.run(
                [sys.executable, "-c", COLD], capture_output=True, text=True, cwd=root, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    report("receipt PDF, cold process (ReportLab import)", cold, None)
    render_receipt(receipt, io.BytesIO())  # warm up: imports and fonts
    report("receipt PDF", timed(lambda: render_receipt(receipt, io.BytesIO()), runs), 100)
    report(
        "cancelled receipt PDF", timed(lambda: render_receipt(cancelled, io.BytesIO()), runs), 100
    )
    report(
        "summary PDF, 100 sessions",
        timed(lambda: render_summary_pdf(summary, io.BytesIO()), max(3, runs // 4)),
        1000,
    )
    report(
        "summary CSV, 100 sessions",
        timed(lambda: write_summary_csv(summary, io.StringIO()), runs),
        None,
    )


if __name__ == "__main__":
    main()
