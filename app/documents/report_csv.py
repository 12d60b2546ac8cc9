"""The period report as CSV for a spreadsheet, laid out like the corte del día's CSV.

Same conventions as :mod:`app.documents.summary_csv` (UTF-8 with BOM, commas, CRLF, amounts
``1234.50``, local times ``YYYY-MM-DD HH:MM``, whole minutes), and the same sections with the
same labels — ``Sesiones`` (one row per session), ``Recibos``, ``Casos pendientes`` and
``Resumen`` with rows such as ``Importes,Total,…`` — written by the corte's own writer from
the corte built over the period (``reports.build_period_corte``), so a report and the cortes
of its days compare row by row. Only the labels that name "the day" speak of the period
(``Total del periodo``, ``Abiertos en el periodo``). Then the report's own sections:

1. ``Reporte del periodo`` (first) — ``Concepto, Valor``: Negocio, Desde, Hasta, Asesor,
   Elaborado, Periodo anterior.
2. ``Por día`` / ``Por semana`` / ``Por mes`` — ``Periodo, Desde, Hasta, Sesiones, Horas horario
   laboral, Horas fuera de horario``, one column per modality, ``Importe sin IVA``.
3. ``Por modalidad``, ``Por asesor``, ``Principales clientes`` — ``Nombre, Sesiones, Casos,
   Minutos trabajados, Horas horario laboral, Horas fuera de horario, Importe sin IVA``.
4. ``Casos`` — ``Concepto, Cantidad``: cases by state now, repairs accepted, cases worked,
   average worked minutes per case, remote control declined (%).
5. ``Pólizas`` — ``Cliente, Póliza, Cuota, Horas cubiertas, Valor de lo cubierto, Cobrado,
   Eventos esperados, Eventos usados, Uso (%)``.
6. ``Comparación con el periodo anterior`` — ``Concepto, Periodo, Periodo anterior, Cambio (%)``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

from app.billing import money_str
from app.documents.data import DaySummary
from app.documents.report_data import Comparison, GroupTotal, PeriodReport
from app.documents.summary_csv import summary_csv_text
from app.kernel.enums import Modality
from app.kernel.fmt import to_local

__all__ = ["GROUP_HEADER", "report_csv_bytes", "report_csv_text", "write_report_csv"]

GROUP_HEADER = (
    "Nombre", "Sesiones", "Casos", "Minutos trabajados", "Horas horario laboral",
    "Horas fuera de horario", "Importe sin IVA",
)  # fmt: skip
#: the corte's labels that speak of "the day", as the period report says them
_RELABEL = {
    "Total del día": "Total del periodo",
    "Abiertos hoy": "Abiertos en el periodo",
    "Abierto hoy": "Abierto en el periodo",
}
_GRANULARITY = {"día": "Por día", "semana": "Por semana", "mes": "Por mes"}


def percent(value: Decimal | None) -> str:
    """``0.125`` → ``12.5``; empty for None."""
    if value is None:
        return ""
    return str((value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _corte_sections(corte: DaySummary) -> Iterable[Sequence[str]]:
    """The corte's sections from its own writer, without its heading section."""
    rows = list(csv.reader(io.StringIO(summary_csv_text(corte), newline="")))
    start = rows.index([]) + 1  # after the corte's "Corte del día" heading section
    for row in rows[start:]:
        yield [_RELABEL.get(cell, cell) for cell in row]


def _rows(report: PeriodReport, corte: DaySummary) -> Iterable[Sequence[str]]:
    tz = report.business.timezone
    yield ("Reporte del periodo",)
    yield ("Concepto", "Valor")
    yield ("Negocio", report.business.name)
    yield ("Desde", report.first.isoformat())
    yield ("Hasta", report.last.isoformat())
    yield ("Asesor", report.advisor_label)
    yield ("Elaborado", to_local(report.generated_at, tz).strftime("%Y-%m-%d %H:%M"))
    if report.previous_first is not None and report.previous_last is not None:
        previous = f"{report.previous_first.isoformat()} a {report.previous_last.isoformat()}"
        yield ("Periodo anterior", previous)
    yield ()
    yield from _corte_sections(corte)
    yield ()
    yield from _buckets(report)
    for title, groups in (
        ("Por modalidad", report.by_modality),
        ("Por asesor", report.by_advisor),
        ("Principales clientes", report.top_clients),
    ):
        yield from _groups(title, groups)
    yield from _cases(report)
    yield from _policies(report)
    yield from _comparison(report.comparison)


