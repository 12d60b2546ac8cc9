"""The session area: the live stopwatch, its state, the actions the rules allow, the timeline.

The panel only shows a ``SessionView`` and emits what the advisor asked for; the window calls
the services. Elapsed time is always derived from the session's stored instants and the clock
(never by counting timer ticks), so a restored session shows its true time at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.billing import Tariff
from app.billing.hours import band_at
from app.billing.session_rules import note_refusal
from app.kernel.enums import Band, EventKind, Modality, RemoteState, SessionAction
from app.kernel.fmt import format_clock, format_datetime, format_time, to_local
from app.kernel.timeline import CORRECTIONS
from app.services.values import EventView, SessionView

#: Not a session action: a new session can start (no session runs, a client is selected).
START = "start"


def allowed_now(
    view: SessionView | None, now: datetime, client_selected: bool
) -> frozenset[SessionAction | str]:
    """The buttons to enable: the actions ``app.billing.session_rules`` allows the running
    session now (the very rule the services refuse with), or "start" when none runs and a
    client is selected."""
    if view is None or not view.running:
        return frozenset({START}) if client_selected else frozenset()
    return frozenset(view.allowed(now))


def state_text(view: SessionView | None) -> str:
    if view is None:
        return "Sin sesión en curso"
    if not view.running:
        text = f"Terminada — caso {view.case.state.label.lower()}"
        if view.case.follow_up_deadline is not None:
            text += f", seguimiento sin costo hasta {format_datetime(view.case.follow_up_deadline)}"
        return text
    status = view.status
    if status.disconnected:
        return "Desconectado"
    if status.paused:
        return "En pausa"
    if status.remote is RemoteState.ACTIVE:
        return "Control remoto activo"
    if status.remote is RemoteState.REQUESTED:
        return "Esperando autorización del cliente"
    if status.instructions_since is not None:
        return "Instrucciones por chat"
    return "En curso"


def _when(moment: datetime, view: SessionView) -> str:
    """``HH:MM`` on the session's own day, else the date too."""
    same_day = to_local(moment).date() == to_local(view.started_at).date()
    return format_time(moment) if same_day else format_datetime(moment)


def timeline_text(event: EventView, view: SessionView) -> str:
    """One line of the session's timeline: what happened and when; a correction or a note
    with what it set, its reason and its author, at the instant it was recorded."""
    text = f"{_when(event.at, view)}  {event.kind.label}"
    if event.kind is EventKind.REMOTE_ACCEPTED and event.backup_notice_acknowledged:
        text += " (aviso de respaldo aceptado)"
    low, high = event.span_start, event.span_end
    if event.kind is EventKind.START_CORRECTED and low is not None:
        text += f" → {_when(low, view)}"
    elif event.kind is EventKind.END_CORRECTED and high is not None:
        text += f" → {_when(high, view)}"
    elif low is not None and high is not None:
        text += f" {_when(low, view)}–{_when(high, view)}"
    if event.note:
        text += f" — {event.note}"
    if event.author and (event.kind in CORRECTIONS or event.kind in _REMARKS):
        text += f" ({event.author})"
    return text


_REMARKS = {EventKind.NOTE, EventKind.RECORDED_MANUALLY}


