"""The corte del día on screen: a date and an advisor (or all), the day's sessions, the totals,
and the same summary saved as PDF or CSV or printed.

The summary is built by ``services.documents.day_summary`` off the GUI thread (it reads every
session of the day); the dialog shows it when it arrives. Changing the date or the advisor
asks again, and only the latest answer is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.documents.data import DaySummary, SummarySession
from app.kernel.fmt import format_long_day, format_minutes, format_time, to_local
from app.ui.kit.messages import error_banner
from app.ui.kit.operation import Operation
from app.ui.kit.pdf import save_bytes_as
from app.ui.kit.pdf_actions import PdfActions, PdfDocument

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["SummaryDialog", "SummarySessionsModel", "details_text", "totals_text"]

RAW_ROLE = Qt.ItemDataRole.UserRole + 1


class SummarySessionsModel(QAbstractTableModel):
    """The day's sessions (immutable rows); ``RAW_ROLE`` gives sortable raw values."""

    HEADERS = (
        "Inicio", "Fin", "Asesor", "Caso", "Cliente", "Modalidad", "Trabajado", "Horas",
        "Resultado", "Folio", "Importe sin IVA",
    )  # fmt: skip
    RIGHT = frozenset({6, 7, 10})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[SummarySession, ...] = ()
        self._zone = "America/Mexico_City"

    def set_rows(self, rows: Sequence[SummarySession], zone: str) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._zone = zone
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(s, col)
        if role == RAW_ROLE:
            return self._raw(s, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 8):
            return self._text(s, col)
        return None

    def _text(self, s: SummarySession, col: int) -> str:
        if col == 0:
            return format_time(s.start, self._zone)
        if col == 1:
            return format_time(s.end, self._zone)
        if col == 6:
            return format_minutes(s.worked_minutes)
        if col == 7:
            return f"{s.billable_hours} h"
        if col == 9:
            return s.folio or "—"
        if col == 10:
            return "Por cotizar" if s.amount is None else format_money(s.amount)
        return str(self._raw(s, col))

    @staticmethod
    def _raw(s: SummarySession, col: int) -> Any:
        values: tuple[Any, ...] = (
            s.start.timestamp(), s.end.timestamp(), s.advisor, s.case_number, s.client,
            s.modality.label, s.worked_minutes, s.billable_hours, s.outcome, s.folio,
            float(s.amount) if s.amount is not None else -1.0,
        )  # fmt: skip
        return values[col]


