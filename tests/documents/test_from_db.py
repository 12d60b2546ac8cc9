"""Receipts and the day's summary made from a real database filled through the services
(SQLite always; PostgreSQL too when APPLEUSE_TEST_PG is set), read back from the PDF and CSV.

``fill_day`` is a whole Tuesday of the shop; the CLI and UI tests use it too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.billing import ZERO, Tariff, format_money
from app.billing.session_rules import Checklist
from app.documents.receipt_pdf import receipt_pdf_bytes
from app.documents.summary_csv import summary_csv_bytes
from app.documents.summary_pdf import summary_pdf_bytes
from app.kernel.clock import FakeClock
from app.kernel.enums import (
    Channel,
    DeviceKind,
    Modality,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
    RemoteTool,
)
from app.services.data import BusinessProfile, ClientData, DeviceData
from app.services.facade import Services
from tests.documents.helpers import pdf_text, qpdf_check

MX = ZoneInfo("America/Mexico_City")
DAY = date(2026, 11, 24)  # a Tuesday
PHONE_LATER = Checklist(PaymentArrangement.LATER, internet=True)
DESKTOP_OK = Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.TEAMVIEWER)


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MX)


@dataclass(frozen=True)
class ShopDay:
    """What ``fill_day`` made; folios in the order they were issued."""

    services: Services
    clock: FakeClock
    ana: int
    beto: int
    folios: tuple[str, ...]

    # expected figures of the day (worked out by hand from RULES §3–§5, §10)
    sessions_amount = Decimal("2260.00")  # 200 + 360 + 600 + 900 + 200
    subtotal = Decimal("2060.00")  # receipts A-000002..5
    iva = Decimal("329.60")
    total = Decimal("2389.60")
    received = Decimal("928.00")  # 232.00 cash + 696.00 transfer
    outstanding = Decimal("1461.60")  # 417.60 + 1044.00


def fill_day(engine: Any, clock: FakeClock) -> ShopDay:
    """Tuesday 2026-11-24 at AppleUse, through the services.

    10:00 Ana · Lucía by phone, 20 min, resolved: A-000001 (232.00) cancelled, A-000002 paid.
    11:00 Beto · Café (Coatepec) onsite 70 min, follow-up needed: A-000003 (417.60) unpaid.
    13:50 Ana · Lucía remote desktop, consent, disconnected 14:30–14:40, interrupted at 15:40:
          A-000004 (2 h outside × 300 = 696.00) paid by transfer.
    16:00 Beto · Ramón onsite in Veracruz, quoted 900.00, escalated: A-000005 (1,044.00).
    17:00 Ana · Lucía remote desktop, consent declined, 10 min: no receipt (200.00).
    """
    sv = Services.create(engine, clock)
    clock.set(at(8, 0))
    sv.settings.save_profile(
        BusinessProfile("AppleUse Soporte", ("228 812 3456", "228 155 7788"), "Xalapa, Ver.", "A")
    )
    ana = sv.clients.create_advisor("Ana Martínez Couttolenc").id
    beto = sv.clients.create_advisor("Alberto Hernández Báez").id
    lucia = sv.clients.create_client(
        ClientData("Lucía Pérez Domínguez", "228 123 4567", "", "PEDL850312AB1", "Xalapa")
    ).id
    mac = sv.clients.add_device(
        lucia, DeviceData(DeviceKind.MAC, "MacBook Air M2", "C02XK1", "15.1")
    ).id
    cafe = sv.clients.create_client(ClientData("Café Finca La Orduña", city="Coatepec")).id
    ramon = sv.clients.create_client(ClientData("Ramón Sánchez Núñez", city="Veracruz")).id
    s, r = sv.sessions, sv.receipts

    clock.set(at(10, 0))
    phone = s.start(ana, lucia, Modality.REMOTE, channel=Channel.PHONE, checklist=PHONE_LATER).id
    clock.set(at(10, 20))
    s.end(phone, Outcome.RESOLVED)
    first = r.issue_for_session(phone)
    clock.set(at(10, 22))
    r.cancel(first.id, "Se capturó el cliente equivocado")
    second = r.issue_for_session(phone)
    clock.set(at(10, 25))
    r.record_payment(second.id, second.total, PaymentMethod.CASH)

    clock.set(at(11, 0))
    onsite = s.start(beto, cafe, Modality.ONSITE, summary="Red de la cafetería").id
    clock.set(at(12, 10))
    s.end(onsite, Outcome.FOLLOW_UP)
    third = r.issue_for_session(onsite)

    clock.set(at(13, 50))
    desk = s.start(
        ana, lucia, Modality.REMOTE, device_id=mac, channel=Channel.REMOTE_DESKTOP,
        checklist=DESKTOP_OK, summary="La Mac no enciende",
    ).id  # fmt: skip
    clock.set(at(13, 55))
    s.request_remote(desk)
    s.accept_remote(desk, backup_notice_acknowledged=True)
    s.start_remote(desk)
    clock.set(at(14, 30))
    s.disconnect(desk)
    clock.set(at(14, 40))
    s.reconnect(desk)
    clock.set(at(15, 40))
    s.end(desk, Outcome.INTERRUPTED)
    fourth = r.issue_for_session(desk)
    clock.set(at(15, 45))
    r.record_payment(fourth.id, fourth.total, PaymentMethod.TRANSFER)

    clock.set(at(16, 0))
    quoted = s.start(beto, ramon, Modality.ONSITE, summary="Revisión de hardware: batería").id
    s.set_quote(quoted, amount=Decimal("900.00"))
    clock.set(at(17, 0))
    s.end(quoted, Outcome.ESCALATED)
    fifth = r.issue_for_session(quoted)

    clock.set(at(17, 0))
    declined = s.start(
        ana, lucia, Modality.REMOTE, device_id=mac, channel=Channel.REMOTE_DESKTOP,
        checklist=DESKTOP_OK,
    ).id  # fmt: skip
    clock.set(at(17, 2))
    s.request_remote(declined)
    s.decline_remote(declined)
    clock.set(at(17, 10))
    s.end(declined, Outcome.DECLINED_REMOTE)

    clock.set(at(20, 0))
    folios = tuple(x.folio for x in (first, second, third, fourth, fifth))
    return ShopDay(sv, clock, ana, beto, folios)


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_sections(data: bytes) -> dict[str, list[list[str]]]:
    """The summary CSV's sections by title: {title: [header, *rows]}."""
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


