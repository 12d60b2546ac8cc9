"""A session's and a case's rules (RULES §7–§9), pure: the one place that says which actions a
session allows right now and why not, what a remote session needs before it starts, where an
outcome leaves the case and until when a pending case's follow-up is free.

The window enables its buttons from :func:`allowed_actions`; the services refuse with
:func:`refusal` — the same function, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.billing.tariff import Tariff
from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteState,
    RemoteTool,
    SessionAction,
)
from app.kernel.fmt import case_label, format_datetime
from app.kernel.limits import MAX_SESSION
from app.kernel.records import record
from app.kernel.timeline import (
    Entry,
    EventLike,
    SessionStatus,
    added_gaps,
    derive_status,
    effective_span,
)


@record
class SessionState:
    """What the rules need to know about a session at one instant."""

    modality: Modality
    channel: Channel | None
    device_id: int | None
    ended: bool
    status: SessionStatus
    instructions_elapsed: timedelta = timedelta(0)
    instructions_cap: timedelta = timedelta(minutes=15)


ENDED = "La sesión ya terminó."
PAUSED = "La sesión está en pausa; reanúdela primero."
DISCONNECTED = "La sesión está desconectada; registre la reconexión primero."
NO_ANSWER_PENDING = "No hay una solicitud de control remoto pendiente de respuesta."


def _not_running(s: SessionState) -> str | None:
    return ENDED if s.ended or s.status.ended else None


def _not_active(s: SessionState) -> str | None:
    """Running, not paused and not disconnected."""
    if s.ended or s.status.ended:
        return ENDED
    if s.status.paused:
        return PAUSED
    if s.status.disconnected:
        return DISCONNECTED
    return None


def _pause(s: SessionState) -> str | None:
    if s.status.paused and _not_running(s) is None:
        return "La sesión ya está en pausa."
    return _not_active(s)


def _resume(s: SessionState) -> str | None:
    return _not_running(s) or (None if s.status.paused else "La sesión no está en pausa.")


def _disconnect(s: SessionState) -> str | None:
    if s.modality is not Modality.REMOTE:
        return _not_running(s) or "Solo una sesión a distancia se desconecta; use la pausa."
    return _not_active(s)


def _reconnect(s: SessionState) -> str | None:
    return _not_running(s) or (None if s.status.disconnected else "La sesión no está desconectada.")


def _request_remote(s: SessionState) -> str | None:
    """RULES §8–§9: remote control is for remote-desktop sessions (TeamViewer or iCloud) and
    applies only to the device registered for the session."""
    problem = _not_active(s)
    if problem:
        return problem
    if s.modality is not Modality.REMOTE:
        return "El control remoto solo aplica a sesiones a distancia."
    if s.channel is not Channel.REMOTE_DESKTOP:
        return (
            "El control remoto solo aplica a sesiones por escritorio remoto "
            "(TeamViewer o iCloud), no por teléfono ni por chat."
        )
    if s.device_id is None:
        return (
            "Registre en la sesión el equipo que solicita el soporte: "
            "el control remoto aplica solo a ese equipo."
        )
    return {
        RemoteState.REQUESTED: "Ya hay una solicitud de control remoto sin respuesta.",
        RemoteState.ACTIVE: "El control remoto ya está activo.",
        RemoteState.ACCEPTED: "El cliente ya autorizó el control remoto; puede iniciarlo.",
    }.get(s.status.remote)


def _answer_remote(s: SessionState) -> str | None:
    problem = _not_running(s)
    if problem:
        return problem
    return None if s.status.remote is RemoteState.REQUESTED else NO_ANSWER_PENDING


def _start_remote(s: SessionState) -> str | None:
    problem = _not_active(s)
    if problem:
        return problem
    if s.status.remote is RemoteState.ACTIVE:
        return "El control remoto ya está activo."
    if s.status.remote is not RemoteState.ACCEPTED:
        return (
            "El control remoto necesita una nueva autorización del cliente: "
            "solicítela antes de iniciarlo."
        )
    return None


def _stop_remote(s: SessionState) -> str | None:
    problem = _not_running(s)
    if problem:
        return problem
    return None if s.status.remote is RemoteState.ACTIVE else "El control remoto no está activo."


def _start_instructions(s: SessionState) -> str | None:
    problem = _not_active(s)
    if problem:
        return problem
    if s.status.instructions_since is not None:
        return "Las instrucciones por chat ya están en curso."
    if s.instructions_elapsed >= s.instructions_cap:
        minutes = int(s.instructions_cap.total_seconds() // 60)
        return f"Las instrucciones por chat ya llegaron al tope de {minutes} min."
    return None


def _end_instructions(s: SessionState) -> str | None:
    problem = _not_running(s)
    if problem:
        return problem
    if s.status.instructions_since is None:
        return "No hay instrucciones por chat en curso."
    return None


_RULES = {
    SessionAction.PAUSE: _pause,
    SessionAction.RESUME: _resume,
    SessionAction.DISCONNECT: _disconnect,
    SessionAction.RECONNECT: _reconnect,
    SessionAction.REQUEST_REMOTE: _request_remote,
    SessionAction.ANSWER_REMOTE: _answer_remote,
    SessionAction.START_REMOTE: _start_remote,
    SessionAction.STOP_REMOTE: _stop_remote,
    SessionAction.START_INSTRUCTIONS: _start_instructions,
    SessionAction.END_INSTRUCTIONS: _end_instructions,
    SessionAction.END: _not_running,
}


def refusal(action: SessionAction, state: SessionState) -> str | None:
    """Why ``action`` is refused now, in Spanish (None: the rules allow it)."""
    return _RULES[action](state)


def allowed_actions(state: SessionState) -> frozenset[SessionAction]:
    """Every action the rules allow now."""
    return frozenset(a for a in SessionAction if refusal(a, state) is None)


def outcome_refusal(outcome: Outcome, status: SessionStatus) -> str | None:
    """Whether a session may end with ``outcome``: "the client declined remote control"
    needs the refusal recorded in the session (RULES §8)."""
    if outcome is Outcome.DECLINED_REMOTE and status.consents_declined == 0:
        return (
            "El resultado «el cliente rechazó el control remoto» requiere que el "
            "rechazo esté registrado en la sesión."
        )
    return None


#: the outcomes that leave the case pending, with its free follow-up (RULES §7)
PENDING_OUTCOMES = frozenset({Outcome.FOLLOW_UP, Outcome.INTERRUPTED})


def suggested_outcome(status: SessionStatus) -> Outcome | None:
    """The outcome to offer when the session ends: once the client's last answer to remote
    control was no, the service cannot continue (RULES §8) — whatever was done after it
    (chat instructions, a disconnection), the session ends as "declined"."""
    return Outcome.DECLINED_REMOTE if status.last_answer_declined else None


def note_refusal(state: SessionState) -> str | None:
    """A note is written while the session runs (paused or disconnected too)."""
    return _not_running(state)


# -- corrections entered afterwards (RULES §2, §8) ---------------------------------------------
FUTURE = "Una corrección no puede quedar en el futuro."
TOO_LONG = "Una sesión no puede durar más de 31 días; revise el inicio y el fin."
_GAP_NAMES = {EventKind.PAUSE_ADDED: "pausa", EventKind.DISCONNECTION_ADDED: "desconexión"}


def correction_refusal(
    modality: Modality, events: Sequence[EventLike], correction: Entry, now: datetime
) -> str | None:
    """Why ``correction`` (a START_CORRECTED, END_CORRECTED, PAUSE_ADDED or
    DISCONNECTION_ADDED entry) would leave the session's timeline invalid (None: it may be
    recorded): an end before the start, a gap outside the session or over another gap, an
    instant in the future, a session longer than the limit."""
    start, end = effective_span(events)
    if start is None:
        return "La sesión no tiene inicio registrado."
    kind, limit = correction.kind, end or now
    if kind is EventKind.START_CORRECTED:
        new = correction.span_start
        if new is None:
            return "Indique el nuevo inicio."
        if new > now:
            return FUTURE
        if new >= limit:
            return f"El inicio debe ser anterior al fin ({format_datetime(limit)})."
        if limit - new > MAX_SESSION:
            return TOO_LONG
        return _gaps_outside(events, new, limit)
    if kind is EventKind.END_CORRECTED:
        new = correction.span_end
        if end is None:
            return "La sesión sigue en curso; termínela antes de corregir su fin."
        if new is None:
            return "Indique el nuevo fin."
        if new > now:
            return FUTURE
        if new <= start:
            return f"El fin debe ser posterior al inicio ({format_datetime(start)})."
        if new - start > MAX_SESSION:
            return TOO_LONG
        return _gaps_outside(events, start, new)
    if kind in _GAP_NAMES:
        return _gap_refusal(modality, events, correction, (start, limit), now)
    return "Esa entrada no es una corrección de la sesión."


def _gap_refusal(
    modality: Modality,
    events: Sequence[EventLike],
    correction: Entry,
    span: tuple[datetime, datetime],
    now: datetime,
) -> str | None:
    what = _GAP_NAMES[correction.kind]
    if correction.kind is EventKind.DISCONNECTION_ADDED and modality is not Modality.REMOTE:
        return "Solo una sesión a distancia se desconecta; agregue una pausa."
    low, high = correction.span_start, correction.span_end
    if low is None or high is None:
        return f"Indique el inicio y el fin de la {what}."
    if high <= low:
        return f"El fin de la {what} debe ser posterior a su inicio."
    if high > now:
        return FUTURE
    if low < span[0] or high > span[1]:
        return (
            f"La {what} debe quedar dentro de la sesión "
            f"({format_datetime(span[0])} – {format_datetime(span[1])})."
        )
    for gap in derive_status(events).all_gaps(span[1]):
        if low < gap.end and gap.start < high:
            return (
                f"La {what} se encima con otra pausa o desconexión "
                f"({format_datetime(gap.start)} – {format_datetime(gap.end)})."
            )
    return None


def _gaps_outside(events: Sequence[EventLike], start: datetime, end: datetime) -> str | None:
    """A pause or disconnection added before would fall outside the corrected span."""
    for kind, gap in added_gaps(events):
        if gap.start < start or gap.end > end:
            return (
                f"La {_GAP_NAMES[kind]} agregada ({format_datetime(gap.start)} – "
                f"{format_datetime(gap.end)}) quedaría fuera de la sesión; revise el horario."
            )
    return None


def manual_session_refusal(
    modality: Modality, channel: Channel | None, span: tuple[datetime, datetime], now: datetime
) -> str | None:
    """Why a past session entered by hand cannot be recorded (None: it can). A remote one
    names its channel; the checklist of RULES §9 concerns sessions about to start."""
    start, end = span
    if modality is Modality.REMOTE and channel is None:
        return "Indique el canal de la sesión a distancia: teléfono, chat o escritorio remoto."
    if modality is not Modality.REMOTE and channel is not None:
        return "El canal solo aplica a sesiones a distancia."
    if end <= start:
        return "El fin de la sesión debe ser posterior a su inicio."
    if end > now:
        return "Una sesión registrada a mano ya terminó: su fin no puede estar en el futuro."
    if end - start > MAX_SESSION:
        return TOO_LONG
    return None


# -- before a remote session (RULES §9) --------------------------------------------------------
@record
class Checklist:
    """RULES §9, recorded on a remote session before it starts."""

    payment: PaymentArrangement | None
    internet: bool = False
    macos: bool = False
    remote_tool: RemoteTool | None = None


def checklist_problem(
    modality: Modality,
    channel: Channel | None,
    checklist: Checklist | None,
    device_id: int | None,
) -> str | None:
    """What keeps a session from starting (None: nothing). In-person sessions take no channel
    and are paid at the end; a remote one needs its channel and the checklist; macOS,
    iCloud/TeamViewer and the client's device (remote control applies only to it, RULES §8)
    concern remote-desktop sessions only."""
    if modality is not Modality.REMOTE:
        return "El canal solo aplica a sesiones a distancia." if channel is not None else None
    if channel is None:
        return "Indique el canal de la sesión a distancia: teléfono, chat o escritorio remoto."
    if checklist is None:
        return "Antes de una sesión a distancia complete la lista de requisitos."
    if checklist.payment not in (PaymentArrangement.PREPAID, PaymentArrangement.LATER):
        return (
            "Una sesión a distancia requiere el pago cubierto por adelantado "
            "o un pago posterior acordado con el asesor."
        )
    if not checklist.internet:
        return "Una sesión a distancia requiere conexión continua a internet."
    if channel is Channel.REMOTE_DESKTOP:
        if not checklist.macos:
            return "El escritorio remoto requiere macOS en el equipo."
        if checklist.remote_tool is None:
            return "El escritorio remoto requiere una cuenta de iCloud o TeamViewer instalado."
        if device_id is None:
            return "Elija el equipo del cliente: el control remoto aplica solo a ese equipo."
    return None


def stored_checklist(modality: Modality, checklist: Checklist | None) -> Checklist:
    """What a session records: an in-person session is paid at the end (RULES §9)."""
    if modality is not Modality.REMOTE or checklist is None:
        return Checklist(PaymentArrangement.AT_END)
    return checklist


# -- the case (RULES §7) -------------------------------------------------------------------------
_CASE_AFTER = {
    Outcome.RESOLVED: CaseState.RESOLVED,
    Outcome.FOLLOW_UP: CaseState.PENDING,
    Outcome.INTERRUPTED: CaseState.PENDING,
    Outcome.UNSOLVABLE: CaseState.CLOSED,
    Outcome.DECLINED_REMOTE: CaseState.CLOSED,
    Outcome.ESCALATED: CaseState.ESCALATED,
}


def case_state_after(outcome: Outcome) -> CaseState:
    """Where a session's outcome leaves its case."""
    return _CASE_AFTER[Outcome(outcome)]


