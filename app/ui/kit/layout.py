"""Small layout helpers shared by the dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["fit_height", "hint", "value_label"]


def hint(text: str, name: str = "", *, wrap: bool = True) -> QLabel:
    """A grey explanation under or beside a field (``QLabel[role="hint"]``)."""
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


def value_label(name: str, *, width: int = 140) -> QLabel:
    """A right-aligned amount the advisor may select and copy."""
    label = QLabel("—")
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(width)
    return label


def fit_height(window: QWidget, *, shrink: bool = False) -> None:
    """Grow (or with ``shrink`` also shrink) to show every wrapped label whole: a top-level
    window does not follow its layout's height-for-width by itself."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    width = window.width() if window.isVisible() else window.sizeHint().width()
    height = (
        layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
    )
    if window.height() < height or (shrink and window.height() > height):
        window.resize(width, max(height, window.minimumHeight()))
