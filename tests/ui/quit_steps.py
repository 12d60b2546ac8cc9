"""Run in a fresh process by ``test_quit.py``: the real app (``run``, event loop and all) on
the database given, an advisor's steps — add a client, edit them, start a session, a
disconnection — then the Quit shortcut. The exit code tells how the process ended.

With ``reading`` after the database: instead of the steps, a read that never ends by itself
(as the first report of a very large database nearly is) runs in the background when the
advisor quits; the app must still end."""

from __future__ import annotations

import sys
import threading
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.bootstrap import run


def when_modal(fn: Any) -> None:
    def handler() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(5, handler)
            return
        fn(dialog)

    QTimer.singleShot(0, handler)


def press_ok(dialog: Any) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def steps(window: Any) -> None:
    def new_client(dialog: Any) -> None:
        dialog.nameEdit.setText("Ana López")
        dialog.phoneEdit.setText("(228) 833 4045")
        press_ok(dialog)

    when_modal(new_client)
    window.dialogs.new_client()

    def edit(dialog: Any) -> None:
        dialog.phoneEdit.setText("(228) 111 2233")
        press_ok(dialog)

    when_modal(edit)
    window.dialogs.edit_client()
    if window.session is None:  # the first run starts one; the next ones restore it

        def start(dialog: Any) -> None:
            dialog.officeRadio.setChecked(True)
            press_ok(dialog)

        when_modal(start)
        window.session_actions.start_session()
    panel = window.sessionPanel
    if panel.disconnectButton.isEnabled():
        panel.disconnectButton.click()
    else:
        panel.reconnectButton.click()
    for _ in range(60):  # a running session of a running session's ticks and repaints
        panel.tick()
        window.refresh_bill()
    QTimer.singleShot(0, lambda: quit_by_keyboard(window))


#: A statement that runs until it is stopped (SQLite: counts for ever).
ENDLESS = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"


def read_for_ever_then_quit(window: Any) -> None:
    from sqlalchemy import text

    from app.ui.kit.operation import Operation

    running = threading.Event()

    def endless(s: Any) -> object:
        running.set()
        return s.execute(text(ENDLESS)).scalar()

    Operation(window, lambda: window.services.db.read(endless)).run_in_background()

    def once_running() -> None:
        if not running.is_set():
            QTimer.singleShot(10, once_running)
            return
        print("reading", flush=True)
        quit_by_keyboard(window)

    once_running()


def quit_by_keyboard(window: Any) -> None:
    if not window.isActiveWindow():  # a dialog just closed: shortcuts go to the active window
        window.activateWindow()
        QTimer.singleShot(10, lambda: quit_by_keyboard(window))
        return
    from PySide6.QtGui import QAction

    quit_action = next(a for a in window.findChildren(QAction) if a.text() == "Salir")
    sequence = quit_action.shortcut()[0]
    QTest.keyClick(window, sequence.key(), sequence.keyboardModifiers())
    QTimer.singleShot(5000, lambda: sys.exit(3))  # the shortcut did nothing


def wait_until_ready() -> None:
    from app.ui.main_window import MainWindow

    ready = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and hasattr(w, "sessionMenu") and w.isActiveWindow()
    ]
    if not ready:
        QTimer.singleShot(20, wait_until_ready)
        return
    if sys.argv[2:] == ["reading"]:
        read_for_ever_then_quit(ready[0])
    else:
        steps(ready[0])


if __name__ == "__main__":
    QTimer.singleShot(0, wait_until_ready)
    status = run([], exec=True, db_url=sys.argv[1], advisor_name="Benjamín Carrillo")
    print(f"exit {status}", flush=True)
    sys.exit(status)
