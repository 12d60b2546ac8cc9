"""What a receipt and a day summary show, as plain immutable values (standard library only).

A service fills these from the database; the renderers (``receipt_pdf``, ``summary_pdf``,
``summary_csv``) only lay them out. Money is ``Decimal`` with 2 places (MXN); instants are
aware ``datetime`` values (stored UTC, shown in ``BusinessProfile.timezone``). Labels meant for
the reader (outcome, payment status) are already Spanish.

How a service fills a receipt (``ReceiptDocument``):
- ``money``: from the stored receipt's lines with ``receipt_line(kind, description, amount,
  hours=…, rate=…, band=…, modality=…)`` and its stored subtotal/discount/credits/base/IVA/
  total (``iva_rate`` from the receipt's tariff snapshot). ``ReceiptMoney`` refuses sums that
  do not add up.
- ``series``/``number`` give ``folio`` (``A-000042``); ``worked`` may be
  ``timedelta(minutes=worked_minutes)``; ``business_hours``/``outside_hours`` as stored with
  the receipt (quoted lines carry no band).
- ``consents`` and ``disconnections`` from the session's append-only records;
  ``pending_until`` only when the outcome left the case pending; ``status``/``cancel_reason``/
  ``cancelled_at`` from the receipt.

A day summary (``DaySummary``): one ``SummarySession`` per session of the local date (and
advisor), ``by_band=band_totals_of(billable_hours, lines)`` from the same sessions' bills or stored
receipts, the receipts issued or cancelled that day, payments received that day and what the
day's receipts still owe, pending cases opened that day and those whose free follow-up ends
within 2 days, escalations, consent requests and disconnections. Totals by modality and the
money totals are derived here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app.billing.money import ZERO, round_money
from app.billing.payments import payment_state
from app.kernel.enums import Band, LineKind, Modality, ReceiptStatus
from app.kernel.fmt import LOCAL_ZONE
from app.kernel.records import record
from app.kernel.timeline import ConsentRecord, Disconnection, answer_label, require_aware

CHARGE_KINDS = frozenset({LineKind.HOURS, LineKind.COVERED, LineKind.QUOTED})


@record
class BusinessProfile:
    """The header of every document (from the business settings)."""

    name: str
    phones: tuple[str, ...] = ()
    address: str = ""
    logo_path: Path | None = None
    email: str = ""
    website: str = ""
    timezone: str = LOCAL_ZONE  # documents show local time in this zone


@record
class ReceiptLine:
    """One row of the receipt's table. Charges are positive; discount and credits negative."""

    kind: LineKind
    description: str
    amount: Decimal
    hours: int | Decimal | None = None  # a repair's labour may be a fraction (1.5 h)
    rate: Decimal | None = None
    band: Band | None = None


@record
class ReceiptMoney:
    """The money part of a receipt, exactly as issued (a receipt keeps its own numbers).

    ``subtotal`` is the sum of the charge lines (hours, covered, quoted) before discount and
    credits, as on a Mexican invoice; ``base`` = subtotal − discount − credits (never below 0);
    ``iva`` = base × iva_rate rounded half-up; ``total`` = base + iva.
    """

    lines: tuple[ReceiptLine, ...]
    subtotal: Decimal
    discount: Decimal  # positive amount subtracted
    credits: Decimal  # positive amount subtracted
    base: Decimal
    iva_rate: Decimal
    iva: Decimal
    total: Decimal

    def __post_init__(self) -> None:
        charges = sum((x.amount for x in self.charge_lines), ZERO)
        if charges != self.subtotal:
            raise ValueError(f"El subtotal {self.subtotal} no es la suma de conceptos {charges}.")
        if self.base != max(ZERO, self.subtotal - self.discount - self.credits):
            raise ValueError("La base no es subtotal − descuento − abonos.")
        if self.total != self.base + self.iva:
            raise ValueError("El total no es base + IVA.")

    @property
    def charge_lines(self) -> tuple[ReceiptLine, ...]:
        return tuple(x for x in self.lines if x.kind in CHARGE_KINDS)

    @property
    def discount_lines(self) -> tuple[ReceiptLine, ...]:
        return tuple(x for x in self.lines if x.kind is LineKind.DISCOUNT)

    @property
    def credit_lines(self) -> tuple[ReceiptLine, ...]:
        return tuple(x for x in self.lines if x.kind is LineKind.CREDIT)

    @property
    def iva_percent(self) -> str:
        """``"16"`` for 0.16 (``"10.5"`` for 0.105)."""
        return f"{(self.iva_rate * 100).normalize():f}"


