"""The main window (a first shell; the client list, stopwatch and billing panel come next)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("AppleUse Soporte"))
        label = QLabel(self.tr("AppleUse Soporte — soporte técnico Mac"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self.resize(1100, 700)
