"""A cita, read-only (opened from a client's history): when (local, 24 h), advisor, modality or
place, state, reason, the agenda's marks and notes, the cancellation's reason, and every change
it went through (booked, confirmed, moved, cancelled, done, no-show) with who and when.

Read by ``services.agenda.appointment`` and ``services.agenda.history`` off the GUI thread.
To act on the cita (confirm, move, cancel…) the advisor uses the Agenda window: with
``on_agenda``, "Ver en la agenda" closes this dialog and hands the cita to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.kernel.enums import Modality
from app.kernel.fmt import format_datetime, format_time
from app.services.agenda_values import AppointmentView, ChangeView
from app.ui.kit.messages import error_banner
from app.ui.kit.operation import Operation
from app.ui.report_tables import CopyTable, RowsModel

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["AppointmentDetailDialog", "place_of"]

CHANGE_HEADERS = ("Fecha", "Cambio", "Asesor", "Horario", "Nota")
#: the form's rows: object name and Spanish label
FIELDS = (
    ("whenValue", "Fecha y hora:"),
    ("advisorValue", "Asesor:"),
    ("placeValue", "Modalidad:"),
    ("stateValue", "Estado:"),
    ("reasonValue", "Motivo:"),
    ("marksValue", "Avisos:"),
    ("priceValue", "Precio estimado:"),
    ("cancelValue", "Motivo de la cancelación:"),
)


def place_of(a: AppointmentView) -> str:
    """ "A distancia (Teléfono)", "Presencial en AppleUse", "En domicilio del cliente: …"."""
    if a.modality is Modality.ONSITE:
        where = ", ".join(x for x in (a.address, a.city) if x)
        return f"{a.modality.label}: {where}" if where else a.modality.label
    return a.modality.label + (f" ({a.channel.label})" if a.channel else "")


class AppointmentDetailDialog(QDialog):
    """One cita and its changes; ``loaded`` is emitted once they are shown (or refused)."""

    loaded = Signal()

    def __init__(
        self,
        services: Services,
        appointment_id: int,
        parent: QWidget | None = None,
        *,
        on_agenda: Callable[[AppointmentView], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_agenda = on_agenda
        self.appointment_id = appointment_id
        self.appointment: AppointmentView | None = None
        self.setObjectName("appointmentDetailDialog")
        self.setWindowTitle("Cita")
        self.resize(760, 520)
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("appointmentTitleLabel")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.titleLabel.setFont(font)
        self.errorLabel = error_banner("appointmentErrorLabel")
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for name, label in FIELDS:
            value = QLabel("—", self)
            value.setObjectName(name)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            form.addRow(label, value)
        self.changes = CopyTable(RowsModel(CHANGE_HEADERS), "appointmentChanges", self)
        self.changes.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        self.agendaButton = QPushButton("Ver en la agenda", self)
        self.agendaButton.setObjectName("appointmentAgendaButton")
        self.agendaButton.setAutoDefault(False)
        self.agendaButton.setEnabled(False)
        self.agendaButton.clicked.connect(self.open_in_agenda)
        buttons.addButton(self.agendaButton, QDialogButtonBox.ButtonRole.ActionRole)
        self.agendaButton.setVisible(on_agenda is not None)  # after addButton, which shows it
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Historial de la cita</b>", self))
        layout.addWidget(self.changes, 1)
        layout.addWidget(buttons)
        self.loading = True
        agenda = services.agenda

        def read() -> tuple[AppointmentView, list[ChangeView]]:
            return agenda.appointment(appointment_id), agenda.history(appointment_id)

        Operation(self, read).success(self._show).finished(self._arrived).run_in_background()

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def _arrived(self) -> None:
        self.loading = False
        self.loaded.emit()

    def _show(self, found: tuple[AppointmentView, list[ChangeView]]) -> None:
        a, changes = found
        self.appointment = a
        self.titleLabel.setText(f"Cita: {a.title}")
        price = "" if a.price_total is None else f"{format_money(a.price_total)} (IVA incluido)"
        texts = {
            "whenValue": a.when,
            "advisorValue": a.advisor_name,
            "placeValue": place_of(a),
            "stateValue": a.state.label,
            "reasonValue": a.reason,
            "marksValue": " · ".join(x for x in (a.marks, *a.notes) if x),
            "priceValue": price,
            "cancelValue": a.cancel_reason or "",
        }
        for name, text in texts.items():
            self.values[name].setText(text or "—")
        self.changes.rows.set_rows([_change_row(c) for c in changes])
        self.agendaButton.setEnabled(True)

    def open_in_agenda(self) -> None:
        """Close, and show the cita in the Agenda window (its day, selected)."""
        if self.appointment is None or self._on_agenda is None:
            return
        self.accept()
        self._on_agenda(self.appointment)


def _change_row(c: ChangeView) -> list[tuple[str, Any]]:
    span = f"{format_datetime(c.start)}–{format_time(c.end)}"
    return [
        (format_datetime(c.at), c.at.timestamp()),
        (c.kind.label, c.kind.label),
        (c.advisor_name, c.advisor_name),
        (span, c.start.timestamp()),
        (c.note, c.note),
    ]
