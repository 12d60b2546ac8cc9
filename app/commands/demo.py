"""``appleuse demo``: fill an empty database with realistic sample data.

Everything goes through the services with a fake clock, so the sample obeys every rule:
clients in Xalapa, Coatepec and elsewhere, a few weeks of sessions of every modality and
outcome, consents, disconnections, free follow-ups, expired cases, receipts and payments.
A database that already holds data is refused (exit 2) with where it is and how to start over:
``appleuse demo --replace`` backs the SQLite file up first (checked, in ``respaldos``), then
rebuilds it with the demonstration. SQLAlchemy is imported only on run.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
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
    )
    p.add_argument("--weeks", type=int, default=3, metavar="N", help="semanas de sesiones (3)")
    p.add_argument("--seed", type=int, default=2026, help="semilla del generador")
    p.add_argument(
        "--replace",
        action="store_true",
        help="si la base (SQLite) ya tiene datos: guarda un respaldo y la rehace con la "
        "demostración",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands.database import open_engine, translated
    from app.models.engine import upgrade

    if not 1 <= args.weeks <= 52:
        raise DomainError("Las semanas de la demostración van de 1 a 52.")
    engine = open_engine(args.db, existing=False)
    where = engine.url.render_as_string(hide_password=True)
    saved = ""
    try:
        with translated():
            if holds_data(engine):
                if not args.replace:
                    raise DomainError(
                        f"La base de datos {where} ya tiene datos; la demostración solo se "
                        "carga en una base vacía. Para empezar de nuevo: «appleuse demo "
                        "--replace» (guarda antes un respaldo de la base actual)."
                    )
                saved = f" (respaldo de los datos anteriores: {replace(engine)})"
            upgrade(engine)
            today = datetime.now(UTC).astimezone(ZONE).date()
            summary = fill(engine, today, weeks=args.weeks, seed=args.seed)
    finally:
        engine.dispose()
    sys.stdout.write(f"Datos de demostración cargados en {where}: {summary}{saved}\n")
    return 0


def replace(engine: Any) -> Path:
    """Back up the SQLite database (checked, in its ``respaldos`` folder), then remove it so
    the demonstration starts on an empty file; the backup's path. Refused on PostgreSQL and
    while a window has the database open."""
    from PySide6.QtCore import QLockFile

    from app.kernel.clock import SystemClock
    from app.location import lock_file
    from app.services.backups import BackupService

    service = BackupService(engine, SystemClock())
    if service.database is None:
        raise DomainError(
            "«--replace» solo rehace una base SQLite; en PostgreSQL cree una base vacía y "
            "cargue ahí la demostración."
        )
    database = service.database
    lock = QLockFile(str(lock_file(f"sqlite:///{database}")))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        raise DomainError(
            "AppleUse Soporte está abierto con esta base de datos; ciérrelo antes de reemplazarla."
        )
    try:
        backup = service.create("demo").path
        engine.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    finally:
        lock.unlock()
    return backup


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

    def add(self, moment: datetime, fn: Callable[[], object]) -> None:
        self.actions.append((moment, len(self.actions) + 1, fn))


@dataclass
class _Session:
    """What one planned session will do; ``ids`` fills in as its actions run."""

    plan: _Plan
    advisor: int
    client: int
    modality: Any
    channel: Any
    checklist: Any
    device: int | None
    start: datetime
    end: datetime
    minutes: int
    follow_case: list[int] | None
    ids: dict[str, int] = field(default_factory=dict)
    declined: bool = False
    disconnected: bool = False


def fill(engine: Any, today: date, *, weeks: int, seed: int, now: datetime | None = None) -> str:
    """Generate ``weeks`` weeks of activity ending yesterday, then the coming week's citas
    from ``now`` (the present when not given); return a Spanish summary."""
    return _Demo(engine, today, weeks, seed, now).run()


class _Demo:
    """The sample business, driven through the services with a fake clock."""

    def __init__(
        self, engine: Any, today: date, weeks: int, seed: int, now: datetime | None = None
    ) -> None:
        from app.kernel.clock import FakeClock
        from app.services.facade import Services

        self.today = today
        self.now = now
        self.seed = seed
        self.rng = random.Random(seed)
        self.money_rng = random.Random(seed + 1)  # partial payments, apart from the sessions
        self.plans: list[_Plan] = []
        self.follow_plans: list[tuple[int, datetime, list[int]]] = []
        self.state = dict.fromkeys(("receipts", "sessions", "cancelled", "policies", "partial"), 0)
        self.first_day = today - timedelta(weeks=weeks)
        self.clock = FakeClock(datetime.combine(self.first_day, time(8, 0), tzinfo=ZONE))
        self.sv = Services.create(engine, self.clock)
        self.advisors: list[int] = []
        self.clients: list[tuple[int, str, list[tuple[int, str]]]] = []

    def run(self) -> str:
        self._people()
        self._plan_days()
        actions = sorted(
            ((moment, i, k, fn) for i, plan in enumerate(self.plans)
             for moment, k, fn in plan.actions),
            key=lambda a: (a[0], a[1], a[2]),
        )  # fmt: skip
        for moment, _, _, fn in actions:
            self.clock.set(moment)
            try:
                fn()
            except _Skip:
                continue
        repairs = _repairs(self.sv, self.clock)
        self.clock.set(max(self.clock(), self.now or datetime.now(UTC)))
        expired = self.sv.sessions.expire_pending()
        from app.services.agenda_demo import add_demo_appointments

        citas = add_demo_appointments(self.sv, seed=self.seed)  # the coming week (issue 13)
        st = self.state
        return (
            f"{len(self.clients)} clientes, {len(self.advisors)} asesores, "
            f"{st['sessions']} sesiones, {st['receipts']} recibos ({st['cancelled']} "
            f"cancelados, {st['partial']} con pago parcial), {st['policies']} pólizas, "
            f"{repairs} reparaciones, {len(expired)} casos vencidos, {citas} citas."
        )

    # -- the business ------------------------------------------------------------------------
    def _people(self) -> None:
        from app.kernel.enums import DeviceKind, PolicyBenefit
        from app.services.data import BusinessProfile, ClientData, DeviceData, PolicyData

        sv, rng = self.sv, self.rng
        sv.settings.save_profile(
            BusinessProfile("AppleUse", ("228 812 3456", "228 155 7788"), "Xalapa, Veracruz", "A")
        )
        self.advisors = [sv.clients.create_advisor(name).id for name in ADVISORS]
        for k, (name, city, rfc) in enumerate(CLIENTS):
            phone = f"228 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            email = f"cliente{k + 1}@example.mx"
            cid = sv.clients.create_client(ClientData(name, phone, email, rfc, city)).id
            devices = []
            for kind, model, os_version in rng.sample(DEVICES, rng.choice((1, 1, 2))):
                serial = f"{kind[:1].upper()}{rng.randint(10**8, 10**9 - 1)}"
                dev = DeviceData(DeviceKind(kind), model, serial, os_version)
                devices.append((sv.clients.add_device(cid, dev).id, kind))
            self.clients.append((cid, city, devices))
            for holder, remote, in_person, discount, all_hours in POLICIES:
                if holder == name:
                    terms = PolicyData(
                        remote, in_person, Decimal(discount), all_hours,
                        tuple(d for d, _ in devices),
                        (PolicyBenefit.REPAIR_LABOUR, PolicyBenefit.PREVENTIVE_MAINTENANCE),
                    )  # fmt: skip
                    sv.policies.create(cid, terms)
                    self.state["policies"] += 1

    def _plan_days(self) -> None:
        rng, day = self.rng, self.first_day
        while day < self.today:
            if day.weekday() < 5:
                for advisor in self.advisors:
                    for slot in SLOTS:
                        if rng.random() < 0.45:
                            jitter = timedelta(minutes=rng.randint(0, 4))
                            self._plan(advisor, _local(day, slot) + jitter, None)
            elif day.weekday() == 5 and rng.random() < 0.7:
                self._plan(rng.choice(self.advisors), _local(day, time(11, 0)), None)
            day += timedelta(days=1)
        taken: set[tuple[int, datetime]] = set()
        for advisor, moment, holder in self.follow_plans:
            if moment.weekday() < 5 and (advisor, moment) not in taken:
                taken.add((advisor, moment))
                self._plan(advisor, moment, holder)

    # -- one session ---------------------------------------------------------------------------
    def _plan(self, advisor: int, start: datetime, follow_case: list[int] | None) -> None:
        from app.billing.session_rules import Checklist
        from app.kernel.enums import Channel, Modality, PaymentArrangement, RemoteTool

        rng = self.rng
        plan = _Plan()
        self.plans.append(plan)
        cid, _city, devices = rng.choice(self.clients)
        modality = rng.choices(
            [Modality.REMOTE, Modality.OFFICE, Modality.ONSITE], weights=[6, 3, 2]
        )[0]
        mac = next((d for d, kind in devices if kind == "mac"), None)
        channel = checklist = None
        if modality is Modality.REMOTE:
            channel = Channel.REMOTE_DESKTOP if mac and rng.random() < 0.6 else None
            channel = channel or rng.choice([Channel.PHONE, Channel.CHAT])
            pay = rng.choice([PaymentArrangement.PREPAID, PaymentArrangement.LATER])
            tool = rng.choice([RemoteTool.ICLOUD, RemoteTool.TEAMVIEWER])
            checklist = Checklist(pay, True, channel is Channel.REMOTE_DESKTOP, tool)
        device = mac if channel is Channel.REMOTE_DESKTOP else (devices[0][0] if devices else None)
        minutes = rng.randint(12, 35) if follow_case else rng.randint(15, 80)
        x = _Session(plan, advisor, cid, modality, channel, checklist, device, start,
                     start + timedelta(minutes=minutes), minutes, follow_case)  # fmt: skip
        self._begin(x)
        outcome = self._outcome(x)
        holder: list[int] = []
        another = follow_case is None and not x.declined and minutes <= 50 and rng.random() < 0.06
        plan.add(x.end, lambda: self._finish(x, outcome, another, holder))
        if another:
            later = x.end + timedelta(minutes=rng.randint(10, 25))
            plan.add(later, lambda: self._close(x.ids.get("s2")))
        if outcome.value in ("follow_up", "interrupted") and rng.random() < 0.75:
            day = start.date() + timedelta(days=rng.randint(1, 5))
            if day < self.today:
                self.follow_plans.append((advisor, _local(day, FOLLOW_UP_SLOT), holder))

    def _begin(self, x: _Session) -> None:
        """The session's start and what happens during it (consent, disconnections, pauses)."""
        from app.kernel.enums import Channel, Modality

        sv, rng, ids = self.sv, self.rng, x.ids
        if x.follow_case is not None:
            follow = x.follow_case

            def begin() -> None:
                if not follow:
                    raise _Skip
                ids["s"] = sv.sessions.follow_up(follow[0]).id

            x.plan.add(x.start, begin)
            return

        def start() -> None:
            ids["s"] = sv.sessions.start(
                x.advisor, x.client, x.modality, device_id=x.device, channel=x.channel,
                checklist=x.checklist, summary=rng.choice(SUMMARIES),
            ).id  # fmt: skip

        x.plan.add(x.start, start)
        if x.channel is Channel.REMOTE_DESKTOP:
            self._remote(x)
        elif x.modality is not Modality.REMOTE and rng.random() < 0.25 and x.minutes > 30:
            pause = x.start + timedelta(minutes=rng.randint(10, 20))
            x.plan.add(pause, lambda: sv.sessions.pause(ids["s"]))
            x.plan.add(pause + timedelta(minutes=7), lambda: sv.sessions.resume(ids["s"]))

    def _remote(self, x: _Session) -> None:
        sv, rng, ids, add = self.sv, self.rng, x.ids, x.plan.add
        t = x.start + timedelta(minutes=3)
        add(t, lambda: sv.sessions.request_remote(ids["s"]))
        if rng.random() < 0.15:
            x.declined = True
            add(t + timedelta(minutes=1), lambda: sv.sessions.decline_remote(ids["s"]))
            x.end = t + timedelta(minutes=rng.randint(8, 14))
            add(t + timedelta(minutes=2), lambda: sv.sessions.start_instructions(ids["s"]))
            add(x.end, lambda: sv.sessions.end_instructions(ids["s"]))
            return
        add(
            t + timedelta(minutes=1),
            lambda: sv.sessions.accept_remote(ids["s"], backup_notice_acknowledged=True),
        )
        add(t + timedelta(minutes=2), lambda: sv.sessions.start_remote(ids["s"]))  # fmt: skip
        if rng.random() < 0.35 and x.minutes > 25:
            x.disconnected = True
            cut = t + timedelta(minutes=rng.randint(5, 15))
            add(cut, lambda: sv.sessions.disconnect(ids["s"]))
            add(cut + timedelta(minutes=4), lambda: sv.sessions.reconnect(ids["s"]))
        elif rng.random() < 0.3:
            stop = x.end - timedelta(minutes=2)
            add(stop, lambda: sv.sessions.stop_remote(ids["s"], by_client=True))

    def _outcome(self, x: _Session) -> Any:
        from app.kernel.enums import Outcome

        if x.declined:
            outcome = Outcome.DECLINED_REMOTE
        elif x.disconnected and self.rng.random() < 0.6:
            outcome = Outcome.INTERRUPTED
        else:
            outcome = self.rng.choices(
                [Outcome.RESOLVED, Outcome.FOLLOW_UP, Outcome.UNSOLVABLE, Outcome.ESCALATED],
                weights=[14, 3, 1, 1],
            )[0]
        return Outcome.RESOLVED if x.follow_case is not None else outcome

    def _finish(self, x: _Session, outcome: Any, another: bool, holder: list[int]) -> None:
        sv, ids = self.sv, x.ids
        if "s" not in ids:
            return
        if sv.sessions.live_bill(ids["s"]).requires_quote:
            sv.sessions.set_quote(ids["s"], amount=Decimal(self.rng.choice(["900", "1200"])))
        if another:
            summary = self.rng.choice(SUMMARIES)
            view, new = sv.sessions.another_request(ids["s"], outcome, summary=summary)
            ids["s2"] = new.id
        else:
            view = sv.sessions.end(ids["s"], outcome)
        self.state["sessions"] += 1
        holder.append(view.case.id)
        self._bill(ids["s"])

    def _close(self, session_id: int | None) -> None:
        from app.kernel.enums import Outcome

        if session_id is None:
            return
        if self.sv.sessions.live_bill(session_id).requires_quote:
            self.sv.sessions.set_quote(session_id, amount=Decimal("600"))
        self.sv.sessions.end(session_id, Outcome.RESOLVED)
        self.state["sessions"] += 1
        self._bill(session_id)

    def _bill(self, session_id: int) -> None:
        from app.kernel.enums import PaymentMethod

        sv, rng = self.sv, self.rng
        if rng.random() >= 0.9:
            return
        receipt = sv.receipts.issue_for_session(session_id)
        self.state["receipts"] += 1
        first = self.state["cancelled"] == 0 and receipt.total > 0  # at least one, always
        if rng.random() < 0.05 or first:
            _, receipt = sv.receipts.cancel_and_reissue(receipt.id, "Datos del cliente equivocados")
            self.state["cancelled"] += 1
            self.state["receipts"] += 1
        if receipt.total > 0 and rng.random() < 0.8:
            method = rng.choice(list(PaymentMethod)[:3])
            sv.receipts.record_payment(receipt.id, receipt.total, method)
        elif receipt.total >= 100 and self.money_rng.random() < 0.4:
            part = (receipt.total / 2).quantize(Decimal("1"))
            sv.receipts.record_payment(receipt.id, part, PaymentMethod.CASH)
            self.state["partial"] += 1


def _local(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=ZONE)


def _repairs(sv: Any, clock: Any) -> int:
    """Escalated cases whose support session has a receipt get a repair quote: the first is
    accepted, billed (crediting the support session) and partly paid, the next declined."""
    from app.billing.repair import RepairPart
    from app.kernel.enums import CaseState, PaymentMethod

    done = 0
    for case in sv.sessions.cases(states=[CaseState.ESCALATED]):
        if done == 2:
            break
        clock.advance(minutes=10)
        quote = sv.repairs.quote(
            case.id, "Cambio de batería y limpieza interna", 2,
            [RepairPart("Batería", 1, Decimal("1850.00"))],
        )  # fmt: skip
        if quote.support_receipt_folio is None:
            sv.repairs.decline(quote.id)
            continue
        clock.advance(minutes=30)
        if done == 0:
            sv.repairs.accept(quote.id)
            clock.advance(minutes=30)
            receipt = sv.repairs.issue_receipt(quote.id)
            sv.receipts.record_payment(receipt.id, Decimal("1000.00"), PaymentMethod.CARD)
        else:
            sv.repairs.decline(quote.id)
        done += 1
    return done


class _Skip(Exception):
    """A follow-up whose case never became pending (plans are random)."""
