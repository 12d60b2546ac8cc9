"""Informes → Reportes…: the period report on screen with Qt's own charts (``QtCharts``).

A period (this week, month, quarter, year, the last 12 months, or any two dates) and an
advisor (or all); the report is built by ``services.reports.period`` off the GUI thread, and
only the latest one asked for is shown. Each tab has a chart and, beside it, its numbers in a
table that can be copied (Ctrl+C or "Copiar tabla"): revenue per day/week/month stacked by
modality, billable hours by band, the split by advisor and by client; then the totals, the
comparison with the previous period, cases and policies. Hovering a bar shows its value. The
same report is saved as PDF (charts drawn by ReportLab) or CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QLocale, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.documents.report_csv import percent
from app.documents.report_data import GroupTotal, PeriodReport
from app.kernel.enums import Modality
from app.kernel.fmt import format_minutes
from app.services.reports import Preset
from app.ui.kit.layout import run_dialog
from app.ui.kit.messages import error_banner
from app.ui.kit.operation import Operation
from app.ui.kit.pdf import save_bytes_as
from app.ui.kit.pdf_actions import PdfActions, PdfDocument
from app.ui.report_tables import Cell, CopyTable, RowsModel

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.ui.main_window import MainWindow

__all__ = ["BarChart", "ReportsWindow", "open_reports"]

MODALITY_COLORS = {
    Modality.REMOTE: "#0b5cad",
    Modality.OFFICE: "#2e9d5b",
    Modality.ONSITE: "#e08a1e",
}
BAND_COLORS = ("#0b5cad", "#c62828")
CUSTOM = "custom"


def money_cell(value: Decimal) -> Cell:
    """``$1,234.50`` (the tables say MXN in their titles), sorted by the amount."""
    return format_money(value, currency=False), float(value)


def count_cell(value: int, unit: str = "") -> Cell:
    return (f"{value} {unit}".strip(), value)


def percent_text(value: Decimal | None, *, sign: bool = False) -> str:
    """``+12.5 %`` (rounded half-up, as the CSV and the PDF); ``—`` when there is none."""
    if value is None:
        return "—"
    return f"{'+' if sign and value > 0 else ''}{percent(value)} %"


class BarChart(QChartView):
    """Bars stacked by series (vertical, or horizontal for names); hovering a bar shows its
    category, series and value in a tooltip and in ``hover_text``."""

    def __init__(
        self,
        name: str,
        fmt: Callable[[float], str],
        *,
        horizontal: bool = False,
        axis_format: str = "$%.0f",
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self.fmt = fmt
        self.horizontal = horizontal
        self.axis_format = axis_format
        self.hover_text = ""
        self.categories: list[str] = []
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(420, 300)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setLocale(QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico))
        chart.setLocalizeNumbers(True)
        self.setChart(chart)

    def set_data(
        self,
        title: str,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float], str]],
    ) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)
        self.categories = list(categories)
        bars = QHorizontalStackedBarSeries() if self.horizontal else QStackedBarSeries()
        for label, values, color in series:
            bar_set = QBarSet(label)
            bar_set.append([float(v) for v in values])
            bar_set.setColor(QColor(color))
            bar_set.setBorderColor(QColor(color))
            bar_set.hovered.connect(lambda on, index, s=bar_set: self._hovered(on, index, s))
            bars.append(bar_set)
        chart.addSeries(bars)
        names = QBarCategoryAxis()
        names.append(self.categories or [""])
        if not self.horizontal and len(self.categories) > 8:
            names.setLabelsAngle(-90)  # a month of days or weeks: upright labels would be cut
        names.setTruncateLabels(False)
        axis = QValueAxis()
        axis.setMin(0)
        tops = [sum(v[i] for _, v, _ in series) for i in range(len(self.categories))]
        axis.setMax(max([*tops, 1.0]) * 1.1)
        axis.applyNiceNumbers()
        axis.setLabelFormat(self.axis_format)
        chart.addAxis(
            names, Qt.AlignmentFlag.AlignLeft if self.horizontal else Qt.AlignmentFlag.AlignBottom
        )
        chart.addAxis(
            axis, Qt.AlignmentFlag.AlignBottom if self.horizontal else Qt.AlignmentFlag.AlignLeft
        )
        bars.attachAxis(names)
        bars.attachAxis(axis)
        chart.legend().setVisible(len(series) > 1)

    def bar_sets(self) -> list[QBarSet]:
        found = self.chart().series()
        return list(found[0].barSets()) if found else []  # type: ignore[attr-defined]

    def values(self) -> dict[str, list[float]]:
        """Each series' values as the chart holds them (what the tests read back)."""
        return {s.label(): [s.at(i) for i in range(s.count())] for s in self.bar_sets()}

    def _hovered(self, on: bool, index: int, bar_set: QBarSet) -> None:
        if not on or not 0 <= index < len(self.categories):
            self.hover_text = ""
            QToolTip.hideText()
            return
        total = sum(s.at(index) for s in self.bar_sets())
        text = f"{self.categories[index]} · {bar_set.label()}: {self.fmt(bar_set.at(index))}"
        if len(self.bar_sets()) > 1:
            text += f" (total {self.fmt(total)})"
        self.hover_text = text
        QToolTip.showText(QCursor.pos(), text, self)


