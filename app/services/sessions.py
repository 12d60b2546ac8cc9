"""The session workflow (RULES.md §7–§9): start, pause, disconnect, remote control with consent,
chat instructions, end with an outcome, another request, free follow-ups, expiry, bills.

Every change is one event committed the moment it happens; the session's state is always
derived from its stored events, so a session found after a restart continues where it was.
Which action is allowed when is ``app.billing.session_rules`` — the same function the window
enables its buttons with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.billing.money import check_money
from app.billing.pricing import Bill
from app.billing.session_rules import (
    Checklist,
    SessionState,
    case_state_after,
    checklist_problem,
    follow_up_refusal,
    outcome_refusal,
    refusal,
    stored_checklist,
)
from app.kernel.clock import Clock
from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    RemoteState,
    SessionAction,
)
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.fmt import case_label
from app.kernel.limits import check_choice
from app.kernel.records import record
from app.models import Advisor, Case, Client, Device, SessionEvent, WorkSession
from app.services.counters import CASE_SERIES, next_number
from app.services.data import clean_note
from app.services.loading import (
    LoadedSession,
    bill_of,
    case_view,
    get_or_fail,
    issued_receipt,
    load_session,
    load_sessions,
    session_view,
    tariff_at,
)
from app.services.uow import Database
from app.services.values import CaseView, SessionView


@record
class _NewSession:
    """What a new session row records besides its case."""

    advisor_id: int
    device_id: int | None
    channel: Channel | None
    city: str
    checklist: Checklist
    at: datetime
    follow_up: bool = False
    note: str = ""


def _money(value: Decimal | None, what: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0:
        raise RuleError(f"{what} no puede ser negativo.")
    return check_money(value, what)


def _require(problem: str | None) -> None:
    if problem:
        raise RuleError(problem)


class SessionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- queries -------------------------------------------------------------------------------
    def session(self, session_id: int) -> SessionView:
        return self.db.read(lambda s: session_view(s, load_session(s, session_id)))

    def running_session(self, advisor_id: int) -> SessionView | None:
        """The advisor's session still running (e.g. found again after a restart)."""
        found = self._sessions(
            (WorkSession.advisor_id == advisor_id, WorkSession.ended_at.is_(None))
        )
        return found[0] if found else None

    def running_sessions(self) -> list[SessionView]:
        return self._sessions((WorkSession.ended_at.is_(None),))

    def sessions_of_case(self, case_id: int) -> list[SessionView]:
        return self._sessions((WorkSession.case_id == case_id,))

    def case(self, case_id: int) -> CaseView:
        def work(s: Session) -> CaseView:
            return case_view(get_or_fail(s, Case, case_id), tariff_at(s, self.clock()))

        return self.db.read(work)

    def cases(
        self, *, client_id: int | None = None, states: Sequence[CaseState] = ()
    ) -> list[CaseView]:
        wanted = [check_choice(CaseState, x, "El estado del caso") for x in states]

        def work(s: Session) -> list[CaseView]:
            tariff = tariff_at(s, self.clock())
            query = select(Case).order_by(Case.number)
            if client_id is not None:
                query = query.where(Case.client_id == client_id)
            if states:
                query = query.where(Case.state.in_(wanted))
            return [case_view(c, tariff) for c in s.scalars(query)]

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
        modality = check_choice(Modality, modality, "La modalidad")
        _require(checklist_problem(modality, channel, checklist, device_id))
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
            case = self._new_case(s, client_id, device_id, modality, summary, now, None)
            where = client.city if city is None else city
            new = _NewSession(
                advisor_id, device_id, channel, where, stored_checklist(modality, checklist),
                now, note=note,
            )  # fmt: skip
            row = self._new_session(s, case, new)
            row.quoted_rate, row.quoted_amount = rate, amount
            return session_view(s, load_session(s, row.id))

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
            _require(
                follow_up_refusal(case.state, case.pending_since, case.number, now,
                                  tariff_at(s, now))
            )  # fmt: skip
            last = s.scalars(
                select(WorkSession)
                .where(WorkSession.case_id == case_id)
                .order_by(WorkSession.started_at.desc(), WorkSession.id.desc())
                .limit(1)
            ).one()
            use_channel = channel if channel is not None else last.channel
            use_checklist = checklist
            if use_checklist is None and last.payment_arrangement is not None:
                use_checklist = _checklist_of(last)
            _require(checklist_problem(case.modality, use_channel, use_checklist, case.device_id))
            case.state = CaseState.OPEN
            who = last.advisor_id if advisor_id is None else advisor_id
            new = _NewSession(
                who, case.device_id, use_channel, last.city,
                stored_checklist(case.modality, use_checklist), now, True, note,
            )  # fmt: skip
            row = self._new_session(s, case, new)
            row.quoted_rate, row.quoted_amount = last.quoted_rate, last.quoted_amount
            return session_view(s, load_session(s, row.id))

        return self.db.write(work)

    # -- events ---------------------------------------------------------------------------------
    def pause(self, session_id: int, note: str = "") -> SessionView:
        return self._event(session_id, SessionAction.PAUSE, EventKind.PAUSED, note)

    def resume(self, session_id: int, note: str = "") -> SessionView:
        return self._event(session_id, SessionAction.RESUME, EventKind.RESUMED, note)

    def disconnect(self, session_id: int, note: str = "") -> SessionView:
        """A disconnection: the gap is not billed and remote control stops (RULES §2, §8)."""
        return self._event(session_id, SessionAction.DISCONNECT, EventKind.DISCONNECTED, note)

    def reconnect(self, session_id: int, note: str = "") -> SessionView:
        return self._event(session_id, SessionAction.RECONNECT, EventKind.RECONNECTED, note)

    def request_remote(self, session_id: int, note: str = "") -> SessionView:
        action, kind = SessionAction.REQUEST_REMOTE, EventKind.REMOTE_REQUESTED
        return self._event(session_id, action, kind, note)

    def accept_remote(
        self, session_id: int, *, backup_notice_acknowledged: bool, note: str = ""
    ) -> SessionView:
        """The client accepts; the backup notice must have been acknowledged."""
        problem = None
        if not backup_notice_acknowledged:
            problem = (
                "El cliente debe aceptar el aviso: respaldar su información es su responsabilidad."
            )
        action, kind = SessionAction.ANSWER_REMOTE, EventKind.REMOTE_ACCEPTED
        return self._event(session_id, action, kind, note, ack=True, also=problem)

    def decline_remote(self, session_id: int, note: str = "") -> SessionView:
        """The client declines: the service cannot continue (end with DECLINED_REMOTE)."""
        action, kind = SessionAction.ANSWER_REMOTE, EventKind.REMOTE_DECLINED
        return self._event(session_id, action, kind, note)

    def start_remote(self, session_id: int, note: str = "") -> SessionView:
        action, kind = SessionAction.START_REMOTE, EventKind.REMOTE_STARTED
        return self._event(session_id, action, kind, note)

    def stop_remote(self, session_id: int, *, by_client: bool, note: str = "") -> SessionView:
        kind = (
            EventKind.REMOTE_STOPPED_BY_CLIENT if by_client else EventKind.REMOTE_STOPPED_BY_ADVISOR
        )
        return self._event(session_id, SessionAction.STOP_REMOTE, kind, note)

    def start_instructions(self, session_id: int, note: str = "") -> SessionView:
        action, kind = SessionAction.START_INSTRUCTIONS, EventKind.INSTRUCTIONS_STARTED
        return self._event(session_id, action, kind, note)

    def end_instructions(self, session_id: int, note: str = "") -> SessionView:
        action, kind = SessionAction.END_INSTRUCTIONS, EventKind.INSTRUCTIONS_ENDED
        return self._event(session_id, action, kind, note)

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
            x = load_session(s, session_id, lock=True)
            if issued_receipt(s, session_id) is not None:
                raise RuleError("La sesión ya tiene recibo; la cotización no se cambia.")
            x.row.quoted_rate, x.row.quoted_amount = clean_rate, clean_amount
            s.flush()
            return session_view(s, x)

        return self.db.write(work)

    # -- end -----------------------------------------------------------------------------------
    def end(self, session_id: int, outcome: Outcome, note: str = "") -> SessionView:
        """End the session with its outcome and move the case (RULES §7)."""
        outcome = check_choice(Outcome, outcome, "El resultado")

        def work(s: Session) -> SessionView:
            x = load_session(s, session_id, lock=True)
            self._end(s, x, outcome, note)
            return session_view(s, x)

        return self.db.write(work)

    def another_request(
        self, session_id: int, outcome: Outcome, *, summary: str = "", note: str = ""
    ) -> tuple[SessionView, SessionView]:
        """End this session with its outcome and open a new case and session for the same
        client, advisor and modality, billed separately."""
        outcome = check_choice(Outcome, outcome, "El resultado")

        def work(s: Session) -> tuple[SessionView, SessionView]:
            x = load_session(s, session_id, lock=True)
            at = self._end(s, x, outcome, note)
            row = x.row
            case = self._new_case(
                s, x.case.client_id, row.device_id, row.modality, summary, at, x.case.id
            )
            new = _NewSession(
                row.advisor_id, row.device_id, row.channel, row.city, _checklist_of(row), at
            )
            fresh = self._new_session(s, case, new)
            return session_view(s, x), session_view(s, load_session(s, fresh.id))

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
                out.append(case_view(case, tariff))
            s.flush()
            return out

        return self.db.write(work)

    # -- bills ---------------------------------------------------------------------------------
    def live_bill(self, session_id: int) -> Bill:
        """The bill if the session ended now (or its final bill once ended)."""
        return self.db.read(lambda s: bill_of(s, load_session(s, session_id), self.clock()))

    def final_bill(self, session_id: int) -> Bill:
        def work(s: Session) -> Bill:
            x = load_session(s, session_id)
            if x.row.ended_at is None:
                raise RuleError("La sesión sigue en curso; termínela para su cuenta final.")
            return bill_of(s, x, x.row.ended_at)

        return self.db.read(work)

    # -- internals -----------------------------------------------------------------------------
    def _sessions(self, where: tuple[ColumnElement[bool], ...]) -> list[SessionView]:
        def work(s: Session) -> list[SessionView]:
            rows = s.scalars(
                select(WorkSession).where(*where).order_by(WorkSession.started_at, WorkSession.id)
            ).all()
            return [session_view(s, x) for x in load_sessions(s, rows)]

        return self.db.read(work)

    def _state(self, s: Session, x: LoadedSession) -> SessionState:
        cap = tariff_at(s, x.row.started_at).instructions_cap_minutes
        end = x.row.ended_at or self.clock()
        return SessionState(
            modality=x.row.modality,
            channel=x.row.channel,
            device_id=x.row.device_id,
            ended=x.row.ended_at is not None,
            status=x.status,
            instructions_elapsed=x.status.instructions_elapsed(end),
            instructions_cap=timedelta(minutes=cap),
        )

    def _event(
        self,
        session_id: int,
        action: SessionAction,
        kind: EventKind,
        note: str,
        *,
        ack: bool | None = None,
        also: str | None = None,
    ) -> SessionView:
        """Append one event if the rules allow ``action`` (``also``: one more refusal, checked
        after the rules)."""

        def work(s: Session) -> SessionView:
            x = load_session(s, session_id, lock=True)
            _require(refusal(action, self._state(s, x)) or also)
            self._append(s, x, kind, note, ack)
            return session_view(s, x)

        return self.db.write(work)

    def _end(self, s: Session, x: LoadedSession, outcome: Outcome, note: str) -> datetime:
        _require(refusal(SessionAction.END, self._state(s, x)))
        _require(outcome_refusal(outcome, x.status))
        case = self._locked_case(s, x.row.case_id)
        if x.status.instructions_since is not None:
            self._append(s, x, EventKind.INSTRUCTIONS_ENDED, "", None)
        if x.status.remote is RemoteState.ACTIVE:
            self._append(s, x, EventKind.REMOTE_STOPPED_BY_ADVISOR, "", None)
        at = self._append(s, x, EventKind.ENDED, note, None)
        x.row.ended_at = at
        x.row.outcome = outcome
        case.state = case_state_after(outcome)
        case.pending_since = at if case.state is CaseState.PENDING else None
        case.closed_at = at if case.state in (CaseState.RESOLVED, CaseState.CLOSED) else None
        s.flush()
        return at

    def _new_case(
        self,
        s: Session,
        client_id: int,
        device_id: int | None,
        modality: Modality,
        summary: str,
        at: datetime,
        previous_case_id: int | None,
    ) -> Case:
        case = Case(
            number=next_number(s, CASE_SERIES),
            client_id=client_id,
            device_id=device_id,
            modality=modality,
            summary=clean_note(summary, "El resumen del caso"),
            state=CaseState.OPEN,
            opened_at=at,
            previous_case_id=previous_case_id,
        )
        s.add(case)
        s.flush()
        return case

    def _new_session(self, s: Session, case: Case, new: _NewSession) -> WorkSession:
        advisor = get_or_fail(s, Advisor, new.advisor_id)
        if not advisor.active:
            raise RuleError(f"El asesor «{advisor.name}» está dado de baja.")
        running = s.scalars(
            select(WorkSession).where(
                WorkSession.advisor_id == new.advisor_id, WorkSession.ended_at.is_(None)
            )
        ).first()
        if running is not None:
            number = get_or_fail(s, Case, running.case_id).number
            raise RuleError(
                f"{advisor.name} ya tiene una sesión en curso (caso {case_label(number)}); "
                "termínela antes de empezar otra."
            )
        row = WorkSession(
            case_id=case.id,
            advisor_id=new.advisor_id,
            device_id=new.device_id,
            modality=case.modality,
            channel=new.channel,
            city=(new.city or "").strip(),
            started_at=new.at,
            follow_up=new.follow_up,
            payment_arrangement=new.checklist.payment,
            checklist_internet=new.checklist.internet,
            checklist_macos=new.checklist.macos,
            checklist_remote_tool=new.checklist.remote_tool,
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
        started = SessionEvent(
            session_id=row.id, seq=1, kind=EventKind.STARTED, at=new.at, note=clean_note(new.note)
        )
        s.add(started)
        s.flush()
        return row

    def _append(
        self, s: Session, x: LoadedSession, kind: EventKind, note: str, ack: bool | None
    ) -> datetime:
        """Append one event; its instant never goes before the previous one."""
        last = x.events[-1]
        at = max(self.clock(), last.at)
        event = SessionEvent(
            session_id=x.row.id,
            seq=last.seq + 1,
            kind=kind,
            at=at,
            note=clean_note(note),
            backup_notice_acknowledged=ack,
        )
        s.add(event)
        s.flush()
        x.appended(event)
        return at

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

    @staticmethod
    def _check_device(s: Session, device_id: int | None, client_id: int) -> None:
        if device_id is None:
            return
        device = get_or_fail(s, Device, device_id)
        if device.client_id != client_id:
            raise RuleError(f"El equipo {device_id} no pertenece a este cliente.")


def _checklist_of(row: WorkSession) -> Checklist:
    return Checklist(
        row.payment_arrangement,
        row.checklist_internet,
        row.checklist_macos,
        row.checklist_remote_tool,
    )
