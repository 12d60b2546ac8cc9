"""The agenda's read side (issue 13): appointments as plain views, what holds an advisor's time,
their working windows, and the items falling due. Plain queries feeding the one set of rules,
:mod:`app.billing.availability`; nothing here decides a rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.billing.availability import (
    AdvisorCalendar,
    Busy,
    Span,
    WorkingHours,
    booking_marks,
    service_due_date,
    session_span,
)
from app.billing.policy import local_day, next_review
from app.billing.session_rules import follow_up_deadline
from app.billing.tariff import Tariff
from app.kernel.enums import (
    AppointmentPurpose,
    AppointmentState,
    CaseState,
    Modality,
    PolicyBenefit,
)
from app.kernel.fmt import case_label, format_datetime, policy_label
from app.models import (
    Advisor,
    AdvisorHours,
    Appointment,
    AppointmentChange,
    BlockedPeriod,
    Case,
    Client,
    Policy,
    WorkSession,
)
from app.services.agenda_values import AppointmentView, DueItem
from app.services.loading import tariffs

ACTIVE = (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED)
#: the periodic services of a policy benefit, and the purpose of their appointments
PERIODIC = (
    (PolicyBenefit.PREVENTIVE_MAINTENANCE, AppointmentPurpose.MAINTENANCE),
    (PolicyBenefit.UPDATE_REVIEWS, AppointmentPurpose.UPDATE_REVIEW),
)


# -- views ---------------------------------------------------------------------------------------
def appointment_views(
    s: Session, where: Sequence[object], *, marks: bool = True
) -> list[AppointmentView]:
    """Appointments matching ``where`` (SQLAlchemy conditions), earliest first, with their
    client, advisor and case number in one query; ``marks``: emergencia / cotización / price
    from :func:`booking_marks`."""
    mine = AppointmentChange.appointment_id == Appointment.id  # correlated: uses its index
    n = select(func.count()).where(mine).scalar_subquery()
    last = select(func.max(AppointmentChange.at)).where(mine).scalar_subquery()
    query = (
        select(
            Appointment,
            Client.name,
            Client.email,
            Advisor.name,
            Case.number,
            n,
            last,
        )
        .join(Client, Client.id == Appointment.client_id)
        .join(Advisor, Advisor.id == Appointment.advisor_id)
        .outerjoin(Case, Case.id == Appointment.case_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(Appointment.starts_at, Advisor.name, Appointment.id)
    )
    hours = advisor_hours(s) if marks else {}
    history = tariffs(s)  # each cita priced by the tariff in force at its start
    out = []
    for a, client, email, advisor, number, count, changed in s.execute(query):
        emergency = quote = False
        total = None
        notes: tuple[str, ...] = ()
        if marks:
            m = booking_marks(
                Span(a.starts_at, a.ends_at), a.modality, a.city, history.at(a.starts_at),
                hours.get(a.advisor_id),
                follow_up=a.purpose is AppointmentPurpose.FOLLOW_UP,
            )  # fmt: skip
            emergency, quote, total, notes = m.emergency, m.requires_quote, m.bill.total, m.notes
        out.append(
            AppointmentView(
                a.id,
                a.client_id,
                client,
                a.advisor_id,
                advisor,
                a.modality,
                a.channel,
                a.city,
                a.address,
                a.device_id,
                a.starts_at,
                a.ends_at,
                a.reason,
                a.purpose,
                a.case_id,
                number,
                a.policy_id,
                a.state,
                a.cancel_reason,
                emergency,
                quote,
                total,
                notes,
                revision=max(0, int(count or 1) - 1),
                changed_at=changed or a.created_at,
                client_email=email or "",
            )
        )
    return out


def in_range(start: datetime, end: datetime, advisor_id: int | None) -> list[object]:
    """Conditions: appointments overlapping [start, end), of one advisor or all."""
    where: list[object] = [Appointment.starts_at < end, Appointment.ends_at > start]
    if advisor_id is not None:
        where.append(Appointment.advisor_id == advisor_id)
    return where


# -- working windows -----------------------------------------------------------------------------
def advisor_hours(s: Session, advisor_id: int | None = None) -> dict[int, WorkingHours]:
    """Each advisor's own windows (advisors without rows are absent: business hours)."""
    query = select(AdvisorHours).order_by(AdvisorHours.weekday, AdvisorHours.starts)
    if advisor_id is not None:
        query = query.where(AdvisorHours.advisor_id == advisor_id)
    out: dict[int, dict[int, tuple[tuple[object, object], ...]]] = {}
    for row in s.scalars(query):
        days = out.setdefault(row.advisor_id, {})
        days[row.weekday] = (*days.get(row.weekday, ()), (row.starts, row.ends))
    return out  # type: ignore[return-value]


