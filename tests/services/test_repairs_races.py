"""Two windows at once (SQLite and PostgreSQL): a repair is billed once, a quote is decided
once, a client gets one policy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from app.kernel.clock import FakeClock
from app.kernel.enums import Modality, Outcome, RepairStatus
from app.kernel.errors import DomainError
from app.services.data import ClientData, PolicyData
from app.services.facade import Services
from tests.persistence.test_races import race


def _escalated_with_quote(sv: Services, clock: FakeClock) -> tuple[int, int]:
    ana = sv.clients.create_advisor("Ana").id
    client = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    sid = sv.sessions.start(ana, client, Modality.OFFICE).id
    clock.advance(minutes=30)
    case_id = sv.sessions.end(sid, Outcome.ESCALATED).case.id
    sv.receipts.issue_for_session(sid)
    quote = sv.repairs.quote(case_id, "Cambio de disco", 1, [])
    return client, quote.id


def test_repair_receipt_issued_twice_at_once(engine: Engine, db_url: str) -> None:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    _, repair = _escalated_with_quote(sv, clock)
    sv.repairs.accept(repair)
    results = race(db_url, clock, lambda s: s.repairs.issue_receipt(repair), 3)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 2 and all("ya tiene el recibo A-000002" in str(e) for e in errors)
    folios = [r.folio for r in sv.receipts.receipts()]
    assert folios == ["A-000001", "A-000002"]
    assert sv.receipts.by_folio("A-000002").credits == Decimal("300.00")


def test_accept_and_decline_at_once(engine: Engine, db_url: str) -> None:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    _, repair = _escalated_with_quote(sv, clock)
    actions = iter(["accept", "decline"])

    def decide(s: Services) -> Any:
        return getattr(s.repairs, next(actions))(repair)

    results = race(db_url, clock, decide)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and "ya fue" in str(errors[0])
    winner = next(r for r in results if not isinstance(r, DomainError))
    assert sv.repairs.repair(repair).status is winner.status
    assert winner.status in (RepairStatus.ACCEPTED, RepairStatus.DECLINED)


def test_two_policies_for_one_client_at_once(engine: Engine, db_url: str) -> None:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    client = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    results = race(db_url, clock, lambda s: s.policies.create(client, PolicyData(2, 1)), 3)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 2 and all("ya tiene la póliza" in str(e) for e in errors)
    assert len(sv.policies.policies()) == 1
