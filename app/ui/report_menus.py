"""The main window's entries of issue 14 — Informes → Reportes… and Cliente → Historial del
cliente… — as two functions the menus call. The windows' modules (QtCharts, the history's
table) are imported when first opened, so the main window's start-up does not pay for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["open_client_history", "open_reports"]


def open_reports(window: MainWindow) -> None:
    from app.ui.reports_window import open_reports as run

    run(window)


def open_client_history(window: MainWindow) -> None:
    from app.ui.client_history_dialog import open_client_history as run

    run(window)
