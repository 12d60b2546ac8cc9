"""A new cita, or a cita moved (issue 13): who, when, how long, how, why. While the advisor
types, the service's preview says whether it fits — or why not — and shows its marks
(emergencia, requiere cotización) with the price estimate from the billing engine. Saving books
(or moves) through the service, which checks again; a refusal stays in the dialog.

For the window::

    dialog = AppointmentDialog(services, parent, start=..., advisor_id=..., client_id=...)
    dialog = AppointmentDialog(services, parent, moving=view)      # move an existing cita
    run_dialog(dialog); dialog.saved   # the AppointmentView saved, or None
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.billing.availability import MAX_MINUTES, MIN_MINUTES
from app.billing.money import format_money
from app.kernel.enums import AppointmentPurpose, CaseState, Channel, Modality
from app.kernel.errors import DomainError
from app.kernel.fmt import LOCAL_ZONE, case_label
from app.services.agenda_values import AppointmentData, AppointmentView
from app.ui.agenda_view import named
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import error_banner

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["AppointmentDialog"]

ZONE = ZoneInfo(LOCAL_ZONE)


class AppointmentDialog(QDialog):
    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        start: datetime | None = None,
        advisor_id: int | None = None,
        client_id: int | None = None,
        minutes: int = 60,
        modality: Modality = Modality.REMOTE,
        case_id: int | None = None,
        policy_id: int | None = None,
        purpose: AppointmentPurpose | None = None,
        moving: AppointmentView | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.moving = moving
        self.saved: AppointmentView | None = None
        self.policy_id = policy_id
        self.purpose = purpose
        self.setObjectName("appointmentDialog")
        self.setWindowTitle("Mover cita" if moving else "Nueva cita")
        self.setMinimumWidth(460)
        self.errorLabel = error_banner("appointmentError")
        self.clientCombo = named(QComboBox(), "clientCombo")
        for c in services.clients.clients():
            self.clientCombo.addItem(c.name, c.id)
        self.advisorCombo = named(QComboBox(), "advisorCombo")
        for a in services.clients.advisors():
            self.advisorCombo.addItem(a.name, a.id)
        self.startEdit = named(QDateTimeEdit(), "startEdit")
        self.startEdit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.startEdit.setCalendarPopup(True)
        self.startEdit.setTimeZone(QTimeZone(LOCAL_ZONE.encode()))
        self.minutesSpin = named(QSpinBox(), "minutesSpin")
        self.minutesSpin.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutesSpin.setSingleStep(15)
        self.minutesSpin.setSuffix(" min")
        self.modalityCombo = named(QComboBox(), "modalityCombo")
        for m in Modality:
            self.modalityCombo.addItem(m.label, m)
        self.channelCombo = named(QComboBox(), "channelCombo")
        self.channelCombo.addItem("—", None)
        for ch in Channel:
            self.channelCombo.addItem(ch.label, ch)
        self.cityEdit = named(QLineEdit(), "cityEdit")
        self.caseCombo = named(QComboBox(), "caseCombo")
        self.reasonEdit = named(QLineEdit(), "reasonEdit")
        self.previewLabel = named(QLabel(), "previewLabel")
        self.previewLabel.setWordWrap(True)
        self.cityEdit.setPlaceholderText("la del cliente")

        form = QFormLayout()
        form.addRow("Cliente", self.clientCombo)
        form.addRow("Asesor", self.advisorCombo)
        form.addRow("Inicio", self.startEdit)
        form.addRow("Duración", self.minutesSpin)
        form.addRow("Modalidad", self.modalityCombo)
        form.addRow("Canal", self.channelCombo)
        form.addRow("Ciudad", self.cityEdit)
        form.addRow("Caso pendiente", self.caseCombo)
        form.addRow("Motivo", self.reasonEdit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errorLabel)
        layout.addLayout(form)
        layout.addWidget(self.previewLabel)
        layout.addWidget(ok_cancel(self, "Mover" if moving else "Agendar", self.save))

        self._fill(start, advisor_id, client_id, minutes, modality, case_id, moving)
        for signal in (
            self.clientCombo.currentIndexChanged, self.advisorCombo.currentIndexChanged,
            self.startEdit.dateTimeChanged, self.minutesSpin.valueChanged,
            self.modalityCombo.currentIndexChanged, self.channelCombo.currentIndexChanged,
            self.cityEdit.textChanged, self.caseCombo.currentIndexChanged,
        ):  # fmt: skip
            signal.connect(self.refresh_preview)
        self.clientCombo.currentIndexChanged.connect(self._load_cases)
        self.refresh_preview()

    def _fill(
        self, start: datetime | None, advisor_id: int | None, client_id: int | None,
        minutes: int, modality: Modality, case_id: int | None, moving: AppointmentView | None,
    ) -> None:  # fmt: skip
        if moving is not None:
            start, advisor_id, client_id = moving.start, moving.advisor_id, moving.client_id
            minutes, modality, case_id = moving.minutes, moving.modality, moving.case_id
            self.cityEdit.setText(moving.city)
            self.reasonEdit.setText(moving.reason)
            for w in (self.clientCombo, self.modalityCombo, self.channelCombo, self.cityEdit,
                      self.caseCombo, self.reasonEdit):  # fmt: skip
                w.setEnabled(False)
        _choose(self.clientCombo, client_id)
        _choose(self.advisorCombo, advisor_id)
        _choose(self.modalityCombo, modality)
        self.minutesSpin.setValue(minutes)
        when = start or self.services.clock()
        zone = QTimeZone(LOCAL_ZONE.encode())
        self.startEdit.setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp()), zone))
        self._load_cases()
        _choose(self.caseCombo, case_id)

    def _load_cases(self) -> None:
        self.caseCombo.blockSignals(True)
        self.caseCombo.clear()
        self.caseCombo.addItem("—", None)
        client = self.clientCombo.currentData()
        if client is not None:
            for c in self.services.sessions.cases(client_id=client, states=[CaseState.PENDING]):
                self.caseCombo.addItem(f"{case_label(c.number)} {c.summary}".strip(), c.id)
        self.caseCombo.blockSignals(False)

    def start(self) -> datetime:
        return datetime.fromtimestamp(self.startEdit.dateTime().toSecsSinceEpoch(), ZONE)

    def data(self) -> AppointmentData:
        city = self.cityEdit.text().strip()
        return AppointmentData(
            client_id=int(self.clientCombo.currentData()),
            advisor_id=int(self.advisorCombo.currentData()),
            start=self.start(),
            minutes=self.minutesSpin.value(),
            modality=Modality(self.modalityCombo.currentData()),
            channel=self.channelCombo.currentData(),
            city=city or None,
            reason=self.reasonEdit.text(),
            case_id=self.caseCombo.currentData(),
            policy_id=self.policy_id,
            purpose=self.purpose,
        )

    def refresh_preview(self) -> None:
        if self.clientCombo.currentData() is None or self.advisorCombo.currentData() is None:
            self.previewLabel.setText("Registre clientes y asesores para agendar.")
            return
        p = self.services.agenda.preview(
            self.data(), moving=self.moving.id if self.moving else None
        )
        parts = [f"⚠ {p.refusal}"] if p.refusal else ["✓ El horario está libre."]
        parts += list(p.notes)
        if p.price_total is not None:
            parts.append(f"Estimado: {format_money(p.price_total)} con IVA")
        self.previewLabel.setText("\n".join(parts))

    def save(self) -> None:
        try:
            if self.moving is None:
                self.saved = self.services.agenda.book(self.data())
            else:
                self.saved = self.services.agenda.move(
                    self.moving.id, self.start(), minutes=self.minutesSpin.value(),
                    advisor_id=int(self.advisorCombo.currentData()),
                )  # fmt: skip
        except DomainError as exc:
            self.errorLabel.show_message(str(exc))
            return
        self.accept()


def _choose(combo: QComboBox, value: object) -> None:
    if value is None:
        return
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
