"""The agenda of a day or a week as a list, from plain values, and its CSV (UTF-8 with BOM, CRLF,
like the corte del día). Standard library only: the PDF is :mod:`app.documents.agenda_pdf`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.kernel.fmt import to_local

CSV_HEADER = (
    "Cita", "Inicio", "Fin", "Minutos", "Asesor", "Cliente", "Modalidad", "Lugar", "Motivo",
    "Para", "Caso", "Estado", "Marcas", "Importe estimado con IVA", "Motivo de cancelación",
)  # fmt: skip


@dataclass(frozen=True)
class AgendaRow:
    appointment_id: int
    start: datetime
    end: datetime
    advisor: str
    client: str
    modality: str
    place: str
    reason: str
    purpose: str
    case: str
    state: str
    marks: str
    estimate: Decimal | None
    cancel_reason: str
    cancelled: bool = False


@dataclass(frozen=True)
class AgendaList:
    title: str  # "Agenda del martes 24 de noviembre de 2026 — Ana Martínez"
    made_at: datetime
    business: str
    rows: tuple[AgendaRow, ...]


def _local(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def agenda_csv_bytes(agenda: AgendaList) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in agenda.rows:
        minutes = int((r.end - r.start).total_seconds() // 60)
        writer.writerow(
            (
                r.appointment_id, _local(r.start), _local(r.end), minutes, r.advisor, r.client,
                r.modality, r.place, r.reason, r.purpose, r.case, r.state, r.marks,
                "" if r.estimate is None else f"{r.estimate:.2f}", r.cancel_reason,
            )
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
