"""Informes → Reportes…: the charts' series read back from the chart model, hover values, the
tables beside them (copyable), presets, one advisor, and the report loaded off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from app.kernel.enums import Modality
from app.ui.reports_window import ReportsWindow
from tests.documents.test_from_db import read_sections
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import WEEK, play
from tests.ui.test_documents_ui import answer_file_dialog

services = service_fixtures.services  # the services' fixtures, shared
shop = service_fixtures.shop


def opened(qtbot: Any, shop: Shop) -> ReportsWindow:
    play(shop)
    window = ReportsWindow(shop.services)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.loading and window.report is not None)
    return window


def test_charts_hold_the_reports_figures(qtbot: Any, shop: Shop) -> None:
    window = opened(qtbot, shop)
    window.set_period(*WEEK)
    qtbot.waitUntil(lambda: not window.loading)
    report = window.report
    assert report is not None and (report.first, report.last) == WEEK
    assert window.titleLabel.text() == "Reporte 23 nov 2026 – 29 nov 2026 — Todos los asesores"
    assert window.presetCombo.currentText() == "Personalizado"
    # revenue per day, stacked by modality: the chart model holds the report's numbers
    revenue = window.revenueChart
    assert revenue.categories == ["23 nov", "24 nov", "25 nov", "26 nov", "27 nov", "28 nov",
                                  "29 nov"]  # fmt: skip
    values = revenue.values()
    assert list(values) == [m.label for m in Modality]
    assert values["A distancia"] == [180.0, 180.0, 200.0, 0.0, 0.0, 600.0, 270.0]
    assert values["Presencial en AppleUse"] == [300.0, 300.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    for m in Modality:
        assert values[m.label] == [float(b.amount_of(m)) for b in report.buckets]
    assert window.hoursChart.values() == {
        "Horario laboral": [3.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0],  # 26 nov: still to quote
        "Fuera de horario (emergencia)": [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 1.0],
    }
    advisors = window.advisorChart
    assert advisors.categories == ["Ana Martínez", "Alberto Hernández"]  # largest on top
    assert advisors.values() == {"Importe sin IVA": [830.0, 1200.0]}
    # hovering a bar shows its value (and the day's total)
    remote = revenue.bar_sets()[0]
    remote.hovered.emit(True, 0)
    assert revenue.hover_text == "23 nov · A distancia: $180.00 MXN (total $480.00 MXN)"
    remote.hovered.emit(False, 0)
    assert revenue.hover_text == ""
    advisors.bar_sets()[0].hovered.emit(True, 1)
    assert advisors.hover_text == "Alberto Hernández · Importe sin IVA: $1,200.00 MXN"
    # the table beside each chart, copyable as tab-separated text
    assert window.revenueTable.rows.text(0, 4) == "$480.00"
    window.tabs.setCurrentIndex(0)
    copied = window.copy_table()
    assert QGuiApplication.clipboard().text() == copied
    lines = copied.splitlines()
    assert (
        lines[0] == "Periodo\tA distancia\tPresencial en AppleUse\tEn domicilio del cliente\tTotal"
    )
    assert lines[1] == "23 nov\t$180.00\t$300.00\t$0.00\t$480.00"
    assert len(lines) == 8
    window.tabs.setCurrentIndex(4)
    totals = window.copy_table()  # the comparison beside the totals
    assert "Total emitido\t$1,809.60\t$556.80\t+225.0 %" in totals
    window.revenueChart.grab().save("/tmp/report-revenue-chart.png")


def test_presets_and_one_advisor(qtbot: Any, shop: Shop) -> None:
    window = opened(qtbot, shop)
    # the clock stands on Sun 29 Nov 2026: "Este mes" is November
    assert window.presetCombo.currentText() == "Este mes"
    assert window.report is not None
    assert (window.report.first.isoformat(), window.report.last.isoformat()) == (
        "2026-11-01",
        "2026-11-30",
    )
    assert len(window.revenueChart.categories) == 30
    window.presetCombo.setCurrentIndex(window.presetCombo.findText("Este año"))
    qtbot.waitUntil(lambda: not window.loading)
    assert window.report.granularity == "mes"
    assert window.revenueChart.categories[-2:] == ["nov 2026", "dic 2026"]
    window.advisorCombo.setCurrentIndex(window.advisorCombo.findText("Ana Martínez"))
    qtbot.waitUntil(lambda: not window.loading)
    assert window.report.advisor == "Ana Martínez"
    assert window.advisorChart.categories == ["Ana Martínez"]


def test_a_reversed_period_is_refused_in_spanish(qtbot: Any, shop: Shop) -> None:
    window = opened(qtbot, shop)
    window.set_period(WEEK[1], WEEK[0])
    qtbot.waitUntil(lambda: not window.loading)
    assert "al revés" in window.errorLabel.text()
    assert window.report is None and not window.csvButton.isEnabled()


def test_csv_is_built_off_the_gui_thread_then_saved(qtbot: Any, shop: Shop, tmp_path: Path) -> None:
    window = opened(qtbot, shop)
    window.set_period(*WEEK)
    qtbot.waitUntil(lambda: not window.loading)
    report = window.report
    assert report is not None
    path = tmp_path / "reporte.csv"
    answer_file_dialog(path)
    with qtbot.waitSignal(window.csvSaved, timeout=20_000) as saved:
        window.csvButton.click()
        assert not window.csvButton.isEnabled()  # while the corte's rows are read
    assert saved.args == [str(path)]
    sections = read_sections(path.read_bytes())
    rows = [r for r in sections["Sesiones"] if r and r[0].startswith("2026-")]
    assert len(rows) == report.totals.sessions == 9
    resumen = {(r[0], r[1]): r[2:] for r in sections["Resumen"][1:]}
    assert resumen[("Importes", "Total")][-1] == "1809.60"
    qtbot.waitUntil(window.csvButton.isEnabled)


def test_screenshot(qtbot: Any, shop: Shop) -> None:
    window = opened(qtbot, shop)
    window.set_period(*WEEK)
    qtbot.waitUntil(lambda: not window.loading)
    window.show()
    qtbot.waitExposed(window)
    window.grab().save("/tmp/report-window.png")
    window.tabs.setCurrentIndex(2)
    window.grab().save("/tmp/report-window-advisors.png")


def test_menu_entries(open_window: Any) -> None:
    window = open_window()
    menus = {m.text().replace("&", ""): m.menu() for m in window.menuBar().actions()}
    assert [a.text() for a in menus["Informes"].actions()] == ["Reportes…"]
    assert "Historial del cliente…" in [a.text() for a in menus["Cliente"].actions()]