# -- busy time -----------------------------------------------------------------------------------
def busy_of(
    s: Session, advisor_id: int, span: Span, now: datetime, tariff: Tariff,
    *, skip_appointment: int | None = None,
) -> list[Busy]:  # fmt: skip
    """Everything holding ``advisor_id``'s time that overlaps ``span``."""
    out = []
    query = select(Appointment.id, Appointment.starts_at, Appointment.ends_at, Client.name).join(
        Client, Client.id == Appointment.client_id
    )
    for aid, start, end, client in s.execute(
        query.where(
            Appointment.advisor_id == advisor_id,
            Appointment.state.in_(ACTIVE),
            Appointment.starts_at < span.end,
            Appointment.ends_at > span.start,
        )
    ):
        if aid != skip_appointment:
            out.append(Busy(Span(start, end), f"una cita con {client}"))
    for b in s.scalars(
        select(BlockedPeriod).where(
            BlockedPeriod.advisor_id == advisor_id,
            BlockedPeriod.starts_at < span.end,
            BlockedPeriod.ends_at > span.start,
        )
    ):
        reason = f" ({b.reason})" if b.reason else ""
        out.append(Busy(Span(b.starts_at, b.ends_at), f"un periodo bloqueado{reason}", "blocked"))
    for started, ended in s.execute(
        select(WorkSession.started_at, WorkSession.ended_at).where(
            WorkSession.advisor_id == advisor_id,
            WorkSession.started_at < span.end,
            or_(WorkSession.ended_at.is_(None), WorkSession.ended_at > span.start),
        )
    ):
        what = "una sesión en curso" if ended is None else "una sesión"
        out.append(Busy(session_span(started, ended, now, tariff), what, "session"))
    return out


def calendars(
    s: Session, advisors: Sequence[tuple[int, str]], span: Span, now: datetime, tariff: Tariff
) -> list[AdvisorCalendar]:
    """The advisors' windows and busy spans over ``span``, for the free-slot search."""
    hours = advisor_hours(s)
    return [
        AdvisorCalendar(
            aid, name, hours.get(aid), tuple(b.span for b in busy_of(s, aid, span, now, tariff))
        )
        for aid, name in advisors
    ]


def last_session_advisor(s: Session, case_id: int) -> int | None:
    return s.scalars(
        select(WorkSession.advisor_id)
        .where(WorkSession.case_id == case_id)
        .order_by(WorkSession.started_at.desc(), WorkSession.id.desc())
        .limit(1)
    ).first()


# -- due items -----------------------------------------------------------------------------------
def _booked(s: Session, purpose: AppointmentPurpose, **link: int) -> list[Appointment]:
    query = select(Appointment).where(
        Appointment.purpose == purpose,
        Appointment.state.in_((*ACTIVE, AppointmentState.DONE)),
        *(getattr(Appointment, k) == v for k, v in link.items()),
    )
    return list(s.scalars(query.order_by(Appointment.starts_at)))


def pending_items(s: Session, now: datetime, tariff: Tariff) -> list[DueItem]:
    """Pending cases whose free follow-up has not ended, with their deadline."""
    out = []
    rows = s.execute(
        select(Case, Client.name)
        .join(Client, Client.id == Case.client_id)
        .where(Case.state == CaseState.PENDING, Case.pending_since.is_not(None))
        .order_by(Case.pending_since)
    )
    for case, client in rows:
        assert case.pending_since is not None
        deadline = follow_up_deadline(case.pending_since, tariff)
        if deadline <= now:
            continue
        booked = any(
            a.state in ACTIVE for a in _booked(s, AppointmentPurpose.FOLLOW_UP, case_id=case.id)
        )
        text = (
            f"Caso {case_label(case.number)} pendiente: seguimiento sin costo hasta el "
            f"{format_datetime(deadline, tariff.timezone)}"
        )
        out.append(
            DueItem(
                AppointmentPurpose.FOLLOW_UP,
                local_day(deadline, tariff),
                case.client_id,
                client,
                text,
                case_id=case.id,
                advisor_id=last_session_advisor(s, case.id),
                modality=case.modality,
                deadline=deadline,
                booked=booked,
            )
        )
    return out


def policy_items(s: Session, today: date, until: date, tariff: Tariff) -> list[DueItem]:
    """Quarterly reviews and periodic services (maintenance, update reviews) due by ``until``."""
    out = []
    for p, client in s.execute(
        select(Policy, Client.name).join(Client, Client.id == Policy.client_id).order_by(Policy.id)
    ):
        if p.ended_on is not None and p.ended_on <= today:
            continue
        label = policy_label(p.id)
        answered = [v.review_date for v in p.versions if v.review_date is not None]
        review = next_review(p.start_date, p.ended_on, today, answered)
        if review is not None and review <= until:
            booked = any(
                a.state in ACTIVE
                for a in _booked(s, AppointmentPurpose.POLICY_REVIEW, policy_id=p.id)
            )
            text = f"Póliza {label}: revisión trimestral del {review:%d/%m/%Y}"
            out.append(
                DueItem(AppointmentPurpose.POLICY_REVIEW, review, p.client_id, client, text,
                        policy_id=p.id, booked=booked)
            )  # fmt: skip
        current = [v for v in p.versions if v.valid_from <= today]
        benefits = set(current[-1].benefits) if current else set()
        for benefit, purpose in PERIODIC:
            if benefit.value not in benefits:
                continue
            done = _booked(s, purpose, policy_id=p.id)
            last = local_day(done[-1].starts_at, tariff) if done else None
            due = service_due_date(p.start_date, p.service_months, last)
            if due <= until:
                text = f"Póliza {label}: {purpose.label.lower()} (cada {p.service_months} meses)"
                out.append(
                    DueItem(purpose, due, p.client_id, client, text, policy_id=p.id,
                            modality=Modality.REMOTE if purpose is AppointmentPurpose.UPDATE_REVIEW
                            else Modality.ONSITE)
                )  # fmt: skip
    return out


def due_items(s: Session, now: datetime, days: int, tariff: Tariff) -> list[DueItem]:
    today = local_day(now, tariff)
    until = today + timedelta(days=days)
    items = pending_items(s, now, tariff) + policy_items(s, today, until, tariff)
    return sorted(items, key=lambda i: (i.due, i.client_name.casefold(), i.purpose.value))
