"""Client balances: statement (receipts, payments, running balance), outstanding totals, and
payments refused when larger than what is owed or on a cancelled receipt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.billing.session_rules import Checklist
from app.kernel.enums import Channel, PaymentArrangement, PaymentMethod, RemoteTool
from app.kernel.errors import DomainError
from tests.services.conftest import Shop
from tests.services.test_policies import at, session

D = Decimal


def test_statement_with_partial_late_and_cancelled(shop: Shop) -> None:
    sv = shop.services
    a = sv.receipts.issue_for_session(session(shop, "2026-11-24 10:00", 91))  # 464.00
    b = sv.receipts.issue_for_session(session(shop, "2026-11-24 12:00", 30))  # 232.00
    shop.clock.set(at("2026-11-24 13:00"))
    sv.receipts.record_payment(a.id, D("200.00"), PaymentMethod.CASH)
    with pytest.raises(DomainError, match=r"excede el saldo del recibo A-000001 \(\$264.00\)"):
        sv.receipts.record_payment(a.id, D("264.01"))
    sv.receipts.cancel(b.id, "Sesión duplicada")
    with pytest.raises(DomainError, match="cancelado; no admite pagos"):
        sv.receipts.record_payment(b.id, D("1.00"))
    with pytest.raises(DomainError, match="mayor que cero"):
        sv.receipts.record_payment(a.id, D("0"))
    statement = sv.balances.statement(shop.lucia)
    assert (statement.charged, statement.paid, statement.balance) == (
        D("464.00"), D("200.00"), D("264.00"),
    )  # fmt: skip
    assert [
        (r.folio, r.total, r.paid, r.balance, r.payment_status) for r in statement.receipts
    ] == [
        ("A-000001", D("464.00"), D("200.00"), D("264.00"), "partial"),
        ("A-000002", D("0.00"), D("0.00"), D("0.00"), "cancelled"),
    ]
    assert [(e.kind, e.folio, e.charge, e.payment, e.balance) for e in statement.entries] == [
        ("receipt", "A-000001", D("464.00"), D("0.00"), D("464.00")),
        ("receipt", "A-000002", D("232.00"), D("0.00"), D("696.00")),
        ("payment", "A-000001", D("0.00"), D("200.00"), D("496.00")),
        ("cancellation", "A-000002", D("-232.00"), D("0.00"), D("264.00")),
    ]
    assert statement.entries[2].description == "Pago (efectivo)"
    assert statement.entries[3].description == "Cancelación: Sesión duplicada"
    assert [r.folio for r in statement.outstanding] == ["A-000001"]
    # paid late, in full: balance zero
    shop.clock.set(at("2026-12-15 10:00"))
    sv.receipts.record_payment(a.id, D("264.00"), PaymentMethod.TRANSFER, reference="SPEI 123")
    late = sv.balances.statement(shop.lucia)
    assert late.balance == D("0.00") and late.receipts[0].payment_status == "paid"
    assert late.entries[-1].description == "Pago (transferencia) ref. SPEI 123"
    # a statement as of an earlier instant ignores later payments
    assert sv.balances.statement(shop.lucia, at("2026-12-01 00:00")).balance == D("264.00")


def test_later_payment_agreed_becomes_outstanding(shop: Shop) -> None:
    sv = shop.services
    shop.clock.set(at("2026-11-24 10:00"))
    sid = sv.sessions.start(
        shop.ana, shop.lucia, "remote",  # type: ignore[arg-type]
        channel=Channel.PHONE,
        checklist=Checklist(PaymentArrangement.LATER, True, False, RemoteTool.ICLOUD),
    ).id  # fmt: skip
    shop.clock.advance(minutes=30)
    from app.kernel.enums import Outcome

    sv.sessions.end(sid, Outcome.RESOLVED)
    pending = sv.balances.statement(shop.lucia)
    assert [(u.case_label, u.later_payment_agreed, u.total) for u in pending.unbilled] == [
        ("C-000001", True, D("232.00"))
    ]
    assert pending.unbilled_total == D("232.00") and pending.balance == D("0.00")
    r = sv.receipts.issue_for_session(sid)
    assert sv.balances.statement(shop.lucia).unbilled == ()
    statement = sv.balances.statement(shop.lucia)
    assert statement.receipts[0].later_payment_agreed
    assert statement.receipts[0].concept == "Sesión del caso C-000001"
    other = sv.receipts.issue_for_session(
        session(shop, "2026-11-24 12:00", 30)  # Lucía again: 232.00
    )
    shop.clock.set(at("2026-11-24 12:40"))
    sid3 = sv.sessions.start(shop.beto, shop.ramon, "office").id  # type: ignore[arg-type]
    shop.clock.advance(minutes=20)
    sv.sessions.end(sid3, Outcome.RESOLVED)
    r3 = sv.receipts.issue_for_session(sid3)  # 348.00
    sv.receipts.record_payment(r3.id, D("48.00"))
    sv.receipts.record_payment(other.id, D("232.00"))
    owed = sv.balances.outstanding()
    assert [(c.client_name, c.receipts, c.balance) for c in owed.clients] == [
        ("Ramón Sánchez", 1, D("300.00")),
        ("Lucía Pérez Domínguez", 1, r.total),
    ]
    assert owed.total == D("300.00") + D("232.00")


def test_a_statement_reads_a_few_statements_however_many_receipts(shop: Shop) -> None:
    """Each receipt's concept (its case, whether paid later) comes from one read of all the
    receipts' sessions, not two queries per receipt."""
    from sqlalchemy import event

    sv = shop.services
    executed: list[str] = []

    def count(*args: object) -> None:
        executed.append(str(args[2]))

    def statements() -> int:
        executed.clear()
        event.listen(sv.db.engine, "before_cursor_execute", count)
        try:
            sv.balances.statement(shop.lucia)
        finally:
            event.remove(sv.db.engine, "before_cursor_execute", count)
        return len(executed)

    for hour in (9, 10):
        sv.receipts.issue_for_session(session(shop, f"2026-11-24 {hour:02d}:00", 30))
    few = statements()
    for hour in (11, 12, 13, 14, 15, 16):
        sv.receipts.issue_for_session(session(shop, f"2026-11-24 {hour:02d}:00", 30))
    assert statements() == few
    concepts = [r.concept for r in sv.balances.statement(shop.lucia).receipts]
    assert concepts == [f"Sesión del caso C-{n:06d}" for n in range(1, 9)]
