"""The main window's menus and its icon in the system tray.

Archivo, Cliente, Sesión and Ayuda call the window's controllers. The Sesión menu mirrors the
session panel's buttons: the same actions, enabled and named as the buttons are (which follow
``app.billing.session_rules``), and their shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QSystemTrayIcon

from app.ui import report_menus

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["SessionMenu", "build_menus", "build_tray"]

Shortcut = QKeySequence.StandardKey | QKeySequence | None

#: Where the platform defines no binding for a standard key (Qt's offscreen and minimal
#: platforms), the binding it has on Windows and Linux; on a Mac the platform's own (⌘).
_FALLBACK = {
    QKeySequence.StandardKey.New: "Ctrl+N",
    QKeySequence.StandardKey.Find: "Ctrl+F",
    QKeySequence.StandardKey.Preferences: "Ctrl+,",
    QKeySequence.StandardKey.Quit: "Ctrl+Q",
}


def key_bindings(shortcut: Shortcut) -> list[QKeySequence]:
    """The key sequences of ``shortcut``: a standard key's platform bindings (⌘ on a Mac)."""
    if shortcut is None:
        return []
    if isinstance(shortcut, QKeySequence.StandardKey):
        bindings = QKeySequence.keyBindings(shortcut)
        return bindings or [QKeySequence(_FALLBACK[shortcut])]
    return [shortcut]


#: The session panel's and billing panel's buttons in the Sesión menu, with their keys (the
#: menu owns the shortcut; the button's tooltip shows it). Ctrl is ⌘ on a Mac.
SESSION_KEYS = (
    ("startSessionButton", "Ctrl+Return"),
    ("endSessionButton", "Ctrl+E"),
    ("newEventButton", "Ctrl+Shift+N"),
    ("pauseButton", "Ctrl+P"),
    ("disconnectButton", "Ctrl+D"),
    ("reconnectButton", "Ctrl+Shift+D"),
    ("requestRemoteButton", "Ctrl+R"),
    ("startRemoteButton", "Ctrl+Shift+R"),
    ("stopRemoteClientButton", "Ctrl+Alt+C"),
    ("stopRemoteAdvisorButton", "Ctrl+Alt+A"),
    ("instructionsButton", "Ctrl+I"),
    ("noteButton", "Ctrl+Alt+N"),
    ("correctButton", "Ctrl+Shift+H"),
    ("manualSessionButton", "Ctrl+Shift+M"),
)
RECEIPT_KEYS = (
    ("issueReceiptButton", "Ctrl+Shift+E"),
    ("payReceiptButton", "Ctrl+Shift+G"),
)


def build_menus(window: MainWindow) -> SessionMenu:
    """The menu bar, on the panels and controllers of an attached window; its Sesión menu."""
    bar = window.menuBar()
    bar.clear()
    dialogs = window.dialogs

    def action(menu: QMenu, text: str, shortcut: Shortcut, slot: Callable[[], Any]) -> QAction:
        entry = QAction(text, window)
        entry.setShortcuts(key_bindings(shortcut))
        entry.triggered.connect(lambda *_: _call(slot))
        menu.addAction(entry)
        return entry

    keys = QKeySequence.StandardKey
    archivo = bar.addMenu("&Archivo")
    action(archivo, "Nuevo cliente…", keys.New, dialogs.new_client)
    action(archivo, "Buscar cliente", keys.Find, window.focus_search)
    archivo.addSeparator()
    action(archivo, "Corte del día…", QKeySequence("Ctrl+Shift+C"), dialogs.open_summary)
    action(archivo, "Agenda…", QKeySequence("Ctrl+Shift+A"), lambda: _open_agenda(window))
    action(archivo, "Pólizas por revisar…", None, dialogs.open_reviews)
    action(archivo, "Respaldos…", None, dialogs.open_backups)
    action(archivo, "Ajustes…", keys.Preferences, dialogs.open_settings)
    archivo.addSeparator()
    action(archivo, "Cambiar de asesor…", QKeySequence("Ctrl+Shift+U"), dialogs.switch_advisor)
    action(archivo, "Salir", keys.Quit, window.close)
    cliente = bar.addMenu("&Cliente")
    action(cliente, "Editar cliente y equipos…", None, dialogs.edit_client)
    action(cliente, "Póliza…", None, dialogs.open_policy)
    action(cliente, "Estado de cuenta…", None, dialogs.open_statement)
    action(cliente, "Sesiones sin recibo del cliente…", None, dialogs.open_client_unbilled)
    action(cliente, "Reparación del caso escalado…", None, dialogs.open_repair)
    action(
        cliente, "Historial del cliente…", None, lambda: report_menus.open_client_history(window)
    )
    sp, bp = window.sessionPanel, window.billingPanel
    menu = bar.addMenu("&Sesión")
    session_menu = SessionMenu(menu, [(getattr(sp, name), keys_) for name, keys_ in SESSION_KEYS])
    session_menu.add(window.followUpButton, "Ctrl+Shift+F", text="Dar seguimiento sin costo")
    menu.addSeparator()
    for name, key in RECEIPT_KEYS:
        session_menu.add(getattr(bp, name), key)
    action(menu, "Sesiones sin recibo…", QKeySequence("Ctrl+Shift+B"), dialogs.open_unbilled)
    sp.actionsChanged.connect(session_menu.sync)
    informes = bar.addMenu("&Informes")
    action(informes, "Reportes…", None, lambda: report_menus.open_reports(window))
    ayuda = bar.addMenu("A&yuda")
    action(ayuda, "Acerca de AppleUse Soporte", None, window.about)
    return session_menu


def _call(slot: Callable[[], Any]) -> None:
    """Run a menu's slot; what it returns is not handed back to Qt."""
    slot()


class SessionMenu:
    """Menu entries that click the panels' buttons and follow their state and text."""

    def __init__(self, menu: QMenu, buttons: list[tuple[QPushButton, str]]) -> None:
        self.menu = menu
        self._pairs: list[tuple[QPushButton, QAction, str]] = []
        for button, key in buttons:
            self.add(button, key)

    def add(self, button: QPushButton, key: str, *, text: str = "") -> QAction:
        action = self.menu.addAction(text or button.text())
        action.triggered.connect(lambda *_: button.click())
        sequence = QKeySequence(key)
        action.setShortcut(sequence)
        button.setShortcut(QKeySequence())  # the menu owns the shortcut
        native = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{text or button.text()} ({native})")
        self._pairs.append((button, action, text))
        self.sync()
        return action

    def sync(self) -> None:
        for button, action, text in self._pairs:
            action.setEnabled(button.isEnabled() and button.isVisibleTo(button.window()))
            action.setText(text or button.text())

    def actions(self) -> list[QAction]:
        return [action for _, action, _ in self._pairs]


def build_tray(window: MainWindow) -> QSystemTrayIcon | None:
    """The tray icon (its tooltip shows the running session); None where there is no tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    icon = window.windowIcon() if not window.windowIcon().isNull() else QIcon.fromTheme("clock")
    tray = QSystemTrayIcon(icon, window)
    tray.setToolTip("AppleUse Soporte — sin sesión")
    tray.activated.connect(lambda *_: _bring_to_front(window))
    tray.show()
    return tray


def _open_agenda(window: MainWindow) -> None:  # issue 13: the Agenda window
    from app.ui.agenda_window import open_agenda

    open_agenda(window)


def _bring_to_front(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
