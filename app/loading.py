"""The window's start-up after its first paint, with the event loop running (see
:class:`Loading`): the composition root's second half (:mod:`app.bootstrap` is the first),
made of :mod:`app.opening`'s steps."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from app.opening import (
    finish_opening,
    keep_memory_lean,
    lock_database,
    prepare,
    read_clients,
    release_memory,
    services_clients,
    warm_reads,
)

T = TypeVar("T")

if TYPE_CHECKING:
    from datetime import datetime

    from app.kernel.search import ClientColumns
    from app.opening import Opened
    from app.services.facade import Services
    from app.ui.client_index import ClientIndex
    from app.ui.client_texts import PackedRows
    from app.ui.main_window import MainWindow


class Loading:
    """The window's start-up after its first paint, with the event loop running. On worker
    threads (``Operation.run_in_background``): first the database (imports, check, migration,
    the services the first screen needs), then — once the window can take requests — the
    client list (read and indexed) and the warm-up (every service built, the first reads'
    SQL compiled). Only what touches widgets — and the dialogs a start-up may need: a damaged
    file, the advisor's choice, a lock refused — runs on the GUI thread, in short steps. The
    status bar says what is still loading."""

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
        self.services_ready = False  # the window takes requests (panels, menus, actions)
        self.list_ready = False  # the clients are shown and searchable
        self.steps = 0  # short GUI steps still queued
        self.working = 0  # worker jobs still running
        self._held = False  # the queued first reads wait for the warm-up
        self._queue: deque[Callable[[], None]] = deque()
        self._switch_interval = 0.005

    @property
    def done(self) -> bool:
        loaded = self.services_ready and self.list_ready
        return loaded and not self.steps and not self.working

    def later(self, step: Callable[[], None]) -> None:
        """Run ``step`` in a later turn of the event loop, after the steps queued before it,
        one step per turn (the window answers in between)."""
        self.steps += 1
        self._queue.append(step)
        if len(self._queue) == 1 and not self._held:
            self._next_turn()

    def _next_turn(self) -> None:
        from PySide6.QtCore import QTimer

        # 1 ms, not 0: Qt runs zero-time timers queued by a step in the same pass, back to
        # back, before the window's own timers and input get their turn
        QTimer.singleShot(1, self._run_step)

    def _run_step(self) -> None:
        try:
            self._queue[0]()
        finally:
            self._queue.popleft()
            self.steps -= 1
            self._status()
            if self._queue and not self._held:
                self._next_turn()

    def _background(
        self,
        work: Callable[[], T],
        then: Callable[[T], None],
        *,
        failed: Callable[[], None] | None = None,
        always: Callable[[], None] | None = None,
    ) -> None:
        """``work`` on a worker thread; on the GUI thread, ``then`` with its result, or
        ``failed`` when it was refused (a DomainError), and ``always`` in any case — also when
        it raised a bug, which Qt then reports. Counted in :attr:`working` until then."""
        from app.ui.kit.operation import Operation

        self.working += 1

        def ended() -> None:
            self.working -= 1
            if always is not None:
                always()
            self._status()

        operation = Operation(self.window, work, errors=_ignore).success(then).finished(ended)
        if failed is not None:
            operation.failure(lambda _: failed())
        operation.run_in_background()

    def start(self) -> None:
        import sys

        keep_memory_lean()
        # No garbage collection while loading: a full one walks every object SQLAlchemy and
        # the models just made (~0.1 s holding the interpreter); frozen once loaded.
        gc.disable()
        # While workers load, the GUI thread gets the interpreter back within half a
        # millisecond (not 5 ms) after each call into Qt; restored once everything is there.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, LOADING_SWITCH_INTERVAL))
        self.window.statusBar().showMessage(_LOADING[2])
        if not lock_database(self.window, self.url, interactive=self.interactive):
            return
        self._background(_warm_shell, lambda _: self._shell())

    def _open(self) -> None:
        """The database on a worker, once the shell is built: the shell's steps and the
        window's paints then do not wait for the interpreter while SQLAlchemy and the models
        are imported (modules in C hold it for their whole import)."""
        url, clock = self.url, self.clock
        self._background(lambda: prepare(url, clock, warm=True), self._opened)

    def _shell(self) -> None:
        self.window.prepare_shell()
        self.later(self._shell_part)

    def _shell_part(self) -> None:
        """One part of the window's shell per step (``MainWindow.build_shell_part``)."""
        if self.window.build_shell_part():
            self.later(self._shell_part)
            return
        # typing before the list is there: the count says it is coming, not "0 clientes"
        self.window.clientSearch.textChanged.connect(lambda *_: self._status())
        self._status()
        self._open()

    def _opened(self, opened: Opened) -> None:
        """The database is open (or could not be; opened once the shell is there): its errors
        said, the advisor chosen, the panels built in short steps."""
        self.services = finish_opening(
            self.window,
            opened,
            self.clock,
            self.advisor_name,
            self.url,
            self.interactive,
            self.later,
            self._services_ready,
        )
        self._status()

    def _services_ready(self) -> None:
        """The window takes requests: now the client list, and the warm-up the first reads
        (queued after this step) wait for — in that order, for a pool of two threads."""
        from app.location import sqlite_file

        services = self.services
        assert services is not None
        self.services_ready = True
        path = sqlite_file(self.url)
        if path is None:  # not a SQLite file: the services read the clients
            self._read_through_services()
        else:  # (migrated, if it had to be, before the services were built)

            def read() -> tuple[ClientColumns, ClientIndex] | None:
                return read_clients(path)

            self._background(read, self._clients_read, failed=self._read_through_services)
        self._held = True
        self._background(lambda: warm_reads(services), _nothing, always=self._release)
        self._background(services.load_all, _nothing)

    def _release(self) -> None:
        self._held = False
        if self._queue:
            self._next_turn()
        self._status()

    def _clients_read(self, read: tuple[ClientColumns, ClientIndex] | None) -> None:
        if read is None:  # an older schema, no clients table: the services read them
            self._read_through_services()
        else:
            self._show(read)

    def _read_through_services(self) -> None:
        """The clients through the services (their errors in the banner)."""
        from app.ui.kit.operation import Operation

        services = self.services
        assert services is not None
        self.working += 1

        def ended() -> None:
            self.working -= 1
            self._status()

        Operation(self.window, lambda: services_clients(services)).success(self._show).failure(
            lambda _: self._gave_up()
        ).finished(ended).run_in_background()

    def _gave_up(self) -> None:
        """The clients could not be read (the banner says why): loading ends all the same."""
        self.list_ready = True
        self._status()

    def _show(self, read: tuple[ClientColumns, ClientIndex]) -> None:
        self.window.show_clients(*read)
        self.list_ready = True
        self._status()
        model = self.window.clientModel
        rows = model.texts()
        if rows is None:
            self.mark_common_words(read[1])
            return

        # once shown: the texts compressed on a worker, then held so; then the common words
        # marked — one worker after the other: two at once, each taking the interpreter in
        # turn with the GUI thread, kept it from the GUI thread ~70 ms (at 100,000 clients)

        def compress() -> PackedRows:
            held = rows.compressed()
            release_memory()
            return held

        def hold(held: PackedRows) -> None:
            model.hold_texts(rows, held)
            self.mark_common_words(read[1])

        self._background(compress, hold)

    def mark_common_words(self, index: ClientIndex) -> None:
        """Once the list is shown: the words many clients hold marked on a worker
        (``client_index.common_words``; a search then skips their rows), then searched with —
        marked again for the list as it is if a client was added or edited meanwhile."""
        model = self.window.clientModel

        def mark() -> tuple[tuple[bytes, Any], ...]:
            from app.ui.client_index import common_words

            commons = common_words(index)
            release_memory()  # the searches' masks and copies, freed: given back
            return commons

        def hold(commons: tuple[tuple[bytes, Any], ...]) -> None:
            if not model.hold_commons(index, commons):
                now = model.search_index
                if now is not None and now is not index and not now.commons:
                    self.mark_common_words(now)

        self._background(mark, hold)

    def _status(self) -> None:
        """What is still loading, in the status bar (cleared when all is there)."""
        if not self.list_ready and hasattr(self.window, "clientCountLabel"):
            self.window.clientCountLabel.setText(_LOADING[0])
        bar = self.window.statusBar()
        message = bar.currentMessage()
        if not self.services_ready:
            bar.showMessage(_LOADING[1] if self.list_ready else _LOADING[2])
        elif not self.list_ready:
            bar.showMessage(_LOADING[0])
        elif message in _LOADING:
            bar.clearMessage()
        if self.done and not gc.isenabled():
            import sys

            sys.setswitchinterval(self._switch_interval)
            gc.freeze()  # what start-up made stays: later collections walk only what is new
            gc.enable()


#: Seconds a worker thread may run Python before the GUI thread gets its turn, while loading.
LOADING_SWITCH_INTERVAL = 0.0005

_LOADING = (
    "Cargando clientes…",
    "Abriendo la base de datos…",
    "Cargando clientes y abriendo la base de datos…",
)


def _nothing(_: object) -> None:
    """A job whose result nobody needs."""


def _ignore(message: str) -> None:
    """Loading reports its own errors (``finish_opening``): nothing for the banner."""


def _warm_shell() -> None:
    """Import the client side's modules (imports only, on a worker thread)."""
    import app.ui.client_model
    import app.ui.kit.messages
    import app.ui.kit.style
    import app.ui.window_keys  # noqa: F401


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
