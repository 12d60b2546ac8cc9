"""Opening the database and filling the window, step by step — the steps the composition
root (:mod:`app.bootstrap`, here and now) and the start-up in the background
(:mod:`app.loading`, on worker threads and in short GUI steps) share. The worker-safe steps
(:func:`read_clients`, :func:`prepare`) touch no Qt object; the others run on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app import APP_NAME
from app.kernel.records import record

if TYPE_CHECKING:  # the window paints before anything heavy is imported
    from datetime import datetime
    from pathlib import Path

    from app.kernel.search import ClientColumns
    from app.services.facade import Services
    from app.services.values import AdvisorView
    from app.ui.client_index import ClientIndex
    from app.ui.main_window import MainWindow


def read_clients(path: Path | None) -> tuple[ClientColumns, ClientIndex] | None:
    """The active clients read straight from a SQLite file with the standard library, packed,
    and their search index; None when that is not possible (the services read them later).
    No Qt object is touched: a worker thread runs this."""
    from app.services.client_list import sqlite_client_blobs
    from app.ui.client_index import build_index, packed_columns

    blobs = sqlite_client_blobs(path) if path is not None else None
    columns = packed_columns(blobs) if blobs is not None else None
    del blobs
    read = None if columns is None else (columns, build_index(columns))
    release_memory()
    return read


def release_memory() -> None:
    """Hand the memory the loading freed (SQLite's answer, the folded blocks) back to the
    system: glibc keeps it otherwise (``client_index.release_heap``)."""
    from app.ui.client_index import release_heap

    release_heap()


def keep_memory_lean() -> None:
    """Large blocks (the index's arrays, a search's masks) straight from the system and back
    to it when freed: glibc otherwise raises its threshold after the first large frees and
    keeps up to 32 MiB blocks on its heap for good (a 1,000,000-client list held ~60 MiB
    more). ``mallopt(M_MMAP_THRESHOLD, 2 MiB)``; elsewhere nothing to do."""
    import ctypes
    import sys
    from contextlib import suppress

    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):  # not glibc (musl…): nothing to set
            ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 2 * 2**20)


_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def services_clients(services: Services) -> tuple[ClientColumns, ClientIndex]:
    """The same through the services (any database, a schema just migrated); worker-safe."""
    from app.ui.client_index import build_index, pack

    columns = pack(services.client_columns())
    read = columns, build_index(columns)
    release_memory()
    return read


@record(frozen=False)
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
    is pending (``models.engine.upgrade`` reads the revision with a plain query). ``warm``:
    the modules the first requests need are imported while ``quick_check`` reads the file
    (see :func:`serve`)."""
    import threading

    from app.location import sqlite_file
    from app.models.revisions import sqlite_quick_check
    from app.models.seal import take_seal

    opened = Opened()
    found: dict[str, list[str]] = {}
    path = sqlite_file(url)
    checker = None
    if path is not None and path.is_file():
        if take_seal(path):  # as a clean close after a checked start left it: no check
            found["p"] = []
        else:  # checked while SQLAlchemy is imported
            checker = threading.Thread(target=lambda: found.update(p=sqlite_quick_check(path)))
            checker.start()
    try:
        from app.lean_imports import lean_database_imports

        lean_database_imports()  # before SQLAlchemy imports them (app/lean_imports.py)
        from app.models import engine as db

        opened.engine = db.make_engine(url)
        if warm:
            _first_modules()  # nothing here touches the file: while it is checked
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
    """The services on an opened database (worker-safe): the pending cases past their free
    follow-up expired, so the window's first request finds the day as it is. ``warm``: the
    advisors and the tariff read once (their SQL compiled) off the GUI thread."""
    opened.opening = False
    try:
        from app.services.facade import Services

        services = Services.create(opened.engine, clock)
        services.sessions.expire_pending()
        opened.services = services
        if warm:
            services.clients.advisors()
            services.settings.tariff()
    except Exception as exc:
        opened.error = exc
    return opened


def _first_modules() -> None:
    """What the window's first requests need — the models, the first services, the panels'
    and menus' modules — imported (imports only: no widget is made, no file is read)."""
    import app.models
    import app.services.clients
    import app.services.sessions
    import app.services.settings
    import app.ui.billing_panel
    import app.ui.session_actions
    import app.ui.session_panel
    import app.ui.window_dialogs
    import app.ui.window_menus

    app.models.Client  # noqa: B018  # every model class, mapped


def warm_reads(services: Services) -> None:
    """The first reads the window and its Agenda make, run here once so their SQL is
    compiled off the GUI thread (the results are dropped; a database fault shows when the window
    reads for real — any other exception is a bug, and shows as one)."""
    from contextlib import suppress
    from datetime import timedelta

    from app.kernel.enums import CaseState
    from app.kernel.errors import DomainError
    from app.ui.agenda_reminders import reminders_upcoming, today_notice

    with suppress(DomainError):
        advisors = services.clients.advisors()
        advisor_id = advisors[0].id if advisors else 0
        services.sessions.running_session(advisor_id)
        services.settings.tariff()
        services.sessions.cases(states=[CaseState.PENDING])
        services.policies.due_for_review()
        today_notice(services, advisor_id)
        reminders_upcoming(services, advisor_id, 15)
        start = services.agenda.local_midnight(services.clock())
        services.agenda.blocked(start, start + timedelta(days=7), advisor_id)
        services.agenda.working_hours(advisor_id)
        services.agenda.due()


def end_background_work(window: MainWindow) -> None:
    """After the event loop: the jobs still running end first (a worker thread still running
    Python while the interpreter shuts down crashes it) — the database reads among them
    stopped at once (``Database.stop_reads``), so that a long report never holds the quit;
    writes run to their commit."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    while not pool.waitForDone(_STOP_EVERY_MS):
        services = window.services
        if services is not None:
            services.db.stop_reads()


#: How often the reads still running are told to stop while the app closes (a read between
#: two statements is stopped at its next).
_STOP_EVERY_MS = 50


def close_database(window: MainWindow) -> bool:
    """After the window closed (the event loop ended, the start-up's jobs done): the
    database's connections closed and, for a SQLite file, the seal that lets the next start
    skip the file's check (:mod:`app.models.seal`) — unless the start never finished, a
    closing backup found the file unlike itself, or a backup was restored. Whether sealed."""
    from pathlib import Path

    from app.models.seal import seal

    services = window.services
    if services is None:
        return False
    from sqlalchemy.exc import DBAPIError

    engine = services.engine
    try:
        engine.dispose()  # SQLite checkpoints its write-ahead log and removes it
    except DBAPIError:  # a connection that would not close: no seal, the next start checks
        return False
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return False
    return window.sealable and seal(Path(database))


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


def finish_opening(
    window: MainWindow,
    opened: Opened,
    clock: Callable[[], datetime],
    advisor_name: str | None,
    url: str,
    interactive: bool,
    later: Callable[[Callable[[], None]], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> Services | None:
    """On the GUI thread, after :func:`prepare`: its error said in Spanish (a damaged file
    offers its newest good backup), the advisor chosen, the window filled (``later``,
    ``ready``: see :func:`fill_window`)."""
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
        return finish_opening(window, opened, clock, advisor_name, url, interactive, later, ready)
    try:
        if error is not None:
            raise error
        assert opened.services is not None
        engine, services, backup = opened.engine, opened.services, opened.backup
        return fill_window(
            window, engine, services, advisor_name, backup, url, interactive, later, ready
        )
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
    services: Services,
    advisor_name: str | None,
    backup: Any,
    url: str,
    interactive: bool,
    later: Callable[[Callable[[], None]], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> Services | None:
    """Services on the opened database, the advisor chosen, the window filled. ``later``
    runs the panels' last steps and then the first reads (pending cases, reviews due…) in
    next turns of the event loop; ``ready``, a step between the two: the window takes
    requests from then on."""
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
        if backup is not None:
            message = f"Base de datos actualizada; respaldo en {backup}"
            window.statusBar().showMessage(message, 10000)
        if interactive and services.backups.available:
            window.back_up_daily()  # the day's first start: a backup, off the GUI thread
        if interactive:
            from app.ui.agenda_reminders import start_reminders

            start_reminders(window)  # the cita reminders (the Agenda window: when opened)

    def restore() -> None:
        window.restore_running_session()

    step = later or _now  # the window answers between steps, when loading in the background
    if ready is not None:
        step(ready)
    for read in (window.load_pending, window.show_reviews_due, window.show_agenda_today,
                 restore, rest):  # fmt: skip
        step(read)
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
            from PySide6.QtWidgets import QDialog

            from app.ui.advisor_dialog import AdvisorDialog

            dialog = AdvisorDialog(advisors, services.clients.create_advisor, window)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
                return None
            chosen = dialog.chosen
    settings.setValue("advisor/id", chosen.id)
    return chosen


def describe(url: str) -> str:
    """Where the data lives, for the status bar (never the password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite: {parsed.database or 'en memoria'}"
    return f"PostgreSQL: {parsed.host or 'local'}/{parsed.database}"
