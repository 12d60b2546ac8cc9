"""The end-of-day summary (corte del día) as CSV for a spreadsheet.

Encoding UTF-8 with a BOM (so Excel opens "Núñez" correctly), comma-separated, CRLF line
ends, fields quoted when needed. Amounts are plain decimals with a dot and 2 places
(``1234.50``, no currency sign, no thousands separator); instants are local times
``YYYY-MM-DD HH:MM`` (24 h) in the business's zone; durations are whole minutes.

The file has sections separated by one empty row. Each section starts with a row holding only
its title, then a header row, then data rows:

1. ``Corte del día`` — ``Concepto, Valor``: Negocio, Fecha, Asesor, Elaborado.
2. ``Sesiones`` — one row per session: ``Inicio, Fin, Asesor, Caso, Cliente, Modalidad,
   Minutos trabajados, Horas cobrables, Resultado, Folio, Importe sin IVA`` (empty amount: the
   session still requires a quote), then a last row ``TOTAL`` with the sums.
3. ``Recibos`` — ``Folio, Emitido, Cliente, Asesor, Subtotal, IVA, Total, Estado, Motivo, Pago``
   (Estado ``Emitido`` or ``Cancelado``; Pago ``Pagado``, ``Pagado parcialmente`` or ``Sin
   pagar`` for an issued receipt).
4. ``Casos pendientes`` — ``Caso, Cliente, Asesor, Pendiente desde, Sin costo hasta,
   Situación`` (``Abierto hoy`` or ``Vence en 2 días``).
5. ``Resumen`` — ``Sección, Concepto, Cantidad, Horas, Importe``: sessions, each modality, each
   band, receipts issued/cancelled, subtotal/IVA/total, payments received and outstanding,
   pending cases, escalations, consents accepted/declined, disconnections.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TextIO

from app.billing import ZERO, money_str
from app.documents.data import DaySummary
from app.kernel.enums import ReceiptStatus
from app.kernel.fmt import format_minutes, to_local

__all__ = ["SESSION_HEADER", "summary_csv_bytes", "summary_csv_text", "write_summary_csv"]

SESSION_HEADER = (
    "Inicio", "Fin", "Asesor", "Caso", "Cliente", "Modalidad", "Minutos trabajados",
    "Horas cobrables", "Resultado", "Folio", "Importe sin IVA",
)  # fmt: skip
RECEIPT_HEADER = (
    "Folio", "Emitido", "Cliente", "Asesor", "Subtotal", "IVA", "Total", "Estado", "Motivo",
    "Pago",
)  # fmt: skip
PENDING_HEADER = ("Caso", "Cliente", "Asesor", "Pendiente desde", "Sin costo hasta", "Situación")
SUMMARY_HEADER = ("Sección", "Concepto", "Cantidad", "Horas", "Importe")


def _when(moment: datetime, zone: str) -> str:
    return to_local(moment, zone).strftime("%Y-%m-%d %H:%M")


def _rows(summary: DaySummary) -> Iterable[Sequence[str]]:
    tz = summary.business.timezone
    yield ("Corte del día",)
    yield ("Concepto", "Valor")
    yield ("Negocio", summary.business.name)
    yield ("Fecha", summary.day.isoformat())
    yield ("Asesor", summary.advisor_label)
    yield ("Elaborado", _when(summary.generated_at, tz))
    yield ()
    yield from _sessions(summary, tz)
    yield from _receipts(summary, tz)
    yield from _pending(summary, tz)
    yield from _totals(summary)


def _sessions(summary: DaySummary, tz: str) -> Iterable[Sequence[str]]:
    yield ("Sesiones",)
    yield SESSION_HEADER
    for s in sorted(summary.sessions, key=lambda x: x.start):
        yield (
            _when(s.start, tz),
            _when(s.end, tz),
            s.advisor,
            s.case_number,
            s.client,
            s.modality.label,
            str(s.worked_minutes),
            str(s.billable_hours),
            s.outcome,
            s.folio,
            money_str(s.amount) if s.amount is not None else "",
        )
    yield (
        "TOTAL", "", "", "", f"{len(summary.sessions)} sesiones", "",
        str(summary.worked_minutes), str(summary.billable_hours), "", "",
        money_str(summary.sessions_amount),
    )  # fmt: skip
    yield ()


def _receipts(summary: DaySummary, tz: str) -> Iterable[Sequence[str]]:
    yield ("Recibos",)
    yield RECEIPT_HEADER
    for r in sorted(summary.receipts, key=lambda x: x.folio):
        cancelled = r.status is ReceiptStatus.CANCELLED
        yield (
            r.folio,
            _when(r.issued_at, tz),
            r.client,
            r.advisor,
            money_str(r.base),
            money_str(r.iva),
            money_str(r.total),
            "Cancelado" if cancelled else "Emitido",
            r.cancel_reason if cancelled else "",
            "" if cancelled else r.payment_label,
        )
    yield ()


def _pending(summary: DaySummary, tz: str) -> Iterable[Sequence[str]]:
    yield ("Casos pendientes",)
    yield PENDING_HEADER
    for cases, label in (
        (summary.pending_opened, "Abierto hoy"),
        (summary.pending_expiring, "Vence en 2 días"),
    ):
        for c in sorted(cases, key=lambda x: x.deadline):
            when = _when(c.pending_since, tz), _when(c.deadline, tz)
            yield (c.case_number, c.client, c.advisor, *when, label)
    yield ()


def _totals(summary: DaySummary) -> Iterable[Sequence[str]]:
    yield ("Resumen",)
    yield SUMMARY_HEADER
    hours = str(summary.billable_hours)
    yield ("Sesiones", "Total del día", str(len(summary.sessions)), hours,
           money_str(summary.sessions_amount))  # fmt: skip
    yield ("Sesiones", "Minutos trabajados", str(summary.worked_minutes), "", "")
    for m in summary.by_modality:
        yield ("Modalidad", m.modality.label, str(m.sessions), str(m.billable_hours),
               money_str(m.amount))  # fmt: skip
    for b in summary.by_band:
        yield ("Banda", b.label, "", str(b.hours), money_str(b.amount))
    cancelled_total = sum((r.total for r in summary.receipts_cancelled), ZERO)
    yield ("Recibos", "Emitidos", str(len(summary.receipts_issued)), "", money_str(summary.total))
    yield ("Recibos", "Cancelados", str(len(summary.receipts_cancelled)), "",
           money_str(cancelled_total))  # fmt: skip
    yield ("Importes", "Subtotal", "", "", money_str(summary.subtotal))
    yield ("Importes", "IVA", "", "", money_str(summary.iva))
    yield ("Importes", "Total", "", "", money_str(summary.total))
    yield ("Pagos", "Recibidos", "", "", money_str(summary.payments_received))
    yield ("Pagos", "Por cobrar", "", "", money_str(summary.outstanding))
    yield ("Pagos", "Saldo total por cobrar al cierre", "", "", money_str(summary.balance_due))
    yield ("Casos pendientes", "Abiertos hoy", str(len(summary.pending_opened)), "", "")
    yield ("Casos pendientes", "Vencen en 2 días", str(len(summary.pending_expiring)), "", "")
    yield ("Escalamientos", "Casos escalados", str(len(summary.escalations)), "", "")
    yield ("Control remoto", "Aceptado", str(summary.consents_accepted), "", "")
    yield ("Control remoto", "Rechazado", str(summary.consents_declined), "", "")
    gaps = sum(d.minutes or 0 for d in summary.disconnections)
    yield ("Desconexiones", f"Total ({format_minutes(gaps)})", str(len(summary.disconnections)),
           "", "")  # fmt: skip


def summary_csv_text(summary: DaySummary) -> str:
    """The CSV as text, without the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_rows(summary))
    return buffer.getvalue()


def summary_csv_bytes(summary: DaySummary) -> bytes:
    """The CSV file's bytes: UTF-8 with BOM."""
    return summary_csv_text(summary).encode("utf-8-sig")


def write_summary_csv(summary: DaySummary, out: str | os.PathLike[str] | TextIO) -> None:
    """Write the CSV to a path (UTF-8 with BOM) or to an open text file (BOM written first)."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as handle:
            handle.write(summary_csv_bytes(summary))
    else:
        out.write("\ufeff" + summary_csv_text(summary))
