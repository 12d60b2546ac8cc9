"""A note written while the session runs: stored at once, timestamped in the timeline."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.services.values import SessionView
from app.ui.kit.layout import ok_cancel
from app.ui.kit.saving_dialog import SavingDialog

__all__ = ["NoteDialog"]


class NoteDialog(SavingDialog[str, SessionView]):
    """``save`` stores the text as a note of the session (and may refuse with DomainError)."""

    def __init__(self, save: Callable[[str], SessionView], parent: QWidget | None = None) -> None:
        super().__init__(save, "noteError", parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle("Nota de la sesión")
        intro = QLabel("Queda en la bitácora con la hora de ahora; no se edita después.")
        intro.setWordWrap(True)
        self.noteEdit = QPlainTextEdit()
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText("Lo que pasó, lo que dijo el cliente, lo que falta…")
        self.noteEdit.setTabChangesFocus(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.noteEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(ok_cancel(self, "Agregar nota", self.try_save))
        self.resize(420, 220)

    def asked(self) -> str:
        return self.noteEdit.toPlainText()
