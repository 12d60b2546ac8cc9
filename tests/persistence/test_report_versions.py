"""The counters of revision 0011 (``report_versions``, raised by triggers): every write that can
change a figure of a day's period report raises the counter of the UTC date(s) it touches, in
the writer's own transaction, and no other — through the real services where one writes the
row (start, end, correct a session; issue, cancel, pay a receipt; a case's state; a policy; a
tariff; a repair), plain SQL for the rest; SQLite and PostgreSQL. Dates below are local
(America/Mexico_City, UTC−6 in November); the keys are UTC dates."""

from __future__ import annotations

import importlib
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, text

from app.billing.session_rules import Checklist
from app.billing.tariff import Tariff
from app.kernel.clock import FakeClock
from app.kernel.enums import (
    Channel,
    DeviceKind,
    Modality,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
)
from app.models.types import UTCDateTime
from app.services.data import ClientData, DeviceData, PolicyData
from app.services.facade import Services

MX = ZoneInfo("America/Mexico_City")
PHONE = Checklist(PaymentArrangement.LATER, internet=True)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local instant in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


def counters(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {k: int(n) for k, n in conn.execute(text("SELECT key, n FROM report_versions"))}


class Watch:
    """The counters raised since the last look."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.seen = counters(engine)

    def raised(self) -> set[str]:
        now = counters(self.engine)
        assert all(n >= self.seen.get(k, 0) for k, n in now.items()), "a counter went down"
        out = {k for k, n in now.items() if n > self.seen.get(k, 0)}
        self.seen = now
        return out


class Shop:
    def __init__(self, engine: Any, clock: FakeClock) -> None:
        self.engine, self.clock = engine, clock
        self.sv = sv = Services.create(engine, clock)
        clock.set(at(1, 9))
        self.ana = sv.clients.create_advisor("Ana Martínez").id
        self.beto = sv.clients.create_advisor("Alberto Hernández").id
        self.lucia = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa")).id
        self.mac = sv.clients.add_device(self.lucia, DeviceData(DeviceKind.MAC, "MacBook Air")).id
        self.ramon = sv.clients.create_client(ClientData("Ramón Sánchez", city="Xalapa")).id

    def worked(
        self, start: datetime, end: datetime, client: int | None = None,
        outcome: Outcome = Outcome.RESOLVED, advisor: int | None = None,
    ) -> int:  # fmt: skip
        """A phone session from ``start`` to ``end`` (entered as it happened)."""
        self.clock.set(start)
        sid = self.sv.sessions.start(
            advisor or self.ana, client or self.lucia, Modality.REMOTE, channel=Channel.PHONE,
            checklist=PHONE,
        ).id  # fmt: skip
        self.clock.set(end)
        self.sv.sessions.end(sid, outcome)
        return sid

    def case_of(self, session_id: int) -> int:
        return self.sv.sessions.session(session_id).case.id


@pytest.fixture
def shop(engine: Any, clock: FakeClock) -> Shop:
    return Shop(engine, clock)


def test_starting_and_ending_a_session_raise_the_utc_date_of_its_start(shop: Shop) -> None:
    watch = Watch(shop.engine)
    shop.clock.set(at(24, 10))  # 16:00 UTC
    sid = shop.sv.sessions.start(
        shop.ana, shop.lucia, Modality.REMOTE, channel=Channel.PHONE, checklist=PHONE
    ).id
    assert watch.raised() == {"2026-11-24"}
    shop.clock.set(at(24, 10, 20))
    shop.sv.corrections.add_note(sid, "Reinició el router", author_id=shop.ana)
    assert watch.raised() == {"2026-11-24"}
    shop.sv.sessions.end(sid, Outcome.RESOLVED)
    assert watch.raised() == {"2026-11-24"}


def test_a_session_just_after_local_midnight_raises_the_utc_date_of_its_start(
    shop: Shop,
) -> None:
    """00:30 on the 25th is 06:30 UTC on the 25th; 23:30 on the 24th is already 05:30 UTC on
    the 25th: the key is the UTC date (the cache maps local days to UTC dates itself)."""
    watch = Watch(shop.engine)
    shop.worked(at(25, 0, 30), at(25, 0, 50))
    assert watch.raised() == {"2026-11-25"}
    shop.worked(at(24, 23, 30), at(24, 23, 50), advisor=shop.beto)
    assert watch.raised() == {"2026-11-25"}
    assert "2026-11-24" not in counters(shop.engine)


def test_corrections_raise_the_session_dates_before_and_after_not_the_day_entered(
    shop: Shop,
) -> None:
    late = shop.worked(at(23, 18, 10), at(23, 19, 0))  # 00:10 UTC on the 24th
    other = shop.worked(at(20, 10, 0), at(20, 11, 0))
    watch = Watch(shop.engine)
    shop.clock.set(at(26, 12))
    fix = shop.sv.corrections
    fix.add_pause(other, at(20, 10, 20), at(20, 10, 30), reason="Comida", author_id=shop.ana)
    assert watch.raised() == {"2026-11-20"}
    fix.correct_start(late, at(23, 17, 50), reason="Empezó antes", author_id=shop.ana)
    assert watch.raised() == {"2026-11-23", "2026-11-24"}  # 23:50 UTC on the 23rd


def test_receipts_and_payments_raise_the_session_issue_cancel_and_payment_dates(
    shop: Shop,
) -> None:
    sid = shop.worked(at(23, 10), at(23, 10, 20))
    r = shop.sv.receipts
    watch = Watch(shop.engine)
    shop.clock.set(at(24, 12))
    first = r.issue_for_session(sid)
    assert watch.raised() == {"2026-11-23", "2026-11-24"}  # the session's, issued
    shop.clock.set(at(25, 12))
    r.cancel(first.id, "Cliente equivocado")
    assert watch.raised() == {"2026-11-23", "2026-11-24", "2026-11-25"}
    second = r.issue_for_session(sid)
    assert watch.raised() == {"2026-11-23", "2026-11-25"}
    shop.clock.set(at(27, 9))
    r.record_payment(second.id, Decimal("100.00"), PaymentMethod.CASH)
    assert watch.raised() == {"2026-11-25", "2026-11-27"}  # issued, received


def test_a_case_state_change_raises_the_dates_of_every_session_of_the_case(shop: Shop) -> None:
    first = shop.worked(at(20, 10), at(20, 10, 30), outcome=Outcome.FOLLOW_UP)
    shop.worked(at(21, 10), at(21, 10, 30), outcome=Outcome.FOLLOW_UP)  # another case
    case = shop.case_of(first)
    watch = Watch(shop.engine)
    shop.clock.set(at(23, 10))
    follow = shop.sv.sessions.follow_up(case).id  # the case opens again; a new session
    assert watch.raised() == {"2026-11-20", "2026-11-23"}
    shop.clock.set(at(23, 10, 40))
    shop.sv.sessions.end(follow, Outcome.RESOLVED)
    assert watch.raised() == {"2026-11-20", "2026-11-23"}
    shop.clock.set(at(30, 10))  # the other case's follow-up window is over
    expired = shop.sv.sessions.expire_pending()
    assert len(expired) == 1
    assert watch.raised() == {"2026-11-21"}


def test_a_policy_and_a_policy_clients_new_case_raise_every_session_of_the_client(
    shop: Shop,
) -> None:
    shop.worked(at(20, 10), at(20, 10, 30))
    shop.worked(at(23, 11), at(23, 11, 30))
    shop.worked(at(22, 10), at(22, 10, 30), client=shop.ramon)
    watch = Watch(shop.engine)
    shop.clock.set(at(24, 9))
    policy = shop.sv.policies.create(shop.lucia, PolicyData(2, 1, device_ids=(shop.mac,)))
    assert watch.raised() == {"2026-11-20", "2026-11-23"}  # not Ramón's 22nd
    # a new case of a client with a policy uses up the allowance the others had
    shop.clock.set(at(24, 10))
    sid = shop.sv.sessions.start(
        shop.ana, shop.lucia, Modality.REMOTE, channel=Channel.PHONE, checklist=PHONE
    ).id
    assert watch.raised() == {"2026-11-20", "2026-11-23", "2026-11-24"}
    # its state changing does not move the allowance: only its own session's date
    shop.clock.set(at(24, 10, 30))
    shop.sv.sessions.end(sid, Outcome.RESOLVED)
    assert watch.raised() == {"2026-11-24"}
    # a client without a policy: only the new session's date
    shop.clock.set(at(24, 11))
    shop.worked(at(24, 11), at(24, 11, 30), client=shop.ramon, advisor=shop.beto)
    assert watch.raised() == {"2026-11-24"}
    # a case's opening moved (its first session's start corrected): the allowance moves
    shop.clock.set(at(24, 12))
    shop.sv.corrections.correct_start(sid, at(24, 9, 50), reason="Empezó antes", author_id=shop.ana)
    assert watch.raised() == {"2026-11-20", "2026-11-23", "2026-11-24"}
    shop.clock.set(at(25, 9))
    shop.sv.policies.change(policy.id, PolicyData(3, 1))
    assert watch.raised() == {"2026-11-20", "2026-11-23", "2026-11-24"}
    shop.sv.policies.end(policy.id)
    assert watch.raised() == {"2026-11-20", "2026-11-23", "2026-11-24"}


def test_policy_rows_written_by_hand_raise_the_clients_sessions(shop: Shop) -> None:
    shop.worked(at(20, 10), at(20, 10, 30))
    shop.worked(at(22, 10), at(22, 10, 30), client=shop.ramon)
    shop.clock.set(at(24, 9))
    shop.sv.policies.create(shop.lucia, PolicyData(2, 1, device_ids=(shop.mac,)))
    watch = Watch(shop.engine)
    statements = (
        "DELETE FROM policy_devices",
        "UPDATE policy_versions SET expected_remote = 4",
        "UPDATE policies SET service_months = 6",
    )
    for sql in statements:
        with shop.engine.begin() as conn:
            conn.execute(text(sql))
        assert watch.raised() == {"2026-11-20"}, sql


def test_a_new_tariff_raises_the_all_counter_only(shop: Shop) -> None:
    shop.worked(at(20, 10), at(20, 10, 30))
    watch = Watch(shop.engine)
    shop.clock.set(at(24, 9))
    shop.sv.settings.save_tariff(Tariff(remote_business_rate=Decimal("250.00")), at(25, 0))
    assert watch.raised() == {"all"}
    with shop.engine.begin() as conn:
        conn.execute(text("DELETE FROM tariff_versions"))
    assert watch.raised() == {"all"}


def test_a_repair_decision_and_its_receipt_raise_their_dates(shop: Shop) -> None:
    escalated = shop.worked(at(20, 10), at(20, 11), outcome=Outcome.ESCALATED)
    case = shop.case_of(escalated)
    watch = Watch(shop.engine)
    shop.clock.set(at(23, 12))
    repair = shop.sv.repairs.quote(case, "Cambio de batería", 2)
    assert watch.raised() == set()  # quoted, not decided: nothing a report counts yet
    shop.clock.set(at(25, 12))
    shop.sv.repairs.accept(repair.id)
    assert watch.raised() == {"2026-11-25"}
    shop.clock.set(at(26, 12))
    shop.sv.receipts.issue_for_session(escalated)
    assert watch.raised() == {"2026-11-20", "2026-11-26"}
    shop.clock.set(at(27, 12))
    shop.sv.repairs.issue_receipt(repair.id)  # no session of its own; the repair row points to it
    assert watch.raised() == {"2026-11-25", "2026-11-27"}


def test_a_receipt_line_written_by_hand_raises_its_sessions_date(shop: Shop) -> None:
    sid = shop.worked(at(23, 10), at(23, 10, 20))
    shop.clock.set(at(24, 12))
    receipt = shop.sv.receipts.issue_for_session(sid)
    watch = Watch(shop.engine)
    with shop.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO receipt_lines (receipt_id, position, kind, description, amount)"
                " VALUES (:r, 99, 'hours', 'a mano', 0)"
            ),
            {"r": receipt.id},
        )
    assert watch.raised() == {"2026-11-23"}


def test_sessions_changed_or_deleted_by_hand_raise_their_dates(shop: Shop) -> None:
    sid = shop.worked(at(20, 10), at(20, 10, 30))
    case = shop.case_of(sid)
    watch = Watch(shop.engine)
    with shop.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET advisor_id = :b WHERE id = :s"),
                     {"b": shop.beto, "s": sid})  # fmt: skip
    assert watch.raised() == {"2026-11-20"}
    row = {"case": case, "advisor": shop.ana, "start": at(22, 23, 30)}  # 05:30 UTC on the 23rd
    insert = (
        "INSERT INTO sessions (id, case_id, advisor_id, modality, city, started_at, ended_at,"
        " follow_up, checklist_internet, checklist_macos, notes)"
        " VALUES (9999, :case, :advisor, 'office', '', :start, :start, false, false, false, '')"
    )
    with shop.engine.begin() as conn:
        conn.execute(text(insert).bindparams(bindparam("start", type_=UTCDateTime())), row)
    # and the day of the case's other session: the case now reaches past it (a stored day
    # counts its cases once over a period by knowing which reach outside it)
    assert watch.raised() == {"2026-11-23", "2026-11-20"}
    with shop.engine.begin() as conn:
        conn.execute(text("DELETE FROM sessions WHERE id = 9999"))
    assert watch.raised() == {"2026-11-23", "2026-11-20"}


def _trigger_names(engine: Any) -> set[str]:
    sql = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT DISTINCT trigger_name FROM information_schema.triggers"
    )
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text(sql)) if r[0].startswith("report_versions_")}


def test_down_and_up_again_removes_and_restores_every_trigger(fresh_engine: Any) -> None:
    from alembic import command

    from app.models.engine import alembic_config

    migration = importlib.import_module("app.models.migrations.versions.0011_report_cache")
    names = {f"report_versions_{r.name}" for r in migration.RAISES}
    assert len(names) == 29 and _trigger_names(fresh_engine) == names
    if fresh_engine.dialect.name == "postgresql":  # each function runs as its owner
        with fresh_engine.connect() as conn:
            definer = conn.execute(
                text(
                    "SELECT proname, prosecdef FROM pg_proc WHERE proname LIKE 'appleuse_report_%'"
                )
            ).all()
        assert len(definer) == 29 and all(secure for _, secure in definer)
    config = alembic_config(fresh_engine)
    command.downgrade(config, "0010")
    assert _trigger_names(fresh_engine) == set()
    clock = FakeClock()
    shop = Shop(fresh_engine, clock)  # writes work without the table or its triggers
    shop.worked(at(20, 10), at(20, 10, 30))
    command.upgrade(config, "head")
    assert _trigger_names(fresh_engine) == names
    assert counters(fresh_engine) == {}  # nothing filled: a missing counter is 0
    shop.worked(at(24, 10), at(24, 10, 30), client=shop.ramon)
    assert set(counters(fresh_engine)) == {"2026-11-24"}


def test_an_instant_sqlite_cannot_parse_still_lets_the_row_in(shop: Shop) -> None:
    """A start written by hand as ``… 16:00:00+00`` (SQLite's ``date`` reads no such offset):
    the row is stored and its text's date raised."""
    sid = shop.worked(at(20, 10), at(20, 10, 30))
    watch = Watch(shop.engine)
    stamp = "2026-11-24 16:00:00+00"
    with shop.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET started_at = :t WHERE id = :s"),
                     {"t": stamp, "s": sid})  # fmt: skip
    assert watch.raised() == {"2026-11-20", "2026-11-24"}


def test_on_postgresql_a_role_that_cannot_write_the_counters_still_raises_them(
    shop: Shop,
) -> None:
    """The app's role needs only SELECT on ``report_versions``: the triggers' functions run
    as their owner (``SECURITY DEFINER``)."""
    if shop.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no roles")
    sid = shop.worked(at(20, 10), at(20, 10, 30))
    role = "appleuse_report_versions_test"
    setup = (
        f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON report_versions FROM {role}",
    )
    with shop.engine.begin() as conn:
        for sql in setup:
            conn.execute(text(sql))
    watch = Watch(shop.engine)
    try:
        with shop.engine.begin() as conn:
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            conn.execute(text("UPDATE sessions SET advisor_id = :b WHERE id = :s"),
                         {"b": shop.beto, "s": sid})  # fmt: skip
        assert watch.raised() == {"2026-11-20"}
        with pytest.raises(Exception, match="permission denied"), shop.engine.begin() as conn:
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            conn.execute(text("UPDATE report_versions SET n = 0"))
        assert watch.raised() == set()
    finally:
        with shop.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
