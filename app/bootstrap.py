"""The composition root: builds the application once — window, database, services.

``run(argv, exec=True)`` is what ``main.py``, ``appleuse`` and ``python -m app`` call. The
window paints first; the database (SQLAlchemy, migrations) opens right after, so the advisor
sees the window as soon as Qt can show it. Tests call ``run(..., exec=False, db_url=...,
clock=..., advisor_name=...)`` and get the ready window back without entering the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import APP_NAME, ORGANIZATION

if TYPE_CHECKING:  # the window paints before anything heavy is imported
    from datetime import datetime
    from pathlib import Path

    from app.kernel.search import ClientColumns
    from app.services.facade import Services
    from app.services.values import AdvisorView
    from app.ui.client_model import ClientIndex
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
    window.firstPainted.connect(
        lambda: QTimer.singleShot(
            0, lambda: load_in_background(window, db_url, clock, advisor_name)
        )
    )
    return app.exec()


def quick_fill(window: MainWindow, db_url: str | None) -> None:
    """The client list straight from a SQLite file, indexed, here and now (``exec=False``)."""
    from PySide6.QtWidgets import QApplication

    from app.location import resolve_url, sqlite_file

    window.build_shell()
    read = read_clients(sqlite_file(resolve_url(db_url)))
    if read is not None:
        window.show_clients(*read)
    QApplication.processEvents()


def read_clients(path: Path | None) -> tuple[ClientColumns, ClientIndex] | None:
    """The active clients read straight from a SQLite file with the standard library, packed,
    and their search index; None when that is not possible (the services read them later).
    No Qt object is touched: a worker thread runs this."""
    from app.services.client_list import sqlite_client_blobs
    from app.ui.client_model import build_index, packed_columns

    blobs = sqlite_client_blobs(path) if path is not None else None
    columns = packed_columns(blobs) if blobs is not None else None
    del blobs
    read = None if columns is None else (columns, build_index(columns))
    release_memory()
    return read


def release_memory() -> None:
    """Hand the memory the loading freed (SQLite's answer, the folded blocks) back to the
    system: glibc keeps it otherwise (``malloc_trim``; elsewhere nothing to do)."""
    import ctypes
    import sys
    from contextlib import suppress

    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):  # not glibc (musl…): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def services_clients(services: Services) -> tuple[ClientColumns, ClientIndex]:
    """The same through the services (any database, a schema just migrated); worker-safe."""
    from app.ui.client_model import build_index, pack

    columns = pack(services.client_columns())
    read = columns, build_index(columns)
    release_memory()
    return read


@dataclass
class Opened:
    """What :func:`prepare` hands back from its worker thread: plain objects, no Qt."""

    engine: Any = None
    services: Services | None = None
    backup: Any = None  # the backup made before a migration (None: no migration)
    error: BaseException | None = None
    opening: bool = True  # the error came while opening or migrating (else: first reads)


def prepare(url: str, clock: Callable[[], datetime], *, warm: bool = False) -> Opened:
    """Import the database layer, open and check (migrate) the database, build the services.
    Worker-safe: no Qt object is touched, the engine's connections are its own; the error,
    if any, is returned for the GUI thread to show. Alembic is imported only when a migration
    is pending (``models.engine.upgrade`` reads the revision with a plain query)."""
    import threading

    from app.location import sqlite_file
    from app.models.revisions import sqlite_quick_check

    opened = Opened()
    found: dict[str, list[str]] = {}
    path = sqlite_file(url)
    checker = None
    if path is not None and path.is_file():  # checked while SQLAlchemy is imported
        checker = threading.Thread(target=lambda: found.update(p=sqlite_quick_check(path)))
        checker.start()
    try:
        from app.models import engine as db

        opened.engine = db.make_engine(url)
        if checker is not None:
            checker.join()
        opened.backup = db.upgrade(opened.engine, problems=found.get("p"))
    except Exception as exc:
        opened.error = exc
        return opened
    finally:
        if checker is not None:
            checker.join()
    return serve(opened, clock, warm=warm)


def serve(opened: Opened, clock: Callable[[], datetime], *, warm: bool = False) -> Opened:
    """The services on an opened database (worker-safe). ``warm``: also import the window's
    remaining modules — imports only, no widget is made — off the GUI thread."""
    opened.opening = False
    try:
        from app.services.facade import Services

        services = Services.create(opened.engine, clock)
        services.sessions.expire_pending()
        opened.services = services
        if warm:  # the first reads the window makes, compiled here (their results dropped)
            advisors = services.clients.advisors()
            services.sessions.running_session(advisors[0].id if advisors else 0)
            services.settings.tariff()
            import app.ui.advisor_dialog
            import app.ui.billing_panel
            import app.ui.session_actions
            import app.ui.session_panel
            import app.ui.window_dialogs
            import app.ui.window_menus  # noqa: F401
    except Exception as exc:
        opened.error = exc
    return opened


def lock_database(window: MainWindow, url: str, *, interactive: bool) -> bool:
    """One window per database file on this computer (the lock lives beside the file)."""
    from PySide6.QtCore import QLockFile
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.kernel.errors import DomainError
    from app.location import lock_file

    lock_at = lock_file(url)
    lock_at.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = QLockFile(str(lock_at))
    lock.setStaleLockTime(0)
    if not lock.tryLock(200):
        message = "AppleUse Soporte ya está abierto con esta base de datos en este equipo."
        if interactive:
            QMessageBox.critical(window, APP_NAME, message)
            QApplication.quit()
            return False
        raise DomainError(message)
    window._db_lock = lock  # type: ignore[attr-defined]  # held while the window lives
    return True


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


def finish_opening(
    window: MainWindow,
    opened: Opened,
    clock: Callable[[], datetime],
    advisor_name: str | None,
    url: str,
    interactive: bool,
    later: Callable[[Callable[[], None]], None] | None = None,
) -> Services | None:
    """On the GUI thread, after :func:`prepare`: its error said in Spanish (a damaged file
    offers its newest good backup), the advisor chosen, the window filled."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.kernel.errors import DomainError, StorageError

    error = opened.error
    if error is not None and opened.opening:
        damaged = isinstance(error, StorageError) and error.kind == "damaged"
        try:
            if not (damaged and interactive and opened.engine is not None):
                raise error
            backup = migrate(window, opened.engine, clock, interactive=interactive)
            if backup is False:  # a damaged file the advisor chose not to restore
                QApplication.quit()
                return None
            opened = serve(Opened(opened.engine, backup=backup), clock)
        except Exception as exc:  # the database could not be opened: say so, in Spanish
            text = f"No se pudo abrir la base de datos ({describe(url)}): {spanish(exc)}"
            if interactive:
                QMessageBox.critical(window, APP_NAME, text)
                QApplication.quit()
                return None
            raise
        return finish_opening(window, opened, clock, advisor_name, url, interactive, later)
    try:
        if error is not None:
            raise error
        assert opened.services is not None
        engine, services, backup = opened.engine, opened.services, opened.backup
        return fill_window(window, engine, services, advisor_name, backup, url, interactive, later)
    except DomainError as exc:  # a fault while reading the first data: the same message
        if interactive:
            QMessageBox.critical(window, APP_NAME, str(exc))
            QApplication.quit()
            return None
        raise


class Loading:
    """The window's start-up after its first paint, with the event loop running: the client
    list (read and indexed) and the database (imports, check, migration, services) each on a
    worker thread (``Operation.run_in_background``); only what touches widgets — and the
    dialogs a start-up may need: a damaged file, the advisor's choice, a lock refused — runs
    on the GUI thread, in short steps. The status bar says what is still loading."""

    def __init__(
        self,
        window: MainWindow,
        db_url: str | None,
        clock: Callable[[], datetime] | None,
        advisor_name: str | None,
        *,
        interactive: bool = True,
    ) -> None:
        from app.kernel.clock import MonotonicClock
        from app.location import resolve_url

        self.window, self.advisor_name, self.interactive = window, advisor_name, interactive
        self.url = resolve_url(db_url)
        self.clock = clock or MonotonicClock()
        self.services: Services | None = None
        self.list_ready = False  # the clients are shown and searchable
        self.read_done = False  # the quick read (SQLite file) came back, shown or not
        self.reread = False  # the services must read the clients (no quick read, migration)
        self.steps = 0  # short GUI steps still queued
        self._switch_interval = 0.005

    @property
    def done(self) -> bool:
        ready = self.services is not None and self.list_ready
        return ready and not self.reread and not self.steps

    def later(self, step: Callable[[], None]) -> None:
        """Run ``step`` in a next turn of the event loop (the window answers in between)."""
        from PySide6.QtCore import QTimer

        def run() -> None:
            try:
                step()
            finally:
                self.steps -= 1
                self._status()

        self.steps += 1
        QTimer.singleShot(0, run)

    def start(self) -> None:
        import sys

        from app.ui.kit.operation import Operation

        # While workers load, the GUI thread gets the interpreter back within half a
        # millisecond (not 5 ms) after each call into Qt; restored once everything is there.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, LOADING_SWITCH_INTERVAL))
        self.window.statusBar().showMessage(_LOADING[2])
        Operation(self.window, _warm_shell, errors=_ignore).success(
            lambda _: self._shell()
        ).run_in_background()

    def _shell(self) -> None:
        self.window.build_shell()
        # typing before the list is there: the count says it is coming, not "0 clientes"
        self.window.clientSearch.textChanged.connect(lambda *_: self._status())
        self._status()
        self.later(self._open)

    def _open(self) -> None:
        from app.location import sqlite_file
        from app.ui.kit.operation import Operation

        if not lock_database(self.window, self.url, interactive=self.interactive):
            return
        self._status()
        path, url, clock = sqlite_file(self.url), self.url, self.clock
        Operation(self.window, lambda: read_clients(path), errors=_ignore).success(
            self._clients_read
        ).run_in_background()
        Operation(self.window, lambda: prepare(url, clock, warm=True), errors=_ignore).success(
            self._opened
        ).run_in_background()

    def _clients_read(self, read: tuple[ClientColumns, ClientIndex] | None) -> None:
        self.read_done = True
        if read is None:
            self.reread = True
        else:
            self.window.show_clients(*read)
            self.list_ready = True
        self._reread_if_needed()

    def _opened(self, opened: Opened) -> None:
        self.services = finish_opening(
            self.window,
            opened,
            self.clock,
            self.advisor_name,
            self.url,
            self.interactive,
            self.later,
        )
        if self.services is None:
            return
        self.reread = self.reread or opened.backup is not None
        self._reread_if_needed()

    def _reread_if_needed(self) -> None:
        """The quick read was impossible (no SQLite file, an older schema) or the schema just
        changed: the services read the clients, on a worker thread too."""
        from app.ui.kit.operation import Operation

        services = self.services
        if services is not None and self.read_done and self.reread:
            Operation(self.window, lambda: services_clients(services)).success(
                self._clients_reread
            ).run_in_background()
        self._status()

    def _clients_reread(self, read: tuple[ClientColumns, ClientIndex]) -> None:
        self.window.show_clients(*read)
        self.list_ready, self.reread = True, False
        self._status()

    def _status(self) -> None:
        """What is still loading, in the status bar (cleared when all is there)."""
        if not self.list_ready and hasattr(self.window, "clientCountLabel"):
            self.window.clientCountLabel.setText(_LOADING[0])
        bar = self.window.statusBar()
        message = bar.currentMessage()
        if self.services is None:
            bar.showMessage(_LOADING[1] if self.list_ready else _LOADING[2])
        elif not self.list_ready or self.reread:
            bar.showMessage("Cargando clientes…")
        elif message in _LOADING:
            bar.clearMessage()
        if self.done:
            import sys

            sys.setswitchinterval(self._switch_interval)


#: Seconds a worker thread may run Python before the GUI thread gets its turn, while loading.
LOADING_SWITCH_INTERVAL = 0.0005

_LOADING = (
    "Cargando clientes…",
    "Abriendo la base de datos…",
    "Cargando clientes y abriendo la base de datos…",
)


def _ignore(message: str) -> None:
    """Loading reports its own errors (``finish_opening``): nothing for the banner."""


def _warm_shell() -> None:
    """Import the client side's modules (imports only, on a worker thread)."""
    import app.ui.client_model
    import app.ui.kit.messages
    import app.ui.kit.style
    import app.ui.window_keys

    app.ui.client_model.preload()


def load_in_background(
    window: MainWindow,
    db_url: str | None,
    clock: Callable[[], datetime] | None,
    advisor_name: str | None,
    *,
    interactive: bool = True,
) -> Loading:
    """Start loading the window (see :class:`Loading`); returns at once."""
    loading = Loading(window, db_url, clock, advisor_name, interactive=interactive)
    window._loading = loading  # type: ignore[attr-defined]  # lives as long as the window
    loading.start()
    return loading


def spanish(exc: BaseException) -> str:
    """An exception's message for the advisor: a database fault translated once, as the
    services and the commands do (``services.faults``); a domain error as it is."""
    from app.services.faults import is_database_error, translate

    return str(translate(exc)) if is_database_error(exc) else str(exc)


def fill_window(
    window: MainWindow,
    engine: Any,
    services: Services,
    advisor_name: str | None,
    backup: Any,
    url: str,
    interactive: bool,
    later: Callable[[Callable[[], None]], None] | None = None,
) -> Services | None:
    """Services on the opened database, the advisor chosen, the window filled. ``later``
    runs the last reads (pending cases, reviews due) in a next turn of the event loop."""
    from PySide6.QtWidgets import QApplication, QMessageBox
    from sqlalchemy.exc import DBAPIError

    from app.kernel.errors import DomainError
    from app.models import engine as db
    from app.services.faults import translate

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
    window.attach(services, advisor, describe(url), later)

    def rest() -> None:
        window.restore_running_session()
        window.load_pending()
        window.show_reviews_due()
        if backup is not None:
            message = f"Base de datos actualizada; respaldo en {backup}"
            window.statusBar().showMessage(message, 10000)
        if interactive and services.backups.available:
            window.back_up_daily()  # the day's first start: a backup, off the GUI thread

    (later or _now)(rest)  # the window answers in between, when loading in the background
    return services


def _now(step: Callable[[], None]) -> None:
    step()


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