class SummaryDialog(QDialog):
    """The corte del día on screen; ``loading`` is True until the latest summary asked for has
    arrived (``loaded`` is emitted then)."""

    loaded = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.summary: DaySummary | None = None
        self._asked = 0  # the latest summary asked for …
        self._shown = 0  # … and the latest one that arrived
        self.setObjectName("summaryDialog")
        self.setWindowTitle("Corte del día")
        self.resize(1100, 680)

        self.dateEdit = QDateEdit(self)
        self.dateEdit.setObjectName("summaryDate")
        self.dateEdit.setCalendarPopup(True)
        self.dateEdit.setDisplayFormat("dd/MM/yyyy")
        today = to_local(services.clock()).date()
        self.dateEdit.setDate(QDate(today.year, today.month, today.day))
        self.dateEdit.setMaximumDate(QDate(today.year, today.month, today.day))

        self.advisorCombo = QComboBox(self)
        self.advisorCombo.setObjectName("summaryAdvisor")
        self.advisorCombo.addItem("Todos", None)
        for advisor in services.clients.advisors(include_inactive=True):
            self.advisorCombo.addItem(advisor.name, advisor.id)

        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("summaryTitleLabel")
        font = self.titleLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.titleLabel.setFont(font)

        self.table = self._sessions_table()

        self.totalLabel = QLabel(self)
        self.totalLabel.setObjectName("summaryTotalLabel")
        self.totalLabel.setWordWrap(True)
        self.totalLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detailLabel = QLabel(self)
        self.detailLabel.setObjectName("summaryDetailLabel")
        self.detailLabel.setWordWrap(True)
        self.detailLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errorLabel = error_banner("summaryErrorLabel")

        self.pdfActions = PdfActions(
            self._document,
            {"preview": "summaryPreviewButton", "save": "summarySavePdfButton"},
            errors=self.show_error,
        )
        self.csvButton = QPushButton("Guardar CSV…", self)
        self.csvButton.setObjectName("summarySaveCsvButton")
        self.csvButton.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("Cerrar")
        buttons.rejected.connect(self.reject)

        filters = QFormLayout()
        filters.addRow("Fecha:", self.dateEdit)
        filters.addRow("Asesor:", self.advisorCombo)
        top = QHBoxLayout()
        top.addLayout(filters)
        top.addSpacing(24)
        top.addWidget(self.titleLabel, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.pdfActions)
        actions.addWidget(self.csvButton)
        actions.addStretch(1)
        actions.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totalLabel)
        layout.addWidget(self.detailLabel)
        layout.addLayout(actions)

        self.dateEdit.dateChanged.connect(self.refresh)
        self.advisorCombo.currentIndexChanged.connect(self.refresh)
        self.csvButton.clicked.connect(self.save_csv)
        self.refresh()

    def _sessions_table(self) -> QTableView:
        """The day's sessions, sortable by their raw values."""
        self.model = SummarySessionsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RAW_ROLE)
        table = QTableView(self)
        table.setObjectName("summaryTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())
        return table

    # -- state -------------------------------------------------------------------------------
    def day(self) -> date:
        q = self.dateEdit.date()
        return date(q.year(), q.month(), q.day())

    def advisor_id(self) -> int | None:
        value = self.advisorCombo.currentData()
        return None if value is None else int(value)

    @property
    def loading(self) -> bool:
        return self._shown != self._asked

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def refresh(self) -> None:
        """Ask for the summary of the chosen date and advisor (off the GUI thread); it is shown
        when it arrives, unless another was asked for meanwhile."""
        self._asked += 1
        asked, day, advisor_id = self._asked, self.day(), self.advisor_id()
        documents = self.services.documents
        self._enable(False)

        def latest(fn: Any) -> Any:
            return lambda *args: fn(*args) if asked == self._asked else None

        Operation(
            self, lambda: documents.day_summary(day, advisor_id), errors=latest(self.show_error)
        ).success(latest(self._show_summary)).failure(latest(self._show_nothing)).finished(
            latest(self._arrived)
        ).run_in_background()

    def _show_summary(self, summary: DaySummary) -> None:
        self.summary = summary
        self.model.set_rows(summary.sessions, summary.business.timezone)
        self.table.resizeRowsToContents()
        self.titleLabel.setText(
            f"{format_long_day(summary.day).capitalize()} — {summary.advisor_label}"
        )
        self.totalLabel.setText(totals_text(summary))
        self.detailLabel.setText(details_text(summary))
        self._enable(True)

    def _show_nothing(self, _: Exception) -> None:
        self.summary = None
        self.model.set_rows((), "America/Mexico_City")
        self.totalLabel.clear()
        self.detailLabel.clear()

    def _arrived(self) -> None:
        self._shown = self._asked
        self.loaded.emit()

    def _enable(self, on: bool) -> None:
        self.pdfActions.set_available(on)
        self.csvButton.setEnabled(on)

    # -- documents ---------------------------------------------------------------------------
    def file_stem(self) -> str:
        who = "" if self.advisor_id() is None else f" {self.advisorCombo.currentText()}"
        return f"Corte {self.day().isoformat()}{who}"

    def _document(self) -> PdfDocument | None:
        from app.documents.summary_pdf import summary_pdf_bytes

        summary = self.summary
        if summary is None:
            return None
        return PdfDocument(self.file_stem(), lambda: summary_pdf_bytes(summary))

    def preview(self) -> None:
        """Print preview of the summary's PDF (rendered off the GUI thread)."""
        self.pdfActions.trigger("preview")

    def save_pdf(self) -> None:
        """ "Guardar PDF…"; ``pdfActions.saved`` tells where."""
        self.pdfActions.trigger("save")

    def save_csv(self) -> Path | None:
        from app.documents.summary_csv import summary_csv_bytes

        summary = self.summary
        if summary is None:
            return None
        return Operation(
            self,
            lambda: save_bytes_as(
                self,
                summary_csv_bytes(summary),
                self.file_stem(),
                title="Guardar CSV como…",
                file_filter="Hojas de cálculo CSV (*.csv)",
                suffix=".csv",
            ),
        ).run()


def totals_text(summary: DaySummary) -> str:
    """One line of the money: sessions, hours, receipts, IVA, total, received, outstanding."""
    n = len(summary.sessions)
    issued = len(summary.receipts_issued)
    cancelled = len(summary.receipts_cancelled)
    states = [r.payment_status for r in summary.receipts_issued]
    words = {"paid": ("pagado", "pagados"), "partial": ("pagado parcialmente",
             "pagados parcialmente"), "unpaid": ("sin pagar", "sin pagar")}  # fmt: skip
    counts = {state: states.count(state) for state in words}
    paid = ", ".join(
        f"{counts[state]} {one if counts[state] == 1 else many}"
        for state, (one, many) in words.items()
        if counts[state]
    )
    return (
        f"<b>{n} {'sesión' if n == 1 else 'sesiones'}</b> · "
        f"{format_minutes(summary.worked_minutes)} trabajadas · "
        f"{summary.billable_hours} h cobrables · "
        f"importe de sesiones {format_money(summary.sessions_amount)} (sin IVA)<br>"
        f"Recibos: {issued} emitidos{f' ({paid})' if paid else ''}, {cancelled} cancelados · "
        f"subtotal {format_money(summary.subtotal)} · IVA {format_money(summary.iva)} · "
        f"<b>total {format_money(summary.total)}</b> · "
        f"cobrado {format_money(summary.payments_received)} · "
        f"por cobrar {format_money(summary.outstanding)}<br>"
        f"Saldo total por cobrar de los clientes al cierre: {format_money(summary.balance_due)}"
    )


def details_text(summary: DaySummary) -> str:
    """By modality and band; pending cases, escalations, consents and disconnections."""
    modalities = ", ".join(
        f"{m.modality.label} {m.sessions} ({format_money(m.amount)})" for m in summary.by_modality
    )
    bands = ", ".join(
        f"{b.label.lower()} {b.hours} h ({format_money(b.amount)})" for b in summary.by_band
    )
    gaps = sum(d.minutes or 0 for d in summary.disconnections)
    events = " · ".join(
        (
            f"Casos pendientes abiertos: {len(summary.pending_opened)}, "
            f"vencen en 2 días: {len(summary.pending_expiring)}",
            f"Escalamientos: {len(summary.escalations)}",
            f"Control remoto: {summary.consents_accepted} aceptado(s), "
            f"{summary.consents_declined} rechazado(s)",
            f"Desconexiones: {len(summary.disconnections)} ({format_minutes(gaps)})",
        )
    )
    return (
        f"<b>Por modalidad:</b> {escape(modalities or '—')}<br>"
        f"<b>Por horario:</b> {escape(bands or '—')}<br>{escape(events)}"
    )
