"""``appleuse summary -o día.csv`` on a SQLite file reads it with the standard library's
``sqlite3`` (read-only), the window and the PDF through SQLAlchemy: on a scripted
day with corrections entered afterwards, a cancelled and reissued receipt, a receipt of the day
before cancelled on the day, partial and full payments and a session still running, both give
the very same corte — for all advisors and for each — and the command writes the very CSV the
services' corte makes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.documents.summary_csv import summary_csv_bytes
from app.kernel.clock import FakeClock
from app.kernel.enums import Channel, Modality, Outcome, PaymentMethod
from app.services.day_summary import summary_from_sqlite
from app.services.facade import Services
from tests.documents.test_from_db import DAY, PHONE_LATER, ShopDay, at, fill_day


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Any:
    """A SQLite file whatever backends the run covers: the command's own path reads files."""
    from app.models.engine import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'corte.sqlite3'}")
    upgrade(eng, backup=False)
    yield eng
    eng.dispose()


def corrected_day(engine: Any, clock: FakeClock) -> ShopDay:
    """``fill_day``'s Tuesday, and after it: a receipt of Monday cancelled on Tuesday; a
    forgotten timer corrected; a pause and a disconnection entered afterwards (one session
    billed after the correction, one left without a receipt); a receipt cancelled, the
    session's start corrected, then issued again and paid in part."""
    sv = Services.create(engine, clock)
    clock.set(at(9, 0, day=23))  # Monday: a session billed that day
    carmen = sv.clients.create_advisor("Carmen Ortega Rosas").id
    monday = sv.sessions.start(carmen, _client(sv, "Inés"), Modality.OFFICE).id
    clock.set(at(10, 5, day=23))
    sv.sessions.end(monday, Outcome.RESOLVED)
    monday_receipt = sv.receipts.issue_for_session(monday)
    sv.receipts.record_payment(monday_receipt.id, Decimal("100.00"), PaymentMethod.CASH)

    shop = fill_day(engine, clock)  # Tuesday until 20:00 (sets its own times)
    sv, ana, beto = shop.services, shop.ana, shop.beto
    r, fix = sv.receipts, sv.corrections
    lucia = sv.clients.clients("Lucía")[0].id
    cafe = sv.clients.clients("Café")[0].id

    clock.set(at(9, 30))
    sv.receipts.cancel(monday_receipt.id, "Era de otro cliente")
    clock.set(at(20, 0))
    forgotten = _ended(shop, ana, lucia, Modality.OFFICE, at(18, 0), at(19, 55))
    fix.correct_end(forgotten, at(18, 45), reason="Olvidé detener el cronómetro", author_id=ana)
    paused = _ended(shop, beto, cafe, Modality.OFFICE, at(18, 5), at(19, 50))
    fix.add_pause(paused, at(18, 30), at(18, 45), reason="Comida", author_id=beto)
    r.issue_for_session(paused)
    cut = _ended(shop, ana, cafe, Modality.REMOTE, at(18, 10), at(19, 40))
    fix.add_disconnection(cut, at(18, 20), at(18, 50), reason="Sin internet", author_id=ana)
    moved = _ended(shop, beto, lucia, Modality.OFFICE, at(18, 20), at(19, 30))
    wrong = r.issue_for_session(moved)
    clock.set(at(20, 5))
    r.cancel(wrong.id, "Hora de inicio equivocada")
    fix.correct_start(moved, at(18, 50), reason="Llegó tarde", author_id=beto)
    again = r.issue_for_session(moved)
    r.record_payment(again.id, Decimal("100.00"), PaymentMethod.CASH)
    clock.set(at(20, 10))
    return shop


def _client(sv: Services, name: str) -> int:
    from app.services.data import ClientData

    return sv.clients.create_client(ClientData(name, city="Xalapa")).id


def _ended(shop: ShopDay, advisor: int, client: int, modality: Modality, start: datetime,
           end: datetime) -> int:  # fmt: skip
    """A session worked from ``start`` to ``end`` (entered as it happened), resolved."""
    clock, s = shop.clock, shop.services.sessions
    now = clock()
    clock.set(start)
    if modality is Modality.REMOTE:
        sid = s.start(advisor, client, modality, channel=Channel.PHONE, checklist=PHONE_LATER).id
    else:
        sid = s.start(advisor, client, modality).id
    clock.set(end)
    s.end(sid, Outcome.RESOLVED)
    clock.set(now)
    return sid


def test_sqlite3_gives_the_services_corte_with_corrections_and_a_running_session(
    sqlite_engine: Any, clock: FakeClock
) -> None:
    shop = corrected_day(sqlite_engine, clock)
    sv = shop.services
    clock.set(at(20, 30))
    lucia = sv.clients.clients("Lucía")[0].id
    sv.sessions.start(shop.ana, lucia, Modality.OFFICE)  # still running
    clock.set(at(21, 15))
    path = Path(sqlite_engine.url.database)
    for day in (date(2026, 11, 23), DAY, date(2026, 11, 25)):
        for advisor in (None, shop.ana, shop.beto):
            through_services = sv.documents.day_summary(day, advisor)
            pick = None if advisor is None else (lambda found, a=advisor: a)
            assert summary_from_sqlite(path, day, clock(), pick) == through_services
    corte = sv.documents.day_summary(DAY)
    assert corte.sessions[-1].outcome == "En curso" and corte.sessions[-1].worked_minutes == 45
    assert {s.worked_minutes for s in corte.sessions} >= {45, 90, 60, 40}  # as corrected
    assert [r.status.value for r in corte.receipts].count("cancelled") == 3
    assert corte.disconnections and corte.payments_received and corte.balance_due


@pytest.mark.parametrize("advisor", [None, "ana", "Alberto"])
def test_the_command_writes_the_services_csv(
    sqlite_engine: Any, clock: FakeClock, tmp_path: Path, advisor: str | None
) -> None:
    shop = corrected_day(sqlite_engine, clock)
    now = Services.create(sqlite_engine, lambda: datetime.now(UTC))  # the command's clock
    advisor_id = {None: None, "ana": shop.ana, "Alberto": shop.beto}[advisor]
    target = tmp_path / "corte.csv"
    line = ["--db", f"sqlite:///{sqlite_engine.url.database}", "summary", "--date", "2026-11-24"]
    line += [] if advisor is None else ["--advisor", advisor]
    assert main([*line, "-o", str(target)]) == 0
    expected = summary_csv_bytes(now.documents.day_summary(DAY, advisor_id))

    def without_moment(data: bytes) -> list[bytes]:  # "Elaborado": the minute it was made
        return [row for row in data.split(b"\r\n") if not row.startswith(b"Elaborado,")]

    assert without_moment(target.read_bytes()) == without_moment(expected)
