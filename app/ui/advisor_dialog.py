"""At first start: who is using the app (choose yourself, or add yourself)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.values import AdvisorView
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation

__all__ = ["AdvisorDialog"]


class AdvisorDialog(QDialog):
    """At first start: choose who you are, or add yourself (``create`` may refuse)."""

    def __init__(
        self,
        advisors: Sequence[AdvisorView],
        create: Callable[[str], AdvisorView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("advisorDialog")
        self.setWindowTitle("¿Quién atiende?")
        self._create = create
        self.chosen: AdvisorView | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("advisorCombo")
        for a in advisors:
            self.combo.addItem(a.name, a)
        self.combo.setVisible(bool(advisors))
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("advisorNameEdit")
        self.nameEdit.setPlaceholderText("Nombre del asesor nuevo")
        self.errorLabel = field_error("advisorError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continuar")
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Elija su nombre o agréguese como asesor. La aplicación lo recordará."
            if advisors
            else "Escriba su nombre para registrarse como asesor."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(self.nameEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(buttons)

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def try_accept(self) -> None:
        name = self.nameEdit.text().strip()
        if name:
            self.chosen = Operation(self, lambda: self._create(name)).run()
            if self.chosen is None:
                return  # refused: the message is shown
        else:
            self.chosen = self.combo.currentData()
        if self.chosen is None:
            self.show_error("Escriba su nombre.")
            return
        self.accept()
