"""A client's device (Mac, iPhone, iPad…): create or edit it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.kernel.enums import DeviceKind
from app.services.data import DeviceData
from app.services.values import DeviceView
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation

__all__ = ["DeviceDialog", "device_text"]


def device_text(d: DeviceView) -> str:
    """``Mac · MacBook Air M2 · serie C02XK1``: a device in lists and combo boxes."""
    parts = [d.kind.label, d.model, f"serie {d.serial}" if d.serial else ""]
    return " · ".join(p for p in parts if p)


class DeviceDialog(QDialog):
    """Create or edit a device. ``save`` stores the data (and may refuse with DomainError)."""

    def __init__(
        self,
        save: Callable[[DeviceData], DeviceView],
        device: DeviceView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("Editar equipo" if device else "Nuevo equipo")
        self._save = save
        self.saved: DeviceView | None = None
        self.kindCombo = QComboBox()
        self.kindCombo.setObjectName("kindCombo")
        for kind in DeviceKind:
            self.kindCombo.addItem(kind.label, kind)
        if device:
            self.kindCombo.setCurrentIndex(list(DeviceKind).index(device.kind))
        self.modelEdit = QLineEdit(device.model if device else "")
        self.modelEdit.setObjectName("modelEdit")
        self.modelEdit.setPlaceholderText('MacBook Pro 14" 2023')
        self.serialEdit = QLineEdit(device.serial if device else "")
        self.serialEdit.setObjectName("serialEdit")
        self.osEdit = QLineEdit(device.os_version if device else "")
        self.osEdit.setObjectName("osEdit")
        self.osEdit.setPlaceholderText("macOS 15.1")
        self.formError = field_error("formError")
        form = QFormLayout()
        form.addRow("Tipo:", self.kindCombo)
        form.addRow("Modelo:", self.modelEdit)
        form.addRow("Número de serie:", self.serialEdit)
        form.addRow("Sistema:", self.osEdit)
        buttons = ok_cancel(self, "Guardar", self.try_save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.formError)
        layout.addWidget(buttons)

    def data(self) -> DeviceData:
        return DeviceData(
            kind=DeviceKind(self.kindCombo.currentData()),
            model=self.modelEdit.text(),
            serial=self.serialEdit.text(),
            os_version=self.osEdit.text(),
        )

    def show_error(self, message: str) -> None:
        self.formError.show_message(message)

    def try_save(self) -> None:
        saved = Operation(self, lambda: self._save(self.data())).run()
        if saved is not None:
            self.saved = saved
            self.accept()
