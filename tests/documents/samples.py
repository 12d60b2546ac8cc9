"""Sample documents priced by the real billing engine: for previews, benchmarks and tests.

Not business data: names and numbers are invented (Xalapa, Veracruz).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing import Bill, Credit, PolicyTerms, SessionCharge, Tariff, price_session
from app.documents.data import (
    BandTotal,
    BusinessProfile,
    DaySummary,
    PendingCase,
    ReceiptDocument,
    ReceiptMoney,
    SummaryConsent,
    SummaryDisconnection,
    SummaryEscalation,
    SummaryReceipt,
    SummarySession,
    band_totals_of,
    receipt_line,
)
from app.kernel.enums import Band, Modality, ReceiptStatus
from app.kernel.timeline import ConsentRecord, Disconnection, Interval

__all__ = ["sample_business", "sample_receipt", "sample_summary"]

TZ = ZoneInfo("America/Mexico_City")
UTC = ZoneInfo("UTC")


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A local (Xalapa) wall-clock time as an aware UTC instant."""
    return datetime(y, mo, d, h, mi, tzinfo=TZ).astimezone(UTC)


def sample_business() -> BusinessProfile:
    return BusinessProfile(
        name="AppleUse Soporte",
        phones=("228 812 3456", "228 145 9087 (WhatsApp)"),
        address="Av. Manuel Ávila Camacho 123, Col. Centro, 91000 Xalapa-Enríquez, Ver.",
        email="soporte@appleuse.mx",
        website="appleuse.mx",
    )


def sample_receipt(
    *, cancelled: bool = False, tariff: Tariff | None = None, credit: bool = False
) -> ReceiptDocument:
    """A remote session across the 14:00 boundary with a disconnection and a policy discount
    (folio A-000042); ``cancelled`` gives the 10:00–11:31 example (464.00) cancelled."""
    tariff = tariff or Tariff()
    business = sample_business()
    if cancelled:
        start, end = local(2026, 11, 24, 10, 0), local(2026, 11, 24, 11, 31)
        bill = price_session(SessionCharge(Modality.REMOTE, start, end), tariff)
        b, o = hours_by_band(bill.hours_by_band())
        return ReceiptDocument(
            business=business,
            series="A",
            number=41,
            issued_at=local(2026, 11, 24, 11, 35),
            client_name="Ingeniería Ñandú del Golfo, S.A. de C.V.",
            client_rfc="IÑG990101AB3",
            advisor="Lucía Domínguez",
            modality=Modality.REMOTE,
            channel="Teléfono",
            device="iPhone 15 Pro",
            case_number="C-000118",
            case_opened_at=local(2026, 11, 24, 9, 58),
            session_start=start,
            session_end=end,
            worked=bill.worked,
            business_hours=b,
            outside_hours=o,
            outcome="Resuelto — respuesta dada",
            payment_status="Pago acordado con el asesor (pendiente)",
            money=money_from_bill(bill),
            status=ReceiptStatus.CANCELLED,
            cancel_reason="Se capturó el cliente equivocado; se sustituye por el recibo A-000043.",
            cancelled_at=local(2026, 11, 24, 12, 2),
        )
    start, end = local(2026, 11, 24, 13, 20), local(2026, 11, 24, 15, 16)
    gap = Interval(local(2026, 11, 24, 14, 40), local(2026, 11, 24, 14, 45))
    credits = (Credit("Abono sesión de soporte, recibo A-000030", Decimal("100.00")),)
    charge = SessionCharge(
        Modality.REMOTE,
        start,
        end,
        gaps=(gap,),
        policy=PolicyTerms(discount=Decimal("0.10")),
        credits=credits if credit else (),
    )
    bill = price_session(charge, tariff)
    b, o = hours_by_band(bill.hours_by_band())
    return ReceiptDocument(
        business=business,
        series="A",
        number=42,
        issued_at=local(2026, 11, 24, 15, 21),
        client_name="María José Núñez Córdoba",
        client_rfc="NUCM850312QX4",
        advisor="José Ángel Pérez Ibáñez",
        modality=Modality.REMOTE,
        channel="Escritorio remoto (TeamViewer)",
        device="MacBook Air M2 13″ — serie C02GK1ABQ6L4",
        case_number="C-000121",
        case_opened_at=local(2026, 11, 24, 13, 12),
        session_start=start,
        session_end=end,
        worked=bill.worked,
        business_hours=b,
        outside_hours=o,
        consents=(
            ConsentRecord(
                requested_at=local(2026, 11, 24, 13, 31),
                accepted=True,
                answered_at=local(2026, 11, 24, 13, 32),
                ended_at=local(2026, 11, 24, 14, 40),
            ),
            ConsentRecord(
                requested_at=local(2026, 11, 24, 14, 46),
                accepted=True,
                answered_at=local(2026, 11, 24, 14, 47),
                ended_at=local(2026, 11, 24, 15, 12),
            ),
        ),
        disconnections=(Disconnection(gap.start, gap.end),),
        outcome="No resuelto — requiere seguimiento (¿falla de disco? se programa revisión)",
        pending_until=local(2026, 12, 1, 15, 16),
        payment_status="Pagado por transferencia el 24/11/2026 15:24",
        money=money_from_bill(bill),
        notes=("Póliza PZ-0007 «Despacho Córdoba»: descuento del 10 % sobre horas cobradas.",),
    )


