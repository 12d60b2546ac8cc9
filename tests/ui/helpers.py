from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

_generation = [0]  # a test's answers that no dialog took die with it (see forget_answers)


def forget_answers() -> None:
    """Drop the answers still waiting for a dialog (at the end of each test: one left over
    would answer a later test's dialog)."""
    _generation[0] += 1


def when_modal(fn: Callable[[Any], None]) -> None:
    """Answer the next modal dialog as soon as it is shown (its exec() is running)."""
    generation = _generation[0]

    def handler() -> None:
        if generation != _generation[0]:
            return
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(5, handler)
            return
        fn(dialog)

    QTimer.singleShot(0, handler)
