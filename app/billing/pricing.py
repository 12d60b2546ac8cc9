"""From a session's instants to a bill: rates, quotes, policies, follow-ups, IVA (§5–§7, §10)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.billing.money import ZERO, format_money, money_str, round_money
from app.billing.tariff import Tariff
from app.billing.worktime import Slot, slots, worked_time
from app.kernel.enums import Band, LineKind, Modality
from app.kernel.errors import BillingError
from app.kernel.fmt import case_label
from app.kernel.limits import MAX_AMOUNT
from app.kernel.records import field, record
from app.kernel.timeline import Interval, SessionStatus


@record
class PolicyTerms:
    """What a client's policy changes on one session's bill."""

    discount: Decimal = Decimal("0")
    is_24x7: bool = False
    covered_hours: int = 0


@record
class Credit:
    """An amount credited against the bill, e.g. an escalated support session (§7)."""

    description: str
    amount: Decimal


@record
class SessionCharge:
    """Everything the engine needs to price one session."""

    modality: Modality
    start: datetime
    end: datetime
    gaps: tuple[Interval, ...] = ()
    city: str | None = None
    quoted_rate: Decimal | None = None
    quoted_amount: Decimal | None = None
    policy: PolicyTerms | None = None
    follow_up: bool = False
    follow_up_case: str = ""
    credits: tuple[Credit, ...] = ()


@record
class BillLine:
    kind: LineKind
    description: str
    amount: Decimal
    band: Band | None = None
    hours: int | Decimal | None = None  # a repair's labour may be a fraction (1.5 h)
    rate: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "band": self.band.value if self.band else None,
            "hours": self.hours,
            "rate": money_str(self.rate) if self.rate is not None else None,
            "amount": money_str(self.amount),
        }


@record
class Bill:
    modality: Modality
    worked: timedelta
    worked_minutes: int
    billable_hours: int
    slots: tuple[Slot, ...]
    requires_quote: bool
    lines: tuple[BillLine, ...]
    subtotal: Decimal | None  # charged lines, before discount and credits
    discount: Decimal | None
    credits: Decimal | None
    base: Decimal | None
    iva: Decimal | None
    total: Decimal | None
    iva_rate: Decimal
    follow_up: bool = False
    notes: tuple[str, ...] = field(default=())

    def hours_by_band(self) -> dict[Band, int]:
        counts = {Band.BUSINESS: 0, Band.OUTSIDE: 0}
        for slot in self.slots:
            counts[slot.band] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The `appleuse quote --json` contract."""

        def opt(value: Decimal | None) -> str | None:
            return money_str(value) if value is not None else None

        return {
            "worked_minutes": self.worked_minutes,
            "billable_hours": self.billable_hours,
            "requires_quote": self.requires_quote,
            "lines": [line.to_dict() for line in self.lines],
            "base": opt(self.base),
            "iva": opt(self.iva),
            "total": opt(self.total),
        }


def validate_discount(discount: Decimal, tariff: Tariff) -> Decimal:
    if not discount.is_finite() or discount < 0 or discount > tariff.max_policy_discount:
        top = round_money(tariff.max_policy_discount * 100).normalize()
        raise BillingError(f"El descuento de póliza debe estar entre 0 y {top:f} %.")
    return discount


def price_session(charge: SessionCharge, tariff: Tariff) -> Bill:
    """Price one session exactly as RULES.md says. Raises BillingError on bad input."""
    policy = _checked_policy(charge, tariff)
    work = worked_time(charge.start, charge.end, charge.gaps)
    hour_slots = slots(work, tariff)

    def bill(lines: Sequence[BillLine], requires_quote: bool = False, *notes: str) -> Bill:
        return _finish(
            charge, tariff, work.worked, work.minutes, hour_slots, lines, requires_quote, notes
        )

    if charge.follow_up:
        label = f"Seguimiento sin costo del caso {charge.follow_up_case}".rstrip()
        return bill(_band_lines(hour_slots, LineKind.HOURS, lambda band: ZERO, label))
    quoted = charge.quoted_rate is not None or charge.quoted_amount is not None
    if (
        charge.modality is Modality.ONSITE
        and not quoted
        and not tariff.onsite_city_has_rate(charge.city)
    ):
        where = f"«{charge.city}»" if charge.city and charge.city.strip() else "sin ciudad"
        cities = " y ".join(tariff.onsite_cities)
        note = f"Servicio a domicilio {where}: fuera de {cities} requiere cotización."
        return bill((), True, note)
    lines = _charge_lines(charge, tariff, policy, hour_slots)
    charged = sum((line.amount for line in lines), ZERO)
    pct = (policy.discount * 100).normalize()
    label = f"Descuento póliza {pct:f} %"
    return bill([*lines, *reductions(charged, charged, policy.discount, label, charge.credits)])


def _checked_policy(charge: SessionCharge, tariff: Tariff) -> PolicyTerms:
    if charge.quoted_rate is not None and charge.quoted_amount is not None:
        raise BillingError("Indique la tarifa cotizada o el importe cotizado, no ambos.")
    for value, what in ((charge.quoted_rate, "La tarifa"), (charge.quoted_amount, "El importe")):
        if value is not None and (not value.is_finite() or value < 0):
            raise BillingError(f"{what} cotizado no puede ser negativo.")
        if value is not None and value > MAX_AMOUNT:
            raise BillingError(f"{what} cotizado no puede pasar de $99,999,999.99.")
    policy = charge.policy or PolicyTerms()
    validate_discount(policy.discount, tariff)
    if policy.covered_hours < 0:
        raise BillingError("Las horas cubiertas por póliza no pueden ser negativas.")
    return policy


