"""Estado de cuenta: the statement is read off the GUI thread ("Cargando…" meanwhile, no
action offered), the GUI thread keeps running while it is read, and only the latest statement
asked for is shown."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QThreadPool, QTimer

from app.kernel.enums import PaymentMethod
from app.ui.statement_dialog import StatementDialog
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import play

services = service_fixtures.services  # the services' fixtures, shared
shop = service_fixtures.shop


class HeldStatements:
    """The real ``BalanceService.statement``, held until released: records the thread of
    each read and waits (at most 10 s) for ``release`` before returning."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()
        self.threads: list[int] = []

    def __call__(self, client_id: int) -> Any:
        self.threads.append(threading.get_ident())
        self.release.wait(10)
        return self.real(client_id)


def test_the_statement_loads_off_the_gui_thread(qtbot: Any, shop: Shop) -> None:
    play(shop)
    balances = shop.services.balances
    held = HeldStatements(balances.statement)
    balances.statement = held  # type: ignore[method-assign]
    dialog = StatementDialog(shop.services, shop.ramon)
    qtbot.addWidget(dialog)
    dialog.show()
    # the constructor returned with the read still waiting: "Cargando…", nothing to act on
    assert dialog.loading and dialog.loadingLabel.isVisibleTo(dialog)
    assert dialog.loadingLabel.text() == "Cargando el estado de cuenta…"
    assert dialog.receiptsModel.rowCount() == 0 and dialog.statement is None
    assert not dialog.payButton.isEnabled() and not dialog.previewButton.isEnabled()
    # a timer on the GUI thread keeps firing while the read waits; then the read is let go
    ticks: list[int] = []
    timer = QTimer(dialog)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5)
    assert dialog.loading
    held.release.set()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    timer.stop()
    assert held.threads and threading.get_ident() not in held.threads
    assert not dialog.loading and not dialog.loadingLabel.isVisibleTo(dialog)
    expected = held.real(shop.ramon)
    assert dialog.statement is not None
    assert dialog.statement.balance == expected.balance
    assert dialog.receiptsModel.rowCount() == len(expected.receipts) > 0
    assert dialog.entriesModel.rowCount() == len(expected.entries)
    assert dialog.windowTitle() == "Estado de cuenta — Ramón Sánchez"
    assert dialog.previewButton.isEnabled()


def test_only_the_latest_statement_asked_for_is_shown(qtbot: Any, shop: Shop) -> None:
    """A refresh asked for while an older read is still out: the older statement, arriving
    last, is dropped (never shown, no ``loaded``)."""
    play(shop)
    balances = shop.services.balances
    real = balances.statement
    owed = next(b for b in real(shop.ramon).receipts if b.balance > 0)
    old = HeldStatements(lambda client_id: real(client_id))
    balances.statement = old  # type: ignore[method-assign]
    seen: list[Decimal] = []
    dialog = StatementDialog(shop.services, shop.ramon)
    qtbot.addWidget(dialog)
    dialog.loaded.connect(lambda: seen.append(dialog.statement.balance))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(old.threads) == 1)  # the first read is out, held …
    stale = old.real(shop.ramon)  # … and will return what it reads now:
    old.real = lambda client_id: stale
    shop.services.receipts.record_payment(owed.receipt_id, owed.balance, PaymentMethod.CASH)
    balances.statement = real  # type: ignore[method-assign]
    dialog.refresh()
    qtbot.waitUntil(lambda: len(seen) == 1)
    paid = real(shop.ramon).balance
    assert seen == [paid] and paid == stale.balance - owed.balance
    old.release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)  # its result is on its way …
    dialog.refresh()  # … and arrives before this one's
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen == [paid, paid] and dialog.statement is not None
    assert dialog.statement.balance == paid
