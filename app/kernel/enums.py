"""Every enumeration of the app, once. Stored by value; ``label`` is the Spanish text the
advisor sees. Which member leads to which (an outcome to a case state, a modality to its event
class) is a rule and lives in ``app.billing``."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS[type(self)][self.value]


class DeviceKind(_Labelled):
    MAC = "mac"
    IPHONE = "iphone"
    IPAD = "ipad"
    OTHER = "other"


class CaseState(_Labelled):
    OPEN = "open"
    RESOLVED = "resolved"
    PENDING = "pending"
    ESCALATED = "escalated"
    CLOSED = "closed"
    EXPIRED = "expired"


class Channel(_Labelled):
    PHONE = "phone"
    CHAT = "chat"
    REMOTE_DESKTOP = "remote_desktop"


class Outcome(_Labelled):
    """How a session ends (RULES §7); each one moves the case."""

    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    INTERRUPTED = "interrupted"
    UNSOLVABLE = "unsolvable"
    DECLINED_REMOTE = "declined_remote"
    ESCALATED = "escalated"


class PaymentArrangement(_Labelled):
    PREPAID = "prepaid"  # covered in advance
    LATER = "later"  # later payment agreed with the advisor
    AT_END = "at_end"  # in person: paid at the end


class RemoteTool(_Labelled):
    ICLOUD = "icloud"
    TEAMVIEWER = "teamviewer"


class EventKind(_Labelled):
    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    DISCONNECTED = "disconnected"
    RECONNECTED = "reconnected"
    REMOTE_REQUESTED = "remote_requested"
    REMOTE_ACCEPTED = "remote_accepted"
    REMOTE_DECLINED = "remote_declined"
    REMOTE_STARTED = "remote_started"
    REMOTE_STOPPED_BY_CLIENT = "remote_stopped_by_client"
    REMOTE_STOPPED_BY_ADVISOR = "remote_stopped_by_advisor"
    INSTRUCTIONS_STARTED = "instructions_started"
    INSTRUCTIONS_ENDED = "instructions_ended"
    ENDED = "ended"
    # Entered afterwards, each with its reason (``note``), author and recorded-at instant
    # (``at``); ``app.kernel.timeline.effective_timeline`` applies them.
    NOTE = "note"  # a note written while the session runs
    START_CORRECTED = "start_corrected"  # span_start: the start it should have had
    END_CORRECTED = "end_corrected"  # span_end: the end it should have had
    PAUSE_ADDED = "pause_added"  # [span_start, span_end): a forgotten pause
    DISCONNECTION_ADDED = "disconnection_added"  # [span_start, span_end): a forgotten one
    RECORDED_MANUALLY = "recorded_manually"  # a past session entered by hand


class ReceiptStatus(_Labelled):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class PaymentMethod(_Labelled):
    CASH = "cash"
    TRANSFER = "transfer"
    CARD = "card"
    OTHER = "other"


class Modality(_Labelled):
    REMOTE = "remote"
    OFFICE = "office"
    ONSITE = "onsite"


class Band(_Labelled):
    """Business hours or outside them ("emergencia"), RULES §1."""

    BUSINESS = "business"
    OUTSIDE = "outside"


class LineKind(StrEnum):
    """The kind of a bill or receipt line."""

    HOURS = "hours"
    COVERED = "covered"
    QUOTED = "quoted"
    DISCOUNT = "discount"
    CREDIT = "credit"


class EventClass(_Labelled):
    """Which expected events of a policy a case consumes: remote, or in person (office and
    onsite). The label is the plural adjective: "2 eventos a distancia"."""

    REMOTE = "remote"
    IN_PERSON = "in_person"


class AllowanceLevel(StrEnum):
    """How much of a month's policy allowance is used."""

    NONE = "none"  # the policy expects no events of this class
    OK = "ok"  # below the warning share
    WARNING = "warning"  # at or above the warning share, events remain
    FULL = "full"  # all used: the next case is charged at the normal rates
    OVER = "over"  # more cases than expected: the extra ones were charged


class PolicyBenefit(_Labelled):
    """The benefits the service page lists for policy holders (RULES §6)."""

    INITIAL_REVIEW = "initial_review"
    REPAIR_LABOUR = "repair_labour"
    SUPPORT_TOOLS = "support_tools"
    PREVENTIVE_MAINTENANCE = "preventive_maintenance"
    UPDATE_REVIEWS = "update_reviews"
    STATUS_REPORTS = "status_reports"