# -- receipts ---------------------------------------------------------------------------------


def test_receipt_pdf_from_the_database(shop_day: ShopDay, tmp_path: Path) -> None:
    doc = shop_day.services.documents.receipt_by_folio("A-000004")
    path = write(tmp_path, "A-000004.pdf", receipt_pdf_bytes(doc))
    qpdf_check(path)
    text = pdf_text(path)
    for expected in (
        "AppleUse Soporte",
        "228 812 3456",
        "Folio A-000004",
        "Emitido: martes 24/11/2026 15:40",
        "Lucía Pérez Domínguez",
        "PEDL850312AB1",
        "Ana Martínez Couttolenc",
        "A distancia — Escritorio remoto (TeamViewer)",
        "MacBook Air M2 — serie C02XK1",
        "C-000003",
        "martes 24/11/2026 13:50",
        "1 h 40 min (100 min)",
        "2 h fuera de horario",
        "Interrumpido",
        "Sin costo hasta el martes 01/12/2026 15:40",
        "Pagado — transferencia, 24/11/2026 15:45",
        "Aceptado",
        "Desconexión: 14:30 – 14:40 (10 min)",
        "Soporte a distancia, fuera de horario 2 $300.00 $600.00",
        "Subtotal $600.00 MXN",
        "IVA 16 % $96.00 MXN",
        "TOTAL $696.00 MXN",
        "Seiscientos noventa y seis pesos 00/100 M.N.",
        "no es un comprobante fiscal digital (CFDI)",
    ):
        assert expected in text, expected
    assert "CANCELADO" not in text


