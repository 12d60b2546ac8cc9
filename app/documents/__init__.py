"""Printed documents: the receipt (recibo) and the end-of-day summary (corte del día).

``data`` holds the plain values a service fills; ``receipt_pdf``, ``summary_pdf`` and
``summary_csv`` lay them out. This package does not import ReportLab: the renderers below load
it on first use, so commands that make no PDF stay fast.
"""

from __future__ import annotations

import os
from typing import BinaryIO, TextIO

from app.documents.data import (
    BandTotal,
    BusinessProfile,
    ConsentRecord,
    DaySummary,
    Disconnection,
    ModalityTotal,
    PendingCase,
    ReceiptDocument,
    ReceiptLine,
    ReceiptMoney,
    ReceiptStatus,
    SummaryConsent,
    SummaryDisconnection,
    SummaryEscalation,
    SummaryReceipt,
    SummarySession,
    band_totals,
    hours_by_band,
    money_from_bill,
    receipt_line,
)
from app.documents.words import amount_in_words

__all__ = [
    "BandTotal",
    "BusinessProfile",
    "ConsentRecord",
    "DaySummary",
    "Disconnection",
    "ModalityTotal",
    "PendingCase",
    "ReceiptDocument",
    "ReceiptLine",
    "ReceiptMoney",
    "ReceiptStatus",
    "SummaryConsent",
    "SummaryDisconnection",
    "SummaryEscalation",
    "SummaryReceipt",
    "SummarySession",
    "amount_in_words",
    "band_totals",
    "hours_by_band",
    "money_from_bill",
    "receipt_line",
    "render_receipt",
    "render_summary_pdf",
    "write_summary_csv",
]


def render_receipt(doc: ReceiptDocument, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Receipt PDF to a path or binary file (imports ReportLab on first use)."""
    from app.documents.receipt_pdf import render_receipt as render

    render(doc, out)


def render_summary_pdf(summary: DaySummary, out: str | os.PathLike[str] | BinaryIO) -> None:
    """End-of-day summary PDF to a path or binary file (imports ReportLab on first use)."""
    from app.documents.summary_pdf import render_summary_pdf as render

    render(summary, out)


def write_summary_csv(summary: DaySummary, out: str | os.PathLike[str] | TextIO) -> None:
    """End-of-day summary CSV (UTF-8 with BOM) to a path or text file."""
    from app.documents.summary_csv import write_summary_csv as write

    write(summary, out)