def receipt_line(
    kind: LineKind | str,
    description: str,
    amount: Decimal,
    *,
    hours: int | Decimal | None = None,
    rate: Decimal | None = None,
    band: Band | str | None = None,
    modality: Modality | str,
) -> ReceiptLine:
    """One printed line from an engine line or a stored one (kinds and bands as enum values
    or their strings). The table has its own hours and rate columns, so the engine's
    "2 h horario laboral × 200.00" prints as "Soporte a distancia, horario laboral"; a
    follow-up's note ("— Seguimiento sin costo del caso …") is kept; discount and credit lines
    keep their text."""
    kind = LineKind(kind)
    band = Band(band) if band is not None else None
    full = Modality(modality).label  # "Presencial en AppleUse": keep the proper noun
    label = full[:1].lower() + full[1:]
    _, _, note = description.partition(" — ")
    text = description
    if kind is LineKind.HOURS and band is not None:
        text = f"Soporte {label}, {band.label}" + (f" — {note}" if note else "")
    elif kind is LineKind.COVERED and band is not None:
        text = f"Soporte {label}, {band.label} — Cubierto por póliza"
    elif kind is LineKind.QUOTED and rate is not None:
        text = f"Soporte {label}, tarifa cotizada"
    return ReceiptLine(kind, text, amount, hours, rate, band)


@record
class ReceiptDocument:
    """Everything a printed receipt shows (RULES §10). Built once when the receipt is issued
    (or re-built from the stored receipt, which keeps its own lines and totals)."""

    business: BusinessProfile
    series: str
    number: int
    issued_at: datetime
    client_name: str
    advisor: str
    modality: Modality
    case_number: str
    session_start: datetime
    session_end: datetime
    worked: timedelta
    business_hours: int  # billable hours in business hours
    outside_hours: int  # billable hours outside business hours
    outcome: str  # Spanish label, e.g. "Resuelto: solución aplicada"
    payment_status: str  # Spanish, e.g. "Pagado — transferencia, 24/11/2026 11:40"
    money: ReceiptMoney
    client_rfc: str = ""
    channel: str = ""  # remote sessions: "Teléfono", "Chat", "Escritorio remoto (TeamViewer)"
    device: str = ""  # e.g. "MacBook Air M2 (C02XXXXX)"
    city: str = ""  # onsite sessions
    case_opened_at: datetime | None = None
    consents: tuple[ConsentRecord, ...] = ()
    disconnections: tuple[Disconnection, ...] = ()
    pending_until: datetime | None = None  # free follow-up deadline when the case is pending
    notes: tuple[str, ...] = ()
    status: ReceiptStatus = ReceiptStatus.ISSUED
    cancel_reason: str = ""
    cancelled_at: datetime | None = None
    #: a repair's receipt: ``session_start`` is when it was quoted, ``session_end`` when the
    #: client accepted it, ``outcome`` the repair; it prints no session times nor remote control
    is_repair: bool = False

    def __post_init__(self) -> None:
        for moment, what in (
            (self.issued_at, "La fecha de emisión"),
            (self.session_start, "El inicio de la sesión"),
            (self.session_end, "El fin de la sesión"),
            (self.case_opened_at, "La apertura del caso"),
            (self.pending_until, "El plazo de seguimiento"),
            (self.cancelled_at, "La fecha de cancelación"),
        ):
            require_aware(moment, what)
        if self.number < 0:
            raise ValueError("El número de folio no puede ser negativo.")
        if self.status is ReceiptStatus.CANCELLED and not self.cancel_reason.strip():
            raise ValueError("Un recibo cancelado necesita el motivo de la cancelación.")

    @property
    def folio(self) -> str:
        """``A-000042``: series and gapless number."""
        return f"{self.series}-{self.number:06d}"

    @property
    def billable_hours(self) -> int:
        return self.business_hours + self.outside_hours

    @property
    def is_cancelled(self) -> bool:
        return self.status is ReceiptStatus.CANCELLED

    @property
    def shows_remote_control(self) -> bool:
        """Remote control and disconnections concern remote support only (not an in-person
        session, not a repair)."""
        return not self.is_repair and self.modality is Modality.REMOTE