CLIENTS = (
    "María José Núñez Córdoba", "Despacho Contable Peña & Asociados", "Iñaki Gómez Ortíz",
    "Café Los Portales de Xalapa", "Sofía Ramírez Ávila", "Ángel Muñoz Téllez",
    "Escuela Montessori Coatepec", "Dra. Begoña Suárez", "Fotografía Ñu Estudio",
    "Raúl Hernández Solís", "Librería El Ágora", "Ximena Castañeda Ruiz",
)  # fmt: skip
OUTCOMES = (
    "Resuelto — solución aplicada", "Resuelto — respuesta dada",
    "No resuelto — requiere seguimiento", "Interrumpido — desconexión involuntaria",
    "Escalado — revisión de hardware",
    "No se puede resolver con este servicio", "El cliente rechazó el control remoto",
)  # fmt: skip
ADVISORS = ("José Ángel Pérez Ibáñez", "Lucía Domínguez")


def sample_summary(
    n_sessions: int = 14, *, day: date = date(2026, 11, 24), seed: int = 7
) -> DaySummary:
    """A day's summary with ``n_sessions`` priced sessions, receipts, one cancellation, pending
    cases, an escalation, consents and disconnections; deterministic for a given seed."""
    rng = random.Random(seed)
    tariff = Tariff()
    y, m, d = day.year, day.month, day.day
    sessions: list[SummarySession] = []
    bills: list[Bill] = []
    receipts: list[SummaryReceipt] = []
    pending: list[PendingCase] = []
    escalations: list[SummaryEscalation] = []
    consents: list[SummaryConsent] = []
    disconnections: list[SummaryDisconnection] = []
    slots_per_day = max(1, n_sessions)
    span = 12 * 60  # 08:00–20:00
    number = 40
    for i in range(n_sessions):
        begin = 8 * 60 + (span * i) // slots_per_day + rng.randrange(0, 10)
        length = rng.choice((18, 35, 50, 65, 91, 95, 120, 140))
        start = local(y, m, d, begin // 60, begin % 60)
        end = start + timedelta(minutes=length)
        modality = (Modality.REMOTE, Modality.REMOTE, Modality.OFFICE, Modality.ONSITE)[i % 4]
        city = (
            "Coatepec"
            if i % 8 == 3
            else ("Xalapa-Enríquez" if modality is Modality.ONSITE else None)
        )
        if i % 16 == 7:
            city = "Veracruz"  # requires a quote
        gaps: tuple[Interval, ...] = ()
        if modality is Modality.REMOTE and i % 3 == 0 and length > 30:
            g0 = start + timedelta(minutes=length // 3)
            gaps = (Interval(g0, g0 + timedelta(minutes=4)),)
        bill = price_session(SessionCharge(modality, start, end, gaps=gaps, city=city), tariff)
        bills.append(bill)
        client = CLIENTS[i % len(CLIENTS)]
        advisor = ADVISORS[i % 2]
        case = f"C-{200 + i:06d}"
        outcome = OUTCOMES[i % len(OUTCOMES)]
        folio = ""
        if not bill.requires_quote and bill.total is not None and bill.base is not None:
            assert bill.iva is not None
            number += 1
            folio = f"A-{number:06d}"
            status = ReceiptStatus.CANCELLED if i == 5 else ReceiptStatus.ISSUED
            receipts.append(
                SummaryReceipt(
                    folio=folio,
                    issued_at=end + timedelta(minutes=3),
                    client=client,
                    base=bill.base,
                    iva=bill.iva,
                    total=bill.total,
                    status=status,
                    cancel_reason="Cliente equivocado; se emitió de nuevo."
                    if status is ReceiptStatus.CANCELLED
                    else "",
                    advisor=advisor,
                )
            )
        sessions.append(
            SummarySession(
                client=client,
                modality=modality,
                start=start,
                end=end,
                worked_minutes=bill.worked_minutes,
                billable_hours=bill.billable_hours,
                outcome=outcome,
                amount=None if bill.requires_quote else bill.base,
                advisor=advisor,
                case_number=case,
                folio=folio,
            )
        )
        if outcome.startswith(("No resuelto", "Interrumpido")):
            pending.append(PendingCase(case, client, end, end + timedelta(days=7), advisor))
        if outcome.startswith("Escalado"):
            escalations.append(
                SummaryEscalation(
                    case, client, end, "Revisión presencial y cotización de reparación", advisor
                )
            )
        if modality is Modality.REMOTE:
            consents.append(
                SummaryConsent(case, client, start + timedelta(minutes=5), accepted=i % 7 != 6)
            )
        for gap in gaps:
            disconnections.append(SummaryDisconnection(case, client, gap.start, gap.end))
    # folios follow the order receipts were issued in
    receipts.sort(key=lambda r: r.issued_at)
    renumber = {r.folio: f"A-{41 + k:06d}" for k, r in enumerate(receipts)}
    receipts = [replace(r, folio=renumber[r.folio]) for r in receipts]
    sessions = [replace(s, folio=renumber.get(s.folio, "")) for s in sessions]
    issued_total = sum(
        (r.total for r in receipts if r.status is ReceiptStatus.ISSUED), Decimal("0.00")
    )
    paid = sum(
        (
            r.total
            for k, r in enumerate(receipts)
            if r.status is ReceiptStatus.ISSUED and k % 3 != 2
        ),
        Decimal("0.00"),
    )
    expiring = (
        PendingCase("C-000187", "Ángel Muñoz Téllez", local(y, m, d - 6 if d > 6 else d, 17, 5),
                    local(y, m, d, 17, 5) + timedelta(days=1), ADVISORS[0]),
    )  # fmt: skip
    return DaySummary(
        business=sample_business(),
        day=day,
        generated_at=local(y, m, d, 20, 5),
        advisor=None,
        sessions=tuple(sessions),
        by_band=band_totals(bills),
        receipts=tuple(receipts),
        payments_received=paid,
        outstanding=issued_total - paid,
        pending_opened=tuple(pending),
        pending_expiring=expiring,
        escalations=tuple(escalations),
        consents=tuple(consents),
        disconnections=tuple(disconnections),
    )


# -- a receipt's money and the bands' totals from priced bills (what issuing does) -------
def money_from_bill(bill: Bill) -> ReceiptMoney:
    """The receipt's money part from a priced session. A bill that requires a quote has no
    total and cannot become a receipt: ``ValueError``."""
    if bill.requires_quote or bill.total is None:
        raise ValueError("La sesión requiere cotización: no se puede emitir un recibo sin total.")
    assert bill.subtotal is not None and bill.discount is not None
    assert bill.credits is not None and bill.base is not None and bill.iva is not None
    lines = tuple(
        receipt_line(
            line.kind,
            line.description,
            line.amount,
            hours=line.hours,
            rate=line.rate,
            band=line.band,
            modality=bill.modality,
        )
        for line in bill.lines
    )
    return ReceiptMoney(
        lines=lines,
        subtotal=bill.subtotal,
        discount=bill.discount,
        credits=bill.credits,
        base=bill.base,
        iva_rate=bill.iva_rate,
        iva=bill.iva,
        total=bill.total,
    )


def band_totals(bills: Iterable[Bill]) -> tuple[BandTotal, ...]:
    """Totals by band from the day's priced sessions (see ``band_totals_of``)."""
    bills = list(bills)
    lines = [(x.kind, x.band, x.hours, x.amount) for bill in bills for x in bill.lines]
    return band_totals_of(sum(b.billable_hours for b in bills), lines)


def hours_by_band(counts: Mapping[Band, int]) -> tuple[int, int]:
    """``(business, outside)`` from ``Bill.hours_by_band()``."""
    return counts.get(Band.BUSINESS, 0), counts.get(Band.OUTSIDE, 0)
