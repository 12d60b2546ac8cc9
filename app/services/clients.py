"""Advisors, clients and devices: create, edit, list (with validation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.billing.session_rules import Checklist
from app.kernel.clock import Clock
from app.kernel.enums import Modality
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.fmt import case_label
from app.kernel.limits import check_text
from app.models import Advisor, Case, Client, Device, WorkSession
from app.services.data import ClientData, DeviceData
from app.services.loading import advisor_view, client_view, device_view, get_or_fail
from app.services.uow import Database
from app.services.values import AdvisorView, ClientView, DeviceView


class ClientService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- advisors ------------------------------------------------------------------------------
    def create_advisor(self, name: str) -> AdvisorView:
        clean = " ".join(check_text(name, "El nombre del asesor", lines=True).split())
        if not clean:
            raise RuleError("El nombre del asesor es obligatorio.")
        check_text(clean, "El nombre del asesor", limit=120)

        def work(s: Session) -> AdvisorView:
            advisor = Advisor(name=clean, active=True, created_at=self.clock())
            s.add(advisor)
            s.flush()
            return advisor_view(advisor)

        return self.db.write(work)

    def set_advisor_active(self, advisor_id: int, active: bool) -> AdvisorView:
        """Retire an advisor (or bring them back); advisors are never deleted: sessions and
        receipts name them. One with a running session cannot be retired."""

        def work(s: Session) -> AdvisorView:
            advisor = s.scalars(
                select(Advisor)
                .where(Advisor.id == advisor_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).first()
            if advisor is None:
                raise NotFoundError(f"El asesor {advisor_id} no existe.")
            if not active and advisor.active:
                running = s.scalars(
                    select(WorkSession.case_id).where(
                        WorkSession.advisor_id == advisor_id, WorkSession.ended_at.is_(None)
                    )
                ).first()
                if running is not None:
                    number = s.scalars(select(Case.number).where(Case.id == running)).one()
                    raise RuleError(
                        f"{advisor.name} tiene una sesión en curso (caso {case_label(number)}); "
                        "termínela antes de darlo de baja."
                    )
            advisor.active = active
            s.flush()
            return advisor_view(advisor)

        return self.db.write(work)

    def advisors(self, *, include_inactive: bool = False) -> list[AdvisorView]:
        def work(s: Session) -> list[AdvisorView]:
            query = select(Advisor).order_by(Advisor.name, Advisor.id)
            if not include_inactive:
                query = query.where(Advisor.active.is_(True))
            return [advisor_view(a) for a in s.scalars(query)]

        return self.db.read(work)

    # -- clients -------------------------------------------------------------------------------
    def create_client(self, data: ClientData, devices: Sequence[DeviceData] = ()) -> ClientView:
        """A new client and their devices, in one transaction (all or nothing)."""
        clean = data.clean()
        clean_devices = [d.clean() for d in devices]

        def work(s: Session) -> ClientView:
            now = self.clock()
            client = Client(**_as_dict(clean), active=True, created_at=now, updated_at=now)
            s.add(client)
            s.flush()
            for device in clean_devices:
                s.add(Device(client_id=client.id, **_as_dict(device), active=True, created_at=now))
            s.flush()
            return client_view(client)

        return self.db.write(work)

    def update_client(self, client_id: int, data: ClientData) -> ClientView:
        clean = data.clean()

        def work(s: Session) -> ClientView:
            client = get_or_fail(s, Client, client_id)
            for key, value in _as_dict(clean).items():
                setattr(client, key, value)
            client.updated_at = self.clock()
            s.flush()
            return client_view(client)

        return self.db.write(work)

    def set_client_active(self, client_id: int, active: bool) -> ClientView:
        def work(s: Session) -> ClientView:
            client = get_or_fail(s, Client, client_id)
            client.active = active
            client.updated_at = self.clock()
            s.flush()
            return client_view(client)

        return self.db.write(work)

    def client(self, client_id: int) -> ClientView:
        return self.db.read(lambda s: client_view(get_or_fail(s, Client, client_id)))

    def clients(self, search: str = "", *, include_inactive: bool = False) -> list[ClientView]:
        def work(s: Session) -> list[ClientView]:
            query = select(Client).order_by(Client.name, Client.id)
            if not include_inactive:
                query = query.where(Client.active.is_(True))
            text = search.strip().lower()
            if text:
                # % and _ are what the advisor typed, not wildcards
                escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                like = f"%{escaped}%"
                query = query.where(
                    func.lower(Client.name).like(like, escape="\\")
                    | func.lower(Client.phone).like(like, escape="\\")
                    | func.lower(Client.email).like(like, escape="\\")
                    | func.lower(func.coalesce(Client.rfc, "")).like(like, escape="\\")
                )
            return [client_view(c) for c in s.scalars(query)]

        return self.db.read(work)

    # -- devices -------------------------------------------------------------------------------
    def last_checklist(self, client_id: int) -> tuple[Checklist, datetime] | None:
        """What the client's last remote session recorded of RULES §9 (payment, internet,
        macOS, remote tool) and when it started: the next one is prefilled with it."""

        def work(s: Session) -> tuple[Checklist, datetime] | None:
            row = s.scalars(
                select(WorkSession)
                .join(Case, Case.id == WorkSession.case_id)
                .where(Case.client_id == client_id, WorkSession.modality == Modality.REMOTE)
                .order_by(WorkSession.started_at.desc(), WorkSession.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            checklist = Checklist(
                row.payment_arrangement,
                bool(row.checklist_internet),
                bool(row.checklist_macos),
                row.checklist_remote_tool,
            )
            return checklist, row.started_at

        return self.db.read(work)

    def add_device(self, client_id: int, data: DeviceData) -> DeviceView:
        clean = data.clean()

        def work(s: Session) -> DeviceView:
            get_or_fail(s, Client, client_id)
            device = Device(
                client_id=client_id, **_as_dict(clean), active=True, created_at=self.clock()
            )
            s.add(device)
            s.flush()
            return device_view(device)

        return self.db.write(work)

    def update_device(self, device_id: int, data: DeviceData) -> DeviceView:
        clean = data.clean()

        def work(s: Session) -> DeviceView:
            device = get_or_fail(s, Device, device_id)
            for key, value in _as_dict(clean).items():
                setattr(device, key, value)
            s.flush()
            return device_view(device)

        return self.db.write(work)

    def set_device_active(self, device_id: int, active: bool) -> DeviceView:
        """Retire a device (or bring it back); devices are never deleted: sessions name them."""

        def work(s: Session) -> DeviceView:
            device = get_or_fail(s, Device, device_id)
            device.active = active
            s.flush()
            return device_view(device)

        return self.db.write(work)

    def devices(self, client_id: int) -> list[DeviceView]:
        def work(s: Session) -> list[DeviceView]:
            get_or_fail(s, Client, client_id)
            query = select(Device).where(Device.client_id == client_id).order_by(Device.id)
            return [device_view(d) for d in s.scalars(query)]

        return self.db.read(work)


def _as_dict(data: Any) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}
