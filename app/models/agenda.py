"""The agenda (issue 13): appointments (citas) with their append-only history, each advisor's
own working windows and blocked periods (vacation, course)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.kernel.enums import AppointmentPurpose, AppointmentState, ChangeKind, Channel, Modality
from app.models.base import Base
from app.models.types import StrEnumType, UTCDateTime
from app.models.work import AppendOnlyError


class Appointment(Base):
    """A cita: client, advisor, modality, device, [starts_at, ends_at), reason, an optional
    pending case (its follow-up) or policy (a periodic service). Its state and times change;
    every change is also an :class:`AppointmentChange`."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_advisor_id_starts_at", "advisor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"))
    modality: Mapped[Modality] = mapped_column(StrEnumType(Modality))
    channel: Mapped[Channel | None] = mapped_column(StrEnumType(Channel))
    city: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[AppointmentPurpose] = mapped_column(StrEnumType(AppointmentPurpose))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"), index=True)
    state: Mapped[AppointmentState] = mapped_column(StrEnumType(AppointmentState))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AppointmentChange(Base):
    """Append-only: one row per change of an appointment (booked, confirmed, moved…)."""

    __tablename__ = "appointment_changes"
    __table_args__ = (UniqueConstraint("appointment_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ChangeKind] = mapped_column(StrEnumType(ChangeKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(AppointmentChange, "before_update")
@event.listens_for(AppointmentChange, "before_delete")
def _changes_are_append_only(mapper: object, connection: object, target: object) -> None:
    raise AppendOnlyError("El historial de una cita no se modifica ni se borra.")


class AdvisorHours(Base):
    """One working window of an advisor on a weekday; an advisor without rows works the
    business hours of the tariff."""

    __tablename__ = "advisor_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time())
    ends: Mapped[time] = mapped_column(Time())


class BlockedPeriod(Base):
    """Time an advisor does not take appointments (vacation, a course)."""

    __tablename__ = "blocked_periods"
    __table_args__ = (Index("ix_blocked_periods_advisor_id_starts_at", "advisor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
