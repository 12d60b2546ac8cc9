"""The composition root: builds the application once — window, database, services.

``run(argv, exec=True)`` is what ``main.py``, ``appleuse`` and ``python -m app`` call. The
window paints first; the database (SQLAlchemy, migrations) opens right after, so the advisor
sees the window as soon as Qt can show it. Tests call ``run(..., exec=False, db_url=...,
clock=..., advisor_name=...)`` and get the ready window back without entering the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from app import APP_NAME, ORGANIZATION

if TYPE_CHECKING:  # the window paints before anything heavy is imported
    from datetime import datetime

    from app.services.facade import Services
    from app.services.values import AdvisorView
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
    if not exec:
        quick_fill(window, db_url)
        open_database(window, db_url, clock, advisor_name, interactive=False)
        return window

    def stage_two() -> None:
        open_database(window, db_url, clock, advisor_name)

    def stage_one() -> None:
        quick_fill(window, db_url)
        QTimer.singleShot(0, window.clientModel.build_index)  # search ready first
        QTimer.singleShot(0, stage_two)

    # Paint first, then the client list (standard library only), then SQLAlchemy and the rest.
    window.firstPainted.connect(lambda: QTimer.singleShot(0, stage_one))
    return app.exec()


def quick_fill(window: MainWindow, db_url: str | None) -> None:
    from PySide6.QtWidgets import QApplication

    from app.location import resolve_url, sqlite_file
    from app.services.client_list import sqlite_client_columns

    window.build_shell()
    path = sqlite_file(resolve_url(db_url))
    columns = sqlite_client_columns(path) if path is not None else None
    if columns is not None:
        window.show_clients(columns)
    # Lay out and paint the list now, before SQLAlchemy's import holds the event loop.
    QApplication.processEvents()


def open_database(
    window: MainWindow,
    db_url: str | None,
    clock: Callable[[], datetime] | None,
    advisor_name: str | None,
    *,
    interactive: bool = True,
) -> Services | None:
    """Open (and migrate) the database, choose the advisor, fill the window."""
    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.kernel.clock import MonotonicClock
    from app.kernel.errors import DomainError
    from app.location import lock_file, resolve_url
    from app.models import engine as db

    url = resolve_url(db_url)
    lock_at = lock_file(url)
    lock_at.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = QLockFile(str(lock_at))
    lock.setStaleLockTime(0)
    if not lock.tryLock(200):
        message = "AppleUse Soporte ya está abierto con esta base de datos en este equipo."
        if interactive:
            QMessageBox.critical(window, APP_NAME, message)
            QApplication.quit()
            return None
        raise DomainError(message)
    window._db_lock = lock  # type: ignore[attr-defined]  # held while the window lives
    use_clock = clock or MonotonicClock()
    try:
        engine = db.make_engine(url)
        backup = migrate(window, engine, use_clock, interactive=interactive)
    except Exception as exc:  # the database could not be opened: say so, in Spanish
        text = f"No se pudo abrir la base de datos ({describe(url)}): {spanish(exc)}"
        if interactive:
            QMessageBox.critical(window, APP_NAME, text)
            QApplication.quit()
            return None
        raise
    if backup is False:  # a damaged file the advisor chose not to restore
        QApplication.quit()
        return None
    try:
        return fill_window(window, engine, use_clock, advisor_name, backup, url, interactive)
    except DomainError as exc:  # a fault while reading the first data: the same message
        if interactive:
            QMessageBox.critical(window, APP_NAME, str(exc))
            QApplication.quit()
            return None
        raise


def spanish(exc: BaseException) -> str:
    """An exception's message for the advisor: a database fault translated once, as the
    services and the commands do (``services.faults``); a domain error as it is."""
    from app.services.faults import is_database_error, translate

    return str(translate(exc)) if is_database_error(exc) else str(exc)


def fill_window(
    window: MainWindow,
    engine: Any,
    clock: Callable[[], datetime],
    advisor_name: str | None,
    backup: Any,
    url: str,
    interactive: bool,
) -> Services | None:
    """Services on the opened database, the advisor chosen, the window filled."""
    from PySide6.QtWidgets import QApplication, QMessageBox
    from sqlalchemy.exc import DBAPIError

    from app.kernel.errors import DomainError
    from app.models import engine as db
    from app.services.facade import Services
    from app.services.faults import translate

    services = Services.create(engine, clock)
    services.sessions.expire_pending()
    advisor = choose_advisor(window, services, advisor_name, interactive=interactive)
    if advisor is None:
        QApplication.quit()
        return None
    if engine.dialect.name == "postgresql":
        try:
            held = db.advisor_lock(engine, advisor.id)
        except DBAPIError as exc:
            raise translate(exc) from exc
        if held is None:
            message = (
                f"{advisor.name} ya tiene AppleUse abierto con esta base de datos en otro "
                "equipo o ventana; ciérrelo antes de abrir otro."
            )
            if interactive:
                QMessageBox.critical(window, APP_NAME, message)
                QApplication.quit()
                return None
            raise DomainError(message)
        window._advisor_lock = held  # type: ignore[attr-defined]  # released when closed
        window.claim_advisor = lambda chosen: claim_advisor(window, engine, chosen)
    window.attach(services, advisor, describe(url))
    if backup is not None or not window.clientModel.total:
        window.load_clients()  # the quick read could not run, or the schema just changed
    window.load_pending()
    window.show_reviews_due()
    window.show_agenda_today()
    window.restore_running_session()
    if backup is not None:
        window.statusBar().showMessage(f"Base de datos actualizada; respaldo en {backup}", 10000)
    if interactive and services.backups.available:
        window.back_up_daily()  # the day's first start: a backup, off the GUI thread
    if interactive:
        from PySide6.QtCore import QTimer

        from app.ui.agenda_window import open_agenda

        QTimer.singleShot(0, lambda: open_agenda(window, show=False))  # the cita reminders
    return services


def claim_advisor(window: MainWindow, engine: Any, advisor: AdvisorView) -> str | None:
    """Another advisor takes the window on a shared PostgreSQL: their lock, then the previous
    one released. The reason when it cannot be taken."""
    from sqlalchemy.exc import DBAPIError

    from app.models import engine as db
    from app.services.faults import translate

    try:
        held = db.advisor_lock(engine, advisor.id)
    except DBAPIError as exc:
        return str(translate(exc))
    if held is None:
        return (
            f"{advisor.name} ya tiene AppleUse abierto con esta base de datos en otro "
            "equipo o ventana."
        )
    previous = getattr(window, "_advisor_lock", None)
    window._advisor_lock = held  # type: ignore[attr-defined]
    if previous is not None:
        previous.close()
    return None


def migrate(window: Any, engine: Any, clock: Callable[[], datetime], *, interactive: bool) -> Any:
    """Check and migrate the database (``models.engine.upgrade``). A damaged SQLite file is
    not touched: the advisor is offered its newest good backup (the damaged file is kept
    aside); False when they decline."""
    from PySide6.QtWidgets import QMessageBox

    from app.kernel.errors import StorageError
    from app.models.engine import upgrade
    from app.services.backups import BackupService

    try:
        return upgrade(engine)
    except StorageError as damaged:
        if damaged.kind != "damaged" or not interactive:
            raise
        backups = BackupService(engine, clock)
        good = backups.newest_good() if backups.available else None
        if good is None:
            raise
        when = good.taken_at.astimezone(_zone()).strftime("%d/%m/%Y %H:%M")
        answer = QMessageBox.question(
            window,
            APP_NAME,
            f"{damaged}\n\n¿Restaurar el respaldo bueno más reciente, del {when} "
            f"({good.rows:,} filas)? La base dañada se conserva aparte.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        aside = backups.restore(good.path)
        window.statusBar().showMessage(f"Respaldo restaurado; la base dañada quedó en {aside}")
        return upgrade(engine)


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    from app.kernel.fmt import LOCAL_ZONE

    return ZoneInfo(LOCAL_ZONE)


def choose_advisor(
    window: Any, services: Services, name: str | None, *, interactive: bool
) -> AdvisorView | None:
    """The advisor given by name, else the one remembered, else asked (and remembered)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog

    from app.ui.advisor_dialog import AdvisorDialog

    advisors = services.clients.advisors()
    settings = QSettings()
    if name:
        chosen = next((a for a in advisors if a.name == name), None)
        chosen = chosen or services.clients.create_advisor(name)
    else:
        remembered = settings.value("advisor/id")
        chosen = next((a for a in advisors if str(a.id) == str(remembered)), None)
        if chosen is None:
            if not interactive:
                return None
            dialog = AdvisorDialog(advisors, services.clients.create_advisor, window)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
                return None
            chosen = dialog.chosen
    settings.setValue("advisor/id", chosen.id)
    return chosen


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


def describe(url: str) -> str:
    """Where the data lives, for the status bar (never the password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite: {parsed.database or 'en memoria'}"
    return f"PostgreSQL: {parsed.host or 'local'}/{parsed.database}"