class SessionPanel(QFrame):
    startRequested = Signal()
    pauseRequested = Signal()
    resumeRequested = Signal()
    disconnectRequested = Signal()
    reconnectRequested = Signal()
    remoteRequested = Signal()
    remoteStartRequested = Signal()
    remoteStopRequested = Signal(bool)  # by_client
    instructionsStartRequested = Signal()
    instructionsEndRequested = Signal()
    endRequested = Signal()
    newEventRequested = Signal()
    noteRequested = Signal()
    correctionRequested = Signal()
    manualSessionRequested = Signal()
    minuteChanged = Signal()  # the worked minute changed: time to refresh the live bill
    actionsChanged = Signal()  # a button's enabled state or text changed
    ticked = Signal()  # redrawn from the clock (about once a second while running)

    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._clock = clock
        self._tariff = Tariff()
        self._view: SessionView | None = None
        self._client_selected = False
        self._last_minute = -1
        self._last_allowed: object = None  # what the buttons last showed

        self.titleLabel = QLabel("Sesión")
        self.titleLabel.setObjectName("sessionTitle")
        self.titleLabel.setWordWrap(True)
        self.detailLabel = QLabel("Seleccione un cliente y pulse «Iniciar sesión».")
        self.detailLabel.setObjectName("sessionDetail")
        self.detailLabel.setWordWrap(True)

        self.stopwatchLabel = QLabel("00:00:00")
        self.stopwatchLabel.setObjectName("stopwatchLabel")
        self.stopwatchLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont()
        font.setPointSize(44)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFamilies(["Menlo", "SF Mono", "DejaVu Sans Mono", "Monospace"])
        self.stopwatchLabel.setFont(font)
        self.stopwatchLabel.setAccessibleName("Tiempo trabajado")

        self.stateLabel = QLabel(state_text(None))
        self.stateLabel.setObjectName("stateLabel")
        self.stateLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stateLabel.setWordWrap(True)
        self.bandLabel = QLabel("")
        self.bandLabel.setObjectName("bandLabel")
        self.bandLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instructionsLabel = QLabel("")
        self.instructionsLabel.setObjectName("instructionsLabel")
        self.instructionsLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instructionsLabel.hide()

        self.timelineList = QListWidget()
        self.timelineList.setObjectName("timelineList")
        self.timelineList.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.timelineList.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.timelineList.setAccessibleName("Bitácora de la sesión (no editable)")
        # notes and corrections carry sentences: wrap them rather than cut them
        self.timelineList.setWordWrap(True)
        self.timelineList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timelineList.setResizeMode(QListWidget.ResizeMode.Adjust)

        timeline_title = QLabel("Bitácora de la sesión")
        timeline_title.setObjectName("sectionTitle")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.detailLabel)
        layout.addSpacing(6)
        layout.addWidget(self.stopwatchLabel)
        status_row = QHBoxLayout()
        status_row.addWidget(self.stateLabel, 1)
        status_row.addWidget(self.bandLabel, 1)
        layout.addLayout(status_row)
        layout.addWidget(self.instructionsLabel)
        layout.addSpacing(6)
        layout.addLayout(self._action_buttons())
        layout.addSpacing(6)
        layout.addWidget(timeline_title)
        layout.addWidget(self.timelineList, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self._on_timer)

    def _action_buttons(self) -> QGridLayout:
        """The session's actions, two per row; each asks the window by its signal."""

        def button(name: str, text: str, shortcut: str, slot: Callable[[], None]) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            if shortcut:
                b.setShortcut(QKeySequence(shortcut))
                b.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
            b.clicked.connect(slot)
            b.setEnabled(False)
            return b

        self.startSessionButton = button(
            "startSessionButton", "Iniciar sesión", "Ctrl+N", self.startRequested.emit
        )
        self.pauseButton = button("pauseButton", "Pausar", "Ctrl+P", self._pause_or_resume)
        self.disconnectButton = button(
            "disconnectButton", "Desconexión", "Ctrl+D", self.disconnectRequested.emit
        )
        self.reconnectButton = button(
            "reconnectButton", "Reconexión", "Ctrl+Shift+D", self.reconnectRequested.emit
        )
        self.requestRemoteButton = button(
            "requestRemoteButton", "Solicitar control remoto", "Ctrl+R", self.remoteRequested.emit
        )
        self.startRemoteButton = button(
            "startRemoteButton", "Iniciar control remoto", "", self.remoteStartRequested.emit
        )
        self.stopRemoteClientButton = button(
            "stopRemoteClientButton",
            "Control detenido por el cliente",
            "",
            lambda: self.remoteStopRequested.emit(True),
        )
        self.stopRemoteAdvisorButton = button(
            "stopRemoteAdvisorButton",
            "Control detenido por el asesor",
            "",
            lambda: self.remoteStopRequested.emit(False),
        )
        self.instructionsButton = button(
            "instructionsButton", "Instrucciones por chat", "Ctrl+I", self._instructions
        )
        self.endSessionButton = button(
            "endSessionButton", "Finalizar", "Ctrl+E", self.endRequested.emit
        )
        self.newEventButton = button(
            "newEventButton", "Nuevo evento", "Ctrl+Shift+N", self.newEventRequested.emit
        )
        self.noteButton = button("noteButton", "Nota…", "Ctrl+Alt+N", self.noteRequested.emit)
        self.correctButton = button(
            "correctButton", "Corregir horario…", "Ctrl+Shift+H", self.correctionRequested.emit
        )
        self.manualSessionButton = button(
            "manualSessionButton",
            "Registrar sesión pasada…",
            "Ctrl+Shift+M",
            self.manualSessionRequested.emit,
        )
        self.startSessionButton.setDefault(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        rows = [
            (self.startSessionButton, self.endSessionButton),
            (self.pauseButton, self.newEventButton),
            (self.disconnectButton, self.reconnectButton),
            (self.requestRemoteButton, self.startRemoteButton),
            (self.stopRemoteClientButton, self.stopRemoteAdvisorButton),
            (self.instructionsButton, self.noteButton),
            (self.correctButton, self.manualSessionButton),
        ]
        for r, (left, right) in enumerate(rows):
            grid.addWidget(left, r, 0)
            if right is not None:
                grid.addWidget(right, r, 1)
        return grid

    # -- state ---------------------------------------------------------------------------------
    @property
    def view(self) -> SessionView | None:
        return self._view

    def set_tariff(self, tariff: Tariff) -> None:
        self._tariff = tariff
        self.tick()

    def set_client_selected(self, selected: bool) -> None:
        self._client_selected = selected
        self._apply_allowed()

    def set_view(self, view: SessionView | None) -> None:
        self._view = view
        self._last_minute = -1
        if view is None:
            self.titleLabel.setText("Sesión")
            self.detailLabel.setText("Seleccione un cliente y pulse «Iniciar sesión».")
        else:
            self.titleLabel.setText(f"{view.client_name} — caso {view.case.label}")
            parts = [view.modality.label]
            if view.channel is not None:
                parts.append(view.channel.label)
            if view.city and view.modality is Modality.ONSITE:
                parts.append(view.city)
            if view.follow_up:
                parts.append("Seguimiento sin costo")
            if view.manual:
                parts.append("registrada a mano")
            if view.status.corrections:
                parts.append("horario corregido")
            parts.append(f"inicio {format_datetime(view.started_at)}")
            parts.append(f"asesor {view.advisor_name}")
            self.detailLabel.setText(" · ".join(parts))
        self._fill_timeline()
        self.tick()

    # -- the clock -----------------------------------------------------------------------------
    def tick(self) -> None:
        """Redraw from the stored instants and the clock; schedule the next whole second."""
        now = self._clock()
        view = self._view
        if view is None:
            self.stopwatchLabel.setText("00:00:00")
            self.bandLabel.setText("")
            self.bandLabel.hide()
            self.instructionsLabel.hide()
        else:
            worked = view.worked(now)
            text = format_clock(worked)
            if self.stopwatchLabel.text() != text:
                self.stopwatchLabel.setText(text)
            band = band_at(now if view.running else view.ended_at or now, self._tariff)
            self.bandLabel.setText(
                "Horario laboral" if band is Band.BUSINESS else "Fuera de horario"
            )
            self.bandLabel.setVisible(view.running)
            if self.bandLabel.property("band") != band.value:
                self.bandLabel.setProperty("band", band.value)
                self.bandLabel.style().polish(self.bandLabel)
            self._show_instructions(now)
            minute = int(worked.total_seconds() // 60)
            if minute != self._last_minute:
                self._last_minute = minute
                self.minuteChanged.emit()
        self.stateLabel.setText(state_text(view))
        self._apply_allowed(now)
        self._schedule(now)
        self.ticked.emit()

    def _schedule(self, now: datetime) -> None:
        if self._view is not None and self._view.running:
            wait = 1000 - now.microsecond // 1000
            self._timer.start(max(20, wait))
        else:
            self._timer.stop()

    def _on_timer(self) -> None:
        self.tick()

    def _show_instructions(self, now: datetime) -> None:
        view = self._view
        assert view is not None
        status = view.status
        elapsed = view.instructions_elapsed(now)
        if not view.running or (status.instructions_since is None and not status.instructions):
            # the cap concerns a session that runs: once it ends, nothing is left to warn of
            self.instructionsLabel.hide()
            return
        cap = view.instructions_cap
        left = cap - elapsed
        if left.total_seconds() > 0:
            text = f"Instrucciones por chat: quedan {format_clock(left)[3:]} de {_minutes(cap)}"
            over = False
        else:
            text = f"¡Tope de {_minutes(cap)} de instrucciones alcanzado!"
            over = True
        if status.instructions_since is None and not over:
            text = f"Instrucciones por chat: {format_clock(elapsed)[3:]} usados de {_minutes(cap)}"
        self.instructionsLabel.setText(text)
        if self.instructionsLabel.property("over") != over:
            self.instructionsLabel.setProperty("over", over)
            self.instructionsLabel.style().polish(self.instructionsLabel)
        self.instructionsLabel.show()

    # -- buttons -------------------------------------------------------------------------------
    def _apply_allowed(self, now: datetime | None = None) -> None:
        allowed = allowed_now(self._view, now or self._clock(), self._client_selected)
        a = SessionAction
        resume = a.RESUME in allowed
        self.startSessionButton.setEnabled(START in allowed)
        self.pauseButton.setEnabled(a.PAUSE in allowed or resume)
        self.pauseButton.setText("Reanudar" if resume else "Pausar")
        self.disconnectButton.setEnabled(a.DISCONNECT in allowed)
        self.reconnectButton.setEnabled(a.RECONNECT in allowed)
        self.requestRemoteButton.setEnabled(a.REQUEST_REMOTE in allowed)
        self.startRemoteButton.setEnabled(a.START_REMOTE in allowed)
        self.stopRemoteClientButton.setEnabled(a.STOP_REMOTE in allowed)
        self.stopRemoteAdvisorButton.setEnabled(a.STOP_REMOTE in allowed)
        ending = a.END_INSTRUCTIONS in allowed
        self.instructionsButton.setEnabled(a.START_INSTRUCTIONS in allowed or ending)
        self.instructionsButton.setText(
            "Terminar instrucciones" if ending else "Instrucciones por chat"
        )
        self.endSessionButton.setEnabled(a.END in allowed)
        self.newEventButton.setEnabled(a.END in allowed)
        view = self._view
        note = view is not None and note_refusal(view.rules_state(now or self._clock())) is None
        self.noteButton.setEnabled(note)
        self.correctButton.setEnabled(view is not None)
        self.manualSessionButton.setEnabled(self._client_selected)
        shown = (allowed, note, view is not None, self._client_selected)
        if shown != self._last_allowed:
            self._last_allowed = shown
            self.actionsChanged.emit()

    def _pause_or_resume(self) -> None:
        if self._view is not None and self._view.status.paused:
            self.resumeRequested.emit()
        else:
            self.pauseRequested.emit()

    def _instructions(self) -> None:
        if self._view is not None and self._view.status.instructions_since is not None:
            self.instructionsEndRequested.emit()
        else:
            self.instructionsStartRequested.emit()

    def _fill_timeline(self) -> None:
        self.timelineList.clear()
        if self._view is None:
            return
        for event in self._view.events:
            item = QListWidgetItem(timeline_text(event, self._view))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setToolTip(item.text())
            if event.kind in CORRECTIONS or event.kind is EventKind.RECORDED_MANUALLY:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.timelineList.addItem(item)
        self.timelineList.scrollToBottom()


def _minutes(value: object) -> str:
    from datetime import timedelta

    assert isinstance(value, timedelta)
    return f"{int(value.total_seconds() // 60)} min"
