from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_modal(fn: Callable[[Any], None]) -> None:
    """Answer the next modal dialog as soon as it is shown (its exec() is running)."""

    def handler() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(5, handler)
            return
        fn(dialog)

    QTimer.singleShot(0, handler)
