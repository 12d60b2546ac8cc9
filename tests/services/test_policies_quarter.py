"""The scripted quarter of issue 6: a client with a policy of 2 remote + 1 in-person events a
month, 20 % discount and 24×7; cases inside and beyond the allowance, some outside hours, one
escalated and repaired, one paid late. Every receipt, covered line, credit, review figure and
balance is exact (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.billing.repair import RepairPart
from app.kernel.enums import AllowanceLevel, Modality, Outcome, PaymentMethod
from app.kernel.errors import DomainError
from tests.services.conftest import Shop
from tests.services.test_policies import GOLD, at, session

D = Decimal
R, OF, S = Modality.REMOTE, Modality.OFFICE, Modality.ONSITE

#: (local start, minutes, modality, outcome, folio, covered hours, base, total)
SCRIPT = [
    # September: 3 remote (one beyond), 1 in person (escalated)
    ("2026-09-01 10:00", 91, R, Outcome.RESOLVED, "A-000001", 1, "160.00", "185.60"),
    ("2026-09-02 20:00", 45, R, Outcome.RESOLVED, "A-000002", 1, "0.00", "0.00"),
    ("2026-09-03 21:00", 40, R, Outcome.RESOLVED, "A-000003", 0, "160.00", "185.60"),
    ("2026-09-08 10:00", 100, OF, Outcome.ESCALATED, "A-000004", 1, "240.00", "278.40"),
    # (the repair receipt takes A-000005 on Sep 15)
    # October: 2 remote (the second crosses into outside hours), 1 onsite
    ("2026-10-06 10:00", 30, R, Outcome.RESOLVED, "A-000006", 1, "0.00", "0.00"),
    ("2026-10-07 10:00", 30, S, Outcome.RESOLVED, "A-000007", 1, "0.00", "0.00"),
    ("2026-10-14 18:30", 105, R, Outcome.RESOLVED, "A-000008", 1, "160.00", "185.60"),
    # November: 3 remote (one beyond), 2 in person (one beyond)
    ("2026-11-03 10:00", 30, R, Outcome.RESOLVED, "A-000009", 1, "0.00", "0.00"),
    ("2026-11-04 10:00", 30, R, Outcome.RESOLVED, "A-000010", 1, "0.00", "0.00"),
    ("2026-11-05 10:00", 30, R, Outcome.RESOLVED, "A-000011", 0, "160.00", "185.60"),
    ("2026-11-06 10:00", 30, OF, Outcome.RESOLVED, "A-000012", 1, "0.00", "0.00"),
    ("2026-11-10 10:00", 30, OF, Outcome.RESOLVED, "A-000013", 0, "240.00", "278.40"),
]


def test_scripted_quarter(shop: Shop) -> None:
    sv = shop.services
    shop.clock.set(at("2026-09-01 09:00"))
    policy = sv.policies.create(shop.lucia, GOLD)
    assert policy.current is not None and policy.current.monthly_fee == D("560.00")
    receipts: dict[str, int] = {}
    sessions: dict[str, int] = {}
    for start, minutes, modality, outcome, folio, covered, base, total in SCRIPT:
        sid = session(shop, start, minutes, modality, outcome)
        r = sv.receipts.issue_for_session(sid)
        assert (r.folio, r.base, r.total) == (folio, D(base), D(total)), start
        got = sum(x.hours or 0 for x in r.lines if x.kind == "covered")
        assert got == covered, start
        assert all(x.amount == 0 for x in r.lines if x.kind == "covered")
        receipts[folio], sessions[folio] = r.id, sid
        if folio == "A-000004":  # the escalated office case: quote, accept, repair receipt
            shop.clock.set(at("2026-09-09 12:00"))
            case = sv.sessions.session(sid).case.id
            quote = sv.repairs.quote(case, "Cambio de batería", 2, [
                RepairPart("Batería MacBook Air", 1, D("1800.00")),
            ])  # fmt: skip
            shop.clock.set(at("2026-09-10 12:00"))
            sv.repairs.accept(quote.id)
            shop.clock.set(at("2026-09-15 12:00"))
            repair = sv.repairs.issue_receipt(quote.id)
            assert repair.folio == "A-000005"
            assert [(x.kind, x.description, x.amount) for x in repair.lines] == [
                ("hours", "Mano de obra de reparación: 2 h × $300.00", D("600.00")),
                ("quoted", "Refacción: Batería MacBook Air", D("1800.00")),
                ("discount", "Descuento póliza 20 % en mano de obra", D("-120.00")),
                ("credit", "Abono sesión de soporte, recibo A-000004", D("-240.00")),
            ]
            assert (repair.subtotal, repair.discount, repair.credits, repair.base) == (
                D("2400.00"), D("120.00"), D("240.00"), D("2040.00"),
            )  # fmt: skip
            assert (repair.iva, repair.total) == (D("326.40"), D("2366.40"))
            receipts["A-000005"] = repair.id
            sv.receipts.record_payment(repair.id, D("1000.00"), PaymentMethod.CARD)
            with pytest.raises(DomainError, match="ya tiene el recibo A-000005"):
                sv.repairs.issue_receipt(quote.id)
        # payments the day of the session, except the ones paid late or left owing
        if folio in ("A-000003", "A-000004", "A-000008"):
            sv.receipts.record_payment(r.id, r.total, PaymentMethod.CASH)
        if folio == "A-000013":
            sv.receipts.record_payment(r.id, D("100.00"), PaymentMethod.TRANSFER)
        if folio == "A-000008":
            shop.clock.set(at("2026-10-15 12:00"))
            sv.receipts.record_payment(receipts["A-000005"], D("1366.40"), PaymentMethod.CARD)

    # the allowance as the window shows it at the end of November
    nov = sv.policies.allowance(shop.lucia, at("2026-11-30 18:00"))
    assert nov is not None
    assert nov.texts == (
        "Póliza: 3 de 2 eventos a distancia usados en noviembre (1 fuera de la póliza, con costo)",
        "Póliza: 2 de 1 evento presencial usado en noviembre (1 fuera de la póliza, con costo)",
    )
    assert nov.remote.level is AllowanceLevel.OVER and nov.in_person.level is AllowanceLevel.OVER

    # the quarterly review, due on Dec 1
    shop.clock.set(at("2026-11-30 12:00"))
    assert sv.policies.due_for_review() == []
    with pytest.raises(DomainError, match="primera revisión trimestral de la póliza es el 01/12"):
        sv.reviews.review(policy.id)
    shop.clock.set(at("2026-12-01 09:00"))
    due = sv.policies.due_for_review()
    assert [(d.policy_id, d.client_name, d.review_date) for d in due] == [
        (policy.id, "Lucía Pérez Domínguez", date(2026, 12, 1))
    ]
    review = sv.reviews.review(policy.id)
    rows = [
        (m.label, m.expected_remote, m.expected_in_person, m.actual_remote, m.actual_in_person,
         m.worked_minutes, m.worked_hours, m.billable_hours, m.covered_hours, m.covered_value,
         m.charged)
        for m in review.months
    ]  # fmt: skip
    assert rows == [
        ("septiembre 2026", 2, 1, 3, 1, 276, D("4.60"), 6, 3, D("700.00"), D("560.00")),
        ("octubre 2026", 2, 1, 2, 1, 165, D("2.75"), 4, 3, D("760.00"), D("160.00")),
        ("noviembre 2026", 2, 1, 3, 2, 150, D("2.50"), 5, 3, D("700.00"), D("400.00")),
    ]
    t = review.totals
    assert (t.actual_remote, t.actual_in_person, t.covered_hours, t.charged) == (
        8, 4, 9, D("1120.00"),
    )  # fmt: skip
    # suggestion: ceil(8 / 3) = 3 remote, ceil(4 / 3) = 2 in person; (3×200 + 2×300) × 0.8
    assert (review.suggested_remote, review.suggested_in_person) == (3, 2)
    assert review.suggested_fee == D("960.00") and not review.accepted
    accepted = sv.reviews.accept(policy.id)
    v2 = accepted.current
    assert v2 is not None and (v2.version, v2.valid_from, v2.review_date) == (
        2, date(2026, 12, 1), date(2026, 12, 1),
    )  # fmt: skip
    assert (v2.expected_remote, v2.expected_in_person, v2.discount, v2.is_24x7) == (
        3, 2, D("0.2000"), True,
    )  # fmt: skip
    assert v2.monthly_fee == D("960.00") and v2.note == "Revisión trimestral del 01/12/2026"
    assert sv.policies.due_for_review() == []
    with pytest.raises(DomainError, match="ya fue atendida"):
        sv.reviews.accept(policy.id)
    assert sv.policies.policy(policy.id).next_review == date(2027, 3, 1)
    # past bills keep version 1: November's extra remote case is still charged
    assert sv.sessions.final_bill(sessions["A-000011"]).base == D("160.00")

    # balances: A-000001 is paid late, on Dec 10
    statement = sv.balances.statement(shop.lucia)
    owed = [(r.folio, r.balance) for r in statement.outstanding]
    assert owed == [
        ("A-000001", D("185.60")), ("A-000011", D("185.60")), ("A-000013", D("178.40")),
    ]  # fmt: skip
    assert statement.charged == D("3665.60") and statement.balance == D("549.60")
    assert sv.balances.outstanding().total == D("549.60")
    shop.clock.set(at("2026-12-10 11:00"))
    sv.receipts.record_payment(receipts["A-000001"], D("185.60"), PaymentMethod.TRANSFER)
    after = sv.balances.statement(shop.lucia)
    assert after.balance == D("364.00") and after.entries[-1].balance == D("364.00")
    assert sv.balances.statement(shop.lucia, at("2026-12-09 00:00")).balance == D("549.60")
    # December: version 2 allows a third remote case
    for k, day in enumerate(("02", "03", "04")):
        sid = session(shop, f"2026-12-{day} 10:00", 30)
        assert sv.sessions.final_bill(sid).total == D("0.00"), k
