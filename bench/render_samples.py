"""Render sample documents to PDF and PNG for a person to look at.

    .venv/bin/python bench/render_samples.py [OUTPUT_DIR]     (default ./out, git-ignored)

Writes receipt.pdf, receipt-cancelled.pdf, summary.pdf and summary.csv, then runs
``pdftoppm -png -r 80`` on each PDF (receipt-1.png, summary-1.png, summary-2.png, …).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.receipt_pdf import render_receipt
from app.documents.summary_csv import write_summary_csv
from app.documents.summary_pdf import render_summary_pdf
from tests.documents.samples import sample_receipt, sample_summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="out", help="output folder (default ./out)")
    parser.add_argument("--sessions", type=int, default=14, help="sessions in the summary")
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    pdfs: dict[str, Callable[[Path], None]] = {
        "receipt": lambda path: render_receipt(sample_receipt(), path),
        "receipt-cancelled": lambda path: render_receipt(sample_receipt(cancelled=True), path),
        "summary": lambda path: render_summary_pdf(sample_summary(args.sessions), path),
    }
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm not found (apt-get install poppler-utils): PDFs only", file=sys.stderr)
    for name, render in pdfs.items():
        pdf = out / f"{name}.pdf"
        render(pdf)
        for old in out.glob(f"{name}-*.png"):
            old.unlink()
        if pdftoppm:
            subprocess.run([pdftoppm, "-png", "-r", "80", str(pdf), str(out / name)], check=True)
    write_summary_csv(sample_summary(args.sessions), out / "summary.csv")
    for path in sorted(out.iterdir()):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
