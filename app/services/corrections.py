"""Time corrected after the fact, notes during a session and past sessions entered by hand
(RULES §2, §8: records are append-only; corrections are new entries).

Each one is a new session event (``app.kernel.enums.EventKind``) with its reason (``note``),
its author (the advisor) and the instant it was recorded (``at``, from the injected clock);
nothing stored is rewritten. ``app.kernel.timeline.effective_timeline`` applies them for every
reader (the stopwatch, the bill, the receipt, the corte), and the session row keeps the
effective start and end so that queries by date (the corte's day) see the corrected times.

Whether a correction is valid is ``app.billing.session_rules.correction_refusal``; a session
with an issued receipt is never corrected (the receipt is immutable: cancel it first).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.session_rules import (
    SessionState,
    case_state_after,
    correction_refusal,
    manual_session_refusal,
    note_refusal,
    outcome_refusal,
    stored_checklist,
)
from app.kernel.clock import Clock
from app.kernel.enums import CaseState, EventKind, Modality, Outcome
from app.kernel.errors import RuleError
from app.kernel.fmt import case_label, format_datetime
from app.kernel.limits import check_choice, check_moment
from app.kernel.timeline import Entry, derive_status, effective_span
from app.models import Advisor, Case, Client, Device, SessionEvent, WorkSession
from app.services.correction_data import ManualSession
from app.services.counters import CASE_SERIES, next_number
from app.services.data import clean_note
from app.services.loading import (
    LoadedSession,
    get_or_fail,
    issued_receipt,
    load_session,
    session_view,
)
from app.services.uow import Database
from app.services.values import SessionView

__all__ = ["CorrectionService", "ManualSession"]


def _reason(text: str) -> str:
    reason = clean_note(text, "El motivo")
    if not reason:
        raise RuleError("Indique el motivo de la corrección.")
    return reason


def _author(s: Session, author_id: int) -> Advisor:
    return get_or_fail(s, Advisor, author_id)


class CorrectionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- corrections ---------------------------------------------------------------------------
    def correct_start(
        self, session_id: int, start: datetime, *, reason: str, author_id: int
    ) -> SessionView:
        """The session really started at ``start`` (a timer started late or early)."""
        moment = check_moment(start, "El inicio")
        entry = Entry(EventKind.START_CORRECTED, moment, span_start=moment)
        return self._correct(session_id, entry, reason, author_id)

    def correct_end(
        self, session_id: int, end: datetime, *, reason: str, author_id: int
    ) -> SessionView:
        """The ended session really ended at ``end`` (a forgotten timer)."""
        moment = check_moment(end, "El fin")
        entry = Entry(EventKind.END_CORRECTED, moment, span_end=moment)
        return self._correct(session_id, entry, reason, author_id)

    def add_pause(
        self, session_id: int, start: datetime, end: datetime, *, reason: str, author_id: int
    ) -> SessionView:
        """A pause that was not recorded when it happened (not worked, not billed)."""
        return self._gap(EventKind.PAUSE_ADDED, session_id, start, end, reason, author_id)

    def add_disconnection(
        self, session_id: int, start: datetime, end: datetime, *, reason: str, author_id: int
    ) -> SessionView:
        """A disconnection that was not recorded when it happened (remote sessions)."""
        return self._gap(EventKind.DISCONNECTION_ADDED, session_id, start, end, reason, author_id)

    # -- notes ---------------------------------------------------------------------------------
    def add_note(self, session_id: int, text: str, *, author_id: int | None = None) -> SessionView:
        """A timestamped note written while the session runs (paused or disconnected too)."""
        note = clean_note(text)
        if not note:
            raise RuleError("Escriba la nota.")

        def work(s: Session) -> SessionView:
            x = load_session(s, session_id, lock=True)
            if author_id is not None:
                _author(s, author_id)
            row = x.row
            state = SessionState(
                row.modality, row.channel, row.device_id, row.ended_at is not None, x.status
            )
            problem = note_refusal(state)
            if problem:
                raise RuleError(problem)
            self._append(s, x, Entry(EventKind.NOTE, self.clock()), note, author_id)
            return session_view(s, x)

        return self.db.write(work)

    # -- a past session ------------------------------------------------------------------------
    def add_manual_session(self, data: ManualSession) -> SessionView:
        """Record a past session by hand: a new case and an ended session, billed like any
        other and marked as entered by hand (with its reason, author and recorded-at)."""
        modality = check_choice(Modality, data.modality, "La modalidad")
        outcome = check_choice(Outcome, data.outcome, "El resultado")
        start, end = check_moment(data.start, "El inicio"), check_moment(data.end, "El fin")
        reason = _reason(data.reason)

        def work(s: Session) -> SessionView:
            now = self.clock()
            refused = manual_session_refusal(
                modality, data.channel, (start, end), now
            ) or outcome_refusal(outcome, derive_status(()))
            if refused:
                raise RuleError(refused)
            advisor = _author(s, data.advisor_id)
            client = get_or_fail(s, Client, data.client_id)
            if data.device_id is not None:
                device = get_or_fail(s, Device, data.device_id)
                if device.client_id != client.id:
                    raise RuleError(f"El equipo {data.device_id} no pertenece a este cliente.")
            self._check_overlap(s, advisor, start, end, now)
            row = self._manual_rows(s, data, modality, outcome, client, (start, end))
            x = load_session(s, row.id)
            self._append(
                s, x, Entry(EventKind.RECORDED_MANUALLY, now, start, end), reason, advisor.id
            )
            return session_view(s, x)

        return self.db.write(work)

    # -- internals -----------------------------------------------------------------------------
    def _gap(
        self,
        kind: EventKind,
        session_id: int,
        start: datetime,
        end: datetime,
        reason: str,
        author_id: int,
    ) -> SessionView:
        low, high = check_moment(start, "El inicio"), check_moment(end, "El fin")
        return self._correct(session_id, Entry(kind, low, low, high), reason, author_id)

    def _correct(
        self, session_id: int, correction: Entry, reason: str, author_id: int
    ) -> SessionView:
        """Append one correction if the timeline stays valid; the session row follows the
        effective start and end; the case's opening follows the start of the session it
        opened with, its pending or closing instant the end."""
        why = _reason(reason)

        def work(s: Session) -> SessionView:
            now = self.clock()
            x = load_session(s, session_id, lock=True)
            _author(s, author_id)
            receipt = issued_receipt(s, session_id)
            if receipt is not None:
                raise RuleError(
                    f"La sesión tiene el recibo {receipt.folio} emitido, que no se modifica; "
                    "cancélelo primero para corregir la sesión."
                )
            problem = correction_refusal(x.row.modality, x.pairs, correction, now)
            if problem:
                raise RuleError(problem)
            old_start, old_end = x.row.started_at, x.row.ended_at
            self._append(s, x, correction._replace(at=now), why, author_id)
            start, end = effective_span(x.pairs)
            assert start is not None
            x.row.started_at = start
            if x.case.opened_at == old_start:  # the case opened with this session
                x.case.opened_at = start
            if old_end is not None and end is not None and end != old_end:
                x.row.ended_at = end
                if x.case.pending_since == old_end:
                    x.case.pending_since = end
                if x.case.closed_at == old_end:
                    x.case.closed_at = end
            s.flush()
            return session_view(s, x)

        return self.db.write(work)

    def _append(
        self, s: Session, x: LoadedSession, entry: Entry, note: str, author_id: int | None
    ) -> None:
        last = x.events[-1]
        event = SessionEvent(
            session_id=x.row.id,
            seq=last.seq + 1,
            kind=entry.kind,
            at=max(entry.at, last.at),
            note=note,
            span_start=entry.span_start,
            span_end=entry.span_end,
            author_id=author_id,
        )
        s.add(event)
        s.flush()
        x.appended(event)

    @staticmethod
    def _check_overlap(
        s: Session, advisor: Advisor, start: datetime, end: datetime, now: datetime
    ) -> None:
        """An advisor works one session at a time: a past session may not overlap another."""
        for other in s.scalars(
            select(WorkSession).where(
                WorkSession.advisor_id == advisor.id, WorkSession.started_at < end
            )
        ):
            if (other.ended_at or now) > start:
                number = get_or_fail(s, Case, other.case_id).number
                raise RuleError(
                    f"{advisor.name} ya tenía una sesión en ese horario (caso "
                    f"{case_label(number)}, desde {format_datetime(other.started_at)})."
                )

    @staticmethod
    def _manual_rows(
        s: Session,
        data: ManualSession,
        modality: Modality,
        outcome: Outcome,
        client: Client,
        span: tuple[datetime, datetime],
    ) -> WorkSession:
        start, end = span
        state = case_state_after(outcome)
        case = Case(
            number=next_number(s, CASE_SERIES),
            client_id=client.id,
            device_id=data.device_id,
            modality=modality,
            summary=clean_note(data.summary, "El resumen del caso"),
            state=state,
            opened_at=start,
            pending_since=end if state is CaseState.PENDING else None,
            closed_at=end if state in (CaseState.RESOLVED, CaseState.CLOSED) else None,
        )
        s.add(case)
        s.flush()
        checklist = stored_checklist(modality, None)
        row = WorkSession(
            case_id=case.id, advisor_id=data.advisor_id, device_id=data.device_id,
            modality=modality, channel=data.channel, city=client.city.strip(),
            started_at=start, ended_at=end, outcome=outcome,
            payment_arrangement=checklist.payment, notes="",
        )  # fmt: skip
        s.add(row)
        s.flush()
        s.add(SessionEvent(session_id=row.id, seq=1, kind=EventKind.STARTED, at=start))
        s.add(SessionEvent(session_id=row.id, seq=2, kind=EventKind.ENDED, at=end))
        s.flush()
        return row