def test_cancelled_receipt_prints_cancelado_and_its_reason(
    shop_day: ShopDay, tmp_path: Path
) -> None:
    doc = shop_day.services.documents.receipt_by_folio("a-000001")
    assert doc.is_cancelled and doc.cancel_reason == "Se capturó el cliente equivocado"
    path = write(tmp_path, "A-000001.pdf", receipt_pdf_bytes(doc))
    qpdf_check(path)
    text = pdf_text(path)
    assert "CANCELADO" in text
    assert "Se capturó el cliente equivocado" in text
    assert "Folio A-000001" in text and "TOTAL $232.00 MXN" in text
    # the replacement keeps its own folio and is not cancelled
    again = pdf_text(write(tmp_path, "A-000002.pdf", receipt_pdf_bytes(
        shop_day.services.documents.receipt_by_folio("A-000002"))))  # fmt: skip
    assert "Folio A-000002" in again and "CANCELADO" not in again
    assert "Pagado — efectivo, 24/11/2026 10:25" in again


def test_quoted_onsite_receipt_and_unpaid_status(shop_day: ShopDay, tmp_path: Path) -> None:
    text = pdf_text(write(tmp_path, "A-000005.pdf", receipt_pdf_bytes(
        shop_day.services.documents.receipt_by_folio("A-000005"))))  # fmt: skip
    for expected in (
        "Ramón Sánchez Núñez",
        "Alberto Hernández Báez",
        "En domicilio del cliente (Veracruz)",
        "Escalado",
        "$900.00",
        "IVA 16 % $144.00 MXN",
        "TOTAL $1,044.00 MXN",
        "Pendiente de pago",
    ):
        assert expected in text, expected
    assert "Sin costo hasta" not in text  # escalated, not pending


def test_a_tariff_change_after_issuing_does_not_change_the_receipt(
    shop_day: ShopDay, tmp_path: Path
) -> None:
    sv = shop_day.services
    before = sv.documents.receipt_by_folio("A-000004")
    # even a new tariff declared in force from before the session (and a new IVA rate)
    dearer = replace(Tariff(), remote_outside_rate=Decimal("999.00"), iva_rate=Decimal("0.08"))
    sv.settings.save_tariff(dearer, valid_from=at(8, 0))
    shop_day.clock.set(at(9, 0, day=25))
    after = sv.documents.receipt_by_folio("A-000004")
    assert after.money == before.money
    assert (after.money.iva_rate, after.money.total) == (Decimal("0.16"), Decimal("696.00"))
    text = pdf_text(write(tmp_path, "again.pdf", receipt_pdf_bytes(after)))
    assert "IVA 16 % $96.00 MXN" in text and "TOTAL $696.00 MXN" in text
    assert "999" not in text


def test_unknown_folio_is_refused_in_spanish(shop_day: ShopDay) -> None:
    from app.kernel.errors import DomainError

    with pytest.raises(DomainError, match="A-000099 no existe"):
        shop_day.services.documents.receipt_by_folio("A-000099")


# -- the day's summary ------------------------------------------------------------------------


