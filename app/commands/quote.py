"""``appleuse quote``: price a session on the phone ("¿cuánto me cobrarían por…?")."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.billing import (
    Bill,
    PolicyTerms,
    SessionCharge,
    Tariff,
    format_money,
    parse_money,
    price_session,
    validate_discount,
)
from app.billing.hours import zone
from app.kernel.enums import Band, Modality
from app.kernel.errors import BillingError
from app.kernel.fmt import format_datetime, format_duration
from app.kernel.timeline import Interval

MODALITY_HELP = "remote (a distancia), office (en AppleUse) u onsite (en domicilio)"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "quote",
        help="cotiza una sesión según las reglas de cobro",
        description="Cotiza una sesión de soporte. Fechas ISO 8601; sin zona son hora del centro.",
    )
    p.add_argument("--modality", required=True, metavar="MODALIDAD", help=MODALITY_HELP)
    p.add_argument("--start", required=True, metavar="T", help="inicio, p. ej. 2026-11-24T10:00")
    p.add_argument("--end", required=True, metavar="T", help="fin")
    p.add_argument(
        "--gap",
        nargs=2,
        action="append",
        default=[],
        metavar=("T1", "T2"),
        help="desconexión o pausa (no se cobra); se puede repetir",
    )
    p.add_argument("--city", help="ciudad del servicio a domicilio")
    quoted = p.add_mutually_exclusive_group()
    quoted.add_argument("--quoted-rate", metavar="IMPORTE", help="tarifa por hora cotizada")
    quoted.add_argument("--quoted-amount", metavar="IMPORTE", help="importe cotizado de la sesión")
    p.add_argument("--policy-discount", metavar="FRACCIÓN", help="descuento de póliza, 0 a 0.25")
    p.add_argument("--policy-24x7", action="store_true", help="póliza 7x24/365")
    p.add_argument("--covered-hours", metavar="N", help="horas cubiertas por la póliza")
    p.add_argument("--follow-up", action="store_true", help="seguimiento de un caso pendiente")
    p.add_argument("--json", action="store_true", help="salida JSON")
    p.set_defaults(handler=run)


def parse_instant(text: str, tariff: Tariff, what: str) -> datetime:
    """ISO 8601; without an offset the instant is local time in the business's zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BillingError(f"{what} «{text}» no es una fecha ISO 8601 válida.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tariff.timezone))
    return moment


def parse_modality(text: str) -> Modality:
    try:
        return Modality(text.strip().lower())
    except ValueError:
        raise BillingError(f"Modalidad desconocida «{text}»: use {MODALITY_HELP}.") from None


def parse_discount(text: str, tariff: Tariff) -> Decimal:
    raw = text.strip()
    try:
        value = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    except ArithmeticError:  # InvalidOperation, Overflow
        raise BillingError(f"El descuento «{text}» no es un número.") from None
    return validate_discount(value, tariff)


def parse_hours(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise BillingError(f"Las horas cubiertas «{text}» deben ser un número entero.") from None
    if value < 0:
        raise BillingError("Las horas cubiertas no pueden ser negativas.")
    return value


def charge_from_args(args: argparse.Namespace, tariff: Tariff) -> SessionCharge:
    modality = parse_modality(args.modality)
    start = parse_instant(args.start, tariff, "El inicio")
    end = parse_instant(args.end, tariff, "El fin")
    gaps = tuple(
        Interval(
            parse_instant(a, tariff, "El inicio de la desconexión"),
            parse_instant(b, tariff, "El fin de la desconexión"),
        )
        for a, b in args.gap
    )
    policy = None
    if args.policy_discount is not None or args.policy_24x7 or args.covered_hours is not None:
        policy = PolicyTerms(
            discount=parse_discount(args.policy_discount or "0", tariff),
            is_24x7=args.policy_24x7,
            covered_hours=parse_hours(args.covered_hours or "0"),
        )
    return SessionCharge(
        modality=modality,
        start=start,
        end=end,
        gaps=gaps,
        city=args.city,
        quoted_rate=None
        if args.quoted_rate is None
        else parse_money(args.quoted_rate, what="La tarifa cotizada"),
        quoted_amount=None
        if args.quoted_amount is None
        else parse_money(args.quoted_amount, what="El importe cotizado"),
        policy=policy,
        follow_up=args.follow_up,
    )


def run(args: argparse.Namespace) -> int:
    tariff = Tariff()
    charge = charge_from_args(args, tariff)
    bill = price_session(charge, tariff)
    if args.json:
        sys.stdout.write(json.dumps(bill.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(charge, bill, tariff))
    return 0


def render_text(charge: SessionCharge, bill: Bill, tariff: Tariff) -> str:
    width = 58
    tz = tariff.timezone
    by_band = bill.hours_by_band()
    out = [
        f"Cotización — soporte {charge.modality.label.lower()}",
        f"Inicio:   {format_datetime(charge.start, tz, weekday=True)}",
        f"Fin:      {format_datetime(charge.end, tz, weekday=True)}",
    ]
    if charge.gaps:
        out.append(f"Pausas y desconexiones: {len(charge.gaps)}")
    out += [
        f"Tiempo trabajado: {format_duration(bill.worked)} ({bill.worked_minutes} min)",
        f"Horas cobrables:  {bill.billable_hours} "
        f"({by_band[Band.BUSINESS]} en horario laboral, "
        f"{by_band[Band.OUTSIDE]} fuera de horario)",
        "",
    ]
    if bill.requires_quote:
        out += [*bill.notes, "Indique --quoted-rate (tarifa por hora) o --quoted-amount (importe)."]
        return "\n".join(out) + "\n"
    assert bill.base is not None and bill.iva is not None and bill.total is not None

    def row(label: str, amount: Decimal) -> str:
        money = format_money(amount)
        return f"  {label:<{width - len(money) - 3}} {money}"

    out += [row(line.description, line.amount) for line in bill.lines]
    iva_pct = (tariff.iva_rate * 100).normalize()
    out += [
        "  " + "-" * (width - 2),
        row("Subtotal (base)", bill.base),
        row(f"IVA {iva_pct:f} %", bill.iva),
        row("Total", bill.total),
    ]
    if bill.follow_up:
        out.append("Seguimiento de caso pendiente dentro de su plazo: sin costo.")
    return "\n".join(out) + "\n"
