"""A client: create or edit the client and, once saved, their devices.

The dialog checks each field and shows its message next to it; nothing is stored until every
field is fine, and a refusal from the service shows under the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.data import ClientData, clean_rfc
from app.services.values import ClientView, DeviceView
from app.ui.device_dialog import device_text
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation, problem

__all__ = ["ClientDialog", "DeviceActions"]


@dataclass(frozen=True)
class DeviceActions:
    """How the client dialog lists, adds and edits the client's devices (the window's calls)."""

    list: Callable[[], Sequence[DeviceView]]
    add: Callable[[], DeviceView | None]
    edit: Callable[[DeviceView], DeviceView | None]


class ClientDialog(QDialog):
    """Create or edit a client and their devices. ``save`` stores the data (and may refuse
    with DomainError)."""

    def __init__(
        self,
        save: Callable[[ClientData], ClientView],
        client: ClientView | None = None,
        parent: QWidget | None = None,
        devices: DeviceActions | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clientDialog")
        self.setWindowTitle("Editar cliente" if client else "Nuevo cliente")
        self._save = save
        self.saved: ClientView | None = None

        self.nameEdit = QLineEdit(client.name if client else "")
        self.nameEdit.setObjectName("nameEdit")
        self.nameError = field_error("nameError")
        self.phoneEdit = QLineEdit(client.phone if client else "")
        self.phoneEdit.setObjectName("phoneEdit")
        self.phoneEdit.setPlaceholderText("(228) 833 4045")
        self.phoneError = field_error("phoneError")
        self.emailEdit = QLineEdit(client.email if client else "")
        self.emailEdit.setObjectName("emailEdit")
        self.emailError = field_error("emailError")
        self.rfcEdit = QLineEdit((client.rfc or "") if client else "")
        self.rfcEdit.setObjectName("rfcEdit")
        self.rfcEdit.setPlaceholderText("Opcional, p. ej. GODE561231GR8")
        self.rfcError = field_error("rfcError")
        self.cityEdit = QLineEdit(client.city if client else "Xalapa")
        self.cityEdit.setObjectName("cityEdit")
        self.addressEdit = QLineEdit(client.address if client else "")
        self.addressEdit.setObjectName("addressEdit")
        self.notesEdit = QPlainTextEdit(client.notes if client else "")
        self.notesEdit.setObjectName("notesEdit")
        self.notesEdit.setFixedHeight(64)
        self.formError = field_error("formError")

        form = QFormLayout()
        form.addRow("Nombre:", self.nameEdit)
        form.addRow("", self.nameError)
        form.addRow("Teléfono:", self.phoneEdit)
        form.addRow("", self.phoneError)
        form.addRow("Correo:", self.emailEdit)
        form.addRow("", self.emailError)
        form.addRow("RFC:", self.rfcEdit)
        form.addRow("", self.rfcError)
        form.addRow("Ciudad:", self.cityEdit)
        form.addRow("Dirección:", self.addressEdit)
        form.addRow("Notas:", self.notesEdit)

        self._devices = devices
        self.devicesBox = self._devices_box(devices)
        self.buttons = ok_cancel(self, "Guardar", self.try_save)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.devicesBox)
        layout.addWidget(self.formError)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    # -- the client's devices (Mac, iPhone, iPad…) -------------------------------------------
    def _devices_box(self, devices: DeviceActions | None) -> QGroupBox:
        box = QGroupBox("Equipos")
        self.devicesList = QListWidget()
        self.devicesList.setObjectName("devicesList")
        self.devicesList.setMaximumHeight(90)
        self.addDeviceButton = QPushButton("Agregar equipo…")
        self.addDeviceButton.setObjectName("addDeviceButton")
        self.editDeviceButton = QPushButton("Editar equipo…")
        self.editDeviceButton.setObjectName("editDeviceButton")
        self.editDeviceButton.setEnabled(False)
        layout = QVBoxLayout(box)
        if devices is None:
            hint = QLabel("Guarde el cliente para registrar sus equipos.")
            hint.setObjectName("hintLabel")
            layout.addWidget(hint)
            return box
        if self.windowTitle() == "Nuevo cliente":
            hint = QLabel("Los equipos se guardan junto con el cliente.")
            hint.setObjectName("hintLabel")
            layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.addDeviceButton)
        buttons.addWidget(self.editDeviceButton)
        layout.addWidget(self.devicesList)
        layout.addLayout(buttons)
        self.addDeviceButton.clicked.connect(self._add_device)
        self.editDeviceButton.clicked.connect(self._edit_device)
        self.devicesList.itemSelectionChanged.connect(
            lambda: self.editDeviceButton.setEnabled(bool(self.devicesList.selectedItems()))
        )
        self.devicesList.itemDoubleClicked.connect(lambda *_: self._edit_device())
        self._fill_devices(devices)
        return box

    def _fill_devices(self, devices: DeviceActions) -> None:
        self.devicesList.clear()
        for device in devices.list():
            item = QListWidgetItem(device_text(device))
            item.setData(Qt.ItemDataRole.UserRole, device)
            self.devicesList.addItem(item)

    def _add_device(self) -> None:
        assert self._devices is not None
        if self._devices.add() is not None:
            self._fill_devices(self._devices)

    def _edit_device(self) -> None:
        assert self._devices is not None
        items = self.devicesList.selectedItems()
        if items and self._devices.edit(items[0].data(Qt.ItemDataRole.UserRole)) is not None:
            self._fill_devices(self._devices)

    # -- checking and saving -----------------------------------------------------------------
    def data(self) -> ClientData:
        return ClientData(
            name=self.nameEdit.text(),
            phone=self.phoneEdit.text(),
            email=self.emailEdit.text(),
            rfc=self.rfcEdit.text() or None,
            city=self.cityEdit.text(),
            address=self.addressEdit.text(),
            notes=self.notesEdit.toPlainText(),
        )

    def validate(self) -> bool:
        """Check each field and show its message next to it; True when all are fine."""
        data = self.data()
        phone, email = data.phone.strip(), data.email.strip()
        email_ok = not email or ("@" in email and not email.startswith("@") and "." in email)
        messages = {
            self.nameError: "" if data.name.strip() else "El nombre es obligatorio.",
            self.phoneError: ""
            if not phone or any(c.isdigit() for c in phone)
            else "El teléfono no es válido.",
            self.emailError: "" if email_ok else "El correo no es válido.",
            self.rfcError: problem(lambda: clean_rfc(data.rfc)),
        }
        for label, message in messages.items():
            label.show_message(message)
        return not any(messages.values())

    def show_error(self, message: str) -> None:
        self.formError.show_message(message)

    def try_save(self) -> None:
        if not self.validate():
            return
        saved = Operation(self, lambda: self._save(self.data())).run()
        if saved is not None:
            self.saved = saved
            self.accept()
