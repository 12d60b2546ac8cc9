"""The composition root: builds the application once (window, and later engine and services).

``run(argv, exec=True)`` is what ``main.py``, ``appleuse`` and ``python -m app`` call; tests
call it with ``exec=False`` and get the window back without entering the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def run(argv: Sequence[str] | None = None, *, exec: bool = True) -> Any:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["appleuse", *(argv or [])])
    app.setApplicationName("AppleUse Soporte")
    app.setOrganizationName("AppleUse")
    window = MainWindow()
    window.show()
    if not exec:
        return window
    return app.exec()
