"""The agenda's documents from its views: calendar events (``.ics``), CSV and PDF rows, and a
file rewritten whole (the subscribed calendar)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from app.documents.agenda_ics import IcsEvent
from app.documents.agenda_list import AgendaList, AgendaRow
from app.kernel.enums import AppointmentPurpose, AppointmentState, Modality
from app.kernel.fmt import case_label
from app.services.agenda_values import AppointmentView

_STATUS = {
    AppointmentState.SCHEDULED: "TENTATIVE",
    AppointmentState.CONFIRMED: "CONFIRMED",
    AppointmentState.DONE: "CONFIRMED",
    AppointmentState.NO_SHOW: "CONFIRMED",
    AppointmentState.CANCELLED: "CANCELLED",
}


def location(a: AppointmentView) -> str:
    if a.modality is Modality.ONSITE:
        return ", ".join(x for x in (a.address, a.city) if x)
    if a.modality is Modality.OFFICE:
        return "AppleUse (presencial)"
    return f"A distancia ({a.channel.label})" if a.channel else "A distancia"


def place(a: AppointmentView) -> str:
    """Where, beside the modality: the address and city, or the remote channel."""
    if a.modality is Modality.ONSITE:
        return ", ".join(x for x in (a.address, a.city) if x)
    return a.channel.label if a.modality is Modality.REMOTE and a.channel else ""


def description(a: AppointmentView) -> str:
    lines = [f"Asesor: {a.advisor_name}", f"Modalidad: {a.modality.label}"]
    if a.reason:
        lines.append(f"Motivo: {a.reason}")
    if a.marks:
        lines.append(a.marks)
    lines.append(f"Estado: {a.state.label}")
    if a.cancel_reason:
        lines.append(f"Motivo de la cancelación: {a.cancel_reason}")
    return "\n".join(lines)


def ics_events(views: Sequence[AppointmentView], *, invite: bool = False) -> list[IcsEvent]:
    """Calendar events; ``invite``: with the client as attendee (their e-mail, if any)."""
    return [
        IcsEvent(
            a.id,
            a.start,
            a.end,
            a.title,
            description(a),
            location(a),
            _STATUS[a.state],
            sequence=a.revision,
            stamp=a.changed_at or a.start,
            attendee_email=a.client_email if invite else "",
            attendee_name=a.client_name,
            organizer_name=a.advisor_name,
        )
        for a in views
    ]


def write_whole(path: Path, data: bytes) -> None:
    """``data`` to a temporary file beside ``path``, then renamed over it: a calendar reading
    the file sees the old one or the new one, never half."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def agenda_list(
    views: Sequence[AppointmentView], title: str, made_at: datetime, business: str
) -> AgendaList:
    rows = tuple(
        AgendaRow(
            a.id,
            a.start,
            a.end,
            a.advisor_name,
            a.client_name,
            a.modality.label,
            place(a),
            a.reason,
            "" if a.purpose is AppointmentPurpose.GENERAL else a.purpose.label,
            case_label(a.case_number) if a.case_number else "",
            a.state.label,
            a.marks,
            None if a.state is AppointmentState.CANCELLED else a.price_total,
            a.cancel_reason or "",
            a.state is AppointmentState.CANCELLED,
        )
        for a in views
    )
    return AgendaList(title, made_at, business, rows)
