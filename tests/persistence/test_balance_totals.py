"""The running totals of revision 0010 (``balance_totals``, kept by triggers) and the corte's
balance due read from them: on a scripted history — receipts of the day before cancelled on the
day, a receipt cancelled and issued again, partial and full payments, and after the day more
receipts, payments and a cancellation — the balance due at each close is what the receipts and
payments read one by one say, for all advisors and for each, on SQLite and PostgreSQL; the
totals are what the rows add up to; migrating down and up again fills the same totals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from app.billing.money import ZERO
from app.kernel.clock import FakeClock
from app.kernel.enums import Modality, PaymentMethod
from app.services.day_summary import local_day_bounds, money_flows
from app.services.sql import Row, instant, maybe_instant, money
from app.services.uow import session_execute
from tests.cli.test_summary_paths import _ended, corrected_day
from tests.documents.test_from_db import DAY, ShopDay, at

CLOSES = (date(2026, 11, 22), date(2026, 11, 23), DAY, date(2026, 11, 25), date(2026, 11, 26))


def later_days(shop: ShopDay, engine: Any) -> None:
    """After the corte's Tuesday: a receipt of Tuesday cancelled on Wednesday, Wednesday's
    session billed and paid in full, a payment on Tuesday's receipt on Thursday."""
    sv, clock = shop.services, shop.clock
    lucia = sv.clients.clients("Lucía")[0].id
    tuesday = [r for r in _receipts(engine) if r[3] is None]
    clock.set(at(11, 0, day=25))
    sv.receipts.cancel(int(tuesday[0][0]), "Se emitió dos veces")
    wednesday = _ended(
        shop, shop.beto, lucia, Modality.OFFICE, at(12, 0, day=25), at(13, 0, day=25)
    )
    issued = sv.receipts.issue_for_session(wednesday)
    sv.receipts.record_payment(issued.id, issued.total, PaymentMethod.TRANSFER)
    clock.set(at(10, 0, day=26))
    sv.receipts.record_payment(int(tuesday[-1][0]), Decimal("50.00"), PaymentMethod.CASH)


def _rows(engine: Any, sql: str) -> list[Row]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _receipts(engine: Any) -> list[Row]:
    sql = "SELECT id, issued_at, total, cancelled_at, advisor_id FROM receipts ORDER BY id"
    return _rows(engine, sql)


def owed_row_by_row(engine: Any, end: datetime, advisor: int | None) -> Decimal:
    """In force at ``end`` (issued before it, not cancelled before it), less what was paid on
    those receipts before it."""
    live = {
        int(i): money(total)
        for i, issued, total, off, adv in _rows(
            engine, "SELECT id, issued_at, total, cancelled_at, advisor_id FROM receipts"
        )
        if instant(issued) < end
        and (maybe_instant(off) is None or instant(off) >= end)
        and advisor in (None, int(adv))
    }
    paid = sum(
        (
            money(amount)
            for r, at_, amount in _rows(
                engine, "SELECT receipt_id, received_at, amount FROM payments"
            )
            if int(r) in live and instant(at_) < end
        ),
        ZERO,
    )
    return max(ZERO, sum(live.values(), ZERO) - paid)


def totals(engine: Any) -> dict[int, tuple[int, int, int]]:
    sql = "SELECT advisor_id, issued_cents, cancelled_cents, paid_cents FROM balance_totals"
    return {int(a): (int(i), int(c), int(p)) for a, i, c, p in _rows(engine, sql)}


def test_balance_due_from_the_totals_is_the_history_read_row_by_row(
    engine: Any, clock: FakeClock
) -> None:
    shop = corrected_day(engine, clock)
    later_days(shop, engine)
    cancelled_after = [
        r for r in _receipts(engine) if r[3] is not None and instant(r[3]) > at(23, 59)
    ]
    assert cancelled_after, "a receipt issued before the close and cancelled after it"
    seen = set()
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        execute = session_execute(s)
        for day in CLOSES:
            start, end = local_day_bounds(day)
            for advisor in (None, shop.ana, shop.beto):
                due = money_flows(execute, start, end, advisor)[1]
                assert due == owed_row_by_row(engine, end, advisor), (day, advisor)
                seen.add(due)
    assert len(seen) >= 4  # the closes differ: the history moves the figure


def test_totals_are_what_the_rows_add_up_to_and_the_migration_fills_the_same(
    engine: Any, clock: FakeClock
) -> None:
    from app.models.engine import alembic_config

    shop = corrected_day(engine, clock)
    later_days(shop, engine)
    by_triggers = totals(engine)
    expected: dict[int, list[int]] = {}
    for _, _, total, off, adv in _receipts(engine):
        cents = int(money(total) * 100)
        row = expected.setdefault(int(adv), [0, 0, 0])
        row[0] += cents
        row[1] += cents if off is not None else 0
    pay = "SELECT r.advisor_id, p.amount FROM payments p JOIN receipts r ON r.id = p.receipt_id"
    for adv, amount in _rows(engine, pay):
        expected[int(adv)][2] += int(money(amount) * 100)
    assert by_triggers == {a: tuple(v) for a, v in expected.items()}
    assert all(c > 0 for _, c, _ in by_triggers.values()) and len(by_triggers) == 3

    from alembic import command

    config = alembic_config(engine)
    command.downgrade(config, "0009")
    assert "balance_totals" not in {r[0] for r in _tables(engine)}
    command.upgrade(config, "head")
    assert totals(engine) == by_triggers  # filled from the stored rows


def _tables(engine: Any) -> list[Row]:
    from sqlalchemy import inspect

    return [(name,) for name in inspect(engine).get_table_names()]
