"""Sample citas for ``appleuse demo`` (issue 13): a week of appointments for every advisor from
the services' clock on, with a pending case's free follow-up, a policy's maintenance visit, a
confirmed one, a Saturday emergency and a cancelled one — all booked through the service, so
they obey every rule.

The demo command calls it once the sample business is filled (its clock at the present)::

    from app.services.agenda_demo import add_demo_appointments
    add_demo_appointments(self.sv, seed=seed)
"""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING

from app.kernel.enums import AppointmentPurpose, Channel, Modality, PolicyBenefit
from app.kernel.errors import DomainError
from app.services.agenda_values import AppointmentData, AppointmentView

if TYPE_CHECKING:
    from app.services.agenda import AgendaService
    from app.services.facade import Services

REASONS = (
    "Revisión de respaldo con Time Machine",
    "Actualizar macOS y apps",
    "Configurar iCloud en el iPhone nuevo",
    "La impresora no imprime desde la Mac",
    "Instalar TeamViewer para soporte remoto",
    "Mac lenta: revisión general",
    "Migrar datos a la Mac nueva",
)


def add_demo_appointments(services: Services, *, seed: int = 7, per_day: int = 3) -> int:
    """Book the sample week; returns how many citas it booked."""
    rng = random.Random(seed)
    agenda = services.agenda
    clients = services.clients.clients()
    advisors = services.clients.advisors()
    if not clients or not advisors:
        return 0
    booked: list[AppointmentView] = []
    follow = next((d for d in agenda.due(days=14) if d.case_id is not None and not d.booked), None)
    if follow is not None:  # a pending case's free follow-up, same advisor, before its deadline
        slots = agenda.free_slots(60, count=3, case_id=follow.case_id)
        if slots:
            _try(booked, agenda, AppointmentData(
                follow.client_id, slots[-1].advisor_id, slots[-1].start, 60, follow.modality,
                reason=follow.text, case_id=follow.case_id,
            ))  # fmt: skip
    maintained = next(
        (p for p in services.policies.policies()
         if p.current is not None and PolicyBenefit.PREVENTIVE_MAINTENANCE in p.current.benefits),
        None,
    )  # fmt: skip
    if maintained is not None:  # a policy's preventive maintenance visit, at the client's
        slots = agenda.free_slots(120, advisor_id=advisors[-1].id, count=4)
        if slots:
            _try(booked, agenda, AppointmentData(
                maintained.client_id, slots[-1].advisor_id, slots[-1].start, 120, Modality.ONSITE,
                reason="Mantenimiento preventivo de la póliza", policy_id=maintained.id,
                purpose=AppointmentPurpose.MAINTENANCE,
            ))  # fmt: skip
    start = services.clock()
    for advisor in advisors:
        slots = agenda.free_slots(60, advisor_id=advisor.id, start=start, count=5 * 2 * per_day * 2)
        days: dict[object, int] = {}
        for slot in slots:
            day = slot.start.date()
            if days.get(day, 0) >= per_day or rng.random() < 0.45:
                continue
            days[day] = days.get(day, 0) + 1
            client = rng.choice(clients)
            modality = rng.choice(
                (Modality.REMOTE, Modality.REMOTE, Modality.OFFICE, Modality.ONSITE)
            )
            data = AppointmentData(
                client.id, advisor.id, slot.start, rng.choice((60, 60, 90, 120)), modality,
                channel=Channel.REMOTE_DESKTOP if modality is Modality.REMOTE else None,
                reason=rng.choice(REASONS),
            )  # fmt: skip
            if not _try(booked, agenda, data):
                continue
            if len(days) >= 5 and sum(days.values()) >= 5 * per_day:
                break
    general = [b for b in booked if b.purpose is AppointmentPurpose.GENERAL]
    if len(general) >= 3:
        agenda.confirm(general[0].id)
        agenda.confirm(general[1].id)
        agenda.cancel(general[2].id, "El cliente pidió cambiar la fecha; llamará para reagendar.")
    saturday = start + timedelta(days=(5 - start.weekday()) % 7 or 7)
    emergency = saturday.replace(hour=16, minute=0, second=0, microsecond=0)  # 10:00 local
    urgent = AppointmentData(
        clients[0].id, advisors[0].id, emergency, 60, Modality.REMOTE, channel=Channel.PHONE,
        reason="Urgente: la Mac no arranca antes de una entrega",
    )  # fmt: skip
    with suppress(DomainError):
        booked.append(agenda.book(urgent))
    return len(booked)


def _try(booked: list[AppointmentView], agenda: AgendaService, data: AppointmentData) -> bool:
    try:
        booked.append(agenda.book(data))
    except DomainError:
        return False
    return True
