"""Ending a session: its outcome (RULES §7); for "Nuevo evento" also the new request."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.kernel.enums import Outcome
from app.ui.kit.layout import ok_cancel
from app.ui.kit.messages import field_error

__all__ = ["EndSessionDialog"]


class EndSessionDialog(QDialog):
    """Choose the outcome (RULES §7); for "Nuevo evento" also the new request's summary."""

    def __init__(
        self,
        *,
        new_event: bool = False,
        preselect: Outcome | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("endSessionDialog")
        self.setWindowTitle("Nuevo evento" if new_event else "Finalizar sesión")
        self.outcome: Outcome | None = None
        intro = QLabel(
            "El caso actual termina con este resultado y se abre un caso nuevo para la nueva "
            "solicitud, que se cobra aparte."
            if new_event
            else "¿Cómo termina la sesión?"
        )
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.radios: dict[Outcome, QRadioButton] = {}
        box = QVBoxLayout()
        for i, outcome in enumerate(Outcome):
            radio = QRadioButton(outcome.label)
            radio.setObjectName(f"outcome_{outcome.value}")
            self.group.addButton(radio, i)
            self.radios[outcome] = radio
            box.addWidget(radio)
        if preselect is not None:
            self.radios[preselect].setChecked(True)
        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText("Nota (opcional)")
        self.summaryEdit = QLineEdit()
        self.summaryEdit.setObjectName("summaryEdit")
        self.summaryEdit.setPlaceholderText("Nueva solicitud del cliente")
        self.summaryEdit.setVisible(new_event)
        self.errorLabel = field_error("endError")
        ok_text = "Terminar y abrir caso nuevo" if new_event else "Finalizar"
        self.buttons = ok_cancel(self, ok_text, self.try_accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(box)
        layout.addWidget(self.noteEdit)
        layout.addWidget(self.summaryEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.buttons)

    def try_accept(self) -> None:
        chosen = [o for o, radio in self.radios.items() if radio.isChecked()]
        if not chosen:
            self.errorLabel.show_message("Elija el resultado de la sesión.")
            return
        self.outcome = chosen[0]
        self.accept()
