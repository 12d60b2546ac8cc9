"""Render sample documents to PDF and PNG for a person to look at.

    .venv/bin/python bench/render_samples.py [OUTPUT_DIR]     (default ./out, git-ignored)

Writes receipt.pdf, receipt-cancelled.pdf, receipt-in-person.pdf (no remote-control section),
receipt-large.pdf (a $9,999,999.99 total), summary.pdf and summary.csv, then runs
``pdftoppm -png -r 80`` on each PDF (receipt-1.png, summary-1.png, summary-2.png, …).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.documents.data import ReceiptDocument, ReceiptMoney, receipt_line
from app.documents.receipt_pdf import render_receipt
from app.documents.summary_csv import write_summary_csv
from app.documents.summary_pdf import render_summary_pdf
from app.kernel.enums import LineKind, Modality
from tests.documents.samples import sample_receipt, sample_summary


def in_person() -> ReceiptDocument:
    """The sample at the client's site: no channel, no consents, no disconnections."""
    doc = sample_receipt()
    lines = tuple(
        receipt_line(x.kind, x.description, x.amount, hours=x.hours, rate=x.rate, band=x.band,
                     modality=Modality.ONSITE)
        for x in doc.money.lines
    )  # fmt: skip
    return replace(doc, modality=Modality.ONSITE, channel="", city="Coatepec", consents=(),
                   disconnections=(), money=replace(doc.money, lines=lines))  # fmt: skip


def large_total() -> ReceiptDocument:
    """A quoted amount whose total is $9,999,999.99 (TOTAL stays on one line)."""
    base = Decimal("8620689.65")
    iva = (base * Decimal("0.16")).quantize(Decimal("0.01"))
    line = receipt_line(LineKind.QUOTED, "Importe cotizado", base, modality=Modality.ONSITE)
    money = ReceiptMoney((line,), base, Decimal(0), Decimal(0), base, Decimal("0.16"), iva,
                         base + iva)  # fmt: skip
    return replace(in_person(), money=money, business_hours=0, outside_hours=0)


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
        "receipt-in-person": lambda path: render_receipt(in_person(), path),
        "receipt-large": lambda path: render_receipt(large_total(), path),
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
