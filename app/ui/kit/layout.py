"""Small layout and dialog helpers shared by the windows and dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

__all__ = ["fit_height", "hint", "ok_cancel", "run_dialog", "value_label"]


def run_dialog(dialog: QDialog) -> int:
    """Run a modal dialog, then have Qt delete it (a dialog left for Python's garbage
    collector to delete at interpreter exit can crash Qt)."""
    try:
        return int(dialog.exec())
    finally:
        dialog.deleteLater()


def ok_cancel(dialog: QDialog, ok_text: str, on_ok: Callable[[], object]) -> QDialogButtonBox:
    """An OK button with its Spanish text, and "Cancelar"; OK runs the dialog's own check
    (which accepts the dialog when all is well)."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
    box.accepted.connect(on_ok)
    box.rejected.connect(dialog.reject)
    return box


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