def _buckets(report: PeriodReport) -> Iterable[Sequence[str]]:
    yield (_GRANULARITY.get(report.granularity, "Por periodo"),)
    yield (
        "Periodo", "Desde", "Hasta", "Sesiones", "Horas horario laboral",
        "Horas fuera de horario", *(m.label for m in Modality), "Importe sin IVA",
    )  # fmt: skip
    for b in report.buckets:
        yield (
            b.label, b.first.isoformat(), b.last.isoformat(), str(b.sessions),
            str(b.business_hours), str(b.outside_hours), *(money_str(a) for a in b.amounts),
            money_str(b.amount),
        )  # fmt: skip
    yield ()


def _groups(title: str, groups: Sequence[GroupTotal]) -> Iterable[Sequence[str]]:
    yield (title,)
    yield GROUP_HEADER
    for g in groups:
        yield (
            g.name, str(g.sessions), str(g.cases), str(g.worked_minutes),
            str(g.business_hours), str(g.outside_hours), money_str(g.amount),
        )  # fmt: skip
    yield ()


def _cases(report: PeriodReport) -> Iterable[Sequence[str]]:
    yield ("Casos",)
    yield ("Concepto", "Cantidad")
    for state in report.cases:
        yield (state.label, str(state.count))
    yield ("Casos atendidos", str(report.case_count))
    yield ("Minutos trabajados por caso (promedio)", str(report.average_case_minutes))
    yield ("Control remoto rechazado (%)", percent(report.consent_declined_rate))
    yield ()


def _policies(report: PeriodReport) -> Iterable[Sequence[str]]:
    yield ("Pólizas",)
    yield (
        "Cliente", "Póliza", "Cuota", "Horas cubiertas", "Valor de lo cubierto", "Cobrado",
        "Eventos esperados", "Eventos usados", "Uso (%)",
    )  # fmt: skip
    for p in report.policies:
        yield (
            p.client, p.label, money_str(p.fee), str(p.covered_hours),
            money_str(p.covered_value), money_str(p.charged), str(p.expected_events),
            str(p.used_events), percent(p.utilisation),
        )  # fmt: skip
    yield ()


def _comparison(rows: Sequence[Comparison]) -> Iterable[Sequence[str]]:
    yield ("Comparación con el periodo anterior",)
    yield ("Concepto", "Periodo", "Periodo anterior", "Cambio (%)")
    for c in rows:
        now, before = (
            (money_str(c.current), money_str(c.previous))
            if c.money
            else (str(int(c.current)), str(int(c.previous)))
        )
        yield (c.label, now, before, percent(c.change))


def report_csv_text(report: PeriodReport, corte: DaySummary) -> str:
    """The CSV as text, without the BOM. ``corte``: the corte del día over the report's
    period and advisor (its rows: one per session, receipt…)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_rows(report, corte))
    return buffer.getvalue()


def report_csv_bytes(report: PeriodReport, corte: DaySummary) -> bytes:
    """The CSV file's bytes: UTF-8 with BOM."""
    return report_csv_text(report, corte).encode("utf-8-sig")


def write_report_csv(
    report: PeriodReport, corte: DaySummary, out: str | os.PathLike[str] | TextIO
) -> None:
    """Write the CSV to a path (UTF-8 with BOM) or to an open text file (BOM written first)."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as handle:
            handle.write(report_csv_bytes(report, corte))
    else:
        out.write("\ufeff" + report_csv_text(report, corte))
