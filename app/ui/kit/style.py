"""The application's one stylesheet, ``app/ui/resources/appleuse.qss``, packaged with the app
and read through :mod:`importlib.resources` (so it works from an installed wheel too)."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

__all__ = ["ERROR_COLOR", "install", "stylesheet"]

STYLESHEET = "appleuse.qss"
#: The colour of a field's message, for what a stylesheet cannot reach (a tab's title).
ERROR_COLOR = QColor("#b00020")
_INSTALLED = "appleuseStylesheet"


def stylesheet() -> str:
    """The stylesheet's text."""
    return (files("app.ui") / "resources" / STYLESHEET).read_text(encoding="utf-8")


def install(app: QApplication) -> None:
    """Give ``app`` the stylesheet, once: every window and dialog follows it."""
    if app.property(_INSTALLED):
        return
    app.setStyleSheet(stylesheet())
    app.setProperty(_INSTALLED, True)
