"""A note written while the session runs: stored at once, timestamped in the timeline."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.services.values import SessionView
from app.ui.kit.layout import fit_height, ok_cancel
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation

__all__ = ["NoteDialog"]


class NoteDialog(QDialog):
    """``save`` stores the text as a note of the session (and may refuse with DomainError)."""

    def __init__(self, save: Callable[[str], SessionView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle("Nota de la sesión")
        self._save = save
        self.saved: SessionView | None = None
        intro = QLabel("Queda en la bitácora con la hora de ahora; no se edita después.")
        intro.setWordWrap(True)
        self.noteEdit = QPlainTextEdit()
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText("Lo que pasó, lo que dijo el cliente, lo que falta…")
        self.noteEdit.setTabChangesFocus(True)
        self.errorLabel = field_error("noteError")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.noteEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(ok_cancel(self, "Agregar nota", self.try_save))
        self.resize(420, 220)

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)
        fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def try_save(self) -> None:
        text = self.noteEdit.toPlainText()
        saved = Operation(self, lambda: self._save(text)).run()
        if saved is not None:
            self.saved = saved
            self.accept()
