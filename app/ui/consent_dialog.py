"""The client's answer to the remote-control request (RULES §8)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["CONSENT_MESSAGE", "ConsentDialog"]

CONSENT_MESSAGE = (
    "El asesor solicita tomar el control remoto de su equipo para diagnosticar o resolver "
    "el problema reportado. El control remoto aplica solo al equipo que solicitó el servicio "
    "y usted puede detenerlo en cualquier momento."
)


class ConsentDialog(QDialog):
    """Accepted (after the backup notice), declined, or no answer yet."""

    ACCEPTED, DECLINED = "accepted", "declined"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.setWindowTitle("Autorización de control remoto")
        self.answer: str | None = None
        message = QLabel(CONSENT_MESSAGE)
        message.setWordWrap(True)
        self.backupCheck = QCheckBox(
            "El cliente fue informado de que respaldar su información antes del control "
            "remoto es su responsabilidad."
        )
        self.backupCheck.setObjectName("backupCheck")
        self.acceptButton = QPushButton("El cliente aceptó")
        self.acceptButton.setObjectName("acceptButton")
        self.acceptButton.setEnabled(False)
        self.declineButton = QPushButton("El cliente rechazó")
        self.declineButton.setObjectName("declineButton")
        cancel = QPushButton("Aún sin respuesta")
        self.backupCheck.toggled.connect(self.acceptButton.setEnabled)
        self.acceptButton.clicked.connect(lambda: self._answer(self.ACCEPTED))
        self.declineButton.clicked.connect(lambda: self._answer(self.DECLINED))
        cancel.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.acceptButton, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.declineButton, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.backupCheck)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _answer(self, answer: str) -> None:
        self.answer = answer
        self.accept()
