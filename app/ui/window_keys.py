"""The main window's keyboard: the search box hands Down and Enter to the list, Enter on a
client opens the obvious action, and the window's shortcuts win over the line edit's own
bindings (on Linux a QLineEdit takes Ctrl+E, Ctrl+D… for editing).

Ctrl is ⌘ on a Mac; Qt maps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["WindowKeys"]

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class WindowKeys(QObject):
    """An event filter on the client search box and the client list."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._shortcuts: set[QKeySequence] = set()
        window.clientSearch.installEventFilter(self)
        window.clientTable.installEventFilter(self)

    def watch_shortcuts(self) -> None:
        """The window's shortcuts (its menus, built now) that the search box must not eat."""
        self._shortcuts = {
            sequence
            for action in self.window.findChildren(QAction)
            for sequence in action.shortcuts()
            if not sequence.isEmpty()
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        w = self.window
        if not isinstance(event, QKeyEvent):
            return False
        pressed = event.type() == QEvent.Type.KeyPress and _plain(event)
        if watched is w.clientSearch:
            if event.type() == QEvent.Type.ShortcutOverride:
                return self._window_shortcut(event)
            if pressed and (event.key() == Qt.Key.Key_Down or event.key() in _ENTER):
                return self._to_list()
        elif watched is w.clientTable and pressed and event.key() in _ENTER:
            self.open_client()
            return True
        return False

    def _window_shortcut(self, event: QKeyEvent) -> bool:
        """Let a window shortcut through: the override is refused, so Qt's shortcut map runs
        the menu's action instead of the line edit's binding."""
        sequence = QKeySequence(event.keyCombination())
        if sequence in self._shortcuts:
            event.ignore()
            return True
        return False

    def _to_list(self) -> bool:
        """Down or Enter in the search box: the first client found, selected, and the list
        takes the keyboard."""
        w = self.window
        if w.clientModel.rowCount() == 0:
            return False
        if (
            w.selected_client_id() is None
            or w.clientModel.row_of(w.selected_client_id() or 0) is None
        ):
            w.clientTable.selectRow(0)
        w.clientTable.setFocus()
        return True

    def open_client(self) -> None:
        """Enter (or a double click) on a client: start their session when one can start,
        else open the client."""
        w = self.window
        if w.selected_client_id() is None:
            return
        panel = getattr(w, "sessionPanel", None)
        if panel is not None and panel.startSessionButton.isEnabled():
            panel.startSessionButton.click()
        elif w.services is not None:
            w.dialogs.edit_client()


def _plain(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return modifiers == Qt.KeyboardModifier.NoModifier
