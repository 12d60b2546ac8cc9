"""Starting a session: the client's device, the modality, the city for onsite work, and for a
remote session its channel and the checklist of RULES §9.

What keeps a session from starting is decided by ``app.billing.session_rules.checklist_problem``
— the very rule the service refuses with — and shown under the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.billing.session_rules import Checklist, checklist_problem
from app.kernel.enums import Channel, Modality, PaymentArrangement, RemoteTool
from app.kernel.fmt import format_date
from app.services.values import ClientView, DeviceView
from app.ui.device_dialog import device_text
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import field_error

__all__ = ["StartRequest", "StartSessionDialog"]

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class StartRequest:
    modality: Modality
    device_id: int | None
    channel: Channel | None
    city: str | None
    summary: str
    checklist: Checklist | None


class StartSessionDialog(QDialog):
    """Client, device, modality, city for onsite, and for remote the checklist of RULES §9."""

    def __init__(
        self,
        client: ClientView,
        devices: Sequence[DeviceView],
        add_device: Callable[[], DeviceView | None],
        parent: QWidget | None = None,
        last: tuple[Checklist, datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("startSessionDialog")
        self.setWindowTitle("Iniciar sesión")
        self._add_device = add_device
        self.request: StartRequest | None = None

        header = QLabel(f"<b>{client.name}</b> — {client.city or 'sin ciudad'}")
        header.setTextFormat(Qt.TextFormat.RichText)

        self.deviceCombo = QComboBox()
        self.deviceCombo.setObjectName("deviceCombo")
        self.deviceCombo.addItem("Sin equipo registrado", None)
        for d in devices:
            self.deviceCombo.addItem(device_text(d), d.id)
        if devices:
            self.deviceCombo.setCurrentIndex(1)
        self.newDeviceButton = QPushButton("Nuevo equipo…")
        self.newDeviceButton.setObjectName("newDeviceButton")
        self.newDeviceButton.clicked.connect(self._new_device)

        self.modalityGroup = QButtonGroup(self)
        self.remoteRadio = QRadioButton("A distancia")
        self.remoteRadio.setObjectName("remoteRadio")
        self.officeRadio = QRadioButton("Presencial en AppleUse")
        self.officeRadio.setObjectName("officeRadio")
        self.onsiteRadio = QRadioButton("En domicilio u oficina del cliente")
        self.onsiteRadio.setObjectName("onsiteRadio")
        for i, radio in enumerate((self.remoteRadio, self.officeRadio, self.onsiteRadio)):
            self.modalityGroup.addButton(radio, i)
        self.remoteRadio.setChecked(True)

        self.channelCombo = QComboBox()
        self.channelCombo.setObjectName("channelCombo")
        for channel in (Channel.REMOTE_DESKTOP, Channel.PHONE, Channel.CHAT):
            self.channelCombo.addItem(channel.label, channel)
        self.cityEdit = QLineEdit(client.city)
        self.cityEdit.setObjectName("cityEdit")
        self.summaryEdit = QLineEdit()
        self.summaryEdit.setObjectName("summaryEdit")
        self.summaryEdit.setPlaceholderText("Problema reportado, p. ej. «La Mac no enciende»")

        self.checklistBox = self._checklist_box()
        self._prefilled = last is not None
        if last is not None:
            self._prefill(*last)
        self.errorLabel = field_error("startError")

        form = QFormLayout()
        form.addRow(header)
        form.addRow("Equipo:", self.deviceCombo)
        form.addRow("", self.newDeviceButton)
        modality_box = QVBoxLayout()
        for radio in (self.remoteRadio, self.officeRadio, self.onsiteRadio):
            modality_box.addWidget(radio)
        form.addRow("Modalidad:", modality_box)
        form.addRow("Canal:", self.channelCombo)
        form.addRow("Ciudad:", self.cityEdit)
        form.addRow("Problema:", self.summaryEdit)

        self.buttons = ok_cancel(self, "Iniciar", self.try_accept)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.checklistBox)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.buttons)
        self.modalityGroup.idToggled.connect(lambda *_: self._update())
        self.channelCombo.currentIndexChanged.connect(lambda *_: self._update())
        self._update()
        self.setMinimumWidth(480)

    def _checklist_box(self) -> QGroupBox:
        """RULES §9: what a remote session needs before it starts."""
        box = QGroupBox("Requisitos de la sesión a distancia")
        box.setObjectName("checklistBox")
        self.paymentCombo = QComboBox()
        self.paymentCombo.setObjectName("paymentCombo")
        self.paymentCombo.addItem("Elija…", None)
        for p in (PaymentArrangement.PREPAID, PaymentArrangement.LATER):
            self.paymentCombo.addItem(p.label, p)
        self.internetCheck = QCheckBox("Conexión continua a internet")
        self.internetCheck.setObjectName("internetCheck")
        self.macosCheck = QCheckBox("macOS en el equipo")
        self.macosCheck.setObjectName("macosCheck")
        self.toolCombo = QComboBox()
        self.toolCombo.setObjectName("toolCombo")
        self.toolCombo.addItem("Ninguna todavía", None)
        for tool in RemoteTool:
            self.toolCombo.addItem(tool.label, tool)
        self.lastLabel = QLabel("")
        self.lastLabel.setObjectName("hintLabel")
        self.lastLabel.setWordWrap(True)
        self.lastLabel.hide()
        self.confirmCheck = QCheckBox("Confirmé estos requisitos con el cliente")
        self.confirmCheck.setObjectName("confirmCheck")
        self.confirmCheck.hide()
        form = QFormLayout(box)
        form.addRow(self.lastLabel)
        form.addRow("Pago:", self.paymentCombo)
        form.addRow(self.internetCheck)
        form.addRow(self.macosCheck)
        form.addRow("iCloud / TeamViewer:", self.toolCombo)
        form.addRow(self.confirmCheck)
        return box

    def _prefill(self, last: Checklist, when: datetime) -> None:
        """The client's last remote session's answers, to be confirmed again with them."""
        self.paymentCombo.setCurrentIndex(_index_of(self.paymentCombo, last.payment))
        self.internetCheck.setChecked(last.internet)
        self.macosCheck.setChecked(last.macos)
        self.toolCombo.setCurrentIndex(_index_of(self.toolCombo, last.remote_tool))
        self.lastLabel.setText(
            f"Como en la última sesión a distancia ({format_date(when)}): "
            "confírmelo con el cliente."
        )
        self.lastLabel.show()
        self.confirmCheck.show()

    def preset(
        self, device_id: int | None, modality: Modality, channel: Channel | None, city: str,
        summary: str = "",
    ) -> None:  # fmt: skip
        """Filled from a cita of the agenda (issue 13): the advisor checks and starts."""
        found = self.deviceCombo.findData(device_id)
        if device_id is not None and found >= 0:
            self.deviceCombo.setCurrentIndex(found)
        order = (Modality.REMOTE, Modality.OFFICE, Modality.ONSITE)
        self.modalityGroup.button(order.index(Modality(modality))).setChecked(True)
        if channel is not None and (index := self.channelCombo.findData(channel)) >= 0:
            self.channelCombo.setCurrentIndex(index)
        if city:
            self.cityEdit.setText(city)
        self.summaryEdit.setText(summary)
        self._update()

    def modality(self) -> Modality:
        return (Modality.REMOTE, Modality.OFFICE, Modality.ONSITE)[
            max(0, self.modalityGroup.checkedId())
        ]

    def _update(self) -> None:
        remote = self.modality() is Modality.REMOTE
        self.channelCombo.setEnabled(remote)
        self.checklistBox.setVisible(remote)
        desktop = remote and self.channelCombo.currentData() == Channel.REMOTE_DESKTOP
        self.macosCheck.setEnabled(desktop)
        self.toolCombo.setEnabled(desktop)
        self.cityEdit.setEnabled(self.modality() is Modality.ONSITE)
        self.adjustSize()

    def _new_device(self) -> None:
        device = self._add_device()
        if device is not None:
            self.deviceCombo.addItem(device_text(device), device.id)
            self.deviceCombo.setCurrentIndex(self.deviceCombo.count() - 1)

    def checklist(self) -> Checklist:
        # Qt hands StrEnum values back as plain str: turn them into the enums again.
        return Checklist(
            payment=_enum(PaymentArrangement, self.paymentCombo.currentData()),
            internet=self.internetCheck.isChecked(),
            macos=self.macosCheck.isChecked(),
            remote_tool=_enum(RemoteTool, self.toolCombo.currentData()),
        )

    def try_accept(self) -> None:
        modality = self.modality()
        remote = modality is Modality.REMOTE
        channel = _enum(Channel, self.channelCombo.currentData()) if remote else None
        checklist = self.checklist() if remote else None
        device_id = self.deviceCombo.currentData()
        city = self.cityEdit.text().strip() if modality is Modality.ONSITE else None
        message = checklist_problem(modality, channel, checklist, device_id)
        if message is None and remote and self._prefilled and not self.confirmCheck.isChecked():
            message = "Confirme con el cliente los requisitos de la sesión a distancia."
        if message is None and modality is Modality.ONSITE and not city:
            message = "Indique la ciudad del servicio a domicilio."
        if message:
            self.errorLabel.show_message(message)
            return
        self.request = StartRequest(
            modality=modality,
            device_id=device_id,
            channel=channel,
            city=city,
            summary=self.summaryEdit.text().strip(),
            checklist=checklist,
        )
        self.accept()


def _index_of(combo: QComboBox, value: Enum | None) -> int:
    """The entry holding ``value`` (Qt hands StrEnums back as str), else the first."""
    wanted = None if value is None else value.value
    for i in range(combo.count()):
        data = combo.itemData(i)
        if (None if data is None else str(data)) == wanted:
            return i
    return 0


def _enum(kind: type[E], value: object) -> E | None:
    return None if value is None else kind(value)
