"""The corte del día (issue 10 item 9): a quoted session's hours are counted where its money
is, and a partly paid receipt says "Pagado parcialmente" (PDF and CSV)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.documents.summary_csv import summary_csv_bytes
from app.documents.summary_pdf import summary_pdf_bytes
from app.kernel.clock import FakeClock
from app.kernel.enums import Band, PaymentMethod
from tests.documents.helpers import pdf_text
from tests.documents.test_from_db import DAY, ShopDay, at, fill_day, read_sections

D = Decimal


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)


def test_quoted_hours_go_with_the_quoted_money(shop_day: ShopDay, tmp_path: Path) -> None:
    day = shop_day.services.documents.day_summary(DAY)
    bands = {b.band: (b.hours, b.amount) for b in day.by_band}
    # 10:00 phone, 11:00 Coatepec, 17:00 declined (no receipt): 1 h each in business hours;
    # 13:50 remote desktop: 2 h outside; 16:00 Veracruz quoted at $900.00: 1 h, quoted
    assert bands == {
        Band.BUSINESS: (3, D("760.00")),  # 200 + 360 + 200 (the declined one, unbilled)
        Band.OUTSIDE: (2, D("600.00")),
        None: (1, D("900.00")),  # today's code put this hour under "Horario laboral"
    }
    assert sum(h for h, _ in bands.values()) == day.billable_hours
    rows = {(r[0], r[1]): r for r in read_sections(summary_csv_bytes(day))["Resumen"][1:]}
    assert rows[("Banda", "Tarifa cotizada")][3:] == ["1", "900.00"]
    assert rows[("Banda", "Horario laboral")][3] == "3"
    text = pdf_text(_write(tmp_path, summary_pdf_bytes(day)))
    assert "Horario laboral 3 $760.00 Fuera de horario 2 $600.00 Tarifa cotizada 1 $900.00" in text


def test_partly_paid_receipt_in_the_corte(shop_day: ShopDay, tmp_path: Path) -> None:
    sv = shop_day.services
    shop_day_clock = sv.clock
    assert isinstance(shop_day_clock, FakeClock)
    shop_day_clock.set(at(19, 0))
    third = sv.receipts.by_folio("A-000003")
    sv.receipts.record_payment(third.id, D("100.00"), PaymentMethod.CASH)
    day = sv.documents.day_summary(DAY)
    states = {r.folio: r.payment_label for r in day.receipts}
    assert states == {
        "A-000001": "Cancelado",
        "A-000002": "Pagado",
        "A-000003": "Pagado parcialmente",
        "A-000004": "Pagado",
        "A-000005": "Sin pagar",
    }
    header, *receipts = read_sections(summary_csv_bytes(day))["Recibos"]
    col = {name: i for i, name in enumerate(header)}
    by_folio = {r[col["Folio"]]: r for r in receipts}
    assert by_folio["A-000003"][col["Pago"]] == "Pagado parcialmente"
    assert by_folio["A-000003"][col["Estado"]] == "Emitido"
    assert by_folio["A-000001"][col["Pago"]] == ""
    text = pdf_text(_write(tmp_path, summary_pdf_bytes(day)))
    assert "Pagado parcialmente" in text and "Sin pagar" in text


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "corte.pdf"
    path.write_bytes(data)
    return path


def test_summary_window_counts_payment_states(shop_day: ShopDay) -> None:
    from app.ui.summary_dialog import totals_text

    sv = shop_day.services
    assert isinstance(sv.clock, FakeClock)
    sv.clock.set(at(19, 0))
    sv.receipts.record_payment(sv.receipts.by_folio("A-000003").id, D("1.00"))
    text = totals_text(sv.documents.day_summary(DAY))
    assert "4 emitidos (2 pagados, 1 pagado parcialmente, 1 sin pagar)" in text
