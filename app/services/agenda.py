"""The agenda's use cases (issue 13): book, confirm, move, cancel (with a reason), mark done or
no-show; working windows and blocked periods; free slots; items due; calendar files.

An advisor is never double-booked: every write that gives an advisor time first locks that
advisor's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already hold ``BEGIN
IMMEDIATE``), then checks what holds their time, so of two advisors booking the same slot at
once exactly one wins and the other gets the Spanish refusal. Each change is also one row of the
appointment's append-only history. Every rule is :mod:`app.billing.availability`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.billing.availability import (
    SEARCH_DAYS,
    Span,
    booking_marks,
    booking_refusal,
    change_refusal,
    free_slots,
    hours_problem,
    minutes_problem,
    service_months_problem,
    span_of,
    state_after,
)
from app.billing.policy import day_start, local_day
from app.billing.session_rules import follow_up_refusal
from app.documents.agenda_list import AgendaList
from app.kernel.clock import Clock
from app.kernel.enums import AppointmentPurpose, AppointmentState, ChangeKind, Channel, Modality
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.limits import check_choice, check_moment, check_text
from app.models import (
    Advisor,
    AdvisorHours,
    Appointment,
    AppointmentChange,
    BlockedPeriod,
    Case,
    Client,
    Device,
    Policy,
)
from app.services.agenda_read import (
    advisor_hours,
    appointment_views,
    busy_of,
    calendars,
    due_items,
    in_range,
    last_session_advisor,
)
from app.services.agenda_values import (
    AppointmentData,
    AppointmentView,
    BlockedView,
    BookingPreview,
    ChangeView,
    DueItem,
    Hours,
    SlotView,
)
from app.services.data import clean_note
from app.services.loading import get_or_fail, tariff_at
from app.services.uow import Database


def _require(problem: str | None) -> None:
    if problem:
        raise RuleError(problem)


def _lock_advisor(s: Session, advisor_id: int) -> Advisor:
    """The advisor's row, locked until commit (PostgreSQL): bookings for one advisor queue."""
    advisor = s.scalars(
        select(Advisor)
        .where(Advisor.id == advisor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if advisor is None:
        raise NotFoundError(f"El asesor {advisor_id} no existe.")
    return advisor


def _lock_appointment(s: Session, appointment_id: int) -> Appointment:
    row = s.scalars(
        select(Appointment)
        .where(Appointment.id == appointment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFoundError(f"La cita {appointment_id} no existe.")
    return row


def _record(s: Session, a: Appointment, kind: ChangeKind, at: datetime, note: str = "") -> None:
    seq = s.scalar(
        select(func.coalesce(func.max(AppointmentChange.seq), 0)).where(
            AppointmentChange.appointment_id == a.id
        )
    )
    s.add(
        AppointmentChange(
            appointment_id=a.id,
            seq=int(seq or 0) + 1,
            kind=kind,
            at=at,
            advisor_id=a.advisor_id,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            note=note,
        )
    )


class AgendaService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- booking -------------------------------------------------------------------------------
    def _checked(self, s: Session, data: AppointmentData, now: datetime) -> AppointmentData:
        """The request with its links checked and its purpose and city settled."""
        modality = check_choice(Modality, data.modality, "La modalidad")
        channel = None if data.channel is None else check_choice(Channel, data.channel, "El canal")
        check_moment(data.start, "El inicio de la cita")
        _require(minutes_problem(data.minutes))
        client = get_or_fail(s, Client, data.client_id)
        if not client.active:
            raise RuleError(f"El cliente «{client.name}» está dado de baja.")
        advisor = get_or_fail(s, Advisor, data.advisor_id)
        if not advisor.active:
            raise RuleError(f"El asesor «{advisor.name}» está dado de baja.")
        if data.device_id is not None:
            device = get_or_fail(s, Device, data.device_id)
            if device.client_id != client.id:
                raise RuleError("El equipo no es de este cliente.")
        purpose = data.purpose or AppointmentPurpose.GENERAL
        if data.case_id is not None:
            case = get_or_fail(s, Case, data.case_id)
            if case.client_id != client.id:
                raise RuleError("El caso no es de este cliente.")
            tariff = tariff_at(s, now)
            _require(
                follow_up_refusal(case.state, case.pending_since, case.number, data.start, tariff)
            )
            purpose = AppointmentPurpose.FOLLOW_UP
        if data.policy_id is not None:
            policy = get_or_fail(s, Policy, data.policy_id, "La póliza")
            if policy.client_id != client.id:
                raise RuleError("La póliza no es de este cliente.")
            if purpose is AppointmentPurpose.GENERAL:
                purpose = AppointmentPurpose.MAINTENANCE
        city = client.city if data.city is None else data.city
        return replace(
            data, modality=modality, channel=channel, purpose=purpose,
            city=check_text(city.strip(), "La ciudad"),
            address=clean_note(data.address or client.address, "La dirección"),
            reason=clean_note(data.reason, "El motivo"),
        )  # fmt: skip

    def _fits(
        self, s: Session, advisor: Advisor, span: Span, now: datetime, skip: int | None = None
    ) -> None:
        tariff = tariff_at(s, now)
        busy = busy_of(s, advisor.id, span, now, tariff, skip_appointment=skip)
        _require(booking_refusal(span, now, busy, advisor.name, tariff))

    def preview(self, data: AppointmentData, *, moving: int | None = None) -> BookingPreview:
        """Whether the appointment fits, and its marks and price, without saving anything."""

        def work(s: Session) -> BookingPreview:
            now = self.clock()
            tariff = tariff_at(s, now)
            try:
                clean = self._checked(s, data, now)
                span = span_of(clean.start, clean.minutes)
            except (RuleError, NotFoundError) as exc:
                return BookingPreview(str(exc), False, False, None, ())
            refusal = None
            try:
                self._fits(s, get_or_fail(s, Advisor, clean.advisor_id), span, now, moving)
            except RuleError as exc:
                refusal = str(exc).removesuffix(" No se guardó nada.")
            m = booking_marks(
                span, clean.modality, clean.city, tariff, self._hours(s, clean.advisor_id),
                follow_up=clean.purpose is AppointmentPurpose.FOLLOW_UP,
            )  # fmt: skip
            return BookingPreview(refusal, m.emergency, m.requires_quote, m.bill.total, m.notes)

        return self.db.read(work)

    def book(self, data: AppointmentData) -> AppointmentView:
        """Save a cita; refused (nothing saved) when it clashes, starts in the past, or a link
        does not fit."""

        def work(s: Session) -> AppointmentView:
            now = self.clock()
            advisor = _lock_advisor(s, data.advisor_id)
            clean = self._checked(s, data, now)
            span = span_of(clean.start, clean.minutes)
            self._fits(s, advisor, span, now)
            assert clean.purpose is not None
            row = Appointment(
                client_id=clean.client_id, advisor_id=advisor.id, modality=clean.modality,
                channel=clean.channel, city=clean.city or "", address=clean.address,
                device_id=clean.device_id, starts_at=span.start, ends_at=span.end,
                reason=clean.reason, purpose=clean.purpose, case_id=clean.case_id,
                policy_id=clean.policy_id, state=AppointmentState.SCHEDULED, created_at=now,
            )  # fmt: skip
            s.add(row)
            s.flush()
            _record(s, row, ChangeKind.BOOKED, now, clean.reason)
            return self._view(s, row.id, now)

        return self.db.write(work)

    def move(
        self,
        appointment_id: int,
        start: datetime,
        *,
        minutes: int | None = None,
        advisor_id: int | None = None,
        note: str = "",
    ) -> AppointmentView:
        """A new time (and optionally length or advisor); it then needs a new confirmation."""
        check_moment(start, "El nuevo inicio")
        text = clean_note(note, "La nota")

        def work(s: Session) -> AppointmentView:
            now = self.clock()
            row = _lock_appointment(s, appointment_id)
            _require(change_refusal(row.state, ChangeKind.MOVED, row.starts_at, now))
            advisor = _lock_advisor(s, advisor_id or row.advisor_id)
            if not advisor.active:
                raise RuleError(f"El asesor «{advisor.name}» está dado de baja.")
            length = minutes if minutes is not None else int(
                (row.ends_at - row.starts_at).total_seconds() // 60
            )  # fmt: skip
            span = span_of(start, length)
            self._fits(s, advisor, span, now, skip=row.id)
            if row.case_id is not None:
                case = get_or_fail(s, Case, row.case_id)
                _require(
                    follow_up_refusal(case.state, case.pending_since, case.number, span.start,
                                      tariff_at(s, now))
                )  # fmt: skip
            row.advisor_id, row.starts_at, row.ends_at = advisor.id, span.start, span.end
            row.state = state_after(row.state, ChangeKind.MOVED)
            _record(s, row, ChangeKind.MOVED, now, text)
            return self._view(s, row.id, now)

        return self.db.write(work)

    def _change(self, appointment_id: int, kind: ChangeKind, note: str = "") -> AppointmentView:
        def work(s: Session) -> AppointmentView:
            now = self.clock()
            row = _lock_appointment(s, appointment_id)
            _require(change_refusal(row.state, kind, row.starts_at, now))
            row.state = state_after(row.state, kind)
            if kind is ChangeKind.CANCELLED:
                row.cancel_reason = note
            _record(s, row, kind, now, note)
            return self._view(s, row.id, now)

        return self.db.write(work)

    def confirm(self, appointment_id: int) -> AppointmentView:
        return self._change(appointment_id, ChangeKind.CONFIRMED)

    def cancel(self, appointment_id: int, reason: str) -> AppointmentView:
        text = clean_note(reason, "El motivo de la cancelación")
        if not text:
            raise RuleError("Indique el motivo de la cancelación.")
        return self._change(appointment_id, ChangeKind.CANCELLED, text)

    def mark_done(self, appointment_id: int, note: str = "") -> AppointmentView:
        return self._change(appointment_id, ChangeKind.DONE, clean_note(note))

    def mark_no_show(self, appointment_id: int, note: str = "") -> AppointmentView:
        return self._change(appointment_id, ChangeKind.NO_SHOW, clean_note(note))

    # -- queries -------------------------------------------------------------------------------
    def _view(self, s: Session, appointment_id: int, now: datetime) -> AppointmentView:
        found = appointment_views(s, [Appointment.id == appointment_id])
        if not found:
            raise NotFoundError(f"La cita {appointment_id} no existe.")
        return found[0]

    def appointment(self, appointment_id: int) -> AppointmentView:
        return self.db.read(lambda s: self._view(s, appointment_id, self.clock()))

    def appointments(
        self,
        start: datetime,
        end: datetime,
        advisor_id: int | None = None,
        *,
        include_cancelled: bool = True,
        marks: bool = True,
    ) -> list[AppointmentView]:
        """Appointments overlapping [start, end), earliest first."""
        check_moment(start, "El inicio")
        check_moment(end, "El fin")
        where = in_range(start, end, advisor_id)
        if not include_cancelled:
            where.append(Appointment.state != AppointmentState.CANCELLED)
        return self.db.read(lambda s: appointment_views(s, where, marks=marks))

    def history(self, appointment_id: int) -> list[ChangeView]:
        def work(s: Session) -> list[ChangeView]:
            get_or_fail(s, Appointment, appointment_id, "La cita")
            rows = s.execute(
                select(AppointmentChange, Advisor.name)
                .join(Advisor, Advisor.id == AppointmentChange.advisor_id)
                .where(AppointmentChange.appointment_id == appointment_id)
                .order_by(AppointmentChange.seq)
            )
            return [
                ChangeView(c.seq, c.kind, c.at, name, c.starts_at, c.ends_at, c.note)
                for c, name in rows
            ]

        return self.db.read(work)

    def local_midnight(self, moment: datetime | None = None) -> datetime:
        """The start of ``moment``'s local day (today's by default), as an instant."""

        def work(s: Session) -> datetime:
            at = moment or self.clock()
            tariff = tariff_at(s, at)
            return day_start(local_day(at, tariff), tariff)

        return self.db.read(work)

    # -- free slots and due items --------------------------------------------------------------
    def free_slots(
        self,
        minutes: int,
        *,
        advisor_id: int | None = None,
        start: datetime | None = None,
        count: int = 5,
        case_id: int | None = None,
    ) -> list[SlotView]:
        """The next ``count`` free starts within working windows for one advisor or any; for a
        pending case's follow-up, only before its deadline and by default with the advisor of
        its last session (RULES §7)."""

        def work(s: Session) -> list[SlotView]:
            now = self.clock()
            tariff = tariff_at(s, now)
            frm = max(now, check_moment(start, "El inicio de la búsqueda") if start else now)
            until = None
            who = advisor_id
            if case_id is not None:
                case = get_or_fail(s, Case, case_id)
                _require(
                    follow_up_refusal(case.state, case.pending_since, case.number, now, tariff)
                )
                assert case.pending_since is not None
                until = case.pending_since + timedelta(days=tariff.pending_days)
                who = who or last_session_advisor(s, case_id)
            query = select(Advisor.id, Advisor.name).where(Advisor.active.is_(True))
            if who is not None:
                get_or_fail(s, Advisor, who)
                query = query.where(Advisor.id == who)
            advisors = [(int(a), str(n)) for a, n in s.execute(query.order_by(Advisor.name))]
            last = until or frm + timedelta(days=SEARCH_DAYS)
            for days in (2, 7, 21, SEARCH_DAYS):  # read two days of busy time first, more if needed
                end = min(last, frm + timedelta(days=days))
                cals = calendars(s, advisors, Span(frm, end), now, tariff)
                found = free_slots(frm, minutes, cals, tariff, count=count, until=end)
                if len(found) >= count or end >= last:
                    break
            return [SlotView(x.advisor_id, x.advisor_name, x.span.start, x.span.end) for x in found]

        try:
            return self.db.read(work)
        except ValueError as exc:  # BillingError from the search's own checks
            raise RuleError(str(exc)) from None

    def due(self, days: int = 14) -> list[DueItem]:
        """Pending cases with their deadline, quarterly reviews and periodic services due in
        the next ``days`` days (overdue ones included)."""
        return self.db.read(lambda s: due_items(s, self.clock(), days, tariff_at(s, self.clock())))

    # -- working windows, blocked periods, a policy's periodicity --------------------------------
    def _hours(self, s: Session, advisor_id: int) -> Hours | None:
        return advisor_hours(s, advisor_id).get(advisor_id)  # type: ignore[return-value]

    def working_hours(self, advisor_id: int) -> Hours | None:
        """The advisor's own windows (None: the business hours)."""
        return self.db.read(lambda s: self._hours(s, advisor_id))

    def set_working_hours(self, advisor_id: int, hours: Hours | None) -> None:
        """Replace the advisor's windows (None: back to the business hours)."""
        if hours is not None:
            _require(hours_problem(hours))

        def work(s: Session) -> None:
            _lock_advisor(s, advisor_id)
            s.execute(delete(AdvisorHours).where(AdvisorHours.advisor_id == advisor_id))
            for day, windows in (hours or {}).items():
                for start, end in windows:
                    s.add(AdvisorHours(advisor_id=advisor_id, weekday=day, starts=start, ends=end))

        self.db.write(work)

    def block(self, advisor_id: int, start: datetime, end: datetime, reason: str) -> BlockedView:
        """Block a period (vacation, course): no appointment may take it. Refused when an
        active appointment is already there."""
        check_moment(start, "El inicio")
        check_moment(end, "El fin")
        if end <= start:
            raise RuleError("El periodo bloqueado debe terminar después de empezar.")
        text = check_text(reason.strip(), "El motivo")

        def work(s: Session) -> BlockedView:
            now = self.clock()
            advisor = _lock_advisor(s, advisor_id)
            span = Span(start, end)
            busy = busy_of(s, advisor.id, span, now, tariff_at(s, now))
            taken = [b for b in busy if b.kind == "appointment"]
            if taken:
                raise RuleError(
                    f"{advisor.name} ya tiene {taken[0].what} en ese periodo; muévala o "
                    "cancélela antes de bloquearlo."
                )
            row = BlockedPeriod(
                advisor_id=advisor.id, starts_at=start, ends_at=end, reason=text, created_at=now
            )
            s.add(row)
            s.flush()
            return BlockedView(row.id, row.advisor_id, row.starts_at, row.ends_at, row.reason)

        return self.db.write(work)

    def blocked(
        self, start: datetime, end: datetime, advisor_id: int | None = None
    ) -> list[BlockedView]:
        def work(s: Session) -> list[BlockedView]:
            query = select(BlockedPeriod).where(
                BlockedPeriod.starts_at < end, BlockedPeriod.ends_at > start
            )
            if advisor_id is not None:
                query = query.where(BlockedPeriod.advisor_id == advisor_id)
            return [
                BlockedView(b.id, b.advisor_id, b.starts_at, b.ends_at, b.reason)
                for b in s.scalars(query.order_by(BlockedPeriod.starts_at))
            ]

        return self.db.read(work)

    def unblock(self, blocked_id: int) -> None:
        def work(s: Session) -> None:
            s.delete(get_or_fail(s, BlockedPeriod, blocked_id, "El periodo bloqueado"))

        self.db.write(work)

    def service_months(self, policy_id: int) -> int:
        return self.db.read(lambda s: get_or_fail(s, Policy, policy_id, "La póliza").service_months)

    def set_service_months(self, policy_id: int, months: int) -> None:
        """Months between a policy's preventive maintenance visits and update reviews."""
        _require(service_months_problem(months))

        def work(s: Session) -> None:
            get_or_fail(s, Policy, policy_id, "La póliza").service_months = months

        self.db.write(work)

    # -- calendar files ------------------------------------------------------------------------
    def calendar_ics(
        self, start: datetime, end: datetime, advisor_id: int | None = None, *, name: str = ""
    ) -> bytes:
        from app.documents.agenda_ics import calendar_bytes
        from app.services.agenda_docs import ics_events

        return calendar_bytes(ics_events(self.appointments(start, end, advisor_id)), name)

    def invitation_ics(self, appointment_id: int) -> bytes:
        from app.documents.agenda_ics import invitation_bytes
        from app.services.agenda_docs import ics_events

        return invitation_bytes(ics_events([self.appointment(appointment_id)], invite=True)[0])

    def agenda_list(
        self, start: datetime, end: datetime, advisor_id: int | None, title: str, business: str
    ) -> AgendaList:
        """The appointments of [start, end) as the list documents print (CSV, PDF)."""
        from app.services.agenda_docs import agenda_list

        return agenda_list(self.appointments(start, end, advisor_id), title, self.clock(), business)

    def case_id(self, folio: str) -> int:
        """The case named ``C-000012`` (or ``12``)."""
        raw = folio.strip().upper().removeprefix("C-")
        if not raw.isdigit():
            raise RuleError(f"El caso «{folio}» no es válido; escríbalo como C-000012.")

        def work(s: Session) -> int:
            found = s.scalars(select(Case.id).where(Case.number == int(raw))).first()
            if found is None:
                raise NotFoundError(f"El caso «{folio}» no existe.")
            return found

        return self.db.read(work)

    def write_subscription(self, advisor_id: int, path: Path, *, weeks: int = 26) -> Path:
        """The advisor's calendar file that Calendar on the Mac or an iPhone subscribes to,
        rewritten whole (temporary file + rename): from 4 weeks back to ``weeks`` ahead."""
        from app.services.agenda_docs import write_whole

        now = self.clock()
        advisor = self.db.read(lambda s: get_or_fail(s, Advisor, advisor_id).name)
        data = self.calendar_ics(
            now - timedelta(weeks=4), now + timedelta(weeks=weeks), advisor_id,
            name=f"AppleUse — {advisor}",
        )  # fmt: skip
        write_whole(path, data)
        return path