class RepairStatus(_Labelled):
    QUOTED = "quoted"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class RemoteState(StrEnum):
    """Where a session's remote control stands (RULES §8), derived from its events."""

    NONE = "none"  # never requested, or stopped: a new request is needed
    REQUESTED = "requested"  # waiting for the client's answer
    ACCEPTED = "accepted"  # accepted, not started yet
    ACTIVE = "active"  # remote control running
    DECLINED = "declined"  # the client said no


class SessionAction(_Labelled):
    """What an advisor can do to a running session; ``app.billing.session_rules`` says when."""

    PAUSE = "pause"
    RESUME = "resume"
    DISCONNECT = "disconnect"
    RECONNECT = "reconnect"
    REQUEST_REMOTE = "request_remote"
    ANSWER_REMOTE = "answer_remote"
    START_REMOTE = "start_remote"
    STOP_REMOTE = "stop_remote"
    START_INSTRUCTIONS = "start_instructions"
    END_INSTRUCTIONS = "end_instructions"
    END = "end"


# -- the agenda (issue 13) -----------------------------------------------------------------------
class AppointmentState(_Labelled):
    """A cita: scheduled → confirmed → done / no-show / cancelled (``billing.availability``)."""

    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def active(self) -> bool:
        """Still holds its time on the advisor's agenda (scheduled or confirmed)."""
        return self in (AppointmentState.SCHEDULED, AppointmentState.CONFIRMED)


class AppointmentPurpose(_Labelled):
    """What a cita is for: a new request, a pending case's follow-up, or a policy's service."""

    GENERAL = "general"
    FOLLOW_UP = "follow_up"
    MAINTENANCE = "maintenance"
    UPDATE_REVIEW = "update_review"
    POLICY_REVIEW = "policy_review"


class ChangeKind(_Labelled):
    """One entry of a cita's append-only history."""

    BOOKED = "booked"
    CONFIRMED = "confirmed"
    MOVED = "moved"
    CANCELLED = "cancelled"
    DONE = "done"
    NO_SHOW = "no_show"


