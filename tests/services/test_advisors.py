"""Advisors are retired and brought back, never deleted; one with a running session stays."""

from __future__ import annotations

import pytest

from app.kernel.clock import FakeClock
from app.kernel.enums import Modality, Outcome
from app.kernel.errors import DomainError, NotFoundError
from app.services.data import ClientData
from app.services.facade import Services


def test_retire_and_reactivate(services: Services) -> None:
    ana = services.clients.create_advisor("Ana Martínez")
    beto = services.clients.create_advisor("Alberto Hernández")
    retired = services.clients.set_advisor_active(beto.id, False)
    assert retired.id == beto.id and retired.name == "Alberto Hernández" and not retired.active
    assert [a.id for a in services.clients.advisors()] == [ana.id]
    everyone = services.clients.advisors(include_inactive=True)
    assert {(a.id, a.active) for a in everyone} == {(ana.id, True), (beto.id, False)}
    back = services.clients.set_advisor_active(beto.id, True)
    assert back.active
    assert {a.id for a in services.clients.advisors()} == {ana.id, beto.id}


def test_setting_the_same_state_again_changes_nothing(services: Services) -> None:
    ana = services.clients.create_advisor("Ana")
    assert services.clients.set_advisor_active(ana.id, True).active
    services.clients.set_advisor_active(ana.id, False)
    assert not services.clients.set_advisor_active(ana.id, False).active


def test_a_retired_advisor_cannot_start_a_session(services: Services) -> None:
    ana = services.clients.create_advisor("Ana")
    client = services.clients.create_client(ClientData("Lucía", city="Xalapa"))
    services.clients.set_advisor_active(ana.id, False)
    with pytest.raises(DomainError, match="dado de baja"):
        services.sessions.start(ana.id, client.id, Modality.OFFICE)
    assert services.sessions.running_sessions() == []


def test_an_advisor_with_a_running_session_is_not_retired(
    services: Services, clock: FakeClock
) -> None:
    ana = services.clients.create_advisor("Ana Martínez")
    client = services.clients.create_client(ClientData("Lucía", city="Xalapa"))
    session = services.sessions.start(ana.id, client.id, Modality.OFFICE)
    with pytest.raises(DomainError) as refused:
        services.clients.set_advisor_active(ana.id, False)
    message = str(refused.value)
    assert "Ana Martínez tiene una sesión en curso" in message
    assert "C-000001" in message and "termínela antes de darlo de baja" in message
    assert [a.active for a in services.clients.advisors(include_inactive=True)] == [True]
    # once the session ends the advisor can be retired; their session keeps their name
    clock.advance(minutes=40)
    services.sessions.end(session.id, Outcome.RESOLVED)
    assert not services.clients.set_advisor_active(ana.id, False).active
    assert services.sessions.session(session.id).advisor_name == "Ana Martínez"


def test_unknown_advisor(services: Services) -> None:
    with pytest.raises(NotFoundError, match="El asesor 999 no existe"):
        services.clients.set_advisor_active(999, False)