def test_day_summary_values(shop_day: ShopDay) -> None:
    day = shop_day.services.documents.day_summary(DAY)
    assert [s.client for s in day.sessions] == [
        "Lucía Pérez Domínguez", "Café Finca La Orduña", "Lucía Pérez Domínguez",
        "Ramón Sánchez Núñez", "Lucía Pérez Domínguez",
    ]  # fmt: skip
    assert [s.folio for s in day.sessions] == ["A-000002", "A-000003", "A-000004", "A-000005", ""]
    assert day.sessions_amount == ShopDay.sessions_amount
    assert (day.subtotal, day.iva, day.total) == (ShopDay.subtotal, ShopDay.iva, ShopDay.total)
    assert [r.folio for r in day.receipts_cancelled] == ["A-000001"]
    assert len(day.receipts_issued) == 4
    assert (day.payments_received, day.outstanding) == (ShopDay.received, ShopDay.outstanding)
    assert sorted(c.client for c in day.pending_opened) == [
        "Café Finca La Orduña", "Lucía Pérez Domínguez",
    ]  # fmt: skip
    assert [e.client for e in day.escalations] == ["Ramón Sánchez Núñez"]
    assert (day.consents_accepted, day.consents_declined) == (1, 1)
    assert [(d.start, d.end) for d in day.disconnections] == [(at(14, 30), at(14, 40))]
    assert sum(b.hours for b in day.by_band) == day.billable_hours
    assert sum((b.amount for b in day.by_band), ZERO) == day.sessions_amount


def test_day_summary_of_one_advisor_and_of_an_empty_day(shop_day: ShopDay) -> None:
    beto = shop_day.services.documents.day_summary(DAY, shop_day.beto)
    assert beto.advisor == "Alberto Hernández Báez"
    assert {s.advisor for s in beto.sessions} == {"Alberto Hernández Báez"}
    assert [r.folio for r in beto.receipts] == ["A-000003", "A-000005"]
    assert beto.total == Decimal("1461.60") and beto.payments_received == ZERO
    empty = shop_day.services.documents.day_summary(date(2026, 11, 23))
    assert empty.sessions == () and empty.receipts == () and empty.total == ZERO


def test_summary_pdf_and_csv_agree(shop_day: ShopDay, tmp_path: Path) -> None:
    day = shop_day.services.documents.day_summary(DAY)
    pdf = write(tmp_path, "corte.pdf", summary_pdf_bytes(day))
    qpdf_check(pdf)
    text = pdf_text(pdf)
    sections = read_sections(summary_csv_bytes(day))
    header, *rows = sections["Sesiones"]
    col = {name: i for i, name in enumerate(header)}
    body, total_row = rows[:-1], rows[-1]
    amounts = [Decimal(r[col["Importe sin IVA"]]) for r in body]
    assert sum(amounts, ZERO) == Decimal(total_row[col["Importe sin IVA"]]) == day.sessions_amount
    assert sum(int(r[col["Minutos trabajados"]]) for r in body) == day.worked_minutes
    for r in body:
        assert r[col["Cliente"]] in text and r[col["Caso"]] in text
        if r[col["Folio"]]:
            assert r[col["Folio"]] in text
    receipt_header, *receipts = sections["Recibos"]
    rc = {name: i for i, name in enumerate(receipt_header)}
    live = [x for x in receipts if x[rc["Estado"]] == "Emitido"]
    assert sum((Decimal(x[rc["Total"]]) for x in live), ZERO) == ShopDay.total
    assert sum((Decimal(x[rc["IVA"]]) for x in live), ZERO) == ShopDay.iva
    summary = {(x[0], x[1]): x for x in sections["Resumen"][1:]}
    assert Decimal(summary[("Pagos", "Recibidos")][4]) == ShopDay.received
    assert Decimal(summary[("Pagos", "Por cobrar")][4]) == ShopDay.outstanding
    # every money figure of the CSV is printed, formatted, in the PDF
    for value in (ShopDay.sessions_amount, ShopDay.subtotal, ShopDay.iva, ShopDay.total,
                  ShopDay.received, ShopDay.outstanding):  # fmt: skip
        assert format_money(value, currency=False) in text, value
    for expected in ("CORTE DEL DÍA", "Martes 24 de noviembre de 2026", "5 sesiones",
                     "Se capturó el cliente equivocado", "Aceptadas: 1 · Rechazadas: 1",
                     "Revisión de hardware: batería"):  # fmt: skip
        assert expected in text, expected
