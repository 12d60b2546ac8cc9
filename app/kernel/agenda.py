"""The agenda's enumerations (issue 13): an appointment's state, what it is for, and the kinds
of its append-only history. Stored by value; ``label`` is the Spanish text the advisor sees.
Which state may follow which is a rule and lives in ``app.billing.availability``."""

from __future__ import annotations

from enum import StrEnum


class AppointmentState(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]

    @property
    def active(self) -> bool:
        """Still holds its time on the advisor's agenda (scheduled or confirmed)."""
        return self in (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED)


class AppointmentPurpose(StrEnum):
    """What a visit is for: a new request, a pending case's follow-up, or a policy's service."""

    GENERAL = "general"
    FOLLOW_UP = "follow_up"
    MAINTENANCE = "maintenance"
    UPDATE_REVIEW = "update_review"
    POLICY_REVIEW = "policy_review"

    @property
    def label(self) -> str:
        return _PURPOSE_LABELS[self]


class ChangeKind(StrEnum):
    """One entry of an appointment's history (append-only, like session events)."""

    BOOKED = "booked"
    CONFIRMED = "confirmed"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DONE = "done"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return _CHANGE_LABELS[self]


_STATE_LABELS = {
    AppointmentState.SCHEDULED: "Programada",
    AppointmentState.CONFIRMED: "Confirmada",
    AppointmentState.DONE: "Realizada",
    AppointmentState.NO_SHOW: "No se presentó",
    AppointmentState.CANCELLED: "Cancelada",
}
_PURPOSE_LABELS = {
    AppointmentPurpose.GENERAL: "Cita",
    AppointmentPurpose.FOLLOW_UP: "Seguimiento de caso pendiente",
    AppointmentPurpose.MAINTENANCE: "Mantenimiento preventivo",
    AppointmentPurpose.UPDATE_REVIEW: "Revisión de actualizaciones",
    AppointmentPurpose.POLICY_REVIEW: "Revisión trimestral de póliza",
}
_CHANGE_LABELS = {
    ChangeKind.BOOKED: "Agendada",
    ChangeKind.CONFIRMED: "Confirmada",
    ChangeKind.MOVED: "Cambio de horario",
    ChangeKind.CANCELLED: "Cancelada",
    ChangeKind.DONE: "Realizada",
    ChangeKind.NO_SHOW: "No se presentó",
}
