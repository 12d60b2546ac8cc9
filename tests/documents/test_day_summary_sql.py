"""The day summary read model (``app.services.day_summary``): on a SQLite file the standard
library's ``sqlite3`` and SQLAlchemy give the very same ``DaySummary``, and the same scripted day
on PostgreSQL gives it too; receipt-less sessions are priced as the session service prices them
(policies included); a session with a receipt shows the receipt's stored figures;
``appleuse summary -o x.csv`` on a SQLite file never loads SQLAlchemy.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.billing import Tariff
from app.documents.data import DaySummary
from app.kernel.clock import FakeClock
from app.kernel.enums import Band, Channel, DeviceKind, Modality, Outcome
from app.services.data import ClientData, DeviceData, PolicyData
from app.services.day_summary import summary_from_sqlite
from app.services.facade import Services
from app.services.sql import money, sqlite_params
from tests.documents.test_from_db import DAY, PHONE_LATER, ShopDay, at, fill_day, read_sections

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)


@pytest.fixture
def services(engine: Any, clock: FakeClock) -> Services:
    return Services.create(engine, clock)


def sqlite_path(engine: Any) -> Path:
    assert engine.dialect.name == "sqlite", "the standard-library path reads SQLite files only"
    return Path(engine.url.database)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Any:
    """A SQLite file whatever backends the run covers: this path exists for SQLite only."""
    from app.models.engine import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'day.sqlite3'}")
    upgrade(eng, backup=False)
    yield eng
    eng.dispose()


def both(engine: Any, sv: Services, clock: FakeClock, day: date, advisor: int | None = None
         ) -> tuple[DaySummary, DaySummary]:  # fmt: skip
    """The summary through the services (SQLAlchemy) and straight from the file (sqlite3)."""
    through_services = sv.documents.day_summary(day, advisor)
    pick = None if advisor is None else (lambda found: advisor)
    direct = summary_from_sqlite(sqlite_path(engine), day, clock(), pick)
    return through_services, direct


def test_sqlite3_and_sqlalchemy_give_the_same_summary(sqlite_engine: Any, clock: FakeClock) -> None:
    engine = sqlite_engine
    shop_day = fill_day(engine, clock)
    sv = shop_day.services
    # a session still running at 20:50: priced up to now, "En curso"
    clock.set(at(20, 0))
    lucia = sv.clients.clients("Lucía")[0].id
    sv.sessions.start(shop_day.ana, lucia, Modality.REMOTE, channel=Channel.PHONE,
                      checklist=PHONE_LATER)  # fmt: skip
    clock.advance(minutes=50)
    for advisor in (None, shop_day.ana, shop_day.beto):
        a, b = both(engine, sv, clock, DAY, advisor)
        assert a == b
    day, _ = both(engine, sv, clock, DAY)
    assert day.sessions_amount == ShopDay.sessions_amount + D("300.00")  # 20:00: outside hours
    assert (day.sessions[-1].outcome, day.sessions[-1].worked_minutes) == ("En curso", 50)
    assert [s.folio for s in day.sessions][:5] == ["A-000002", "A-000003", "A-000004",
                                                   "A-000005", ""]  # fmt: skip
    for other in (date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 30)):
        a, b = both(engine, sv, clock, other)
        assert a == b


def test_the_same_day_gives_the_same_summary_on_every_database(
    engine: Any, sqlite_engine: Any
) -> None:
    """The scripted day filled in the database under test (SQLite or PostgreSQL) and in a
    separate SQLite file: every figure of the corte agrees, for all advisors and each one."""
    here, there = FakeClock(), FakeClock()
    day_here, day_there = fill_day(engine, here), fill_day(sqlite_engine, there)
    for advisor in (None, day_here.ana, day_here.beto):
        a = day_here.services.documents.day_summary(DAY, advisor)
        b = day_there.services.documents.day_summary(DAY, advisor)
        assert a == b
    whole = day_here.services.documents.day_summary(DAY)
    assert whole.sessions and whole.receipts and whole.consents and whole.disconnections


def test_receipt_less_sessions_are_priced_as_the_session_service_prices_them(
    sqlite_engine: Any, clock: FakeClock
) -> None:
    """Policies: allowance (covered first hour), discount, 24×7, a maximum discount lowered
    below an agreed one by data stored before that was refused, a device-limited version,
    follow-ups; none of these sessions has a receipt."""
    engine = sqlite_engine
    sv = Services.create(engine, clock)
    ana = sv.clients.create_advisor("Ana").id
    lucia = sv.clients.create_client(ClientData("Lucía", city="Xalapa")).id
    cafe = sv.clients.create_client(ClientData("Café", city="Coatepec")).id
    ramon = sv.clients.create_client(ClientData("Ramón", city="Veracruz")).id
    clock.set(at(8, 0, day=1))
    sv.policies.create(lucia, PolicyData(1, 1, D("0.20"), True), date(2026, 11, 1))
    sv.policies.create(cafe, PolicyData(2, 0, D("0.10")), date(2026, 11, 1))
    # a version that lists one device covers only cases about it (or about no device)
    ines = sv.clients.create_client(ClientData("Inés", city="Xalapa")).id
    mac = sv.clients.add_device(ines, DeviceData(DeviceKind.MAC, "iMac")).id
    ipad = sv.clients.add_device(ines, DeviceData(DeviceKind.IPAD, "iPad")).id
    sv.policies.create(ines, PolicyData(3, 0, D("0.25"), device_ids=(mac,)), date(2026, 11, 1))
    sids = []

    def work(client: int, day: int, hour: int, minutes: int, modality: Modality,
             outcome: Outcome = Outcome.RESOLVED, device: int | None = None) -> int:  # fmt: skip
        clock.set(at(hour, 0, day=day))
        if modality is Modality.REMOTE:
            sid = sv.sessions.start(ana, client, modality, device_id=device,
                                    channel=Channel.PHONE, checklist=PHONE_LATER).id  # fmt: skip
        else:
            sid = sv.sessions.start(ana, client, modality).id
        clock.advance(minutes=minutes)
        sv.sessions.end(sid, outcome)
        sids.append(sid)
        return sid

    work(lucia, 3, 10, 50, Modality.REMOTE)  # an earlier case of the month
    work(lucia, 24, 10, 91, Modality.REMOTE)  # beyond the allowance: discount only
    work(lucia, 24, 20, 70, Modality.OFFICE)  # in person 1 of 1, 24×7
    first = work(cafe, 24, 11, 45, Modality.ONSITE, Outcome.FOLLOW_UP)
    work(cafe, 24, 13, 100, Modality.REMOTE)  # remote 1 of 2
    work(ramon, 24, 15, 60, Modality.ONSITE)  # requires a quote: no amount
    work(ines, 24, 9, 61, Modality.REMOTE, device=ipad)  # not covered: no policy terms
    work(ines, 24, 16, 95, Modality.REMOTE, device=mac)  # covered hour, 25 % off the rest
    clock.set(at(17, 0))
    case_id = sv.sessions.session(first).case.id
    follow = sv.sessions.follow_up(case_id).id
    clock.advance(minutes=40)
    sv.sessions.end(follow, Outcome.RESOLVED)
    sids.append(follow)
    # from 12:00 a tariff lowers the maximum discount below Lucía's 20 % (stored before such a
    # tariff was refused): her 20:00 session gets 15 %, the earlier ones keep theirs
    store_tariff_directly(engine, Tariff(max_policy_discount=D("0.15")), at(12, 0))

    clock.set(at(22, 0))
    a, b = both(engine, sv, clock, DAY)
    assert a == b
    expected = []
    for sid in sorted(sids, key=lambda x: sv.sessions.session(x).started_at):
        if sv.sessions.session(sid).started_at < at(0, 0):
            continue
        bill = sv.sessions.final_bill(sid)
        expected.append((bill.worked_minutes, bill.billable_hours, bill.base))
    got = [(s.worked_minutes, s.billable_hours, s.amount) for s in a.sessions]
    assert got == expected
    assert any(x[2] is None for x in got)  # the quoted one
    assert any(x[2] == D("0.00") for x in got)  # covered / follow-up


def store_tariff_directly(engine: Any, tariff: Tariff, valid_from: datetime) -> None:
    """A tariff version written as an older release could (no check against the policies)."""
    from sqlalchemy.orm import Session

    from app.models import TariffVersion

    with Session(engine) as s, s.begin():
        s.add(TariffVersion(valid_from=valid_from, data=tariff.to_dict(), created_at=valid_from))


def test_a_receipt_keeps_its_stored_figures_after_a_tariff_change(
    shop_day: ShopDay, engine: Any, clock: FakeClock
) -> None:
    sv = shop_day.services
    before = sv.documents.day_summary(DAY)
    # A corrected tariff, in force from before the day (entered afterwards): receipts already
    # issued keep their base; only the session without a receipt is priced with it.
    dear = replace(Tariff(), remote_business_rate=D("250.00"), remote_outside_rate=D("400.00"))
    sv.settings.save_tariff(dear, at(0, 0, day=1))
    after, direct = (sv.documents.day_summary(DAY),
                     summary_from_sqlite(Path(engine.url.database), DAY, clock(), None)
                     if engine.dialect.name == "sqlite" else None)  # fmt: skip
    assert [s.amount for s in before.sessions] == [
        D("200.00"), D("360.00"), D("600.00"), D("900.00"), D("200.00"),
    ]  # fmt: skip
    assert [s.amount for s in after.sessions] == [
        D("200.00"), D("360.00"), D("600.00"), D("900.00"), D("250.00"),
    ]  # fmt: skip
    business = {b.band: b.amount for b in before.by_band}
    assert {b.band: b.amount for b in after.by_band} == {
        **business,
        Band.BUSINESS: business[Band.BUSINESS] + D("50.00"),
    }
    if direct is not None:
        assert direct == after


def test_cancelled_receipts_show_no_payment_status(shop_day: ShopDay) -> None:
    docs = shop_day.services.documents
    cancelled = docs.receipt_by_folio(shop_day.folios[0])
    assert cancelled.is_cancelled
    assert cancelled.payment_status == "No aplica: recibo cancelado"
    assert docs.receipt_by_folio(shop_day.folios[1]).payment_status.startswith("Pagado")


def test_the_summary_carries_what_all_clients_still_owe_at_the_close(
    shop_day: ShopDay, clock: FakeClock
) -> None:
    sv = shop_day.services
    day = clock().astimezone(ZoneInfo("America/Mexico_City")).date()
    summary = sv.documents.day_summary(day)
    assert summary.balance_due > 0
    assert summary.balance_due == sv.balances.outstanding().total
    assert summary.balance_due >= summary.outstanding


def test_values_are_normalized() -> None:
    assert money(232) == D("232.00") and money(417.6) == D("417.60")
    assert money(D("0.005")) == D("0.01") and money("1.10") == D("1.10")
    moment = datetime(2026, 11, 24, 10, 0, tzinfo=at(0).tzinfo)
    assert sqlite_params({"a": moment, "b": date(2026, 11, 24), "c": 3}) == {
        "a": "2026-11-24 16:00:00.000000", "b": "2026-11-24", "c": 3,
    }  # fmt: skip
    with pytest.raises(ValueError, match="zona horaria"):
        sqlite_params({"a": datetime(2026, 11, 24)})


def test_csv_summary_of_a_sqlite_file_imports_no_sqlalchemy(
    sqlite_engine: Any, clock: FakeClock, tmp_path: Path
) -> None:
    fill_day(sqlite_engine, clock)
    path = sqlite_path(sqlite_engine)
    out = tmp_path / "x.csv"
    script = textwrap.dedent(
        f"""
        import json, sys
        from app.cli import main
        code = main(["--db", "sqlite:///{path}", "summary", "--date", "2026-11-24",
                     "--advisor", "ana", "-o", {str(out)!r}])
        heavy = sorted({{m.split(".")[0] for m in sys.modules}}
                       & {{"sqlalchemy", "PySide6", "reportlab", "alembic", "psycopg"}})
        sys.stderr.write(json.dumps([code, heavy]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(proc.stderr) == [0, []]
    sessions = read_sections(out.read_bytes())["Sesiones"]
    assert {row[2] for row in sessions[1:-1]} == {"Ana Martínez Couttolenc"}
    assert len(sessions) == 1 + 3 + 1  # header, Ana's three sessions, TOTAL
