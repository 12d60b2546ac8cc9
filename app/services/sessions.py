"""The session workflow (RULES.md §7–§9): start, pause, disconnect, remote control with consent,
chat instructions, end with an outcome, another request, free follow-ups, expiry, bills.

Every change is one event committed the moment it happens; the session's state is always
derived from its stored events, so a session found after a restart continues where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.billing import Bill, BillingError, Modality, SessionCharge, Tariff, price_session
from app.clock import Clock
from app.models import (
    Advisor,
    Case,
    CaseState,
    Channel,
    Client,
    Device,
    EventKind,
    Outcome,
    PaymentArrangement,
    RemoteTool,
    SessionEvent,
    WorkSession,
)
from app.services.common import case_view, get_or_fail, tariff_at
from app.services.counters import CASE_SERIES, case_label, next_number
from app.services.errors import NotFoundError, RuleError
from app.services.policies import policy_terms_for
from app.services.timeline import RemoteState, SessionStatus, derive_status
from app.services.uow import Database
from app.services.values import CaseView, EventView, SessionView

T = TypeVar("T")


@dataclass(frozen=True)
class Checklist:
    """RULES §9, recorded on a remote session before it starts."""

    payment: PaymentArrangement
    internet: bool = False
    macos: bool = False
    remote_tool: RemoteTool | None = None


@dataclass
class _Loaded:
    row: WorkSession
    events: list[SessionEvent]
    status: SessionStatus


StoredChecklist = tuple[PaymentArrangement | None, bool, bool, RemoteTool | None]


def validate_checklist(
    modality: Modality, channel: Channel | None, checklist: Checklist | None
) -> StoredChecklist:
    """Return (payment arrangement, internet, macos, tool) to store, or raise RuleError."""
    if modality is not Modality.REMOTE:
        if channel is not None:
            raise RuleError("El canal solo aplica a sesiones a distancia.")
        return PaymentArrangement.AT_END, False, False, None
    if channel is None:
        raise RuleError(
            "Indique el canal de la sesión a distancia: teléfono, chat o escritorio remoto."
        )
    if checklist is None:
        raise RuleError("Antes de una sesión a distancia complete la lista de requisitos.")
    if checklist.payment not in (PaymentArrangement.PREPAID, PaymentArrangement.LATER):
        raise RuleError(
            "Una sesión a distancia requiere el pago cubierto por adelantado "
            "o un pago posterior acordado con el asesor."
        )
    if not checklist.internet:
        raise RuleError("Una sesión a distancia requiere conexión continua a internet.")
    if channel is Channel.REMOTE_DESKTOP:
        if not checklist.macos:
            raise RuleError("El escritorio remoto requiere macOS en el equipo.")
        if checklist.remote_tool is None:
            raise RuleError(
                "El escritorio remoto requiere una cuenta de iCloud o TeamViewer instalado."
            )
    return checklist.payment, checklist.internet, checklist.macos, checklist.remote_tool


def _money(value: Decimal | None, what: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        raise RuleError(f"{what} no puede ser negativo.")
    if value != value.quantize(Decimal("0.01")):
        raise RuleError(f"{what} tiene más de dos decimales.")
    return value.quantize(Decimal("0.01"))


class SessionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- queries -------------------------------------------------------------------------------
    def session(self, session_id: int) -> SessionView:
        return self.db.read(lambda s: self._view(s, self._load(s, session_id, lock=False)))

    def running_session(self, advisor_id: int) -> SessionView | None:
        """The advisor's session still running (e.g. found again after a restart)."""

        def work(s: Session) -> SessionView | None:
            ident = s.scalars(
                select(WorkSession.id).where(
                    WorkSession.advisor_id == advisor_id, WorkSession.ended_at.is_(None)
                )
            ).first()
            return None if ident is None else self._view(s, self._load(s, ident, lock=False))

        return self.db.read(work)

    def running_sessions(self) -> list[SessionView]:
        def work(s: Session) -> list[SessionView]:
            ids = s.scalars(
                select(WorkSession.id)
                .where(WorkSession.ended_at.is_(None))
                .order_by(WorkSession.started_at)
            ).all()
            return [self._view(s, self._load(s, i, lock=False)) for i in ids]

        return self.db.read(work)

    def sessions_of_case(self, case_id: int) -> list[SessionView]:
        def work(s: Session) -> list[SessionView]:
            ids = s.scalars(
                select(WorkSession.id)
                .where(WorkSession.case_id == case_id)
                .order_by(WorkSession.started_at, WorkSession.id)
            ).all()
            return [self._view(s, self._load(s, i, lock=False)) for i in ids]

        return self.db.read(work)

    def case(self, case_id: int) -> CaseView:
        def work(s: Session) -> CaseView:
            return case_view(get_or_fail(s, Case, case_id), tariff_at(s, self.clock()).pending_days)

        return self.db.read(work)

    def cases(
        self, *, client_id: int | None = None, states: Sequence[CaseState] = ()
    ) -> list[CaseView]:
        def work(s: Session) -> list[CaseView]:
            days = tariff_at(s, self.clock()).pending_days
            query = select(Case).order_by(Case.number)
            if client_id is not None:
                query = query.where(Case.client_id == client_id)
            if states:
                query = query.where(Case.state.in_(list(states)))
            return [case_view(c, days) for c in s.scalars(query)]

        return self.db.read(work)

    # -- start ---------------------------------------------------------------------------------
    def start(
        self,
        advisor_id: int,
        client_id: int,
        modality: Modality,
        *,
        device_id: int | None = None,
        channel: Channel | None = None,
        city: str | None = None,
        summary: str = "",
        checklist: Checklist | None = None,
        quoted_rate: Decimal | None = None,
        quoted_amount: Decimal | None = None,
        note: str = "",
    ) -> SessionView:
        """Open a new case and start its first session (the stopwatch starts now)."""
        modality = Modality(modality)
        stored = validate_checklist(modality, channel, checklist)
        rate = _money(quoted_rate, "La tarifa cotizada")
        amount = _money(quoted_amount, "El importe cotizado")
        if rate is not None and amount is not None:
            raise RuleError("Indique la tarifa cotizada o el importe cotizado, no ambos.")

        def work(s: Session) -> SessionView:
            now = self.clock()
            client = get_or_fail(s, Client, client_id)
            if not client.active:
                raise RuleError(f"El cliente «{client.name}» está dado de baja.")
            self._check_device(s, device_id, client_id)
            case = Case(
                number=next_number(s, CASE_SERIES),
                client_id=client_id,
                device_id=device_id,
                modality=modality,
                summary=summary.strip(),
                state=CaseState.OPEN,
                opened_at=now,
            )
            s.add(case)
            s.flush()
            where = client.city if city is None else city
            row = self._new_session(
                s, case, advisor_id, device_id, channel, where, stored, now, False, note
            )
            row.quoted_rate, row.quoted_amount = rate, amount
            s.flush()
            return self._view(s, self._load(s, row.id, lock=False))

        return self.db.write(work)

    def follow_up(
        self,
        case_id: int,
        advisor_id: int | None = None,
        *,
        channel: Channel | None = None,
        checklist: Checklist | None = None,
        note: str = "",
    ) -> SessionView:
        """A follow-up session of a pending case: free within the window, by default with the
        advisor of the case's last session."""

        def work(s: Session) -> SessionView:
            now = self.clock()
            case = self._locked_case(s, case_id)
            tariff = tariff_at(s, now)
            if case.state is CaseState.EXPIRED:
                raise RuleError(
                    f"El caso {case_label(case.number)} venció sin seguimiento; "
                    "una nueva solicitud es un caso nuevo con costo."
                )
            if case.state is not CaseState.PENDING or case.pending_since is None:
                raise RuleError(
                    f"El caso {case_label(case.number)} no está pendiente "
                    f"(estado: {case.state.label.lower()}); no admite seguimiento."
                )
            deadline = case.pending_since + timedelta(days=tariff.pending_days)
            if now > deadline:
                raise RuleError(
                    f"El plazo de seguimiento del caso {case_label(case.number)} terminó; "
                    "una nueva solicitud es un caso nuevo con costo."
                )
            last = s.scalars(
                select(WorkSession)
                .where(WorkSession.case_id == case_id)
                .order_by(WorkSession.started_at.desc(), WorkSession.id.desc())
                .limit(1)
            ).one()
            who = last.advisor_id if advisor_id is None else advisor_id
            use_channel = channel if channel is not None else last.channel
            use_checklist = checklist
            if use_checklist is None and last.payment_arrangement is not None:
                use_checklist = Checklist(
                    last.payment_arrangement,
                    last.checklist_internet,
                    last.checklist_macos,
                    last.checklist_remote_tool,
                )
            stored = validate_checklist(case.modality, use_channel, use_checklist)
            case.state = CaseState.OPEN
            row = self._new_session(
                s, case, who, case.device_id, use_channel, last.city, stored, now, True, note
            )
            row.quoted_rate, row.quoted_amount = last.quoted_rate, last.quoted_amount
            s.flush()
            return self._view(s, self._load(s, row.id, lock=False))

        return self.db.write(work)

    # -- pauses and disconnections -------------------------------------------------------------
    def pause(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_running(x)
            if x.status.paused:
                raise RuleError("La sesión ya está en pausa.")
            self._require_active(x)

        return self._event(session_id, EventKind.PAUSED, check, note)

    def resume(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_running(x)
            if not x.status.paused:
                raise RuleError("La sesión no está en pausa.")

        return self._event(session_id, EventKind.RESUMED, check, note)

    def disconnect(self, session_id: int, note: str = "") -> SessionView:
        """A disconnection: the gap is not billed and remote control stops (RULES §2, §8)."""

        def check(x: _Loaded) -> None:
            self._require_active(x)
            if x.row.modality is not Modality.REMOTE:
                raise RuleError("Solo una sesión a distancia se desconecta; use la pausa.")

        return self._event(session_id, EventKind.DISCONNECTED, check, note)

    def reconnect(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_running(x)
            if not x.status.disconnected:
                raise RuleError("La sesión no está desconectada.")

        return self._event(session_id, EventKind.RECONNECTED, check, note)

    # -- remote control and consent (RULES §8) -------------------------------------------------
    def request_remote(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_active(x)
            if x.row.modality is not Modality.REMOTE:
                raise RuleError("El control remoto solo aplica a sesiones a distancia.")
            if x.row.device_id is None:
                raise RuleError(
                    "Registre en la sesión el equipo que solicita el soporte: "
                    "el control remoto aplica solo a ese equipo."
                )
            if x.status.remote is RemoteState.REQUESTED:
                raise RuleError("Ya hay una solicitud de control remoto sin respuesta.")
            if x.status.remote is RemoteState.ACTIVE:
                raise RuleError("El control remoto ya está activo.")
            if x.status.remote is RemoteState.ACCEPTED:
                raise RuleError("El cliente ya autorizó el control remoto; puede iniciarlo.")

        return self._event(session_id, EventKind.REMOTE_REQUESTED, check, note)

    def accept_remote(
        self, session_id: int, *, backup_notice_acknowledged: bool, note: str = ""
    ) -> SessionView:
        """The client accepts; the backup notice must have been acknowledged."""

        def check(x: _Loaded) -> None:
            self._require_running(x)
            if x.status.remote is not RemoteState.REQUESTED:
                raise RuleError("No hay una solicitud de control remoto pendiente de respuesta.")
            if not backup_notice_acknowledged:
                raise RuleError(
                    "El cliente debe aceptar el aviso: respaldar su información "
                    "es su responsabilidad."
                )

        return self._event(session_id, EventKind.REMOTE_ACCEPTED, check, note, ack=True)

    def decline_remote(self, session_id: int, note: str = "") -> SessionView:
        """The client declines: the service cannot continue (end with DECLINED_REMOTE)."""

        def check(x: _Loaded) -> None:
            self._require_running(x)
            if x.status.remote is not RemoteState.REQUESTED:
                raise RuleError("No hay una solicitud de control remoto pendiente de respuesta.")

        return self._event(session_id, EventKind.REMOTE_DECLINED, check, note)

    def start_remote(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_active(x)
            if x.status.remote is RemoteState.ACTIVE:
                raise RuleError("El control remoto ya está activo.")
            if x.status.remote is not RemoteState.ACCEPTED:
                raise RuleError(
                    "El control remoto necesita una nueva autorización del cliente: "
                    "solicítela antes de iniciarlo."
                )

        return self._event(session_id, EventKind.REMOTE_STARTED, check, note)

    def stop_remote(self, session_id: int, *, by_client: bool, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_running(x)
            if x.status.remote is not RemoteState.ACTIVE:
                raise RuleError("El control remoto no está activo.")

        kind = (
            EventKind.REMOTE_STOPPED_BY_CLIENT if by_client else EventKind.REMOTE_STOPPED_BY_ADVISOR
        )
        return self._event(session_id, kind, check, note)

    # -- chat instructions (RULES §7) ----------------------------------------------------------
    def start_instructions(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_active(x)
            if x.status.instructions_since is not None:
                raise RuleError("Las instrucciones por chat ya están en curso.")
            minutes = self._tariff_for(x).instructions_cap_minutes
            if x.status.instructions_elapsed(self.clock()) >= timedelta(minutes=minutes):
                raise RuleError(f"Las instrucciones por chat ya llegaron al tope de {minutes} min.")

        return self._event(session_id, EventKind.INSTRUCTIONS_STARTED, check, note)

    def end_instructions(self, session_id: int, note: str = "") -> SessionView:
        def check(x: _Loaded) -> None:
            self._require_running(x)
            if x.status.instructions_since is None:
                raise RuleError("No hay instrucciones por chat en curso.")

        return self._event(session_id, EventKind.INSTRUCTIONS_ENDED, check, note)

    # -- quote ---------------------------------------------------------------------------------
    def set_quote(
        self, session_id: int, *, rate: Decimal | None = None, amount: Decimal | None = None
    ) -> SessionView:
        """Record the quote agreed for a session that needs one (onsite outside the cities)."""
        clean_rate = _money(rate, "La tarifa cotizada")
        clean_amount = _money(amount, "El importe cotizado")
        if (clean_rate is None) == (clean_amount is None):
            raise RuleError("Indique la tarifa cotizada o el importe cotizado (uno de los dos).")

        def work(s: Session) -> SessionView:
            x = self._load(s, session_id)
            if self._has_receipt(s, session_id):
                raise RuleError("La sesión ya tiene recibo; la cotización no se cambia.")
            x.row.quoted_rate, x.row.quoted_amount = clean_rate, clean_amount
            s.flush()
            return self._view(s, x)

        return self.db.write(work)

    # -- end -----------------------------------------------------------------------------------
    def end(self, session_id: int, outcome: Outcome, note: str = "") -> SessionView:
        """End the session with its outcome and move the case (RULES §7)."""
        outcome = Outcome(outcome)

        def work(s: Session) -> SessionView:
            x = self._load(s, session_id)
            self._end(s, x, outcome, note)
            return self._view(s, self._load(s, session_id, lock=False))

        return self.db.write(work)

    def another_request(
        self, session_id: int, outcome: Outcome, *, summary: str = "", note: str = ""
    ) -> tuple[SessionView, SessionView]:
        """End this session with its outcome and open a new case and session for the same
        client, advisor and modality, billed separately."""
        outcome = Outcome(outcome)

        def work(s: Session) -> tuple[SessionView, SessionView]:
            x = self._load(s, session_id)
            at = self._end(s, x, outcome, note)
            old_case = get_or_fail(s, Case, x.row.case_id)
            case = Case(
                number=next_number(s, CASE_SERIES),
                client_id=old_case.client_id,
                device_id=x.row.device_id,
                modality=x.row.modality,
                summary=summary.strip(),
                state=CaseState.OPEN,
                opened_at=at,
                previous_case_id=old_case.id,
            )
            s.add(case)
            s.flush()
            stored = (
                x.row.payment_arrangement,
                x.row.checklist_internet,
                x.row.checklist_macos,
                x.row.checklist_remote_tool,
            )
            new = self._new_session(
                s, case, x.row.advisor_id, x.row.device_id, x.row.channel, x.row.city,
                stored, at, False, "",
            )  # fmt: skip
            ended = self._view(s, self._load(s, session_id, lock=False))
            return ended, self._view(s, self._load(s, new.id, lock=False))

        return self.db.write(work)

    def expire_pending(self) -> list[CaseView]:
        """Pending cases past their follow-up window become ``expired`` (closed)."""

        def work(s: Session) -> list[CaseView]:
            now = self.clock()
            tariff = tariff_at(s, now)
            limit = now - timedelta(days=tariff.pending_days)
            rows = s.scalars(
                select(Case)
                .where(Case.state == CaseState.PENDING, Case.pending_since < limit)
                .order_by(Case.number)
                .with_for_update()
            ).all()
            out = []
            for case in rows:
                case.state = CaseState.EXPIRED
                case.closed_at = now
                out.append(case_view(case, tariff.pending_days))
            s.flush()
            return out

        return self.db.write(work)

    # -- bills ---------------------------------------------------------------------------------
    def live_bill(self, session_id: int) -> Bill:
        """The bill if the session ended now (or its final bill once ended)."""

        def work(s: Session) -> Bill:
            x = self._load(s, session_id, lock=False)
            return self.bill_for(s, x.row, x.status, self.clock())

        return self.db.read(work)

    def final_bill(self, session_id: int) -> Bill:
        def work(s: Session) -> Bill:
            x = self._load(s, session_id, lock=False)
            if x.row.ended_at is None:
                raise RuleError("La sesión sigue en curso; termínela para su cuenta final.")
            return self.bill_for(s, x.row, x.status, x.row.ended_at)

        return self.db.read(work)

    @staticmethod
    def bill_for(s: Session, row: WorkSession, status: SessionStatus, now: datetime) -> Bill:
        """Price a stored session with the tariff in force when it started and the client's
        policy (allowance, discount, 24×7) as RULES §6 applies it, with no manual step."""
        end = row.ended_at or now
        if end <= row.started_at:
            end = row.started_at + timedelta(microseconds=1)
        case = get_or_fail(s, Case, row.case_id)
        tariff = tariff_at(s, row.started_at)
        charge = SessionCharge(
            modality=row.modality,
            start=row.started_at,
            end=end,
            gaps=status.all_gaps(end),
            city=row.city or None,
            quoted_rate=row.quoted_rate,
            quoted_amount=row.quoted_amount,
            follow_up=row.follow_up,
            follow_up_case=case_label(case.number),
            policy=policy_terms_for(s, row, case, tariff),
        )
        try:
            return price_session(charge, tariff)
        except BillingError as exc:
            raise RuleError(str(exc)) from exc

    # -- internals -----------------------------------------------------------------------------
    def _event(
        self,
        session_id: int,
        kind: EventKind,
        check: Callable[[_Loaded], None],
        note: str,
        *,
        ack: bool | None = None,
    ) -> SessionView:
        def work(s: Session) -> SessionView:
            x = self._load(s, session_id)
            check(x)
            self._append(s, x, kind, note, ack)
            return self._view(s, self._load(s, session_id, lock=False))

        return self.db.write(work)

    def _end(self, s: Session, x: _Loaded, outcome: Outcome, note: str) -> datetime:
        self._require_running(x)
        if outcome is Outcome.DECLINED_REMOTE and x.status.consents_declined == 0:
            raise RuleError(
                "El resultado «el cliente rechazó el control remoto» requiere que el "
                "rechazo esté registrado en la sesión."
            )
        case = self._locked_case(s, x.row.case_id)
        if x.status.instructions_since is not None:
            self._append(s, x, EventKind.INSTRUCTIONS_ENDED, "", None)
        if x.status.remote is RemoteState.ACTIVE:
            self._append(s, x, EventKind.REMOTE_STOPPED_BY_ADVISOR, "", None)
        at = self._append(s, x, EventKind.ENDED, note, None)
        x.row.ended_at = at
        x.row.outcome = outcome
        case.state = outcome.case_state
        case.pending_since = at if case.state is CaseState.PENDING else None
        case.closed_at = at if case.state in (CaseState.RESOLVED, CaseState.CLOSED) else None
        s.flush()
        return at

    def _new_session(
        self,
        s: Session,
        case: Case,
        advisor_id: int,
        device_id: int | None,
        channel: Channel | None,
        city: str,
        stored: StoredChecklist,
        at: datetime,
        follow_up: bool,
        note: str,
    ) -> WorkSession:
        advisor = get_or_fail(s, Advisor, advisor_id)
        if not advisor.active:
            raise RuleError(f"El asesor «{advisor.name}» está dado de baja.")
        running = s.scalars(
            select(WorkSession).where(
                WorkSession.advisor_id == advisor_id, WorkSession.ended_at.is_(None)
            )
        ).first()
        if running is not None:
            number = get_or_fail(s, Case, running.case_id).number
            raise RuleError(
                f"{advisor.name} ya tiene una sesión en curso (caso {case_label(number)}); "
                "termínela antes de empezar otra."
            )
        payment, internet, macos, tool = stored
        row = WorkSession(
            case_id=case.id,
            advisor_id=advisor_id,
            device_id=device_id,
            modality=case.modality,
            channel=channel,
            city=(city or "").strip(),
            started_at=at,
            follow_up=follow_up,
            payment_arrangement=payment,
            checklist_internet=internet,
            checklist_macos=macos,
            checklist_remote_tool=tool,
            notes="",
        )
        s.add(row)
        try:
            with s.begin_nested():
                s.flush()
        except IntegrityError:  # another process started one for this advisor meanwhile
            raise RuleError(
                f"{advisor.name} ya tiene una sesión en curso; termínela antes de empezar otra."
            ) from None
        s.add(SessionEvent(session_id=row.id, seq=1, kind=EventKind.STARTED, at=at, note=note))
        s.flush()
        return row

    def _append(
        self, s: Session, x: _Loaded, kind: EventKind, note: str, ack: bool | None
    ) -> datetime:
        """Append one event; its instant never goes before the previous one."""
        last = x.events[-1]
        at = max(self.clock(), last.at)
        event = SessionEvent(
            session_id=x.row.id,
            seq=last.seq + 1,
            kind=kind,
            at=at,
            note=note.strip(),
            backup_notice_acknowledged=ack,
        )
        s.add(event)
        s.flush()
        x.events.append(event)
        x.status = derive_status((e.kind, e.at) for e in x.events)
        return at

    def _load(self, s: Session, session_id: int, *, lock: bool = True) -> _Loaded:
        query = select(WorkSession).where(WorkSession.id == session_id)
        if lock:  # PostgreSQL: serialize writers of one session (SQLite: BEGIN IMMEDIATE)
            query = query.with_for_update()
        row = s.scalars(query).first()
        if row is None:
            raise RuleError(f"La sesión {session_id} no existe.")
        events = list(
            s.scalars(
                select(SessionEvent)
                .where(SessionEvent.session_id == session_id)
                .order_by(SessionEvent.seq)
            )
        )
        return _Loaded(row, events, derive_status((e.kind, e.at) for e in events))

    @staticmethod
    def _locked_case(s: Session, case_id: int) -> Case:
        """The case row, locked against concurrent follow-ups and expiry (PostgreSQL)."""
        case = s.scalars(
            select(Case)
            .where(Case.id == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if case is None:
            raise NotFoundError(f"El caso {case_id} no existe.")
        return case

    def _check_device(self, s: Session, device_id: int | None, client_id: int) -> None:
        if device_id is None:
            return
        device = get_or_fail(s, Device, device_id)
        if device.client_id != client_id:
            raise RuleError(f"El equipo {device_id} no pertenece a este cliente.")

    @staticmethod
    def _has_receipt(s: Session, session_id: int) -> bool:
        from app.models import Receipt, ReceiptStatus

        return (
            s.scalars(
                select(Receipt.id).where(
                    Receipt.session_id == session_id, Receipt.status == ReceiptStatus.ISSUED
                )
            ).first()
            is not None
        )

    @staticmethod
    def _require_running(x: _Loaded) -> None:
        if x.row.ended_at is not None or x.status.ended:
            raise RuleError("La sesión ya terminó.")

    def _require_active(self, x: _Loaded) -> None:
        """Running, not paused and not disconnected."""
        self._require_running(x)
        if x.status.paused:
            raise RuleError("La sesión está en pausa; reanúdela primero.")
        if x.status.disconnected:
            raise RuleError("La sesión está desconectada; registre la reconexión primero.")

    def _tariff_for(self, x: _Loaded) -> Tariff:
        session = object_session_or_fail(x.row)
        return tariff_at(session, x.row.started_at)

    def _view(self, s: Session, x: _Loaded) -> SessionView:
        row = x.row
        case = get_or_fail(s, Case, row.case_id)
        advisor = get_or_fail(s, Advisor, row.advisor_id)
        client = get_or_fail(s, Client, case.client_id)
        tariff = tariff_at(s, row.started_at)
        return SessionView(
            id=row.id,
            case=case_view(case, tariff.pending_days),
            advisor_id=advisor.id,
            advisor_name=advisor.name,
            client_id=client.id,
            client_name=client.name,
            device_id=row.device_id,
            modality=row.modality,
            channel=row.channel,
            city=row.city,
            started_at=row.started_at,
            ended_at=row.ended_at,
            outcome=row.outcome,
            follow_up=row.follow_up,
            payment_arrangement=row.payment_arrangement,
            checklist_internet=row.checklist_internet,
            checklist_macos=row.checklist_macos,
            checklist_remote_tool=row.checklist_remote_tool,
            quoted_rate=row.quoted_rate,
            quoted_amount=row.quoted_amount,
            events=tuple(
                EventView(e.seq, e.kind, e.at, e.note, e.backup_notice_acknowledged)
                for e in x.events
            ),
            status=x.status,
            instructions_cap=timedelta(minutes=tariff.instructions_cap_minutes),
        )


def object_session_or_fail(row: object) -> Session:
    from sqlalchemy.orm import object_session

    session = object_session(row)
    if session is None:  # pragma: no cover - rows are always loaded in a session here
        raise RuntimeError("row is detached")
    return session
