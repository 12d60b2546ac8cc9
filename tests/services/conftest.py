"""Services on a real database (SQLite file, and PostgreSQL when APPLEUSE_TEST_PG is set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.billing.session_rules import Checklist
from app.kernel.clock import FakeClock
from app.kernel.enums import Channel, DeviceKind, PaymentArrangement, RemoteTool
from app.services.data import ClientData, DeviceData
from app.services.facade import Services

REMOTE_DESKTOP_OK = Checklist(
    PaymentArrangement.PREPAID, internet=True, macos=True, remote_tool=RemoteTool.TEAMVIEWER
)


@dataclass(frozen=True)
class Shop:
    """A small shop: two advisors, a client in Xalapa with a Mac, one in Veracruz."""

    services: Services
    clock: FakeClock
    ana: int
    beto: int
    lucia: int  # client in Xalapa
    lucia_mac: int
    ramon: int  # client in Veracruz


@pytest.fixture
def services(engine: Any, clock: FakeClock) -> Services:
    return Services.create(engine, clock)


@pytest.fixture
def shop(services: Services, clock: FakeClock) -> Shop:
    c = services.clients
    ana = c.create_advisor("Ana Martínez").id
    beto = c.create_advisor("Alberto Hernández").id
    lucia = c.create_client(
        ClientData("Lucía Pérez Domínguez", phone="228 123 4567", city="Xalapa-Enríquez")
    ).id
    mac = c.add_device(lucia, DeviceData(DeviceKind.MAC, "MacBook Air M2", "c02xk1", "15.1")).id
    ramon = c.create_client(ClientData("Ramón Sánchez", city="Veracruz")).id
    return Shop(services, clock, ana, beto, lucia, mac, ramon)


def start_remote_desktop(shop: Shop, advisor: int | None = None) -> int:
    view = shop.services.sessions.start(
        advisor or shop.ana,
        shop.lucia,
        "remote",  # type: ignore[arg-type]
        device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP,
        checklist=REMOTE_DESKTOP_OK,
    )
    return view.id
