"""The window's start-up after its first paint, with the event loop running (see
:class:`Loading`): the composition root's second half (:mod:`app.bootstrap` is the first),
made of :mod:`app.opening`'s steps."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.opening import (
    finish_opening,
    keep_memory_lean,
    lock_database,
    prepare,
    read_clients,
    services_clients,
)

if TYPE_CHECKING:
    from datetime import datetime

    from app.kernel.search import ClientColumns
    from app.opening import Opened
    from app.services.facade import Services
    from app.ui.client_index import ClientIndex
    from app.ui.main_window import MainWindow


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
        self._queue: deque[Callable[[], None]] = deque()
        self._switch_interval = 0.005

    @property
    def done(self) -> bool:
        ready = self.services is not None and self.list_ready
        return ready and not self.reread and not self.steps

    def later(self, step: Callable[[], None]) -> None:
        """Run ``step`` in a later turn of the event loop, after the steps queued before it,
        one step per turn (the window answers in between)."""
        self.steps += 1
        self._queue.append(step)
        if len(self._queue) == 1:
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
            if self._queue:
                self._next_turn()

    def start(self) -> None:
        import sys

        from app.ui.kit.operation import Operation

        keep_memory_lean()
        # No garbage collection while loading: a full one walks every object SQLAlchemy and
        # the models just made (~0.1 s holding the interpreter); frozen once loaded.
        gc.disable()
        # While workers load, the GUI thread gets the interpreter back within half a
        # millisecond (not 5 ms) after each call into Qt; restored once everything is there.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, LOADING_SWITCH_INTERVAL))
        self.window.statusBar().showMessage(_LOADING[2])
        Operation(self.window, _warm_shell, errors=_ignore).success(
            lambda _: self._shell()
        ).run_in_background()

    def _shell(self) -> None:
        self.window.prepare_shell()
        self.later(self._shell_built)

    def _shell_built(self) -> None:
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
            ).failure(lambda _: self._gave_up()).run_in_background()
        self._status()

    def _gave_up(self) -> None:
        """The clients could not be read (the banner says why): loading ends all the same."""
        self.list_ready, self.reread = True, False
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
