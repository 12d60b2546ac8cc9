"""A stored receipt and a day's summary as the documents' values (app.documents.data)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.billing import Tariff
from app.billing.session_rules import Checklist
from app.kernel.enums import (
    Band,
    Channel,
    LineKind,
    Modality,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
)
from app.kernel.enums import ReceiptStatus as DocStatus
from app.kernel.errors import DomainError
from app.services.data import BusinessProfile
from tests.services.conftest import REMOTE_DESKTOP_OK, Shop

MX = ZoneInfo("America/Mexico_City")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


def remote_with_everything(shop: Shop) -> int:
    s, clock = shop.services.sessions, shop.clock
    clock.set(at(24, 13, 50))
    sid = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, device_id=shop.lucia_mac,
        channel=Channel.REMOTE_DESKTOP, checklist=REMOTE_DESKTOP_OK,
    ).id  # fmt: skip
    clock.set(at(24, 13, 55))
    s.request_remote(sid)
    s.accept_remote(sid, backup_notice_acknowledged=True)
    s.start_remote(sid)
    clock.set(at(24, 14, 30))
    s.disconnect(sid)  # stops remote control too
    clock.set(at(24, 14, 40))
    s.reconnect(sid)
    clock.set(at(24, 15, 40))
    s.end(sid, Outcome.INTERRUPTED)
    return sid


def test_receipt_document(shop: Shop) -> None:
    shop.services.settings.save_profile(
        BusinessProfile("AppleUse", ("228 812 3456",), "Xalapa, Ver.", "A", "hola@appleuse.mx")
    )
    sid = remote_with_everything(shop)
    receipt = shop.services.receipts.issue_for_session(sid)
    shop.clock.advance(minutes=5)
    shop.services.receipts.record_payment(receipt.id, receipt.total, PaymentMethod.TRANSFER)
    d = shop.services.documents.receipt_by_folio("a-000001")
    assert d.folio == "A-000001" and d.business.email == "hola@appleuse.mx"
    assert d.client_name == "Lucía Pérez Domínguez" and d.advisor == "Ana Martínez"
    assert d.case_number == "C-000001" and d.channel == "Escritorio remoto (TeamViewer)"
    assert d.device == "MacBook Air M2 — serie C02XK1"
    assert d.worked == timedelta(minutes=100)  # 13:50–15:40 minus 10 min disconnected
    assert (d.business_hours, d.outside_hours) == (0, 2)
    assert d.money.total == Decimal("696.00") == receipt.total
    assert [(x.kind, x.band, x.hours) for x in d.money.lines] == [(LineKind.HOURS, Band.OUTSIDE, 2)]
    assert len(d.consents) == 1 and d.consents[0].accepted is True
    assert d.consents[0].ended_at == at(24, 14, 30)
    assert [(c.start, c.end) for c in d.disconnections] == [(at(24, 14, 30), at(24, 14, 40))]
    assert d.pending_until == at(24, 15, 40) + timedelta(days=7)
    assert d.outcome == Outcome.INTERRUPTED.label
    assert d.payment_status.startswith("Pagado — transferencia")
    assert d.status is DocStatus.ISSUED


def test_cancelled_receipt_document_keeps_its_tariff(shop: Shop) -> None:
    s = shop.services.sessions
    sid = s.start(
        shop.ana, shop.lucia, Modality.REMOTE, channel=Channel.PHONE,
        checklist=Checklist(PaymentArrangement.LATER, internet=True),
    ).id  # fmt: skip
    shop.clock.advance(minutes=20)
    s.end(sid, Outcome.RESOLVED)
    receipt = shop.services.receipts.issue_for_session(sid)
    shop.services.settings.save_tariff(Tariff(iva_rate=Decimal("0.08")))
    shop.services.receipts.cancel(receipt.id, "Cliente equivocado")
    d = shop.services.documents.receipt(receipt.id)
    assert d.money.iva_rate == Decimal("0.16") and d.money.total == Decimal("232.00")
    assert d.is_cancelled and d.cancel_reason == "Cliente equivocado"
    assert d.payment_status == "No aplica: recibo cancelado"  # nothing is owed on it
    assert d.pending_until is None and d.channel == "Teléfono"
    with pytest.raises(DomainError, match="no existe"):
        shop.services.documents.receipt_by_folio("Z-000009")


def test_day_summary(shop: Shop) -> None:
    sv = shop.services
    sid = remote_with_everything(shop)  # Ana: pending, 696.00 incl. IVA
    receipt = sv.receipts.issue_for_session(sid)
    sv.receipts.record_payment(receipt.id, Decimal("100.00"))
    shop.clock.set(at(24, 17))
    office = sv.sessions.start(shop.beto, shop.ramon, Modality.OFFICE, summary="Disco dañado").id
    shop.clock.set(at(24, 17, 45))
    sv.sessions.end(office, Outcome.ESCALATED)
    other = sv.receipts.issue_for_session(office)
    sv.receipts.cancel(other.id, "Error")
    shop.clock.set(at(24, 18, 30))
    running = sv.sessions.start(shop.beto, shop.lucia, Modality.OFFICE).id  # still running
    shop.clock.set(at(25, 9))
    sv.sessions.pause(running)

    day = sv.documents.day_summary(date(2026, 11, 24))
    assert [x.case_number for x in day.sessions] == ["C-000001", "C-000002", "C-000003"]
    assert [x.outcome for x in day.sessions][-1] == "En curso"
    assert day.sessions[0].folio == "A-000001" and day.sessions[1].folio == ""
    assert day.sessions[0].amount == Decimal("600.00")
    assert [r.folio for r in day.receipts_issued] == ["A-000001"]
    assert [r.folio for r in day.receipts_cancelled] == ["A-000002"]
    assert day.total == Decimal("696.00") and day.payments_received == Decimal("100.00")
    assert day.outstanding == Decimal("596.00")
    assert [p.case_number for p in day.pending_opened] == ["C-000001"]
    assert [e.case_number for e in day.escalations] == ["C-000002"]
    assert day.escalations[0].note == "Disco dañado"
    assert day.consents_accepted == 1 and day.consents_declined == 0
    assert [(d.start, d.minutes) for d in day.disconnections] == [(at(24, 14, 30), 10)]
    assert sum(b.hours for b in day.by_band) == day.billable_hours

    ana = sv.documents.day_summary(date(2026, 11, 24), shop.ana)
    assert ana.advisor == "Ana Martínez" and len(ana.sessions) == 1
    assert [r.folio for r in ana.receipts] == ["A-000001"]
    # the pending case's free follow-up ends on Dec 1: "expiring within 2 days" from Nov 29
    later = sv.documents.day_summary(date(2026, 11, 29))
    assert [p.case_number for p in later.pending_expiring] == ["C-000001"]
    assert sv.documents.day_summary(date(2026, 11, 27)).pending_expiring == ()
