"""`appleuse demo` data includes clients with policies, an escalated case with an accepted
repair whose receipt credits the support session, and partly paid receipts."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.commands.demo import fill
from app.kernel.clock import FakeClock
from app.kernel.enums import RepairStatus
from app.services.facade import Services


def test_demo_has_policies_repairs_and_partial_payments(engine: Any) -> None:
    summary = fill(engine, date(2026, 11, 25), weeks=3, seed=2026)
    assert "3 pólizas" in summary and "con pago parcial" in summary
    sv = Services.create(engine, FakeClock())
    policies = sv.policies.policies()
    assert len(policies) == 3 and all(p.current is not None for p in policies)
    receipts = sv.receipts.receipts()
    kinds = {x.kind for r in receipts for x in r.lines}
    assert {"covered", "discount", "credit"} <= kinds
    repairs = [r for c in sv.sessions.cases() for r in sv.repairs.repairs_of_case(c.id)]
    accepted = [r for r in repairs if r.status is RepairStatus.ACCEPTED]
    assert accepted and accepted[0].receipt_folio is not None
    billed = sv.receipts.by_folio(accepted[0].receipt_folio)
    credit = [x for x in billed.lines if x.kind == "credit"]
    assert credit[0].description == (
        f"Abono sesión de soporte, recibo {accepted[0].support_receipt_folio}"
    )
    assert billed.payment_status == "partial"
    assert any(r.payment_status == "partial" for r in receipts if r.session_id is not None)
    assert sv.balances.outstanding().total > 0