# -- end-of-day summary ---------------------------------------------------------------------


@record
class SummarySession:
    """One session of the day. ``amount`` is its charge before IVA (the bill's base);
    ``None`` when it still requires a quote."""

    client: str
    modality: Modality
    start: datetime
    end: datetime
    worked_minutes: int
    billable_hours: int
    outcome: str
    amount: Decimal | None
    advisor: str = ""
    case_number: str = ""
    folio: str = ""  # receipt issued for it, if any

    def __post_init__(self) -> None:
        require_aware(self.start, "El inicio de la sesión")
        require_aware(self.end, "El fin de la sesión")


@record
class ModalityTotal:
    modality: Modality
    sessions: int
    worked_minutes: int
    billable_hours: int
    amount: Decimal


@record
class BandTotal:
    """Billable hours and their charge by band; ``band`` None is work at a quoted price (or
    still to quote): its hours and its money."""

    band: Band | None
    hours: int
    amount: Decimal

    @property
    def label(self) -> str:
        return "Tarifa cotizada" if self.band is None else self.band.label.capitalize()


PAYMENT_LABELS = {
    "paid": "Pagado",
    "partial": "Pagado parcialmente",
    "unpaid": "Sin pagar",
    "cancelled": "Cancelado",
}


@record
class SummaryReceipt:
    """A receipt issued or cancelled on the day. ``base``/``iva``/``total`` as issued;
    ``paid``: what its payments add up to."""

    folio: str
    issued_at: datetime
    client: str
    base: Decimal
    iva: Decimal
    total: Decimal
    status: ReceiptStatus = ReceiptStatus.ISSUED
    cancel_reason: str = ""
    advisor: str = ""
    paid: Decimal = ZERO

    def __post_init__(self) -> None:
        require_aware(self.issued_at, "La fecha de emisión")

    @property
    def payment_status(self) -> str:
        return payment_state(self.status, self.total, self.paid)

    @property
    def payment_label(self) -> str:
        """ "Pagado", "Pagado parcialmente", "Sin pagar" or "Cancelado"."""
        return PAYMENT_LABELS[self.payment_status]


@record
class PendingCase:
    case_number: str
    client: str
    pending_since: datetime
    deadline: datetime  # free follow-up until
    advisor: str = ""

    def __post_init__(self) -> None:
        require_aware(self.pending_since, "La fecha de pendiente")
        require_aware(self.deadline, "El plazo de seguimiento")


@record
class SummaryEscalation:
    case_number: str
    client: str
    at: datetime
    note: str = ""  # e.g. "Revisión de hardware: batería"
    advisor: str = ""

    def __post_init__(self) -> None:
        require_aware(self.at, "La fecha de escalamiento")


@record
class SummaryConsent:
    case_number: str
    client: str
    requested_at: datetime
    accepted: bool | None

    def __post_init__(self) -> None:
        require_aware(self.requested_at, "La solicitud de control remoto")

    @property
    def answer_label(self) -> str:
        return answer_label(self.accepted)


