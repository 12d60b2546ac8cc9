"""The Agenda window (issue 13): day and week views of one advisor or of all side by side,
today's list, the items due (pending cases, policy reviews, periodic services) each one click
from booking, and the selected cita's actions: confirm, move, cancel with a reason, done,
no-show, its invitation for the client, start its session.

Keys: ←/→ previous/next day or week, T today, D day view, S week view, N new cita, ↑/↓ the
previous/next cita, Intro move it, Supr cancel it. A cita can also be dragged in the grid.

For the main window (Archivo → Agenda…)::

    from app.ui.agenda_window import open_agenda
    open_agenda(window)            # one Agenda window per main window, raised if open
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.billing.availability import working_spans
from app.billing.policy import day_start, local_day
from app.kernel.enums import AppointmentPurpose, AppointmentState, Modality
from app.kernel.errors import DomainError
from app.kernel.fmt import format_long_day, format_time
from app.services.agenda_values import AppointmentView, DueItem
from app.ui.agenda_reminders import REMINDER_KEY, Reminders, start_reminders, today_notice
from app.ui.agenda_view import AgendaView, Column, column_label, named
from app.ui.appointment_dialog import AppointmentDialog
from app.ui.kit.layout import run_dialog
from app.ui.kit.messages import error_banner, notice_banner
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.facade import Services

SUBSCRIPTION_KEY = "agenda/subscription"  # advisor id → the exported .ics kept up to date

__all__ = ["REMINDER_KEY", "AgendaWindow", "open_agenda", "start_session_from", "today_notice"]


class AgendaWindow(QWidget):
    startSessionRequested = Signal(object)  # AppointmentView
    reminder = Signal(str)

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        advisor_id: int | None = None,
        reminder_minutes: int = 15,
        reminders: Reminders | None = None,
    ) -> None:
        """``reminders``: the main window's (:func:`~app.ui.agenda_reminders.start_reminders`),
        shared — the citas already reminded stay so —; else the window makes its own."""
        super().__init__(parent, Qt.WindowType.Window)
        self._dirty = False  # a cita changed here: rewrite the subscribed calendars
        self.services = services
        self.setObjectName("agendaWindow")
        self.setWindowTitle("Agenda — AppleUse Soporte")
        self.resize(1180, 720)
        self.tariff = services.settings.tariff()
        self.anchor: date = local_day(services.clock(), self.tariff)
        self.week = True
        if reminders is None:
            reminders = Reminders(services, self.advisor_id, reminder_minutes, self)
        reminders.reminder.connect(self.reminder)
        reminders.advisor = self.advisor_id  # the advisor shown
        self.reminders = reminders
        self.due_items: list[DueItem] = []
        self.errorLabel = error_banner("agendaError")
        self.noticeLabel = notice_banner("agendaNotice")
        self.view = AgendaView(self)
        self._build()
        # before the signals are wired: choosing the advisor must not read the week once more
        self.advisorCombo.setCurrentIndex(max(0, self.advisorCombo.findData(advisor_id)))
        self._wire()
        self.reload()

    # -- layout ----------------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = named(QPushButton(text), name)
        button.clicked.connect(lambda *_: slot())
        return button

    def _build(self) -> None:
        self.prevButton = self._button("prevButton", "◀", lambda: self.step(-1))
        self.todayButton = self._button("todayButton", "Hoy", self.go_today)
        self.nextButton = self._button("nextButton", "▶", lambda: self.step(1))
        self.rangeLabel = named(QLabel(), "rangeLabel")
        self.modeCombo = named(QComboBox(), "modeCombo")
        self.modeCombo.addItem("Semana", True)
        self.modeCombo.addItem("Día", False)
        self.advisorCombo = named(QComboBox(), "advisorCombo")
        self.advisorCombo.addItem("Todos los asesores", None)
        for a in self.services.clients.advisors():
            self.advisorCombo.addItem(a.name, a.id)
        self.newButton = self._button("newButton", "Nueva cita…", self.new_appointment)
        self.freeButton = self._button("freeButton", "Próximo hueco libre", self.show_free)
        self.exportButton = self._button("exportButton", "Exportar .ics…", self.export_dialog)
        self.scheduleButton = self._button("scheduleButton", "Horario…", self.open_schedule)
        self.reminderSpin = named(QSpinBox(), "reminderSpin")
        self.reminderSpin.setRange(0, 240)
        self.reminderSpin.setPrefix("Aviso ")
        self.reminderSpin.setSuffix(" min antes")
        self.reminderSpin.setSpecialValueText("Sin aviso")
        self.reminderSpin.setValue(self.reminders.minutes)
        self.reminderSpin.valueChanged.connect(self.set_reminder_minutes)
        bar = QHBoxLayout()
        left: tuple[QWidget, ...] = (self.prevButton, self.todayButton, self.nextButton)
        for w in (*left, self.rangeLabel):
            bar.addWidget(w)
        bar.addStretch(1)
        right: tuple[QWidget, ...] = (self.modeCombo, self.advisorCombo, self.newButton)
        for w in (*right, self.freeButton, self.scheduleButton, self.exportButton,
                  self.reminderSpin):  # fmt: skip
            bar.addWidget(w)

        self.todayList = named(QListWidget(), "todayList")
        self.dueList = named(QListWidget(), "dueList")
        for lst in (self.todayList, self.dueList):
            lst.setWordWrap(True)
            lst.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.bookDueButton = self._button("bookDueButton", "Agendar…", self.book_due)
        self.monthsButton = self._button("monthsButton", "Periodicidad…", self.ask_service_months)
        self.detailLabel = named(QLabel(), "detailLabel")
        self.detailLabel.setWordWrap(True)
        self.detailLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirmButton = self._button("confirmButton", "Confirmar", self.confirm)
        self.moveButton = self._button("moveButton", "Mover…", self.move_selected)
        self.cancelButton = self._button("cancelButton", "Cancelar cita…", self.cancel_selected)
        self.doneButton = self._button("doneButton", "Realizada", self.mark_done)
        self.noShowButton = self._button("noShowButton", "No se presentó", self.mark_no_show)
        self.sessionButton = self._button("sessionButton", "Iniciar sesión", self.start_session)
        self.inviteButton = self._button("inviteButton", "Invitación .ics…", self.invite_dialog)
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>Hoy</b>"))
        side.addWidget(self.todayList, 2)
        side.addWidget(QLabel("<b>Por atender</b> (casos pendientes, pólizas)"))
        side.addWidget(self.dueList, 2)
        due_buttons = QHBoxLayout()
        due_buttons.addWidget(self.bookDueButton)
        due_buttons.addWidget(self.monthsButton)
        side.addLayout(due_buttons)
        side.addWidget(QLabel("<b>Cita seleccionada</b>"))
        side.addWidget(self.detailLabel, 1)
        for pair in ((self.confirmButton, self.moveButton), (self.cancelButton, self.doneButton),
                     (self.noShowButton, self.sessionButton), (self.inviteButton,)):  # fmt: skip
            row = QHBoxLayout()
            for b in pair:
                row.addWidget(b)
            side.addLayout(row)
        panel = QWidget()
        panel.setLayout(side)
        panel.setMinimumWidth(340)
        split = QSplitter(self)
        split.addWidget(self.view)
        split.addWidget(panel)
        split.setStretchFactor(0, 1)
        split.setSizes([880, 360])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.noticeLabel)
        layout.addWidget(split, 1)

    def _wire(self) -> None:
        self.modeCombo.currentIndexChanged.connect(
            lambda *_: self.set_week(self.modeCombo.currentData())
        )
        self.advisorCombo.currentIndexChanged.connect(lambda *_: self.reload())
        self.view.selected.connect(self.show_selected)
        self.view.openRequested.connect(lambda a: self.move_selected(a))
        self.view.newRequested.connect(lambda start, advisor: self.new_appointment(start, advisor))
        self.view.moveRequested.connect(self.drag_move)
        self.view.cancelRequested.connect(lambda a: self.cancel_selected(a))
        self.todayList.itemActivated.connect(self._today_activated)
        self.dueList.itemDoubleClicked.connect(lambda *_: self.book_due())
        self.view.command.connect(self.run_command)

    def run_command(self, name: str) -> None:
        """A key of the grid: ←/→ previous/next, T today, D day view, S week view, N new cita."""
        actions: dict[str, Callable[[], object]] = {
            "prev": lambda: self.step(-1), "next": lambda: self.step(1), "today": self.go_today,
            "day": lambda: self.set_week(False), "week": lambda: self.set_week(True),
            "new": self.new_appointment,
        }  # fmt: skip
        actions[name]()

    # -- navigation ------------------------------------------------------------------------------
    def period(self) -> tuple[date, int]:
        if self.week:
            return self.anchor - timedelta(days=self.anchor.weekday()), 7
        return self.anchor, 1

    def step(self, direction: int) -> None:
        self.anchor += timedelta(days=(7 if self.week else 1) * direction)
        self.reload()

    def go_today(self) -> None:
        self.anchor = local_day(self.services.clock(), self.tariff)
        self.reload()

    def set_week(self, week: bool) -> None:
        self.week = bool(week)
        self.modeCombo.blockSignals(True)
        self.modeCombo.setCurrentIndex(0 if self.week else 1)
        self.modeCombo.blockSignals(False)
        self.reload()

    def advisor_id(self) -> int | None:
        value = self.advisorCombo.currentData()
        return None if value is None else int(value)

    # -- data ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """The period's columns and citas, today's list and the items due."""
        first, days = self.period()
        start = day_start(first, self.tariff)
        end = day_start(first + timedelta(days=days), self.tariff)
        advisor = self.advisor_id()
        agenda = self.services.agenda
        try:
            shown = agenda.appointments(start, end, advisor)
            blocked = agenda.blocked(start, end, advisor)
        except DomainError as exc:
            self.errorLabel.show_message(str(exc))
            return
        self.view.set_data(self.columns(first, days, advisor), shown, blocked)
        label = format_long_day(first)
        if self.week:
            label = f"Semana del {label}"
        self.rangeLabel.setText(label.capitalize())
        self._fill_today()
        self._fill_due()
        self.show_selected(self.view.selected_view())
        if self._dirty:
            self._dirty = False
            self.rewrite_subscriptions()

    def columns(self, first: date, days: int, advisor: int | None) -> list[Column]:
        advisors = [(advisor, self.advisorCombo.currentText())] if advisor is not None else [
            (self.advisorCombo.itemData(i), self.advisorCombo.itemText(i))
            for i in range(1, self.advisorCombo.count())
        ]  # fmt: skip
        hours = {a: self.services.agenda.working_hours(a) for a, _ in advisors}
        out = []
        for k in range(days):
            day = first + timedelta(days=k)
            for a, name in advisors:
                spans = tuple(working_spans(day, hours[a], self.tariff))
                who = name if advisor is None else ""
                out.append(Column(day, a, column_label(day), spans, who))
        return out

    def _fill_today(self) -> None:
        today = local_day(self.services.clock(), self.tariff)
        start = day_start(today, self.tariff)
        views = self.services.agenda.appointments(
            start, start + timedelta(days=1), self.advisor_id()
        )
        self.todayList.clear()
        for a in views:
            text = f"{format_time(a.start)}–{format_time(a.end)}  {a.title}  ({a.advisor_name})"
            if a.state is not AppointmentState.SCHEDULED:
                text += f" · {a.state.label}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, a)
            self.todayList.addItem(item)
        if not views:
            self.todayList.addItem("Sin citas hoy.")

    def _fill_due(self) -> None:
        self.due_items = self.services.agenda.due()
        self.dueList.clear()
        for d in self.due_items:
            state = " · ya agendada" if d.booked else ""
            item = QListWidgetItem(f"{d.due:%d/%m}  {d.client_name}: {d.text}{state}")
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.dueList.addItem(item)

    def _today_activated(self, item: QListWidgetItem) -> None:
        a = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(a, AppointmentView):
            self.show_appointment(a)

    def show_appointment(self, a: AppointmentView) -> None:
        """The period of ``a``'s day with ``a`` selected (all advisors when another one is
        shown); the client's history opens a cita here."""
        if self.advisor_id() not in (None, a.advisor_id):
            self.advisorCombo.setCurrentIndex(0)
        self.anchor = local_day(a.start, self.tariff)
        self.reload()
        self.view.select(a.id)

    def show_selected(self, a: AppointmentView | None) -> None:
        active = a is not None and a.state.active
        for b in (self.confirmButton, self.moveButton, self.cancelButton, self.doneButton,
                  self.noShowButton, self.sessionButton):  # fmt: skip
            b.setEnabled(active)
        self.confirmButton.setEnabled(a is not None and a.state is AppointmentState.SCHEDULED)
        self.inviteButton.setEnabled(a is not None)
        if a is None:
            self.detailLabel.setText("Seleccione una cita (↑/↓) o haga doble clic en un horario.")
            return
        lines = [
            f"<b>{_esc(a.title)}</b>",
            _esc(a.when),
            f"Asesor: {_esc(a.advisor_name)}",
            f"{a.modality.label}: {_esc(a.address)} {_esc(a.city)}".strip()
            if a.modality is Modality.ONSITE
            else a.modality.label + (f" ({a.channel.label})" if a.channel else ""),
            f"Estado: {a.state.label}",
        ]
        if a.reason:
            lines.append(f"Motivo: {_esc(a.reason)}")
        lines += [f"<span style='color:#c62828'>{_esc(n)}</span>" for n in a.notes]
        if a.cancel_reason:
            lines.append(f"Motivo de la cancelación: {_esc(a.cancel_reason)}")
        self.detailLabel.setText("<br>".join(lines))

    # -- actions ---------------------------------------------------------------------------------
    def _do(self, action: Callable[[], object], done: str = "") -> bool:
        try:
            action()
        except DomainError as exc:
            self.errorLabel.show_message(str(exc))
            self.reload()
            return False
        self.errorLabel.clear_message()
        self.noticeLabel.show_message(done)
        self._dirty = True  # the subscribed calendars are rewritten
        self.reload()
        return True

    def new_appointment(
        self, start: datetime | None = None, advisor_id: int | None = None, **preset: Any
    ) -> AppointmentView | None:
        advisor = advisor_id or self.advisor_id()
        dialog = AppointmentDialog(self.services, self, start=start, advisor_id=advisor, **preset)
        run_dialog(dialog)
        if dialog.saved is not None:
            self.anchor = local_day(dialog.saved.start, self.tariff)
            self.noticeLabel.show_message(f"Cita agendada: {dialog.saved.when}.")
            self._dirty = True  # the subscribed calendars are rewritten
            self.reload()
            self.view.select(dialog.saved.id)
        return dialog.saved

    def book_due(self) -> AppointmentView | None:
        item = self.dueList.currentItem()
        d = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(d, DueItem):
            self.errorLabel.show_message("Seleccione un pendiente de la lista para agendarlo.")
            return None
        slots = self.services.agenda.free_slots(60, advisor_id=d.advisor_id, count=1,
                                                case_id=d.case_id)  # fmt: skip
        return self.new_appointment(
            slots[0].start if slots else None, slots[0].advisor_id if slots else d.advisor_id,
            client_id=d.client_id, modality=d.modality, case_id=d.case_id,
            policy_id=d.policy_id, purpose=d.purpose,
        )  # fmt: skip

    def ask_service_months(self, months: int | None = None) -> bool:
        """How many months between the selected policy's maintenance visits and update
        reviews (a setting of the policy, 3 by default)."""
        item = self.dueList.currentItem()
        d = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(d, DueItem) or d.policy_id is None:
            self.errorLabel.show_message("Seleccione un pendiente de una póliza.")
            return False
        policy = d.policy_id
        if months is None:
            current = self.services.agenda.service_months(policy)
            months, ok = QInputDialog.getInt(
                self, "Periodicidad", "Mantenimiento y revisión de actualizaciones cada (meses):",
                current, 1, 24,
            )  # fmt: skip
            if not ok:
                return False
        chosen = months
        return self._do(lambda: self.services.agenda.set_service_months(policy, chosen),
                        f"Servicios de la póliza cada {chosen} meses.")  # fmt: skip

    def show_free(self) -> None:
        try:
            slots = self.services.agenda.free_slots(60, advisor_id=self.advisor_id(), count=5)
        except DomainError as exc:
            self.errorLabel.show_message(str(exc))
            return
        text = "; ".join(f"{s.advisor_name} {format_long_day(local_day(s.start, self.tariff))} "
                         f"{format_time(s.start)}" for s in slots)  # fmt: skip
        self.noticeLabel.show_message(f"Próximos huecos libres de 1 h: {text or 'ninguno'}.")
        if slots:
            self.anchor = local_day(slots[0].start, self.tariff)
            self.reload()

    def _selected(self, a: AppointmentView | None = None) -> AppointmentView | None:
        return a or self.view.selected_view()

    def confirm(self) -> None:
        if (a := self._selected()) is not None:
            self._do(lambda: self.services.agenda.confirm(a.id), "Cita confirmada.")

    def mark_done(self) -> None:
        if (a := self._selected()) is not None:
            self._do(lambda: self.services.agenda.mark_done(a.id), "Cita realizada.")

    def mark_no_show(self) -> None:
        if (a := self._selected()) is not None:
            self._do(lambda: self.services.agenda.mark_no_show(a.id), "Sin asistencia registrada.")

    def move_selected(self, a: AppointmentView | None = None) -> AppointmentView | None:
        target = self._selected(a)
        if target is None or not target.state.active:
            return None
        dialog = AppointmentDialog(self.services, self, moving=target)
        run_dialog(dialog)
        if dialog.saved is not None:
            self.noticeLabel.show_message(f"Cita movida a {dialog.saved.when}.")
            self._dirty = True  # the subscribed calendars are rewritten
            self.reload()
        return dialog.saved

    def drag_move(self, a: AppointmentView, start: datetime, advisor_id: int) -> bool:
        """A cita dropped on a new time (or another advisor's column)."""
        return self._do(
            lambda: self.services.agenda.move(a.id, start, advisor_id=advisor_id),
            f"Cita movida: {format_time(start)}.",
        )

    def cancel_selected(self, a: AppointmentView | None = None, reason: str | None = None) -> bool:
        target = self._selected(a)
        if target is None:
            return False
        if reason is None:
            question = f"Motivo de la cancelación de {target.title}:"
            reason, ok = QInputDialog.getText(self, "Cancelar cita", question)
            if not ok:
                return False
        return self._do(lambda: self.services.agenda.cancel(target.id, reason), "Cita cancelada.")

    def start_session(self) -> None:
        if (a := self._selected()) is not None:
            self.startSessionRequested.emit(a)

    def open_schedule(self) -> None:
        """The advisor's working windows and blocked periods."""
        from app.ui.advisor_schedule_dialog import AdvisorScheduleDialog

        advisor = self.advisor_id()
        if advisor is None:
            self.errorLabel.show_message("Elija un asesor para ver o cambiar su horario.")
            return
        run_dialog(AdvisorScheduleDialog(self.services, advisor, self))
        self._dirty = True  # the subscribed calendars are rewritten
        self.reload()

    def export_calendar(self, path: Path) -> Path | None:
        advisor = self.advisor_id()
        if advisor is None:
            self.errorLabel.show_message("Elija un asesor: cada asesor tiene su calendario.")
            return None
        try:
            saved = self.services.agenda.write_subscription(advisor, path)
        except (DomainError, OSError) as exc:
            self.errorLabel.show_message(f"No se pudo guardar el calendario: {exc}")
            return None
        QSettings().setValue(f"{SUBSCRIPTION_KEY}/{advisor}", str(saved))
        return saved

    def rewrite_subscriptions(self) -> None:
        """Every calendar file exported (and subscribed to) is rewritten after a change, off
        the GUI thread: Calendar on the Mac or the iPhone sees the cita at its next refresh."""
        settings = QSettings()
        settings.beginGroup(SUBSCRIPTION_KEY)
        files = {int(k): Path(str(settings.value(k))) for k in settings.childKeys() if k.isdigit()}
        settings.endGroup()
        agenda = self.services.agenda
        for advisor, path in files.items():
            Operation(
                self,
                lambda a=advisor, p=path: agenda.write_subscription(a, p),  # type: ignore[misc]
                errors=lambda m: self.errorLabel.show_message(
                    f"No se pudo actualizar el calendario suscrito: {m}"
                ),
                clear=False,
            ).run_in_background()

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Calendario del asesor (.ics)",
                                              "agenda.ics", "iCalendar (*.ics)")  # fmt: skip
        if name and (saved := self.export_calendar(Path(name))) is not None:
            self.noticeLabel.show_message(
                f"Calendario guardado en {saved}; suscríbase a él desde Calendario."
            )

    def invite_dialog(self) -> None:
        a = self._selected()
        if a is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Invitación para el cliente (.ics)",
                                              f"cita-{a.id}.ics", "iCalendar (*.ics)")  # fmt: skip
        if name:
            from app.services.agenda_docs import write_whole

            write_whole(Path(name), self.services.agenda.invitation_ics(a.id))
            self.noticeLabel.show_message(f"Invitación guardada en {name}.")

    # -- reminders -------------------------------------------------------------------------------
    @property
    def reminder_minutes(self) -> int:
        return self.reminders.minutes

    @property
    def reminded(self) -> set[int]:
        return self.reminders.reminded

    def set_reminder_minutes(self, minutes: int) -> None:
        """How long before each cita the tray notice comes (0: none); kept in QSettings."""
        self.reminders.minutes = minutes
        QSettings().setValue(REMINDER_KEY, minutes)

    def check_reminders(self) -> list[str]:
        """A notice ``reminder_minutes`` before each cita of the advisor shown (once each)."""
        return self.reminders.check()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_agenda(window: Any, *, show: bool = True) -> AgendaWindow | None:
    """Archivo → Agenda… of the main window: one Agenda window, for the advisor at work,
    sharing the main window's reminders (:func:`~app.ui.agenda_reminders.start_reminders`,
    which start-up runs without building this window); "Iniciar sesión" starts the cita's
    session in the main window. ``show=False``: built, not shown."""
    services = getattr(window, "services", None)
    if services is None:
        return None
    found = getattr(window, "_agenda_window", None)
    if found is None:
        advisor = getattr(window, "advisor", None)
        found = AgendaWindow(
            services,
            window,
            advisor_id=advisor.id if advisor else None,
            reminders=start_reminders(window),
        )
        window._agenda_window = found

        def start(a: AppointmentView) -> None:
            start_session_from(window, a)

        found.startSessionRequested.connect(start)
    if not show:
        return found
    found.show()
    found.raise_()
    found.activateWindow()
    return found


def start_session_from(window: Any, a: AppointmentView) -> object:
    """ "Iniciar sesión" on a cita: its client selected in the main window; a pending case's
    follow-up starts that follow-up (RULES §7), any other cita opens the start dialog filled
    with its device, modality, channel and city."""
    window.select_client(a.client_id)
    window.raise_()
    window.activateWindow()
    actions = window.session_actions
    if a.case_id is not None and a.purpose is AppointmentPurpose.FOLLOW_UP:
        services, advisor = window.services, window.advisor
        try:
            view = services.sessions.follow_up(a.case_id, advisor.id, channel=a.channel)
        except DomainError as exc:
            window.show_error(str(exc))
            return None
        window.set_session(view)
        window.load_pending()
        return view
    return actions.start_session(preset=a)
