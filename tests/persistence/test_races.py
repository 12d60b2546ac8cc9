"""Two writers doing the same thing at the same moment (two windows, two machines): exactly
one wins, the other gets a Spanish DomainError, and the rows stay right."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from app.kernel.clock import FakeClock
from app.kernel.enums import CaseState, Modality, Outcome
from app.kernel.errors import DomainError
from app.models.engine import make_engine
from app.services.data import ClientData
from app.services.facade import Services


def race(db_url: str, clock: FakeClock, action: Callable[[Services], Any], n: int = 2) -> list:
    """Run ``action`` on ``n`` threads, each with its own engine, released together."""
    engines = [make_engine(db_url) for _ in range(n)]
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(k: int) -> None:
        services = Services.create(engines[k], clock)
        barrier.wait()
        try:
            results[k] = action(services)
        except DomainError as exc:
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    return results


def test_same_advisor_starts_twice_at_once(engine: Engine, db_url: str) -> None:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    ana = sv.clients.create_advisor("Ana").id
    client = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    results = race(db_url, clock, lambda s: s.sessions.start(ana, client, Modality.OFFICE), 3)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 2 and all("sesión en curso" in str(e) for e in errors)
    assert len(sv.sessions.running_sessions()) == 1
    assert len(sv.sessions.cases()) == 1  # the losers left no case behind


def test_two_follow_ups_of_one_case_at_once(engine: Engine, db_url: str) -> None:
    clock = FakeClock()
    sv = Services.create(engine, clock)
    ana = sv.clients.create_advisor("Ana").id
    beto = sv.clients.create_advisor("Beto").id
    client = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    sid = sv.sessions.start(ana, client, Modality.OFFICE).id
    clock.advance(minutes=30)
    case_id = sv.sessions.end(sid, Outcome.FOLLOW_UP).case.id
    clock.advance(days=1)
    advisors = iter([ana, beto])
    lock = threading.Lock()

    def follow(s: Services) -> Any:
        with lock:
            who = next(advisors)
        return s.sessions.follow_up(case_id, who)

    results = race(db_url, clock, follow)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and "no está pendiente" in str(errors[0])
    assert len(sv.sessions.sessions_of_case(case_id)) == 2
    assert sv.sessions.case(case_id).state is CaseState.OPEN
