"""app.billing.session_rules: which actions a session allows and why not — every action in
every state, as one table — plus the checklist, the outcome's case state and the follow-up
window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.billing.session_rules import (
    Checklist,
    SessionState,
    allowed_actions,
    case_state_after,
    checklist_problem,
    follow_up_deadline,
    follow_up_refusal,
    outcome_refusal,
    refusal,
)
from app.billing.tariff import Tariff
from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteTool,
    SessionAction,
)
from app.kernel.timeline import derive_status

T0 = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
K = EventKind
A = SessionAction


def state(
    *kinds: EventKind,
    modality: Modality = Modality.REMOTE,
    channel: Channel | None = Channel.REMOTE_DESKTOP,
    device: int | None = 7,
    instructions: timedelta = timedelta(0),
) -> SessionState:
    events = [(K.STARTED, T0)] + [(k, T0 + timedelta(minutes=i + 1)) for i, k in enumerate(kinds)]
    status = derive_status(events)
    return SessionState(
        modality=modality,
        channel=channel,
        device_id=device,
        ended=status.ended,
        status=status,
        instructions_elapsed=instructions,
        instructions_cap=timedelta(minutes=15),
    )


RUNNING = state()
PAUSED = state(K.PAUSED)
DISCONNECTED = state(K.DISCONNECTED)
REQUESTED = state(K.REMOTE_REQUESTED)
ACCEPTED = state(K.REMOTE_REQUESTED, K.REMOTE_ACCEPTED)
DECLINED = state(K.REMOTE_REQUESTED, K.REMOTE_DECLINED)
REMOTE_ON = state(K.REMOTE_REQUESTED, K.REMOTE_ACCEPTED, K.REMOTE_STARTED)
STOPPED = state(K.REMOTE_REQUESTED, K.REMOTE_ACCEPTED, K.REMOTE_STARTED,
                K.REMOTE_STOPPED_BY_CLIENT)  # fmt: skip
INSTRUCTING = state(K.INSTRUCTIONS_STARTED)
AT_CAP = state(instructions=timedelta(minutes=15))
ENDED = state(K.ENDED)
PHONE = state(channel=Channel.PHONE)
CHAT = state(channel=Channel.CHAT)
NO_DEVICE = state(device=None)
OFFICE = state(modality=Modality.OFFICE, channel=None, device=None)

ENDED_MSG = "La sesión ya terminó."
PAUSED_MSG = "La sesión está en pausa; reanúdela primero."
CUT_MSG = "La sesión está desconectada; registre la reconexión primero."
ONLY_DESKTOP = "escritorio remoto"
NO_ANSWER = "No hay una solicitud de control remoto pendiente de respuesta."
NEW_CONSENT = "nueva autorización"
NOT_ACTIVE = "El control remoto no está activo."
NO_INSTRUCTIONS = "No hay instrucciones por chat en curso."

#: state → the refusal of each action ("" allowed; otherwise a piece of the message).
TABLE: dict[str, tuple[SessionState, dict[SessionAction, str]]] = {
    "running": (RUNNING, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "", A.RECONNECT: "no está "
        "desconectada", A.REQUEST_REMOTE: "", A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE, A.START_INSTRUCTIONS: "",
        A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "paused": (PAUSED, {
        A.PAUSE: "ya está en pausa", A.RESUME: "", A.DISCONNECT: PAUSED_MSG,
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: PAUSED_MSG,
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: PAUSED_MSG, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: PAUSED_MSG, A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "disconnected": (DISCONNECTED, {
        A.PAUSE: CUT_MSG, A.RESUME: "no está en pausa", A.DISCONNECT: CUT_MSG,
        A.RECONNECT: "", A.REQUEST_REMOTE: CUT_MSG, A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: CUT_MSG, A.STOP_REMOTE: NOT_ACTIVE, A.START_INSTRUCTIONS: CUT_MSG,
        A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "requested": (REQUESTED, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "sin respuesta",
        A.ANSWER_REMOTE: "", A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "accepted": (ACCEPTED, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "puede iniciarlo",
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: "", A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "declined": (DECLINED, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "", A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE, A.START_INSTRUCTIONS: "",
        A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "remote on": (REMOTE_ON, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "ya está activo",
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: "ya está activo", A.STOP_REMOTE: "",
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "remote stopped": (STOPPED, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "", A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE, A.START_INSTRUCTIONS: "",
        A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "instructing": (INSTRUCTING, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "", A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "ya están en curso", A.END_INSTRUCTIONS: "", A.END: "",
    }),
    "instructions at the cap": (AT_CAP, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "", A.ANSWER_REMOTE: NO_ANSWER,
        A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "tope de 15 min", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "ended": (ENDED, dict.fromkeys(SessionAction, ENDED_MSG)),
    "phone": (PHONE, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: ONLY_DESKTOP,
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "chat": (CHAT, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: ONLY_DESKTOP,
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "no device": (NO_DEVICE, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "Registre en la sesión el equipo",
        A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: NEW_CONSENT, A.STOP_REMOTE: NOT_ACTIVE,
        A.START_INSTRUCTIONS: "", A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
    "in person": (OFFICE, {
        A.PAUSE: "", A.RESUME: "no está en pausa", A.DISCONNECT: "use la pausa",
        A.RECONNECT: "no está desconectada", A.REQUEST_REMOTE: "solo aplica a sesiones a "
        "distancia", A.ANSWER_REMOTE: NO_ANSWER, A.START_REMOTE: NEW_CONSENT,
        A.STOP_REMOTE: NOT_ACTIVE, A.START_INSTRUCTIONS: "",
        A.END_INSTRUCTIONS: NO_INSTRUCTIONS, A.END: "",
    }),
}  # fmt: skip


def test_the_table_covers_every_action_in_every_state() -> None:
    for name, (_, expected) in TABLE.items():
        assert set(expected) == set(SessionAction), name


@pytest.mark.parametrize(
    ("name", "action"), [(name, action) for name in TABLE for action in SessionAction]
)
def test_every_action_in_every_state(name: str, action: SessionAction) -> None:
    situation, expected = TABLE[name]
    got = refusal(action, situation)
    if expected[action]:
        assert got is not None and expected[action] in got
    else:
        assert got is None
    assert (action in allowed_actions(situation)) == (got is None)


def test_a_decline_must_be_recorded_before_ending_with_it() -> None:
    assert outcome_refusal(Outcome.DECLINED_REMOTE, RUNNING.status) is not None
    assert outcome_refusal(Outcome.DECLINED_REMOTE, DECLINED.status) is None
    assert all(
        outcome_refusal(o, RUNNING.status) is None for o in Outcome if o.name != "DECLINED_REMOTE"
    )


@pytest.mark.parametrize(
    ("outcome", "case_state"),
    [
        (Outcome.RESOLVED, CaseState.RESOLVED),
        (Outcome.FOLLOW_UP, CaseState.PENDING),
        (Outcome.INTERRUPTED, CaseState.PENDING),
        (Outcome.UNSOLVABLE, CaseState.CLOSED),
        (Outcome.DECLINED_REMOTE, CaseState.CLOSED),
        (Outcome.ESCALATED, CaseState.ESCALATED),
    ],
)
def test_where_an_outcome_leaves_the_case(outcome: Outcome, case_state: CaseState) -> None:
    assert case_state_after(outcome) is case_state


OK = Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.ICLOUD)


@pytest.mark.parametrize(
    ("modality", "channel", "checklist", "device", "problem"),
    [
        (Modality.OFFICE, None, None, None, None),
        (Modality.ONSITE, None, None, None, None),
        (Modality.OFFICE, Channel.PHONE, None, None, "solo aplica a sesiones a distancia"),
        (Modality.REMOTE, None, OK, 1, "Indique el canal"),
        (Modality.REMOTE, Channel.PHONE, None, None, "lista de requisitos"),
        (Modality.REMOTE, Channel.PHONE, Checklist(None, True), None, "pago"),
        (Modality.REMOTE, Channel.PHONE, Checklist(PaymentArrangement.AT_END, True), None, "pago"),
        (Modality.REMOTE, Channel.PHONE, Checklist(PaymentArrangement.LATER), None, "internet"),
        (Modality.REMOTE, Channel.PHONE, Checklist(PaymentArrangement.LATER, True), None, None),
        (Modality.REMOTE, Channel.CHAT, Checklist(PaymentArrangement.PREPAID, True), None, None),
        (
            Modality.REMOTE,
            Channel.REMOTE_DESKTOP,
            Checklist(PaymentArrangement.PREPAID, True),
            1,
            "macOS",
        ),
        (
            Modality.REMOTE,
            Channel.REMOTE_DESKTOP,
            Checklist(PaymentArrangement.PREPAID, True, True),
            1,
            "iCloud o TeamViewer",
        ),
        (Modality.REMOTE, Channel.REMOTE_DESKTOP, OK, None, "equipo del cliente"),
        (Modality.REMOTE, Channel.REMOTE_DESKTOP, OK, 1, None),
    ],
)
def test_checklist(
    modality: Modality,
    channel: Channel | None,
    checklist: Checklist | None,
    device: int | None,
    problem: str | None,
) -> None:
    got = checklist_problem(modality, channel, checklist, device)
    if problem is None:
        assert got is None
    else:
        assert got is not None and problem in got


def test_follow_up_window() -> None:
    tariff = Tariff()
    since = T0
    deadline = follow_up_deadline(since, tariff)
    assert deadline == since + timedelta(days=7)
    assert follow_up_refusal(CaseState.PENDING, since, 12, deadline, tariff) is None  # on time
    late = follow_up_refusal(CaseState.PENDING, since, 12, deadline + timedelta(seconds=1), tariff)
    assert late is not None and "C-000012" in late and "terminó" in late
    expired = follow_up_refusal(CaseState.EXPIRED, since, 12, since, tariff)
    assert expired is not None and "venció" in expired
    resolved = follow_up_refusal(CaseState.RESOLVED, None, 12, since, tariff)
    assert resolved is not None and "resuelto" in resolved


def test_the_cases_expiring_within_two_days_of_a_day() -> None:
    from app.billing.session_rules import expiring_pending_since

    start, end = T0, T0 + timedelta(days=1)
    low, high = expiring_pending_since(start, end, Tariff())
    # pending since `low`: its follow-up ends at the day's start; since just before `high`:
    # it ends just before two days after the day
    assert follow_up_deadline(low, Tariff()) == start
    assert follow_up_deadline(high, Tariff()) == end + timedelta(days=2)
