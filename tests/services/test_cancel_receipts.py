"""Cancelling a receipt and issuing the corrected one (issue 10 item 2): the reason is
required, the folio is kept, the session becomes billable again; both in one transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.kernel.enums import ReceiptStatus
from app.kernel.errors import DomainError
from tests.services.conftest import Shop
from tests.services.test_receipts import ended_session
from tests.services.test_repairs import BATTERY, case_of, escalated


def test_cancel_and_reissue_in_one_go(shop: Shop) -> None:
    r = shop.services.receipts
    sid = ended_session(shop)
    first = r.issue_for_session(sid)
    shop.clock.advance(minutes=5)
    old, new = r.cancel_and_reissue(first.id, "  Datos del cliente   equivocados ")
    assert old.folio == "A-000001" and old.status is ReceiptStatus.CANCELLED
    assert old.cancel_reason == "Datos del cliente equivocados"
    assert old.cancelled_at == shop.clock() == new.issued_at
    assert new.folio == "A-000002" and new.status is ReceiptStatus.ISSUED
    assert new.session_id == sid and new.total == first.total
    assert [x.folio for x in r.receipts()] == ["A-000001", "A-000002"]


def test_reissue_refused_leaves_everything_as_it_was(shop: Shop) -> None:
    r = shop.services.receipts
    first = r.issue_for_session(ended_session(shop))
    with pytest.raises(DomainError, match="motivo"):
        r.cancel_and_reissue(first.id, "   ")
    r.cancel(first.id, "Duplicado")
    with pytest.raises(DomainError, match="ya está cancelado"):
        r.cancel_and_reissue(first.id, "Otra vez")
    assert [x.folio for x in r.receipts()] == ["A-000001"]  # no receipt issued, no folio used


def test_cancellation_refusal_explains_the_repair_credit(shop: Shop) -> None:
    sv = shop.services
    sid = escalated(shop)
    support = sv.receipts.issue_for_session(sid)
    assert sv.receipts.cancellation_refusal(support.id) is None
    quote = sv.repairs.quote(case_of(shop, sid), "Cambio de batería", 1, [BATTERY])
    sv.repairs.accept(quote.id)
    repair = sv.repairs.issue_receipt(quote.id)
    refusal = sv.receipts.cancellation_refusal(support.id)
    assert refusal is not None and f"abonado en el recibo {repair.folio}" in refusal
    with pytest.raises(DomainError, match="abonado"):
        sv.receipts.cancel_and_reissue(support.id, "Error")
    # a repair receipt is cancelled alone: its new one comes from the repair
    with pytest.raises(DomainError, match="reparación"):
        sv.receipts.cancel_and_reissue(repair.id, "Refacción equivocada")
    assert sv.receipts.receipt(repair.id).status is ReceiptStatus.ISSUED
    assert sv.receipts.receipt(support.id).total > Decimal(0)


def test_statement_shows_the_cancellation_before_the_corrected_receipt(shop: Shop) -> None:
    sv = shop.services
    first = sv.receipts.issue_for_session(ended_session(shop))
    shop.clock.advance(minutes=5)
    old, new = sv.receipts.cancel_and_reissue(first.id, "Error de captura")
    entries = sv.balances.statement(shop.lucia).entries
    assert [(e.kind, e.folio, e.balance) for e in entries] == [
        ("receipt", old.folio, first.total),
        ("cancellation", old.folio, Decimal("0.00")),
        ("receipt", new.folio, new.total),
    ]
