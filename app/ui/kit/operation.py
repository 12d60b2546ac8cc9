"""One guarded call from a widget into the core — the idea of Anki's ``CollectionOp``.

A widget never writes ``try: … except DomainError`` itself::

    Operation(self, lambda: services.sessions.pause(session_id)).success(self.set_session).run()

    Operation(self, lambda: summary_pdf_bytes(summary)).success(self.show_pdf).run_in_background()

``run()`` calls the work now and returns its result (None when refused). A refused action
(:class:`~app.kernel.errors.DomainError`) changed nothing: its Spanish message goes to the
widget's error banner — ``errors=`` or else the parent's ``show_error(message)`` — and the
``failure`` callbacks run; on success the banner is cleared and the ``success`` callbacks get
the result.

``run_in_background()`` calls the work on a ``QThreadPool`` thread and delivers the result or
the exception back on the GUI thread (a queued signal), where the callbacks run. The work must
therefore touch no widget: read the form first, on the GUI thread, and hand plain values to it.
If the parent widget was deleted meanwhile, the result is dropped. Any other exception is
raised again on the GUI thread, so it is never swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.kernel.errors import DomainError

T = TypeVar("T")

__all__ = ["Operation", "attempt", "problem"]


class Operation(Generic[T]):
    """Call ``work`` for ``parent``; see the module's documentation."""

    def __init__(
        self,
        parent: QObject,
        work: Callable[[], T],
        *,
        errors: Callable[[str], object] | None = None,
        clear: bool = True,
    ) -> None:
        if errors is None:
            errors = getattr(parent, "show_error", None)
            if errors is None:
                raise TypeError(f"{type(parent).__name__} has no show_error(); pass errors=")
        self._parent = parent
        self._parent_alive = True
        self._work = work
        self._errors: Callable[[str], object] = errors
        self._clear = clear
        self._on_success: list[Callable[[T], object]] = []
        self._on_failure: list[Callable[[DomainError], object]] = []
        self._on_finished: list[Callable[[], object]] = []

    # -- callbacks, chained ------------------------------------------------------------------
    def success(self, fn: Callable[[T], object]) -> Operation[T]:
        """Called with the result (on the GUI thread)."""
        self._on_success.append(fn)
        return self

    def failure(self, fn: Callable[[DomainError], object]) -> Operation[T]:
        """Called with the refusal, after its message is shown."""
        self._on_failure.append(fn)
        return self

    def finished(self, fn: Callable[[], object]) -> Operation[T]:
        """Called last either way, e.g. to enable a button again."""
        self._on_finished.append(fn)
        return self

    # -- running -----------------------------------------------------------------------------
    def run(self) -> T | None:
        """Call the work now, on this thread; its result, or None when it was refused."""
        try:
            try:
                result = self._work()
            except DomainError as exc:
                self._refused(exc)
                return None
            self._succeeded(result)
            return result
        finally:
            self._finish()

    def run_in_background(self) -> None:
        """Call the work on a pool thread; the callbacks run on the GUI thread afterwards."""
        relay = _relay()
        work, deliver = self._work, self._deliver
        self._parent.destroyed.connect(self._orphaned)  # on the GUI thread, as the delivery

        def job() -> None:
            try:
                result = work()
            except BaseException as exc:  # delivered, and raised again on the GUI thread
                relay.delivered.emit(deliver, None, exc)
            else:
                relay.delivered.emit(deliver, result, None)

        QThreadPool.globalInstance().start(job)

    # -- delivery ----------------------------------------------------------------------------
    def _orphaned(self, *_: object) -> None:
        self._parent_alive = False

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        if not self._parent_alive:
            return  # the widget is gone: nobody to tell
        self._parent.destroyed.disconnect(self._orphaned)
        try:
            if error is None:
                self._succeeded(result)
            elif isinstance(error, DomainError):
                self._refused(error)
            else:
                raise error
        finally:
            self._finish()

    def _succeeded(self, result: T) -> None:
        if self._clear:
            self._errors("")
        for fn in self._on_success:
            fn(result)

    def _refused(self, error: DomainError) -> None:
        self._errors(str(error))
        for fn in self._on_failure:
            fn(error)

    def _finish(self) -> None:
        for fn in self._on_finished:
            fn()


def attempt(check: Callable[[], T]) -> tuple[T | None, str]:
    """``(value, "")``, or ``(None, message)`` when ``check`` is refused: for a validator
    (``parse_money``, ``clean_rfc``) whose message goes next to its field."""
    try:
        return check(), ""
    except DomainError as exc:
        return None, str(exc)


def problem(check: Callable[[], object]) -> str:
    """The Spanish message of the refusal ``check`` raises, or "" when it raises none."""
    return attempt(check)[1]


class _Relay(QObject):
    """Lives on the GUI thread: a signal emitted by a pool thread reaches ``_deliver`` queued,
    so the callbacks run on the GUI thread."""

    delivered = Signal(object, object, object)  # deliver, result, error

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._deliver)

    @Slot(object, object, object)
    def _deliver(self, deliver: Any, result: Any, error: Any) -> None:
        deliver(result, error)


_RELAY: _Relay | None = None


def _relay() -> _Relay:
    """The one relay, made on the GUI thread by the first background operation."""
    global _RELAY
    if _RELAY is None:
        _RELAY = _Relay()
    return _RELAY