def follow_up_deadline(pending_since: datetime, tariff: Tariff) -> datetime:
    """Until when a follow-up of a pending case is free (``pending_days`` after it became
    pending)."""
    return pending_since + timedelta(days=tariff.pending_days)


#: The corte del día lists pending cases whose free follow-up ends within this (RULES §11).
EXPIRY_NOTICE = timedelta(days=2)


def expiring_pending_since(
    start: datetime, end: datetime, tariff: Tariff
) -> tuple[datetime, datetime]:
    """The ``pending_since`` instants [low, high) of the cases whose free follow-up ends from
    ``start`` to ``EXPIRY_NOTICE`` after ``end`` (the corte's "vencen en 2 días")."""
    window = timedelta(days=tariff.pending_days)
    return start - window, end + EXPIRY_NOTICE - window


def follow_up_refusal(
    state: CaseState, pending_since: datetime | None, number: int, now: datetime, tariff: Tariff
) -> str | None:
    """Why a case admits no free follow-up now (None: it does)."""
    label = case_label(number)
    if state is CaseState.EXPIRED:
        return (
            f"El caso {label} venció sin seguimiento; "
            "una nueva solicitud es un caso nuevo con costo."
        )
    if state is not CaseState.PENDING or pending_since is None:
        return (
            f"El caso {label} no está pendiente (estado: {state.label.lower()}); "
            "no admite seguimiento."
        )
    if now > follow_up_deadline(pending_since, tariff):
        return (
            f"El plazo de seguimiento del caso {label} terminó; "
            "una nueva solicitud es un caso nuevo con costo."
        )
    return None
