"""Receipts (RULES §10): gapless folios, immutable, snapshot of the tariff, cancel, payments."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.billing import Tariff
from app.kernel.enums import Modality, Outcome, PaymentMethod, ReceiptStatus
from app.kernel.errors import DomainError
from app.services.data import BusinessProfile
from tests.services.conftest import Shop, start_remote_desktop


def ended_session(shop: Shop, minutes: int = 91, modality: Modality = Modality.REMOTE) -> int:
    s = shop.services.sessions
    if modality is Modality.REMOTE:
        sid = start_remote_desktop(shop)
    else:
        sid = s.start(shop.ana, shop.lucia, modality).id
    shop.clock.advance(minutes=minutes)
    s.end(sid, Outcome.RESOLVED)
    return sid


def test_issue_receipt(shop: Shop) -> None:
    sid = ended_session(shop)  # Tuesday 10:00–11:31 remote: 2 h × 200
    receipt = shop.services.receipts.issue_for_session(sid)
    assert receipt.folio == "A-000001" and receipt.status is ReceiptStatus.ISSUED
    assert (receipt.base, receipt.iva, receipt.total) == (
        Decimal("400.00"),
        Decimal("64.00"),
        Decimal("464.00"),
    )
    assert receipt.worked_minutes == 91 and receipt.billable_hours == 2
    assert (receipt.business_hours, receipt.outside_hours) == (2, 0)
    assert [(x.kind, x.band, x.hours, x.rate, x.amount) for x in receipt.lines] == [
        ("hours", "business", 2, Decimal("200.00"), Decimal("400.00"))
    ]
    assert receipt.tariff["remote_business_rate"] == "200.00"
    assert receipt.client_name == "Lucía Pérez Domínguez" and receipt.advisor_name == "Ana Martínez"
    assert receipt.case_number == 1 and receipt.payment_status == "unpaid"
    assert shop.services.receipts.by_folio("A-000001") == receipt


def test_one_receipt_per_session_and_only_when_ended(shop: Shop) -> None:
    r = shop.services.receipts
    running = start_remote_desktop(shop)
    with pytest.raises(DomainError, match="sigue en curso"):
        r.issue_for_session(running)
    shop.clock.advance(minutes=30)
    shop.services.sessions.end(running, Outcome.RESOLVED)
    first = r.issue_for_session(running)
    with pytest.raises(DomainError, match="ya tiene el recibo A-000001"):
        r.issue_for_session(running)
    r.cancel(first.id, "Error en la modalidad")
    second = r.issue_for_session(running)
    assert second.folio == "A-000002"  # the cancelled folio is kept, never reused


def test_folios_are_consecutive_per_series(shop: Shop) -> None:
    r = shop.services.receipts
    folios = [r.issue_for_session(ended_session(shop, 30)).folio for _ in range(3)]
    shop.services.settings.save_profile(BusinessProfile(receipt_series="b"))
    folios.append(r.issue_for_session(ended_session(shop, 30)).folio)
    assert folios == ["A-000001", "A-000002", "A-000003", "B-000001"]


def test_receipt_keeps_its_tariff_after_a_change(shop: Shop) -> None:
    sid = ended_session(shop, 30)
    receipt = shop.services.receipts.issue_for_session(sid)
    shop.services.settings.save_tariff(Tariff(remote_business_rate=Decimal("250.00")))
    again = shop.services.receipts.receipt(receipt.id)
    assert again.total == Decimal("232.00") and again.tariff["remote_business_rate"] == "200.00"
    # a new session under the new tariff is priced with it
    receipt2 = shop.services.receipts.issue_for_session(ended_session(shop, 30))
    assert receipt2.total == Decimal("290.00")


def test_tariff_in_force_at_session_start(shop: Shop) -> None:
    later = datetime(2026, 12, 1, tzinfo=UTC)
    shop.services.settings.save_tariff(Tariff(remote_business_rate=Decimal("999.00")), later)
    assert shop.services.settings.tariff().remote_business_rate == Decimal("200.00")
    assert shop.services.settings.tariff(later).remote_business_rate == Decimal("999.00")
    sid = ended_session(shop, 30)
    assert shop.services.receipts.issue_for_session(sid).total == Decimal("232.00")


def test_onsite_outside_the_cities_requires_a_quote(shop: Shop) -> None:
    s, r = shop.services.sessions, shop.services.receipts
    sid = s.start(shop.beto, shop.ramon, Modality.ONSITE).id  # Veracruz
    shop.clock.advance(minutes=70)
    assert s.live_bill(sid).requires_quote
    s.end(sid, Outcome.RESOLVED)
    with pytest.raises(DomainError, match="requiere cotización"):
        r.issue_for_session(sid)
    with pytest.raises(DomainError, match="uno de los dos"):
        s.set_quote(sid)
    s.set_quote(sid, amount=Decimal("1500.00"))
    receipt = r.issue_for_session(sid)
    assert receipt.folio == "A-000001"  # the refused attempt used no number
    assert receipt.base == Decimal("1500.00") and receipt.total == Decimal("1740.00")
    with pytest.raises(DomainError, match="ya tiene recibo"):
        s.set_quote(sid, amount=Decimal("1.00"))


def test_onsite_in_coatepec_has_the_surcharge(shop: Shop) -> None:
    s = shop.services.sessions
    shop.clock.set(datetime(2026, 11, 24, 23, 0, tzinfo=UTC))  # 17:00 local
    sid = s.start(shop.ana, shop.lucia, Modality.ONSITE, city="Coatepec").id
    shop.clock.advance(minutes=70)
    s.end(sid, Outcome.RESOLVED)
    assert shop.services.receipts.issue_for_session(sid).total == Decimal("417.60")


def test_cancel_needs_a_reason_and_happens_once(shop: Shop) -> None:
    r = shop.services.receipts
    receipt = r.issue_for_session(ended_session(shop, 30))
    with pytest.raises(DomainError, match="motivo"):
        r.cancel(receipt.id, "   ")
    assert r.receipt(receipt.id) == receipt
    cancelled = r.cancel(receipt.id, "Datos del cliente equivocados")
    assert cancelled.status is ReceiptStatus.CANCELLED
    assert cancelled.cancelled_at == shop.clock()
    assert cancelled.cancel_reason == "Datos del cliente equivocados"
    assert cancelled.total == receipt.total and cancelled.lines == receipt.lines
    with pytest.raises(DomainError, match="ya está cancelado"):
        r.cancel(receipt.id, "otra vez")


def test_issued_receipt_cannot_be_edited(shop: Shop) -> None:
    from sqlalchemy.orm import Session

    from app.models import AppendOnlyError, Receipt

    receipt = shop.services.receipts.issue_for_session(ended_session(shop, 30))
    with Session(shop.services.db.engine) as db:
        row = db.get(Receipt, receipt.id)
        assert row is not None
        row.total = Decimal("1.00")
        with pytest.raises(AppendOnlyError):
            db.flush()
        db.rollback()
        row = db.get(Receipt, receipt.id)
        assert row is not None
        row.lines[0].amount = Decimal("1.00")
        with pytest.raises(AppendOnlyError):
            db.flush()


def test_payments(shop: Shop) -> None:
    r = shop.services.receipts
    receipt = r.issue_for_session(ended_session(shop, 30))  # 232.00
    with pytest.raises(DomainError, match="mayor que cero"):
        r.record_payment(receipt.id, Decimal("0"))
    partial = r.record_payment(receipt.id, Decimal("200.00"), PaymentMethod.TRANSFER)
    assert partial.paid == Decimal("200.00") and partial.payment_status == "partial"
    with pytest.raises(DomainError, match="excede el saldo"):
        r.record_payment(receipt.id, Decimal("32.01"))
    paid = r.record_payment(receipt.id, Decimal("32.00"), reference="efectivo en mostrador")
    assert paid.balance == Decimal("0.00") and paid.payment_status == "paid"
    assert [p.method for p in paid.payments] == [PaymentMethod.TRANSFER, PaymentMethod.CASH]
    other = r.issue_for_session(ended_session(shop, 30))
    r.cancel(other.id, "Duplicado")
    with pytest.raises(DomainError, match="cancelado"):
        r.record_payment(other.id, Decimal("10.00"))


def test_business_profile(shop: Shop) -> None:
    st = shop.services.settings
    assert st.profile() == BusinessProfile()
    saved = st.save_profile(
        BusinessProfile("AppleUse Xalapa", ("228 812 0000", "228 100 0000"), "Av. Xalapa 1", "c")
    )
    assert saved.receipt_series == "C" and st.profile() == saved
    with pytest.raises(DomainError, match="serie"):
        st.save_profile(BusinessProfile(receipt_series="A-1"))
    assert st.profile() == saved
