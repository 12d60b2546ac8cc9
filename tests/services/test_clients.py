"""Clients, devices and advisors: validation in Spanish, nothing stored when refused."""

from __future__ import annotations

import pytest

from app.kernel.enums import DeviceKind
from app.kernel.errors import DomainError
from app.services.data import ClientData, DeviceData
from app.services.facade import Services


def test_create_and_edit_client(services: Services) -> None:
    made = services.clients.create_client(
        ClientData("  Sofía   Ruiz ", phone="2281112233", rfc="russ850101ab1", city=" Coatepec ")
    )
    assert made.name == "Sofía Ruiz"
    assert made.city == "Coatepec"
    edited = services.clients.update_client(
        made.id, ClientData("Sofía Ruiz Landa", email="sofia@example.mx", city="Coatepec")
    )
    assert edited.email == "sofia@example.mx" and edited.rfc is None
    assert services.clients.client(made.id) == edited


@pytest.mark.parametrize("rfc", ["XAXX010101000", "GODE561231GR8"])
def test_valid_rfc_is_stored_compact_upper(services: Services, rfc: str) -> None:
    made = services.clients.create_client(ClientData("Cliente", rfc=rfc.lower()))
    assert made.rfc == rfc


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ClientData("   "), "nombre del cliente es obligatorio"),
        (ClientData("Pedro", rfc="ABC123"), "RFC «ABC123» no es válido"),
        (ClientData("Pedro", email="pedro.example.mx"), "correo"),
        (ClientData("Pedro", phone="sin teléfono"), "teléfono"),
    ],
)
def test_invalid_client_is_refused_and_nothing_stored(
    services: Services, data: ClientData, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        services.clients.create_client(data)
    assert services.clients.clients(include_inactive=True) == []


def test_invalid_edit_changes_nothing(services: Services) -> None:
    made = services.clients.create_client(ClientData("Marta", rfc="GODE561231GR8"))
    with pytest.raises(DomainError):
        services.clients.update_client(made.id, ClientData("Marta", rfc="NO-ES-RFC"))
    assert services.clients.client(made.id) == made


def test_search_and_deactivate(services: Services) -> None:
    a = services.clients.create_client(ClientData("José Luis Ortega", phone="2288000001"))
    services.clients.create_client(ClientData("Carmen Vázquez"))
    assert [c.id for c in services.clients.clients("ortega")] == [a.id]
    assert [c.id for c in services.clients.clients("2288000001")] == [a.id]
    services.clients.set_client_active(a.id, False)
    assert [c.name for c in services.clients.clients()] == ["Carmen Vázquez"]
    assert len(services.clients.clients(include_inactive=True)) == 2


def test_devices(services: Services) -> None:
    client = services.clients.create_client(ClientData("Rosa"))
    phone = services.clients.add_device(
        client.id, DeviceData(DeviceKind.IPHONE, "iPhone 15", " f2lx9 ", "18.1")
    )
    assert phone.serial == "F2LX9" and phone.kind is DeviceKind.IPHONE
    services.clients.update_device(phone.id, DeviceData(DeviceKind.IPHONE, "iPhone 15 Pro"))
    assert [d.model for d in services.clients.devices(client.id)] == ["iPhone 15 Pro"]
    assert not services.clients.set_device_active(phone.id, False).active
    assert [d.active for d in services.clients.devices(client.id)] == [False]


def test_unknown_records(services: Services) -> None:
    with pytest.raises(DomainError, match="El cliente 99 no existe"):
        services.clients.client(99)
    with pytest.raises(DomainError, match="no existe"):
        services.clients.add_device(99, DeviceData(DeviceKind.MAC))
    with pytest.raises(DomainError, match="Tipo de equipo"):
        services.clients.add_device(1, DeviceData("toaster"))  # type: ignore[arg-type]


def test_advisors(services: Services) -> None:
    services.clients.create_advisor("Beto")
    services.clients.create_advisor("Ana")
    assert [a.name for a in services.clients.advisors()] == ["Ana", "Beto"]
    with pytest.raises(DomainError):
        services.clients.create_advisor("  ")
