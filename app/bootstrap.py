"""The composition root: builds the application once — window, database, services.

``run(argv, exec=True)`` is what ``main.py``, ``appleuse`` and ``python -m app`` call. The
window paints first; then :mod:`app.loading` reads the client list and opens the database
(SQLAlchemy, the check, migrations, the services) on worker threads while the window answers,
with this module's worker-safe steps (:func:`read_clients`, :func:`prepare`) and GUI steps
(:func:`finish_opening`, :func:`fill_window`). Tests call ``run(..., exec=False, db_url=...,
clock=..., advisor_name=...)``: the same steps one after the other, and the ready window back
without entering the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app import APP_NAME, ORGANIZATION
from app.opening import (  # the steps, re-exported for the tests
    Opened,
    close_database,
    end_background_work,
    finish_opening,
    lock_database,
    migrate,
    prepare,
    read_clients,
)

__all__ = ["Opened", "migrate", "open_database", "prepare", "quick_fill", "run"]

if TYPE_CHECKING:  # the window paints before anything heavy is imported
    from datetime import datetime

    from app.services.facade import Services
    from app.ui.main_window import MainWindow


def run(
    argv: Sequence[str] | None = None,
    *,
    exec: bool = True,
    db_url: str | None = None,
    clock: Callable[[], datetime] | None = None,
    advisor_name: str | None = None,
) -> Any:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["appleuse", *(argv or [])])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain("appleuse.mx")
    _install_spanish(app)
    window = MainWindow(clock)
    window.show()
    if not exec:  # the tests: everything here and now, the window ready when this returns
        quick_fill(window, db_url)
        open_database(window, db_url, clock, advisor_name, interactive=False)
        return window

    # Paint first; then everything heavy runs on worker threads while the window answers.
    def load() -> None:
        from app.loading import load_in_background

        load_in_background(window, db_url, clock, advisor_name)

    window.firstPainted.connect(lambda: QTimer.singleShot(0, load))
    status = app.exec()
    end_background_work(window)  # the start-up's last jobs, a report: reads stopped at once
    close_database(window)
    return status


def quick_fill(window: MainWindow, db_url: str | None) -> None:
    """The client list straight from a SQLite file, indexed, here and now (``exec=False``)."""
    from PySide6.QtWidgets import QApplication

    from app.location import resolve_url, sqlite_file

    window.build_shell()
    read = read_clients(sqlite_file(resolve_url(db_url)))
    if read is not None:
        window.show_clients(*read)
    QApplication.processEvents()


def open_database(
    window: MainWindow,
    db_url: str | None,
    clock: Callable[[], datetime] | None,
    advisor_name: str | None,
    *,
    interactive: bool = True,
) -> Services | None:
    """Open (and migrate) the database, choose the advisor, fill the window — here and now."""
    from app.kernel.clock import MonotonicClock
    from app.location import resolve_url

    url = resolve_url(db_url)
    if not lock_database(window, url, interactive=interactive):
        return None
    use_clock = clock or MonotonicClock()
    opened = prepare(url, use_clock)
    services = finish_opening(window, opened, use_clock, advisor_name, url, interactive)
    if services is not None and (opened.backup is not None or not window.clientModel.total):
        window.load_clients()  # the quick read could not run, or the schema just changed
    return services


def _install_spanish(app: Any) -> None:
    """Qt's own dialogs and buttons in Spanish (the qtbase translator)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if getattr(app, "_appleuse_translator", None) is not None:
        return
    QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico))
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_es", path):
        app.installTranslator(translator)
    app._appleuse_translator = translator
