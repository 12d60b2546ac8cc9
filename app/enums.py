"""Enumerations stored by value; ``label`` is the Spanish text the advisor sees."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS[self]


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

    @property
    def case_state(self) -> CaseState:
        return _OUTCOME_STATE[self]


_OUTCOME_STATE = {
    Outcome.RESOLVED: CaseState.RESOLVED,
    Outcome.FOLLOW_UP: CaseState.PENDING,
    Outcome.INTERRUPTED: CaseState.PENDING,
    Outcome.UNSOLVABLE: CaseState.CLOSED,
    Outcome.DECLINED_REMOTE: CaseState.CLOSED,
    Outcome.ESCALATED: CaseState.ESCALATED,
}


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


class ReceiptStatus(_Labelled):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class PaymentMethod(_Labelled):
    CASH = "cash"
    TRANSFER = "transfer"
    CARD = "card"
    OTHER = "other"


_LABELS: dict[StrEnum, str] = {
    DeviceKind.MAC: "Mac",
    DeviceKind.IPHONE: "iPhone",
    DeviceKind.IPAD: "iPad",
    DeviceKind.OTHER: "Otro",
    CaseState.OPEN: "Abierto",
    CaseState.RESOLVED: "Resuelto",
    CaseState.PENDING: "Pendiente",
    CaseState.ESCALATED: "Escalado",
    CaseState.CLOSED: "Cerrado",
    CaseState.EXPIRED: "Vencido",
    Channel.PHONE: "Teléfono",
    Channel.CHAT: "Chat",
    Channel.REMOTE_DESKTOP: "Escritorio remoto",
    Outcome.RESOLVED: "Resuelto",
    Outcome.FOLLOW_UP: "No resuelto, requiere seguimiento",
    Outcome.INTERRUPTED: "Interrumpido",
    Outcome.UNSOLVABLE: "No se puede resolver con este servicio",
    Outcome.DECLINED_REMOTE: "El cliente rechazó el control remoto",
    Outcome.ESCALATED: "Escalado",
    PaymentArrangement.PREPAID: "Pago cubierto por adelantado",
    PaymentArrangement.LATER: "Pago posterior acordado con el asesor",
    PaymentArrangement.AT_END: "Pago al terminar",
    RemoteTool.ICLOUD: "Cuenta de iCloud",
    RemoteTool.TEAMVIEWER: "TeamViewer",
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
    ReceiptStatus.ISSUED: "Emitido",
    ReceiptStatus.CANCELLED: "Cancelado",
    PaymentMethod.CASH: "Efectivo",
    PaymentMethod.TRANSFER: "Transferencia",
    PaymentMethod.CARD: "Tarjeta",
    PaymentMethod.OTHER: "Otro",
}