# Labels by enumeration: members of different enumerations may share a value.
_LABELS: dict[type[StrEnum], dict[str, str]] = {
    DeviceKind: {
        DeviceKind.MAC: "Mac",
        DeviceKind.IPHONE: "iPhone",
        DeviceKind.IPAD: "iPad",
        DeviceKind.OTHER: "Otro",
    },
    CaseState: {
        CaseState.OPEN: "Abierto",
        CaseState.RESOLVED: "Resuelto",
        CaseState.PENDING: "Pendiente",
        CaseState.ESCALATED: "Escalado",
        CaseState.CLOSED: "Cerrado",
        CaseState.EXPIRED: "Vencido",
    },
    Channel: {
        Channel.PHONE: "Teléfono",
        Channel.CHAT: "Chat",
        Channel.REMOTE_DESKTOP: "Escritorio remoto",
    },
    Outcome: {
        Outcome.RESOLVED: "Resuelto",
        Outcome.FOLLOW_UP: "No resuelto, requiere seguimiento",
        Outcome.INTERRUPTED: "Interrumpido",
        Outcome.UNSOLVABLE: "No se puede resolver con este servicio",
        Outcome.DECLINED_REMOTE: "El cliente rechazó el control remoto",
        Outcome.ESCALATED: "Escalado",
    },
    PaymentArrangement: {
        PaymentArrangement.PREPAID: "Pago cubierto por adelantado",
        PaymentArrangement.LATER: "Pago posterior acordado con el asesor",
        PaymentArrangement.AT_END: "Pago al terminar",
    },
    RemoteTool: {
        RemoteTool.ICLOUD: "Cuenta de iCloud",
        RemoteTool.TEAMVIEWER: "TeamViewer",
    },
    EventKind: {
        EventKind.STARTED: "Inicio",
        EventKind.PAUSED: "Pausa",
        EventKind.RESUMED: "Reanudación",
        EventKind.DISCONNECTED: "Desconexión",
        EventKind.RECONNECTED: "Reconexión",
        EventKind.REMOTE_REQUESTED: "Solicitud de control remoto",
        EventKind.REMOTE_ACCEPTED: "Control remoto autorizado",
        EventKind.REMOTE_DECLINED: "Control remoto rechazado",
        EventKind.REMOTE_STARTED: "Inicio de control remoto",
        EventKind.REMOTE_STOPPED_BY_CLIENT: "Control remoto detenido por el cliente",
        EventKind.REMOTE_STOPPED_BY_ADVISOR: "Control remoto detenido por el asesor",
        EventKind.INSTRUCTIONS_STARTED: "Inicio de instrucciones por chat",
        EventKind.INSTRUCTIONS_ENDED: "Fin de instrucciones por chat",
        EventKind.ENDED: "Fin",
        EventKind.NOTE: "Nota",
        EventKind.START_CORRECTED: "Corrección: inicio",
        EventKind.END_CORRECTED: "Corrección: fin",
        EventKind.PAUSE_ADDED: "Corrección: pausa agregada",
        EventKind.DISCONNECTION_ADDED: "Corrección: desconexión agregada",
        EventKind.RECORDED_MANUALLY: "Registrada a mano",
    },
    ReceiptStatus: {
        ReceiptStatus.ISSUED: "Emitido",
        ReceiptStatus.CANCELLED: "Cancelado",
    },
    PaymentMethod: {
        PaymentMethod.CASH: "Efectivo",
        PaymentMethod.TRANSFER: "Transferencia",
        PaymentMethod.CARD: "Tarjeta",
        PaymentMethod.OTHER: "Otro",
    },
    Modality: {
        Modality.REMOTE: "A distancia",
        Modality.OFFICE: "Presencial en AppleUse",
        Modality.ONSITE: "En domicilio del cliente",
    },
    Band: {
        Band.BUSINESS: "horario laboral",
        Band.OUTSIDE: "fuera de horario",
    },
    EventClass: {
        EventClass.REMOTE: "a distancia",
        EventClass.IN_PERSON: "presenciales",
    },
    PolicyBenefit: {
        PolicyBenefit.INITIAL_REVIEW: "Revisión inicial preferente",
        PolicyBenefit.REPAIR_LABOUR: "Mano de obra preferente en reparaciones",
        PolicyBenefit.SUPPORT_TOOLS: "Instalación sin costo de herramientas de soporte",
        PolicyBenefit.PREVENTIVE_MAINTENANCE: "Mantenimiento preventivo",
        PolicyBenefit.UPDATE_REVIEWS: "Revisión de actualizaciones",
        PolicyBenefit.STATUS_REPORTS: "Reportes de estado",
    },
    RepairStatus: {
        RepairStatus.QUOTED: "Cotizada",
        RepairStatus.ACCEPTED: "Aceptada",
        RepairStatus.DECLINED: "Rechazada",
    },
    SessionAction: {
        SessionAction.PAUSE: "Pausar",
        SessionAction.RESUME: "Reanudar",
        SessionAction.DISCONNECT: "Desconexión",
        SessionAction.RECONNECT: "Reconexión",
        SessionAction.REQUEST_REMOTE: "Solicitar control remoto",
        SessionAction.ANSWER_REMOTE: "Respuesta del cliente al control remoto",
        SessionAction.START_REMOTE: "Iniciar control remoto",
        SessionAction.STOP_REMOTE: "Detener control remoto",
        SessionAction.START_INSTRUCTIONS: "Iniciar instrucciones por chat",
        SessionAction.END_INSTRUCTIONS: "Terminar instrucciones por chat",
        SessionAction.END: "Finalizar",
    },
    AppointmentState: {
        AppointmentState.SCHEDULED: "Programada",
        AppointmentState.CONFIRMED: "Confirmada",
        AppointmentState.DONE: "Realizada",
        AppointmentState.NO_SHOW: "No se presentó",
        AppointmentState.CANCELLED: "Cancelada",
    },
    AppointmentPurpose: {
        AppointmentPurpose.GENERAL: "Cita",
        AppointmentPurpose.FOLLOW_UP: "Seguimiento de caso pendiente",
        AppointmentPurpose.MAINTENANCE: "Mantenimiento preventivo",
        AppointmentPurpose.UPDATE_REVIEW: "Revisión de actualizaciones",
        AppointmentPurpose.POLICY_REVIEW: "Revisión trimestral de póliza",
    },
    ChangeKind: {
        ChangeKind.BOOKED: "Agendada",
        ChangeKind.CONFIRMED: "Confirmada",
        ChangeKind.MOVED: "Cambio de horario",
        ChangeKind.CANCELLED: "Cancelada",
        ChangeKind.DONE: "Realizada",
        ChangeKind.NO_SHOW: "No se presentó",
    },
}


class ReportPeriod(_Labelled):
    """The period report's named periods (issue 14); ``app.services.reports`` dates them."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    LAST_12_MONTHS = "last12"


_LABELS[ReportPeriod] = {
    ReportPeriod.WEEK: "Esta semana",
    ReportPeriod.MONTH: "Este mes",
    ReportPeriod.QUARTER: "Este trimestre",
    ReportPeriod.YEAR: "Este año",
    ReportPeriod.LAST_12_MONTHS: "Últimos 12 meses",
}