@record
class SummaryDisconnection:
    case_number: str
    client: str
    start: datetime
    end: datetime | None

    def __post_init__(self) -> None:
        require_aware(self.start, "La desconexión")
        require_aware(self.end, "La reconexión")

    @property
    def minutes(self) -> int | None:
        return None if self.end is None else int((self.end - self.start).total_seconds() // 60)


@record
class DaySummary:
    """The end-of-day summary (corte del día, RULES §11) for one local date.

    Sessions, receipts and events are the service's selection for ``day`` and ``advisor``
    (``advisor`` None: all advisors). Totals by modality and the money totals are derived
    from the rows here, so the PDF and the CSV cannot disagree; totals by band need the bills'
    lines and are given (see :func:`band_totals`). ``payments_received`` is money received on
    the day; ``outstanding`` what the day's issued receipts still owe; ``balance_due`` what all
    receipts in force at the day's close still owe (clients' balances, RULES §10 payments).
    """

    business: BusinessProfile
    day: date
    generated_at: datetime
    advisor: str | None = None
    sessions: tuple[SummarySession, ...] = ()
    by_band: tuple[BandTotal, ...] = ()
    receipts: tuple[SummaryReceipt, ...] = ()
    payments_received: Decimal = ZERO
    outstanding: Decimal = ZERO
    balance_due: Decimal = ZERO
    pending_opened: tuple[PendingCase, ...] = ()
    pending_expiring: tuple[PendingCase, ...] = ()  # free follow-up ends within 2 days
    escalations: tuple[SummaryEscalation, ...] = ()
    consents: tuple[SummaryConsent, ...] = ()
    disconnections: tuple[SummaryDisconnection, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.generated_at, "La fecha de elaboración")

    @property
    def advisor_label(self) -> str:
        return self.advisor or "Todos los asesores"

    @property
    def by_modality(self) -> tuple[ModalityTotal, ...]:
        """One total per modality present, in the order remote, office, onsite."""
        out = []
        for modality in Modality:
            rows = [s for s in self.sessions if s.modality is modality]
            if rows:
                out.append(
                    ModalityTotal(
                        modality=modality,
                        sessions=len(rows),
                        worked_minutes=sum(s.worked_minutes for s in rows),
                        billable_hours=sum(s.billable_hours for s in rows),
                        amount=sum((s.amount or ZERO for s in rows), ZERO),
                    )
                )
        return tuple(out)

    @property
    def worked_minutes(self) -> int:
        return sum(s.worked_minutes for s in self.sessions)

    @property
    def billable_hours(self) -> int:
        return sum(s.billable_hours for s in self.sessions)

    @property
    def sessions_amount(self) -> Decimal:
        """Charges of the day's sessions before IVA (sessions still to quote count 0)."""
        return sum((s.amount or ZERO for s in self.sessions), ZERO)

    @property
    def receipts_issued(self) -> tuple[SummaryReceipt, ...]:
        return tuple(r for r in self.receipts if r.status is ReceiptStatus.ISSUED)

    @property
    def receipts_cancelled(self) -> tuple[SummaryReceipt, ...]:
        return tuple(r for r in self.receipts if r.status is ReceiptStatus.CANCELLED)

    @property
    def subtotal(self) -> Decimal:
        """Base (before IVA) of the receipts issued and not cancelled."""
        return sum((r.base for r in self.receipts_issued), ZERO)

    @property
    def iva(self) -> Decimal:
        return sum((r.iva for r in self.receipts_issued), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.receipts_issued), ZERO)

    @property
    def consents_accepted(self) -> int:
        return sum(1 for c in self.consents if c.accepted is True)

    @property
    def consents_declined(self) -> int:
        return sum(1 for c in self.consents if c.accepted is False)


def band_hours(
    lines: Iterable[tuple[LineKind, Band | None, int | None, Decimal]],
) -> dict[Band, int]:
    """The billable hours by band of ``(kind, band, hours, amount)`` lines: hour and covered
    lines count under their band; quoted ones under none (see ``band_totals_of``)."""
    hours = {Band.BUSINESS: 0, Band.OUTSIDE: 0}
    for kind, line_band, line_hours, _ in lines:
        if kind is not LineKind.QUOTED and kind in CHARGE_KINDS and line_band is not None:
            hours[line_band] += line_hours or 0
    return hours


def band_totals_of(
    billable_hours: int,
    lines: Iterable[tuple[LineKind, Band | None, int | None, Decimal]],
) -> tuple[BandTotal, ...]:
    """Billable hours and charges by band from the day's ``billable_hours`` and its sessions'
    ``(kind, band, hours, amount)`` lines, as bills or stored receipts give them.

    Hour and covered lines count, hours and money, under their band. Every other billable
    hour — priced at a quoted rate or amount, or still to quote — counts under "Tarifa
    cotizada" with the quoted money: each row's hours are the hours its money pays for, and
    the rows add up to the day's billable hours. Policy discounts and credits are not spread
    over bands."""
    lines = list(lines)
    hours = band_hours(lines)
    amounts = {Band.BUSINESS: ZERO, Band.OUTSIDE: ZERO}
    quoted = ZERO
    for kind, line_band, _, amount in lines:
        if kind is LineKind.QUOTED:
            quoted += amount
        elif kind in CHARGE_KINDS and line_band is not None:
            amounts[line_band] += amount
    out = [BandTotal(band, hours[band], round_money(amounts[band])) for band in hours]
    quoted_hours = max(0, billable_hours - sum(hours.values()))
    if quoted or quoted_hours:
        out.append(BandTotal(None, quoted_hours, round_money(quoted)))
    return tuple(out)
