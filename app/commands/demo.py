"""``appleuse demo``: fill an empty database with realistic sample data.

Everything goes through the services with a fake clock, so the sample obeys every rule:
clients in Xalapa, Coatepec and elsewhere, a few weeks of sessions of every modality and
outcome, consents, disconnections, free follow-ups, expired cases, receipts and payments.
A database that already holds data is refused (exit 2). SQLAlchemy is imported only on run.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.kernel.errors import DomainError

ZONE = ZoneInfo("America/Mexico_City")

CLIENTS = [
    ("Lucía Pérez Domínguez", "Xalapa", "PEDL850312AB1"),
    ("José Luis Ortega Ramírez", "Xalapa", None),
    ("María Fernanda Hernández", "Xalapa-Enríquez", None),
    ("Despacho Contable Landa y Asociados", "Xalapa", None),
    ("Carmen Vázquez Morales", "Coatepec", None),
    ("Café Finca La Orduña", "Coatepec", None),
    ("Jorge Alberto Sánchez Cruz", "Coatepec", None),
    ("Guadalupe Rosas Téllez", "Banderilla", None),
    ("Ricardo Martínez Luna", "Xico", None),
    ("Sofía Castillo Aguilar", "Veracruz", None),
    ("Arquitectura Río Sedeño", "Xalapa", None),
    ("Andrés Ruiz Cortines", "Córdoba", None),
    ("Patricia Gómez Zamora", "Puebla", None),
    ("Fernando Díaz Mirón", "Ciudad de México", None),
    ("Elena Cházaro Trujillo", "Xalapa", None),
    ("Miguel Ángel Rebolledo", "Coatepec", None),
]
DEVICES = [
    ("mac", "MacBook Air M2", "15.1"),
    ("mac", "MacBook Pro 14 M3", "15.0"),
    ("mac", "iMac 24 M1", "14.7"),
    ("mac", "Mac mini M2", "15.1"),
    ("iphone", "iPhone 15", "18.1"),
    ("iphone", "iPhone 13", "17.6"),
    ("ipad", "iPad Air M2", "18.0"),
]
ADVISORS = ["Ana Martínez Couttolenc", "Alberto Hernández Báez", "Daniela Lagunes Ochoa"]
SUMMARIES = [
    "La Mac no enciende después de actualizar",
    "Configurar correo en Mail",
    "iCloud no sincroniza fotos",
    "Respaldo con Time Machine",
    "Impresora no aparece en la red",
    "Mac muy lenta al arrancar",
    "Recuperar contraseña del Apple ID",
    "Instalar paquetería de oficina",
    "WhatsApp no respalda en iCloud",
    "Pantalla parpadea",
]
#: Daily start slots (local); sessions last at most 80 min, so an advisor's slots never overlap.
#: (client name, remote events, in-person events, discount, 24×7): the clients with a policy
POLICIES = [
    ("Despacho Contable Landa y Asociados", 2, 1, "0.20", True),
    ("Café Finca La Orduña", 1, 1, "0.10", False),
    ("Arquitectura Río Sedeño", 3, 0, "0.15", False),
]
SLOTS = [time(9, 10), time(10, 35), time(12, 0), time(16, 5), time(17, 30)]
FOLLOW_UP_SLOT = time(13, 25)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "demo",
        help="llena una base de datos vacía con datos de demostración",
        description="Llena una base de datos vacía con datos de demostración realistas.",
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    p.add_argument("--weeks", type=int, default=3, metavar="N", help="semanas de sesiones (3)")
    p.add_argument("--seed", type=int, default=2026, help="semilla del generador")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.location import resolve_url
    from app.models.engine import make_engine, upgrade

    if not 1 <= args.weeks <= 52:
        raise DomainError("Las semanas de la demostración van de 1 a 52.")
    engine = make_engine(resolve_url(args.db))
    try:
        if holds_data(engine):
            raise DomainError(
                "La base de datos ya tiene datos; la demostración solo se carga en una base vacía."
            )
        upgrade(engine)
        today = datetime.now(UTC).astimezone(ZONE).date()
        summary = fill(engine, today, weeks=args.weeks, seed=args.seed)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    sys.stdout.write(f"Datos de demostración cargados en {where}: {summary}\n")
    return 0


def holds_data(engine: Any) -> bool:
    """True when any table of people, sessions or money has a row (any schema version)."""
    from sqlalchemy import inspect, text

    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in ("advisors", "clients", "sessions", "receipts", "payments"):
            if table in tables and conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first():
                return True
    return False


@dataclass
class _Plan:
    """One session's actions, at local instants, merged with everybody else's by time."""

    actions: list[tuple[datetime, int, Callable[[], object]]] = field(default_factory=list)


def fill(engine: Any, today: date, *, weeks: int, seed: int) -> str:
    """Generate ``weeks`` weeks of activity ending yesterday; return a Spanish summary."""
    from app.billing.repair import RepairPart
    from app.billing.session_rules import Checklist
    from app.kernel.clock import FakeClock
    from app.kernel.enums import (
        CaseState,
        Channel,
        DeviceKind,
        Modality,
        Outcome,
        PaymentArrangement,
        PaymentMethod,
        PolicyBenefit,
        RemoteTool,
    )
    from app.services.data import BusinessProfile, ClientData, DeviceData, PolicyData
    from app.services.facade import Services

    rng = random.Random(seed)
    money_rng = random.Random(seed + 1)  # partial payments, apart from the sessions' draws
    plans: list[_Plan] = []
    state: dict[str, Any] = {
        "receipts": 0,
        "sessions": 0,
        "cancelled": 0,
        "policies": 0,
        "partial": 0,
    }
    first_day = today - timedelta(weeks=weeks)
    clock = FakeClock(datetime.combine(first_day, time(8, 0), tzinfo=ZONE))
    sv = Services.create(engine, clock)
    sv.settings.save_profile(
        BusinessProfile("AppleUse", ("228 812 3456", "228 155 7788"), "Xalapa, Veracruz", "A")
    )
    advisors = [sv.clients.create_advisor(name).id for name in ADVISORS]
    clients: list[tuple[int, str, list[tuple[int, str]]]] = []
    for k, (name, city, rfc) in enumerate(CLIENTS):
        phone = f"228 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        email = f"cliente{k + 1}@example.mx"
        cid = sv.clients.create_client(ClientData(name, phone, email, rfc, city)).id
        devices = []
        for kind, model, os_version in rng.sample(DEVICES, rng.choice((1, 1, 2))):
            serial = f"{kind[:1].upper()}{rng.randint(10**8, 10**9 - 1)}"
            dev = DeviceData(DeviceKind(kind), model, serial, os_version)
            devices.append((sv.clients.add_device(cid, dev).id, kind))
        clients.append((cid, city, devices))
        for policy_holder, remote, in_person, discount, all_hours in POLICIES:
            if policy_holder == name:
                terms = PolicyData(
                    remote, in_person, Decimal(discount), all_hours,
                    tuple(d for d, _ in devices),
                    (PolicyBenefit.REPAIR_LABOUR, PolicyBenefit.PREVENTIVE_MAINTENANCE),
                )  # fmt: skip
                sv.policies.create(cid, terms)
                state["policies"] += 1

    def at_local(d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=ZONE)

    def session_plan(advisor: int, start: datetime, *, follow_case: list[int] | None) -> None:
        plan = _Plan()
        plans.append(plan)
        cid, _city, devices = rng.choice(clients)
        modality = rng.choices(
            [Modality.REMOTE, Modality.OFFICE, Modality.ONSITE], weights=[6, 3, 2]
        )[0]
        mac = next((d for d, kind in devices if kind == "mac"), None)
        channel = None
        checklist = None
        if modality is Modality.REMOTE:
            channel = Channel.REMOTE_DESKTOP if mac and rng.random() < 0.6 else None
            channel = channel or rng.choice([Channel.PHONE, Channel.CHAT])
            pay = rng.choice([PaymentArrangement.PREPAID, PaymentArrangement.LATER])
            tool = rng.choice([RemoteTool.ICLOUD, RemoteTool.TEAMVIEWER])
            checklist = Checklist(pay, True, channel is Channel.REMOTE_DESKTOP, tool)
        device = mac if channel is Channel.REMOTE_DESKTOP else (devices[0][0] if devices else None)
        minutes = rng.randint(12, 35) if follow_case else rng.randint(15, 80)
        end = start + timedelta(minutes=minutes)
        ids: dict[str, int] = {}
        step = [0]

        def add(moment: datetime, fn: Callable[[], object]) -> None:
            step[0] += 1
            plan.actions.append((moment, step[0], fn))

        declined = False
        disconnected = False
        if follow_case is not None:

            def begin() -> None:
                if not follow_case:
                    raise _Skip
                ids["s"] = sv.sessions.follow_up(follow_case[0]).id

            add(start, begin)
        else:

            def begin() -> None:
                ids["s"] = sv.sessions.start(
                    advisor, cid, modality, device_id=device, channel=channel,
                    checklist=checklist, summary=rng.choice(SUMMARIES),
                ).id  # fmt: skip

            add(start, begin)
            if channel is Channel.REMOTE_DESKTOP:
                t = start + timedelta(minutes=3)
                add(t, lambda: sv.sessions.request_remote(ids["s"]))
                if rng.random() < 0.15:
                    declined = True
                    add(t + timedelta(minutes=1), lambda: sv.sessions.decline_remote(ids["s"]))
                    end = t + timedelta(minutes=rng.randint(8, 14))
                    add(t + timedelta(minutes=2), lambda: sv.sessions.start_instructions(ids["s"]))
                    add(end, lambda: sv.sessions.end_instructions(ids["s"]))
                else:
                    ok = lambda: sv.sessions.accept_remote(  # noqa: E731
                        ids["s"], backup_notice_acknowledged=True
                    )
                    add(t + timedelta(minutes=1), ok)
                    add(t + timedelta(minutes=2), lambda: sv.sessions.start_remote(ids["s"]))
                    if rng.random() < 0.35 and minutes > 25:
                        disconnected = True
                        cut = t + timedelta(minutes=rng.randint(5, 15))
                        add(cut, lambda: sv.sessions.disconnect(ids["s"]))
                        add(cut + timedelta(minutes=4), lambda: sv.sessions.reconnect(ids["s"]))
                    elif rng.random() < 0.3:
                        stop = end - timedelta(minutes=2)
                        add(stop, lambda: sv.sessions.stop_remote(ids["s"], by_client=True))
            elif modality is not Modality.REMOTE and rng.random() < 0.25 and minutes > 30:
                pause = start + timedelta(minutes=rng.randint(10, 20))
                add(pause, lambda: sv.sessions.pause(ids["s"]))
                add(pause + timedelta(minutes=7), lambda: sv.sessions.resume(ids["s"]))

        if declined:
            outcome = Outcome.DECLINED_REMOTE
        elif disconnected and rng.random() < 0.6:
            outcome = Outcome.INTERRUPTED
        else:
            outcome = rng.choices(
                [Outcome.RESOLVED, Outcome.FOLLOW_UP, Outcome.UNSOLVABLE, Outcome.ESCALATED],
                weights=[14, 3, 1, 1],
            )[0]
        if follow_case is not None:
            outcome = Outcome.RESOLVED
        holder: list[int] = []
        another = follow_case is None and not declined and minutes <= 50 and rng.random() < 0.06

        def finish() -> None:
            if "s" not in ids:
                return
            needs_quote = sv.sessions.live_bill(ids["s"]).requires_quote
            if needs_quote:
                sv.sessions.set_quote(ids["s"], amount=Decimal(rng.choice(["900", "1200"])))
            if another:
                view, new = sv.sessions.another_request(
                    ids["s"], outcome, summary=rng.choice(SUMMARIES)
                )
                ids["s2"] = new.id
            else:
                view = sv.sessions.end(ids["s"], outcome)
            state["sessions"] += 1
            holder.append(view.case.id)
            bill(ids["s"])

        def close(session_id: int | None) -> None:
            if session_id is None:
                return
            if sv.sessions.live_bill(session_id).requires_quote:
                sv.sessions.set_quote(session_id, amount=Decimal("600"))
            sv.sessions.end(session_id, Outcome.RESOLVED)
            state["sessions"] += 1
            bill(session_id)

        def bill(session_id: int) -> None:
            if rng.random() < 0.9:
                receipt = sv.receipts.issue_for_session(session_id)
                state["receipts"] += 1
                if rng.random() < 0.05:
                    sv.receipts.cancel(receipt.id, "Datos del cliente equivocados")
                    state["cancelled"] += 1
                    receipt = sv.receipts.issue_for_session(session_id)
                    state["receipts"] += 1
                if receipt.total > 0 and rng.random() < 0.8:
                    method = rng.choice(list(PaymentMethod)[:3])
                    sv.receipts.record_payment(receipt.id, receipt.total, method)
                elif receipt.total >= 100 and money_rng.random() < 0.4:
                    part = (receipt.total / 2).quantize(Decimal("1"))
                    sv.receipts.record_payment(receipt.id, part, PaymentMethod.CASH)
                    state["partial"] += 1

        add(end, finish)
        if another:
            add(end + timedelta(minutes=rng.randint(10, 25)), lambda: close(ids.get("s2")))
        if outcome in (Outcome.FOLLOW_UP, Outcome.INTERRUPTED) and rng.random() < 0.75:
            later = start.date() + timedelta(days=rng.randint(1, 5))
            if later < today:
                follow_plans.append((advisor, at_local(later, FOLLOW_UP_SLOT), holder))

    follow_plans: list[tuple[int, datetime, list[int]]] = []
    day = first_day
    while day < today:
        if day.weekday() < 5:
            for advisor in advisors:
                for slot in SLOTS:
                    if rng.random() < 0.45:
                        jitter = timedelta(minutes=rng.randint(0, 4))
                        session_plan(advisor, at_local(day, slot) + jitter, follow_case=None)
        elif day.weekday() == 5 and rng.random() < 0.7:
            session_plan(rng.choice(advisors), at_local(day, time(11, 0)), follow_case=None)
        day += timedelta(days=1)
    taken: set[tuple[int, datetime]] = set()
    for advisor, moment, holder in follow_plans:
        if moment.weekday() < 5 and (advisor, moment) not in taken:
            taken.add((advisor, moment))
            session_plan(advisor, moment, follow_case=holder)

    actions = sorted(
        ((moment, i, k, fn) for i, plan in enumerate(plans) for moment, k, fn in plan.actions),
        key=lambda a: (a[0], a[1], a[2]),
    )
    for moment, _, _, fn in actions:
        clock.set(moment)
        try:
            fn()
        except _Skip:
            continue
    repairs = _repairs(sv, clock, CaseState, RepairPart, PaymentMethod)
    clock.set(max(clock(), datetime.now(UTC)))
    expired = sv.sessions.expire_pending()
    n_clients = len(clients)
    return (
        f"{n_clients} clientes, {len(advisors)} asesores, {state['sessions']} sesiones, "
        f"{state['receipts']} recibos ({state['cancelled']} cancelados, "
        f"{state['partial']} con pago parcial), {state['policies']} pólizas, "
        f"{repairs} reparaciones, {len(expired)} casos vencidos."
    )


def _repairs(sv: Any, clock: Any, case_state: Any, part_data: Any, method: Any) -> int:
    """Escalated cases whose support session has a receipt get a repair quote: the first is
    accepted, billed (crediting the support session) and partly paid, the next declined."""
    done = 0
    for case in sv.sessions.cases(states=[case_state.ESCALATED]):
        if done == 2:
            break
        clock.advance(minutes=10)
        quote = sv.repairs.quote(
            case.id, "Cambio de batería y limpieza interna", 2,
            [part_data("Batería", 1, Decimal("1850.00"))],
        )  # fmt: skip
        if quote.support_receipt_folio is None:
            sv.repairs.decline(quote.id)
            continue
        clock.advance(minutes=30)
        if done == 0:
            sv.repairs.accept(quote.id)
            clock.advance(minutes=30)
            receipt = sv.repairs.issue_receipt(quote.id)
            sv.receipts.record_payment(receipt.id, Decimal("1000.00"), method.CARD)
        else:
            sv.repairs.decline(quote.id)
        done += 1
    return done


class _Skip(Exception):
    """A follow-up whose case never became pending (plans are random)."""