def _money(value: float) -> str:
    return format_money(Decimal(str(value)))


def _hours(value: float) -> str:
    return f"{value:.0f} h"


class ReportsWindow(QDialog):
    """The period report on screen; ``loaded`` is emitted when the latest report arrives."""

    loaded = Signal()
    csvSaved = Signal(str)  # the CSV's path ("" when the user cancelled)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.report: PeriodReport | None = None
        self._asked = 0
        self._shown = 0
        self._shown_advisor: int | None = None
        self.setObjectName("reportsWindow")
        self.setWindowTitle("Reportes")
        self.resize(1200, 760)
        self._filters()
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("reportTitleLabel")
        font = self.titleLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.titleLabel.setFont(font)
        self.totalsLabel = QLabel(self)
        self.totalsLabel.setObjectName("reportTotalsLabel")
        self.totalsLabel.setWordWrap(True)
        self.totalsLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errorLabel = error_banner("reportErrorLabel")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportTabs")
        self._build_tabs()
        self.pdfActions = PdfActions(
            self._document,
            {"preview": "reportPreviewButton", "save": "reportSavePdfButton"},
            errors=self.show_error,
        )
        self.csvButton = QPushButton("Guardar CSV…", self)
        self.csvButton.setObjectName("reportSaveCsvButton")
        self.copyButton = QPushButton("Copiar tabla", self)
        self.copyButton.setObjectName("reportCopyButton")
        for button in (self.csvButton, self.copyButton):
            button.setAutoDefault(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        close.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.pdfActions)
        actions.addWidget(self.csvButton)
        actions.addWidget(self.copyButton)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.totalsLabel)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(actions)
        self.csvButton.clicked.connect(self.save_csv)
        self.copyButton.clicked.connect(self.copy_table)
        self.apply_preset()

    # -- building ----------------------------------------------------------------------------
    def _filters(self) -> None:
        self.presetCombo = QComboBox(self)
        self.presetCombo.setObjectName("reportPreset")
        for preset in Preset:
            self.presetCombo.addItem(preset.label, preset.value)
        self.presetCombo.addItem("Personalizado", CUSTOM)
        self.presetCombo.setCurrentIndex(1)  # this month
        self.fromEdit = self._date_edit("reportFrom")
        self.toEdit = self._date_edit("reportTo")
        self.advisorCombo = QComboBox(self)
        self.advisorCombo.setObjectName("reportAdvisor")
        self.advisorCombo.addItem("Todos", None)
        for advisor in self.services.clients.advisors(include_inactive=True):
            self.advisorCombo.addItem(advisor.name, advisor.id)
        row = QHBoxLayout()
        for label, widget in (
            ("Periodo:", self.presetCombo),
            ("Desde:", self.fromEdit),
            ("Hasta:", self.toEdit),
            ("Asesor:", self.advisorCombo),
        ):
            row.addWidget(QLabel(label, self))
            row.addWidget(widget)
        row.addStretch(1)
        self._filter_row = row
        self.presetCombo.currentIndexChanged.connect(self.apply_preset)
        self.fromEdit.dateChanged.connect(self._dates_edited)
        self.toEdit.dateChanged.connect(self._dates_edited)
        self.advisorCombo.currentIndexChanged.connect(self.refresh)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def _build_tabs(self) -> None:
        self.revenueChart = BarChart("revenueChart", _money)
        self.revenueTable = CopyTable(
            RowsModel(("Periodo", *(m.label for m in Modality), "Total"), range(1, 5)),
            "revenueTable",
        )
        self.hoursChart = BarChart("hoursChart", _hours, axis_format="%.0f h")
        self.hoursTable = CopyTable(
            RowsModel(("Periodo", "Horario laboral", "Fuera de horario", "Total", "Sesiones"),
                      range(1, 5)),
            "hoursTable",
        )  # fmt: skip
        group_head = ("Nombre", "Sesiones", "Casos", "Trabajado", "Horas laborales",
                      "Horas fuera", "Importe sin IVA")  # fmt: skip
        self.advisorChart = BarChart("advisorChart", _money, horizontal=True)
        self.advisorTable = CopyTable(RowsModel(group_head, range(1, 7)), "advisorTable")
        self.clientChart = BarChart("clientChart", _money, horizontal=True)
        self.clientTable = CopyTable(RowsModel(group_head, range(1, 7)), "clientTable")
        self.summaryTable = CopyTable(RowsModel(("Concepto", "Valor"), (1,)), "summaryTable")
        self.comparisonTable = CopyTable(
            RowsModel(("Concepto", "Periodo", "Periodo anterior", "Cambio"), (1, 2, 3)),
            "comparisonTable",
        )
        self.casesTable = CopyTable(RowsModel(("Casos", "Cantidad"), (1,)), "casesTable")
        self.policiesTable = CopyTable(
            RowsModel(("Cliente", "Póliza", "Cuota", "Horas cubiertas", "Valor cubierto",
                       "Cobrado", "Eventos usados", "Uso"), range(2, 8)),
            "policiesTable",
        )  # fmt: skip
        self.tabs.addTab(self._pair(self.revenueChart, self.revenueTable), "Ingresos")
        self.tabs.addTab(self._pair(self.hoursChart, self.hoursTable), "Horas por banda")
        self.tabs.addTab(self._pair(self.advisorChart, self.advisorTable), "Asesores")
        self.tabs.addTab(self._pair(self.clientChart, self.clientTable), "Clientes")
        self.tabs.addTab(self._pair(self.summaryTable, self.comparisonTable), "Totales")
        self.tabs.addTab(self._pair(self.casesTable, self.policiesTable), "Casos y pólizas")

    def _pair(self, left: QWidget, right: QWidget) -> QSplitter:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 620])
        return split

    # -- the period --------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        a, b = self.fromEdit.date(), self.toEdit.date()
        return date(a.year(), a.month(), a.day()), date(b.year(), b.month(), b.day())

    def advisor_id(self) -> int | None:
        value = self.advisorCombo.currentData()
        return None if value is None else int(value)

    def set_period(self, first: date, last: date) -> None:
        """Show ``first``–``last`` (the preset becomes "Personalizado")."""
        self._set_dates(first, last)
        self._select_preset(CUSTOM)
        self.refresh()

    def apply_preset(self) -> None:
        value = self.presetCombo.currentData()
        if value == CUSTOM:
            return
        first, last = self.services.reports.preset(Preset(value))
        self._set_dates(first, last)
        self.refresh()

    def _set_dates(self, first: date, last: date) -> None:
        for edit, day in ((self.fromEdit, first), (self.toEdit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _select_preset(self, value: str) -> None:
        self.presetCombo.blockSignals(True)
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(value))
        self.presetCombo.blockSignals(False)

    def _dates_edited(self) -> None:
        self._select_preset(CUSTOM)
        self.refresh()

    @property
    def loading(self) -> bool:
        return self._shown != self._asked

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def refresh(self) -> None:
        """Ask for the report (off the GUI thread); only the latest one asked for is shown."""
        self._asked += 1
        asked = self._asked
        (first, last), advisor_id = self.period(), self.advisor_id()
        reports = self.services.reports
        self._enable(False)

        def latest(fn: Any) -> Any:
            return lambda *args: fn(*args) if asked == self._asked else None

        def shown(report: PeriodReport) -> None:
            self._shown_advisor = advisor_id
            self.show_report(report)

        Operation(
            self, lambda: reports.period(first, last, advisor_id), errors=latest(self.show_error)
        ).success(latest(shown)).failure(latest(self._show_nothing)).finished(
            latest(self._arrived)
        ).run_in_background()

    def _arrived(self) -> None:
        self._shown = self._asked
        self.loaded.emit()

    def _enable(self, on: bool) -> None:
        self.pdfActions.set_available(on)
        self.csvButton.setEnabled(on)

    def _show_nothing(self, _: Exception) -> None:
        self.report = None
        self.titleLabel.clear()
        self.totalsLabel.clear()

    # -- showing -----------------------------------------------------------------------------
    def show_report(self, report: PeriodReport) -> None:
        self.report = report
        self._enable(True)
        self.titleLabel.setText(f"Reporte {report.label} — {report.advisor_label}")
        t = report.totals
        self.totalsLabel.setText(
            f"<b>{t.sessions} sesiones</b> · {report.case_count} casos · "
            f"{t.billable_hours} h cobrables · subtotal {format_money(t.subtotal)} · "
            f"IVA {format_money(t.iva)} · <b>total {format_money(t.total)}</b> · "
            f"cobrado {format_money(t.payments_received)} · "
            f"por cobrar {format_money(t.outstanding)}"
        )
        labels = [b.label for b in report.buckets]
        by = {"día": "día", "semana": "semana", "mes": "mes"}.get(report.granularity, "periodo")
        self.revenueChart.set_data(
            f"Ingresos por {by}, por modalidad (sin IVA, MXN)",
            labels,
            [(m.label, [float(b.amount_of(m)) for b in report.buckets], MODALITY_COLORS[m])
             for m in Modality],
        )  # fmt: skip
        self.revenueTable.rows.set_rows(
            [(( b.label, b.first.toordinal()), *(money_cell(a) for a in b.amounts),
              money_cell(b.amount)) for b in report.buckets]
        )  # fmt: skip
        self.hoursChart.set_data(
            "Horas cobrables por banda",
            labels,
            [("Horario laboral", [float(b.business_hours) for b in report.buckets], BAND_COLORS[0]),
             ("Fuera de horario (emergencia)", [float(b.outside_hours) for b in report.buckets],
              BAND_COLORS[1])],
        )  # fmt: skip
        self.hoursTable.rows.set_rows(
            [((b.label, b.first.toordinal()), count_cell(b.business_hours, "h"),
              count_cell(b.outside_hours, "h"),
              count_cell(b.business_hours + b.outside_hours, "h"), count_cell(b.sessions))
             for b in report.buckets]
        )  # fmt: skip
        self._groups(self.advisorChart, self.advisorTable, "Ingresos por asesor (sin IVA, MXN)",
                     report.by_advisor)  # fmt: skip
        self._groups(self.clientChart, self.clientTable, "Principales clientes (sin IVA, MXN)",
                     report.top_clients)  # fmt: skip
        self._totals(report)

    def _groups(
        self, chart: BarChart, table: CopyTable, title: str, groups: Sequence[GroupTotal]
    ) -> None:
        shown = list(reversed(groups))  # horizontal bars run bottom-up: largest on top
        amounts = [float(g.amount) for g in shown]
        chart.set_data(title, [g.name for g in shown], [("Importe sin IVA", amounts, "#0b5cad")])
        table.rows.set_rows(
            [((g.name, g.name), count_cell(g.sessions), count_cell(g.cases),
              (format_minutes(g.worked_minutes), g.worked_minutes),
              count_cell(g.business_hours, "h"), count_cell(g.outside_hours, "h"),
              money_cell(g.amount)) for g in groups]
        )  # fmt: skip

    def _totals(self, report: PeriodReport) -> None:
        t = report.totals
        money_rows = [
            ("Importe de sesiones (sin IVA)", t.sessions_amount),
            ("Subtotal emitido", t.subtotal),
            ("IVA", t.iva),
            ("Total emitido", t.total),
            ("Cancelado", report.cancelled_total),
            ("Pagos recibidos", t.payments_received),
            ("Por cobrar de estos recibos", t.outstanding),
            ("Saldo por cobrar al cierre", t.balance_due),
        ]
        rows: list[tuple[Cell, Cell]] = [
            ((k, n), money_cell(v)) for n, (k, v) in enumerate(money_rows)
        ]
        rows += [((f"{m.modality.label}", 100 + n), money_cell(m.amount))
                 for n, m in enumerate(t.by_modality)]  # fmt: skip
        rows += [((f"{b.label} ({b.hours} h)", 200 + n), money_cell(b.amount))
                 for n, b in enumerate(t.by_band)]  # fmt: skip
        self.summaryTable.rows.set_rows(rows)
        self.comparisonTable.rows.set_rows(
            [((c.label, n),
              money_cell(c.current) if c.money else count_cell(int(c.current)),
              money_cell(c.previous) if c.money else count_cell(int(c.previous)),
              (percent_text(c.change, sign=True), float(c.change or 0)))
             for n, c in enumerate(report.comparison)]
        )  # fmt: skip
        declined = report.consent_declined_rate
        cases: list[tuple[Cell, Cell]] = [((c.label, n), count_cell(c.count))
                                         for n, c in enumerate(report.cases)]  # fmt: skip
        cases += [
            (("Casos atendidos", 90), count_cell(report.case_count)),
            (("Tiempo trabajado por caso (promedio)", 91),
             (format_minutes(report.average_case_minutes), report.average_case_minutes)),
            (("Control remoto rechazado", 92),
             (percent_text(declined), float(declined or 0))),
        ]  # fmt: skip
        self.casesTable.rows.set_rows(cases)
        self.policiesTable.rows.set_rows(
            [((p.client, p.client), (p.label, p.label), money_cell(p.fee),
              count_cell(p.covered_hours, "h"), money_cell(p.covered_value),
              money_cell(p.charged), (f"{p.used_events} de {p.expected_events}", p.used_events),
              (percent_text(p.utilisation), float(p.utilisation or 0)))
             for p in report.policies]
        )  # fmt: skip

    # -- copying and documents ---------------------------------------------------------------
    def current_tables(self) -> list[CopyTable]:
        """The current tab's tables, left to right."""
        page = self.tabs.currentWidget()
        if not isinstance(page, QSplitter):
            return []
        found = (page.widget(i) for i in range(page.count()))
        return [w for w in found if isinstance(w, CopyTable)]

    def copy_table(self) -> str:
        """The current tab's numbers to the clipboard, tab-separated (two tables: one after
        the other, an empty line between)."""
        text = "\n".join(t.as_text() for t in self.current_tables())
        QGuiApplication.clipboard().setText(text)
        return text

    def file_stem(self) -> str:
        first, last = self.period()
        who = "" if self.advisor_id() is None else f" {self.advisorCombo.currentText()}"
        return f"Reporte {first.isoformat()} a {last.isoformat()}{who}"

    def _document(self) -> PdfDocument | None:
        from app.documents.report_pdf import report_pdf_bytes

        report = self.report
        if report is None:
            return None
        return PdfDocument(self.file_stem(), lambda: report_pdf_bytes(report))

    def save_csv(self) -> None:
        """The CSV (one row per session, as the corte's) is built off the GUI thread, then
        saved where the user says."""
        from app.documents.report_csv import report_csv_bytes

        report, advisor_id = self.report, self._shown_advisor
        if report is None:
            return
        reports = self.services.reports

        def build() -> bytes:
            corte = reports.period_corte(report.first, report.last, advisor_id)
            return report_csv_bytes(report, corte)

        self.csvButton.setEnabled(False)
        Operation(self, build).success(self._save_csv_bytes).finished(
            lambda: self.csvButton.setEnabled(self.report is not None)
        ).run_in_background()

    def _save_csv_bytes(self, data: bytes) -> Path | None:
        path = save_bytes_as(
            self, data, self.file_stem(), title="Guardar CSV como…",
            file_filter="Hojas de cálculo CSV (*.csv)", suffix=".csv",
        )  # fmt: skip
        self.csvSaved.emit(str(path) if path is not None else "")
        return path


def open_reports(window: MainWindow) -> None:
    """Informes → Reportes… (for the main window's menu)."""
    if window.services is not None:
        run_dialog(ReportsWindow(window.services, window))
