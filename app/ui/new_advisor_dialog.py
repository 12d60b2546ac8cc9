""" "Agregar asesor…" (Ajustes → Asesores): a name, stored by ``create``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.values import AdvisorView

__all__ = ["NewAdvisorDialog"]


class NewAdvisorDialog(QDialog):
    """A name, stored by ``create`` (which may refuse with DomainError)."""

    def __init__(self, create: Callable[[str], AdvisorView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newAdvisorDialog")
        self.setWindowTitle("Agregar asesor")
        self._create = create
        self.created: AdvisorView | None = None
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("advisorNameEdit")
        self.nameEdit.setPlaceholderText("Nombre y apellidos")
        self.errorLabel = field_error("newAdvisorError")
        self.buttons = ok_cancel(self, "Agregar", self.try_accept)
        form = QFormLayout()
        form.addRow("Nombre:", self.nameEdit)
        form.addRow("", self.errorLabel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def try_accept(self) -> None:
        name = self.nameEdit.text()
        if not name.strip():
            self.show_error("Escriba el nombre del asesor.")
            return
        created = Operation(self, lambda: self._create(name)).run()
        if created is not None:
            self.created = created
            self.accept()