def _charge_lines(
    charge: SessionCharge, tariff: Tariff, policy: PolicyTerms, hour_slots: tuple[Slot, ...]
) -> list[BillLine]:
    """The covered hours, then the charged ones: at a quoted amount, a quoted rate or the
    list rates by band (a 24×7 policy's outside hours at the business rate)."""
    hours = len(hour_slots)
    covered_n = min(policy.covered_hours, hours)
    covered, charged = hour_slots[:covered_n], hour_slots[covered_n:]
    lines = _band_lines(covered, LineKind.COVERED, lambda band: ZERO, "Cubierto por póliza")
    n = len(charged)
    if not n:
        return lines
    if charge.quoted_amount is not None:
        amount = charge.quoted_amount
        if covered_n:
            amount = round_money(amount * n / hours)
        lines.append(BillLine(LineKind.QUOTED, "Importe cotizado de la sesión", amount, None, n))
    elif charge.quoted_rate is not None:
        rate = charge.quoted_rate
        text = f"{n} h a tarifa cotizada × {format_money(rate, currency=False)}"
        lines.append(BillLine(LineKind.QUOTED, text, round_money(rate * n), None, n, rate))
    else:

        def rate_for(band: Band) -> Decimal:
            effective = Band.BUSINESS if policy.is_24x7 else band
            return tariff.hourly_rate(charge.modality, effective)

        lines.extend(_band_lines(charged, LineKind.HOURS, rate_for, ""))
    return lines


def reductions(
    charged: Decimal,
    discount_base: Decimal,
    discount: Decimal,
    discount_label: str,
    credits: Sequence[Credit],
) -> list[BillLine]:
    """The policy discount (``discount`` × ``discount_base``, half-up) and the credits, as
    negative lines; credits are capped so the base never goes below 0.00 (RULES §7, §10)."""
    out: list[BillLine] = []
    cut = round_money(discount * discount_base)
    if cut > 0:
        out.append(BillLine(LineKind.DISCOUNT, discount_label, -cut))
    remaining = charged - cut
    for credit in credits:
        if not credit.amount.is_finite() or credit.amount < 0:
            raise BillingError("Un abono no puede ser negativo.")
        applied = min(round_money(credit.amount), remaining)
        if applied > 0:
            out.append(BillLine(LineKind.CREDIT, credit.description, -applied))
            remaining -= applied
    return out


@record
class StoredSession:
    """A session as stored, with what pricing it needs besides its events."""

    modality: Modality
    started_at: datetime
    ended_at: datetime | None
    city: str
    quoted_rate: Decimal | None
    quoted_amount: Decimal | None
    follow_up: bool
    case_number: int


def bill_session(
    session: StoredSession,
    status: SessionStatus,
    now: datetime,
    tariff: Tariff,
    policy: PolicyTerms | None,
) -> Bill:
    """A stored session's bill: to ``now`` while it runs, final once it ended; gaps from its
    events, ``tariff`` the one in force when it started, ``policy`` from
    :func:`app.billing.policy.policy_terms`. Every screen, document and summary prices a
    session through here."""
    end = session.ended_at or now
    if end <= session.started_at:
        end = session.started_at + timedelta(microseconds=1)
    charge = SessionCharge(
        modality=session.modality,
        start=session.started_at,
        end=end,
        gaps=status.all_gaps(end),
        city=session.city or None,
        quoted_rate=session.quoted_rate,
        quoted_amount=session.quoted_amount,
        follow_up=session.follow_up,
        follow_up_case=case_label(session.case_number),
        policy=policy,
    )
    return price_session(charge, tariff)


def _band_lines(
    items: Sequence[Slot], kind: LineKind, rate_for: Callable[[Band], Decimal], suffix: str
) -> list[BillLine]:
    """One line per band, business first: "N h horario laboral × $rate"."""
    out: list[BillLine] = []
    for band in (Band.BUSINESS, Band.OUTSIDE):
        n = sum(1 for s in items if s.band is band)
        if not n:
            continue
        rate: Decimal = rate_for(band)
        text = f"{n} h {band.label}"
        if kind is LineKind.HOURS and rate > 0:
            text += f" × {format_money(rate, currency=False)}"
        if suffix:
            text += f" — {suffix}"
        out.append(BillLine(kind, text, round_money(rate * n), band, n, rate))
    return out


def _finish(
    charge: SessionCharge,
    tariff: Tariff,
    worked: timedelta,
    minutes: int,
    hour_slots: tuple[Slot, ...],
    lines: Sequence[BillLine],
    requires_quote: bool,
    notes: Sequence[str],
) -> Bill:
    if requires_quote:
        return Bill(
            charge.modality, worked, minutes, len(hour_slots), hour_slots, True, (),
            None, None, None, None, None, None, tariff.iva_rate, False, tuple(notes),
        )  # fmt: skip
    return Bill(
        charge.modality, worked, minutes, len(hour_slots), hour_slots, False, tuple(lines),
        *totals(lines, tariff.iva_rate), tariff.iva_rate, charge.follow_up, tuple(notes),
    )  # fmt: skip


def totals(
    lines: Sequence[BillLine], iva_rate: Decimal
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]:
    """``(subtotal, discount, credits, base, iva, total)`` of a bill's lines (RULES §10): the
    charged lines, less the discount and the credits, never below 0.00; IVA half-up."""
    subtotal = sum((x.amount for x in lines if x.amount > 0), ZERO)
    discount = -sum((x.amount for x in lines if x.kind is LineKind.DISCOUNT), ZERO)
    credits = -sum((x.amount for x in lines if x.kind is LineKind.CREDIT), ZERO)
    base = max(ZERO, subtotal - discount - credits)
    iva = round_money(base * iva_rate)
    return subtotal, discount, credits, base, iva, base + iva
