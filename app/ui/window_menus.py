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

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["SessionMenu", "build_menus", "build_tray"]

Shortcut = QKeySequence.StandardKey | QKeySequence | None


def build_menus(window: MainWindow) -> SessionMenu:
    """The menu bar, on the panels and controllers of an attached window; its Sesión menu."""
    bar = window.menuBar()
    bar.clear()
    dialogs = window.dialogs

    def action(menu: QMenu, text: str, shortcut: Shortcut, slot: Callable[[], Any]) -> QAction:
        entry = QAction(text, window)
        if shortcut is not None:
            entry.setShortcut(QKeySequence(shortcut))
        entry.triggered.connect(lambda *_: slot())
        menu.addAction(entry)
        return entry

    keys = QKeySequence.StandardKey
    archivo = bar.addMenu("&Archivo")
    action(archivo, "Nuevo cliente…", keys.New, dialogs.new_client)
    action(archivo, "Buscar cliente", keys.Find, window.clientSearch.setFocus)
    archivo.addSeparator()
    action(archivo, "Corte del día…", QKeySequence("Ctrl+Shift+C"), dialogs.open_summary)
    action(archivo, "Pólizas por revisar…", None, dialogs.open_reviews)
    action(archivo, "Respaldos…", None, dialogs.open_backups)
    action(archivo, "Ajustes…", keys.Preferences, dialogs.open_settings)
    archivo.addSeparator()
    action(archivo, "Salir", keys.Quit, window.close)
    cliente = bar.addMenu("&Cliente")
    action(cliente, "Editar cliente y equipos…", None, dialogs.edit_client)
    action(cliente, "Póliza…", None, dialogs.open_policy)
    action(cliente, "Estado de cuenta…", None, dialogs.open_statement)
    action(cliente, "Reparación del caso escalado…", None, dialogs.open_repair)
    sp = window.sessionPanel
    session_menu = SessionMenu(
        bar.addMenu("&Sesión"),
        (
            sp.startSessionButton,
            sp.pauseButton,
            sp.disconnectButton,
            sp.reconnectButton,
            sp.requestRemoteButton,
            sp.instructionsButton,
            sp.endSessionButton,
            sp.newEventButton,
            # notes, corrections, past sessions by hand
            sp.noteButton,
            sp.correctButton,
            sp.manualSessionButton,
        ),
    )
    sp.actionsChanged.connect(session_menu.sync)
    ayuda = bar.addMenu("A&yuda")
    action(ayuda, "Acerca de AppleUse Soporte", None, window.about)
    return session_menu


class SessionMenu:
    """Menu entries that click the session panel's buttons and follow their state."""

    def __init__(self, menu: QMenu, buttons: tuple[QPushButton, ...]) -> None:
        self._pairs: list[tuple[QPushButton, QAction]] = []
        for button in buttons:
            action = menu.addAction(button.text())
            action.triggered.connect(button.click)
            action.setShortcut(button.shortcut())
            button.setShortcut(QKeySequence())  # the menu owns the shortcut now
            self._pairs.append((button, action))
        self.sync()

    def sync(self) -> None:
        for button, action in self._pairs:
            action.setEnabled(button.isEnabled())
            action.setText(button.text())


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


def _bring_to_front(window: MainWindow) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
