"""What every use case loads, written once: a row or a Spanish "does not exist", the tariff in
force at an instant, a session with its events (one loader), its bill (through the one pricing
path, :func:`app.services.billing_inputs.price_sessions`) and the plain views handed out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.policy import CaseOpening
from app.billing.pricing import Bill, StoredSession
from app.billing.session_rules import follow_up_deadline
from app.billing.tariff import Tariff, TariffHistory
from app.kernel.enums import CaseState, ReceiptStatus
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.records import record
from app.kernel.timeline import Entry, SessionStatus, derive_status
from app.models import Advisor, Case, Client, Device, Receipt, SessionEvent, WorkSession
from app.services.billing_inputs import Priced, SessionFacts, price_sessions, tariff_history
from app.services.uow import session_execute
from app.services.values import (
    AdvisorView,
    CaseView,
    ClientView,
    DeviceView,
    EventView,
    SessionView,
)

T = TypeVar("T")

_WHAT: dict[type, str] = {
    Advisor: "El asesor",
    Client: "El cliente",
    Device: "El equipo",
    Case: "El caso",
    WorkSession: "La sesión",
}
_TARIFFS = "appleuse_tariffs"


def get_or_fail(s: Session, model: type[T], ident: int, what: str | None = None) -> T:
    row = s.get(model, ident)
    if row is None:
        label = what or _WHAT.get(model, "El registro")
        raise NotFoundError(f"{label} {ident} no existe.")
    return row


# -- tariffs -------------------------------------------------------------------------------------
def tariffs(s: Session) -> TariffHistory:
    """Every tariff version, read once per unit of work."""
    found = s.info.get(_TARIFFS)
    if not isinstance(found, TariffHistory):
        found = s.info[_TARIFFS] = tariff_history(session_execute(s))
    return found


def tariff_at(s: Session, at: datetime) -> Tariff:
    """The tariff version in force at ``at`` (the documented defaults when none is stored)."""
    return tariffs(s).at(at)


def forget_tariffs(s: Session) -> None:
    """After storing a tariff version in this unit of work."""
    s.info.pop(_TARIFFS, None)


# -- sessions ------------------------------------------------------------------------------------
@record(frozen=False)
class LoadedSession:
    """A session row with its case and its events in order, and the state they give."""

    row: WorkSession
    case: Case
    events: list[SessionEvent]
    status: SessionStatus

    @property
    def pairs(self) -> list[Entry]:
        """The events as the timeline reads them (corrections with their instants)."""
        return [entry(e) for e in self.events]

    def facts(self) -> SessionFacts:
        row, case = self.row, self.case
        stored = StoredSession(
            modality=row.modality,
            started_at=row.started_at,
            ended_at=row.ended_at,
            city=row.city,
            quoted_rate=row.quoted_rate,
            quoted_amount=row.quoted_amount,
            follow_up=row.follow_up,
            case_number=case.number,
        )
        opening = CaseOpening(case.id, case.opened_at, case.modality, case.device_id)
        return SessionFacts(row.id, case.client_id, stored, opening)

    def appended(self, event: SessionEvent) -> None:
        self.events.append(event)
        self.status = derive_status(self.pairs)


def entry(e: SessionEvent) -> Entry:
    return Entry(e.kind, e.at, e.span_start, e.span_end)


def load_session(s: Session, session_id: int, *, lock: bool = False) -> LoadedSession:
    """The session with its case and events. ``lock``: PostgreSQL row lock against concurrent
    writers of the same session (SQLite writers hold ``BEGIN IMMEDIATE`` already)."""
    query = select(WorkSession).where(WorkSession.id == session_id)
    if lock:
        query = query.with_for_update()
    row = s.scalars(query).first()
    if row is None:
        raise NotFoundError(f"La sesión {session_id} no existe.")
    return load_sessions(s, [row])[0]


def load_sessions(s: Session, rows: Sequence[WorkSession]) -> list[LoadedSession]:
    """Several sessions at once: their cases and events in two more queries."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    events: dict[int, list[SessionEvent]] = defaultdict(list)
    for e in s.scalars(
        select(SessionEvent)
        .where(SessionEvent.session_id.in_(ids))
        .order_by(SessionEvent.session_id, SessionEvent.seq)
    ):
        events[e.session_id].append(e)
    cases = {c.id: c for c in s.scalars(select(Case).where(Case.id.in_({r.case_id for r in rows})))}
    out = []
    for r in rows:
        mine = events[r.id]
        out.append(LoadedSession(r, cases[r.case_id], mine, derive_status(entry(e) for e in mine)))
    return out


def issued_receipt(s: Session, session_id: int) -> Receipt | None:
    """The session's receipt in force (issued, not cancelled), if any."""
    return s.scalars(
        select(Receipt).where(
            Receipt.session_id == session_id, Receipt.status == ReceiptStatus.ISSUED
        )
    ).first()


def price(s: Session, sessions: Sequence[LoadedSession], now: datetime) -> Priced:
    """Bills of loaded sessions, through the one pricing path."""
    return price_sessions(
        session_execute(s),
        [x.facts() for x in sessions],
        {x.row.id: x.pairs for x in sessions},
        tariffs(s),
        now,
    )


def bill_of(s: Session, session: LoadedSession, now: datetime) -> Bill:
    """One session's bill (to ``now`` while it runs); the engine's refusal as a RuleError."""
    priced = price(s, [session], now)
    if session.row.id in priced.refused:
        raise RuleError(priced.refused[session.row.id])
    return priced.bills[session.row.id]


# -- views ----------------------------------------------------------------------------------------
def advisor_view(a: Advisor) -> AdvisorView:
    return AdvisorView(a.id, a.name, a.active)


def client_view(c: Client) -> ClientView:
    return ClientView(c.id, c.name, c.phone, c.email, c.rfc, c.city, c.address, c.notes, c.active)


def device_view(d: Device) -> DeviceView:
    return DeviceView(d.id, d.client_id, d.kind, d.model, d.serial, d.os_version, d.notes, d.active)


def case_view(c: Case, tariff: Tariff) -> CaseView:
    """``tariff``: the one in force now (its ``pending_days`` gives the follow-up deadline)."""
    deadline = None
    if c.state is CaseState.PENDING and c.pending_since is not None:
        deadline = follow_up_deadline(c.pending_since, tariff)
    return CaseView(
        id=c.id,
        number=c.number,
        client_id=c.client_id,
        device_id=c.device_id,
        modality=c.modality,
        summary=c.summary,
        state=c.state,
        opened_at=c.opened_at,
        pending_since=c.pending_since,
        closed_at=c.closed_at,
        follow_up_deadline=deadline,
        previous_case_id=c.previous_case_id,
    )


def event_view(s: Session, e: SessionEvent) -> EventView:
    author = get_or_fail(s, Advisor, e.author_id).name if e.author_id is not None else ""
    return EventView(
        e.seq, e.kind, e.at, e.note, e.backup_notice_acknowledged, e.span_start, e.span_end,
        author,
    )  # fmt: skip


def session_view(s: Session, x: LoadedSession) -> SessionView:
    row = x.row
    advisor = get_or_fail(s, Advisor, row.advisor_id)
    client = get_or_fail(s, Client, x.case.client_id)
    tariff = tariff_at(s, row.started_at)
    return SessionView(
        id=row.id,
        case=case_view(x.case, tariff),
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
        events=tuple(event_view(s, e) for e in x.events),
        status=x.status,
        instructions_cap=timedelta(minutes=tariff.instructions_cap_minutes),
    )
