"""An advisor's working windows and blocked periods (issue 13): by default the business hours
(RULES §1); per weekday windows such as "09:00-14:00, 16:00-19:00" (empty: not that day); and
periods without appointments (vacation, a course). Rest days stay off whatever the windows say.

For the Agenda window::

    run_dialog(AdvisorScheduleDialog(services, advisor_id, parent))
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.billing.availability import WEEKDAY_NAMES, default_hours, format_windows, parse_windows
from app.kernel.errors import DomainError
from app.kernel.fmt import LOCAL_ZONE, format_datetime
from app.services.agenda_values import BlockedView, Hours
from app.ui.agenda_view import named
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import error_banner

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["AdvisorScheduleDialog"]

ZONE = ZoneInfo(LOCAL_ZONE)


class AdvisorScheduleDialog(QDialog):
    def __init__(self, services: Services, advisor_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.advisor_id = advisor_id
        name = next((a.name for a in services.clients.advisors() if a.id == advisor_id), "")
        self.setObjectName("advisorScheduleDialog")
        self.setWindowTitle(f"Horario de {name}")
        self.errorLabel = error_banner("scheduleError")
        own = services.agenda.working_hours(advisor_id)
        self.businessCheck = named(QCheckBox("Horario laboral del negocio"), "businessCheck")
        self.businessCheck.setChecked(own is None)
        shown = own if own is not None else default_hours(services.settings.tariff())
        form = QFormLayout()
        self.dayEdits: list[QLineEdit] = []
        for day, label in enumerate(WEEKDAY_NAMES):
            edit = named(QLineEdit(format_windows(shown.get(day, ()))), f"dayEdit{day}")
            edit.setPlaceholderText("no trabaja")
            self.dayEdits.append(edit)
            form.addRow(label.capitalize(), edit)
        self.businessCheck.toggled.connect(self._sync)

        self.blockedList = named(QListWidget(), "blockedList")
        zone = QTimeZone(LOCAL_ZONE.encode())
        tomorrow = services.agenda.local_midnight(services.clock() + timedelta(days=1))
        start = QDateTime.fromSecsSinceEpoch(int(tomorrow.timestamp()), zone)
        self.fromEdit = named(QDateTimeEdit(start), "fromEdit")
        self.toEdit = named(QDateTimeEdit(start.addDays(1)), "toEdit")
        for picker in (self.fromEdit, self.toEdit):
            picker.setTimeZone(zone)
            picker.setDisplayFormat("dd/MM/yyyy HH:mm")
            picker.setCalendarPopup(True)
        self.reasonEdit = named(QLineEdit(), "blockReasonEdit")
        self.reasonEdit.setPlaceholderText("vacaciones, curso…")
        self.blockButton = named(QPushButton("Bloquear"), "blockButton")
        self.blockButton.clicked.connect(self.block)
        self.unblockButton = named(QPushButton("Quitar bloqueo"), "unblockButton")
        self.unblockButton.clicked.connect(self.unblock)
        row = QHBoxLayout()
        for w in (QLabel("Del"), self.fromEdit, QLabel("al"), self.toEdit, self.reasonEdit):
            row.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addWidget(self.blockButton)
        buttons.addWidget(self.unblockButton)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.businessCheck)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Periodos bloqueados</b> (sin citas)"))
        layout.addWidget(self.blockedList)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(ok_cancel(self, "Guardar horario", self.save))
        self._sync()
        self.load_blocked()

    def _sync(self) -> None:
        for edit in self.dayEdits:
            edit.setEnabled(not self.businessCheck.isChecked())

    def hours(self) -> Hours | None:
        if self.businessCheck.isChecked():
            return None
        out: Hours = {}
        for day, edit in enumerate(self.dayEdits):
            windows = parse_windows(edit.text())
            if windows:
                out[day] = windows
        return out

    def save(self) -> None:
        try:
            self.services.agenda.set_working_hours(self.advisor_id, self.hours())
        except (DomainError, ValueError) as exc:
            self.errorLabel.show_message(str(exc))
            return
        self.accept()

    def load_blocked(self) -> None:
        now = self.services.clock()
        found = self.services.agenda.blocked(now, now + timedelta(days=3650), self.advisor_id)
        self.blockedList.clear()
        for b in found:
            text = f"{format_datetime(b.start)} – {format_datetime(b.end)}  {b.reason}".rstrip()
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, b)
            self.blockedList.addItem(item)

    def _instant(self, edit: QDateTimeEdit) -> datetime:
        return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), ZONE)

    def block(self) -> None:
        try:
            self.services.agenda.block(
                self.advisor_id, self._instant(self.fromEdit), self._instant(self.toEdit),
                self.reasonEdit.text(),
            )  # fmt: skip
        except DomainError as exc:
            self.errorLabel.show_message(str(exc))
            return
        self.errorLabel.clear_message()
        self.reasonEdit.clear()
        self.load_blocked()

    def unblock(self) -> None:
        item = self.blockedList.currentItem()
        b = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(b, BlockedView):
            self.services.agenda.unblock(b.id)
            self.load_blocked()
