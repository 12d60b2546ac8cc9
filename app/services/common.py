"""Helpers shared by the services: loading rows or failing in Spanish, ORM → values."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing import Tariff
from app.models import Advisor, Case, CaseState, Client, Device, TariffVersion
from app.services.errors import NotFoundError
from app.services.values import AdvisorView, CaseView, ClientView, DeviceView

T = TypeVar("T")

_WHAT: dict[type, str] = {
    Advisor: "El asesor",
    Client: "El cliente",
    Device: "El equipo",
    Case: "El caso",
}


def get_or_fail(s: Session, model: type[T], ident: int, what: str | None = None) -> T:
    row = s.get(model, ident)
    if row is None:
        label = what or _WHAT.get(model, "El registro")
        raise NotFoundError(f"{label} {ident} no existe.")
    return row


def tariff_at(s: Session, at: datetime) -> Tariff:
    """The tariff version in force at ``at`` (the documented defaults when none is stored)."""
    row = s.scalars(
        select(TariffVersion)
        .where(TariffVersion.valid_from <= at)
        .order_by(TariffVersion.valid_from.desc(), TariffVersion.id.desc())
        .limit(1)
    ).first()
    return Tariff() if row is None else Tariff.from_dict(row.data)


def advisor_view(a: Advisor) -> AdvisorView:
    return AdvisorView(a.id, a.name, a.active)


def client_view(c: Client) -> ClientView:
    return ClientView(c.id, c.name, c.phone, c.email, c.rfc, c.city, c.address, c.notes, c.active)


def device_view(d: Device) -> DeviceView:
    return DeviceView(d.id, d.client_id, d.kind, d.model, d.serial, d.os_version, d.notes, d.active)


def case_view(c: Case, pending_days: int) -> CaseView:
    deadline = None
    if c.state is CaseState.PENDING and c.pending_since is not None:
        deadline = c.pending_since + timedelta(days=pending_days)
    return CaseView(
        id=c.id,
        number=c.number,
        client_id=c.client_id,
        device_id=c.device_id,
        modality=c.modality,
        summary=c.summary,
        state=c.state,
        opened_at=c.opened_at,
        pending_since=c.pending_since,
        closed_at=c.closed_at,
        follow_up_deadline=deadline,
        previous_case_id=c.previous_case_id,
    )
