"""Receipts and the end-of-day summary in the window: print preview, printing, "Abrir PDF",
"Guardar como…" and the on-screen corte del día.

The PDFs are made by :mod:`app.documents` from values the services build
(``services.documents``); these widgets only show them. Printing goes through Qt's QtPdf:
each page of the PDF is rendered to an image at the printer's resolution and painted on a
``QPrinter``, so what prints is exactly the file the client would get.

For the window (the lead wires these to menus and buttons)::

    pdf = receipt_pdf_bytes(services.documents.receipt_by_folio(folio))
    show_receipt_preview(self, pdf, f"Recibo {folio}")   # vista previa, con "Imprimir"
    print_pdf(self, pdf, f"Recibo {folio}")              # diálogo del sistema directo
    open_pdf(pdf, f"Recibo {folio}.pdf")                 # visor de PDF del sistema
    save_pdf_as(self, pdf, f"Recibo {folio}.pdf")        # "Guardar como…"
    SummaryDialog(services, self).exec()                 # corte del día
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QDate,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from app.kernel.errors import DomainError
from app.kernel.fmt import format_long_day, format_minutes, format_time, to_local

__all__ = [
    "SummaryDialog",
    "SummarySessionsModel",
    "load_pdf",
    "make_preview_dialog",
    "open_pdf",
    "paint_pdf",
    "print_pdf",
    "save_bytes_as",
    "save_pdf_as",
    "show_receipt_preview",
]

#: Pages are rendered for the printer at most at this resolution (dpi): sharp text, small jobs.
MAX_PRINT_DPI = 300
SETTINGS_DIR_KEY = "documents/lastDirectory"


# -- PDF → printer ----------------------------------------------------------------------------


def load_pdf(pdf_bytes: bytes, parent: QObject) -> QPdfDocument:
    """A QPdfDocument over the bytes (its buffer lives as long as the document)."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf_bytes))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() is not QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise DomainError("El PDF no se pudo leer para imprimirlo.")
    return document  # the buffer is the document's child: it lives as long


def paint_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint the document's pages on ``printer`` (honouring a chosen page range); return how
    many pages were painted."""
    count = document.pageCount()
    first, last = 1, count
    if printer.printRange() is QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError("No se pudo iniciar la impresión.")
    painted = 0
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for number in range(first, last + 1):
            if painted:
                printer.newPage()
            page = number - 1
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, size)
            target = _fit(painter.viewport(), size)
            painter.drawImage(target, image)
            painted += 1
    finally:
        painter.end()
    return painted


def _fit(area: QRect, size: QSize) -> QRect:
    """The largest rectangle of ``size``'s proportions centred in ``area``."""
    scaled = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = area.x() + (area.width() - scaled.width()) // 2
    y = area.y() + (area.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


def _printer(title: str, document: QPdfDocument) -> QPrinter:
    """A printer set to the PDF's paper (letter for our documents); the advisor may still
    choose another paper in the dialog, and the pages are then scaled to fit."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)  # the PDF already has its margins
    paper = QPageSize(
        document.pagePointSize(0), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    printer.setPageSize(paper)
    return printer


def make_preview_dialog(
    parent: QWidget | None, pdf_bytes: bytes, title: str
) -> QPrintPreviewDialog:
    """A print preview of the PDF (not shown yet). Its own "Imprimir" button opens the system
    print dialog and prints the same pages."""
    holder = QObject()
    document = load_pdf(pdf_bytes, holder)
    printer = _printer(title, document)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("pdfPreviewDialog")
    dialog.setWindowTitle(f"Vista previa — {title}")
    document.setParent(dialog)
    dialog.paintRequested.connect(lambda target: paint_pdf(document, target))
    dialog._appleuse_printer = printer  # type: ignore[attr-defined]  # not owned by the dialog
    dialog.resize(900, 1000)
    return dialog


def show_receipt_preview(parent: QWidget | None, pdf_bytes: bytes, title: str) -> bool:
    """Show the print preview (modal); True when the advisor printed from it."""
    dialog = make_preview_dialog(parent, pdf_bytes, title)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def print_pdf(parent: QWidget | None, pdf_bytes: bytes, title: str) -> bool:
    """The system print dialog ("Imprimir…"); True when the pages were sent to the printer."""
    holder = QObject()
    document = load_pdf(pdf_bytes, holder)
    printer = _printer(title, document)
    dialog = QPrintDialog(printer, parent)
    document.setParent(dialog)
    printer.setFromTo(1, document.pageCount())
    dialog.setWindowTitle(f"Imprimir — {title}")
    dialog.setMinMax(1, document.pageCount())
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return paint_pdf(document, printer) > 0
    finally:
        dialog.deleteLater()


# -- files ------------------------------------------------------------------------------------


def _safe_name(name: str, suffix: str) -> str:
    """A file name without path separators or characters Windows refuses."""
    clean = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .") or "documento"
    return clean if clean.lower().endswith(suffix) else clean + suffix


def open_pdf(pdf_bytes: bytes, suggested_name: str) -> Path:
    """Write the PDF to a private temporary folder and open it in the system's PDF viewer.

    Returns the file's path; :class:`DomainError` when no application could open it.
    """
    folder = Path(tempfile.mkdtemp(prefix="appleuse-"))
    path = folder / _safe_name(suggested_name, ".pdf")
    path.write_bytes(pdf_bytes)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        raise DomainError(f"No hay una aplicación para abrir el PDF; quedó guardado en {path}.")
    return path


def _start_dir() -> Path:
    remembered = QSettings().value(SETTINGS_DIR_KEY, "")
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def save_bytes_as(
    parent: QWidget | None,
    data: bytes,
    suggested_name: str,
    *,
    title: str,
    file_filter: str,
    suffix: str,
) -> Path | None:
    """Ask where to save (Spanish file dialog), then write the file whole. None: cancelled."""
    dialog = QFileDialog(parent, title)
    dialog.setObjectName("saveDocumentDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilter(file_filter)
    dialog.setDefaultSuffix(suffix.lstrip("."))
    dialog.setDirectory(str(_start_dir()))
    dialog.selectFile(_safe_name(suggested_name, suffix))
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, "Buscar en:")
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, "Nombre:")
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, "Tipo:")
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Guardar")
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, "Cancelar")
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        path = Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    _write_whole(path, data)
    QSettings().setValue(SETTINGS_DIR_KEY, str(path.parent))
    return path


def save_pdf_as(parent: QWidget | None, pdf_bytes: bytes, suggested_name: str) -> Path | None:
    """ "Guardar como…" for a PDF; the chosen path, or None when cancelled."""
    return save_bytes_as(
        parent,
        pdf_bytes,
        suggested_name,
        title="Guardar PDF como…",
        file_filter="Documentos PDF (*.pdf)",
        suffix=".pdf",
    )


def _write_whole(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a failure leaves no half file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DomainError(f"No se pudo guardar «{path}»: {exc.strerror or exc}.") from None


# -- the end-of-day summary on screen ---------------------------------------------------------

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

    def row_at(self, row: int) -> SummarySession:
        return self._rows[row]

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
    """The corte del día on screen: a date and an advisor (or all), the day's sessions, the
    totals, and the same summary saved as PDF or CSV or printed."""

    def __init__(self, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.summary: DaySummary | None = None
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

        self.model = SummarySessionsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(RAW_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("summaryTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())

        self.totalLabel = QLabel(self)
        self.totalLabel.setObjectName("summaryTotalLabel")
        self.totalLabel.setWordWrap(True)
        self.totalLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detailLabel = QLabel(self)
        self.detailLabel.setObjectName("summaryDetailLabel")
        self.detailLabel.setWordWrap(True)
        self.detailLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("summaryErrorLabel")
        self.errorLabel.setStyleSheet("color: #b00020;")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.hide()

        self.pdfButton = QPushButton("Guardar PDF…", self)
        self.pdfButton.setObjectName("summarySavePdfButton")
        self.csvButton = QPushButton("Guardar CSV…", self)
        self.csvButton.setObjectName("summarySaveCsvButton")
        self.previewButton = QPushButton("Vista previa / Imprimir", self)
        self.previewButton.setObjectName("summaryPreviewButton")
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
        actions.addWidget(self.pdfButton)
        actions.addWidget(self.csvButton)
        actions.addWidget(self.previewButton)
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
        self.pdfButton.clicked.connect(self.save_pdf)
        self.csvButton.clicked.connect(self.save_csv)
        self.previewButton.clicked.connect(self.preview)
        self.refresh()

    # -- state -------------------------------------------------------------------------------
    def day(self) -> date:
        q = self.dateEdit.date()
        return date(q.year(), q.month(), q.day())

    def advisor_id(self) -> int | None:
        value = self.advisorCombo.currentData()
        return None if value is None else int(value)

    def refresh(self) -> None:
        """Build the summary for the chosen date and advisor and show it."""
        try:
            summary = self.services.documents.day_summary(self.day(), self.advisor_id())
        except DomainError as exc:
            self.summary = None
            self.model.set_rows((), "America/Mexico_City")
            self.errorLabel.setText(str(exc))
            self.errorLabel.show()
            self.totalLabel.clear()
            self.detailLabel.clear()
            self._enable(False)
            return
        self.errorLabel.hide()
        self.summary = summary
        self.model.set_rows(summary.sessions, summary.business.timezone)
        self.table.resizeRowsToContents()
        self.titleLabel.setText(
            f"{format_long_day(summary.day).capitalize()} — {summary.advisor_label}"
        )
        self.totalLabel.setText(totals_text(summary))
        self.detailLabel.setText(details_text(summary))
        self._enable(True)

    def _enable(self, on: bool) -> None:
        for button in (self.pdfButton, self.csvButton, self.previewButton):
            button.setEnabled(on)

    # -- documents ---------------------------------------------------------------------------
    def file_stem(self) -> str:
        who = "" if self.advisor_id() is None else f" {self.advisorCombo.currentText()}"
        return f"Corte {self.day().isoformat()}{who}"

    def pdf_bytes(self) -> bytes:
        from app.documents.summary_pdf import summary_pdf_bytes

        assert self.summary is not None
        return summary_pdf_bytes(self.summary)

    def csv_bytes(self) -> bytes:
        from app.documents.summary_csv import summary_csv_bytes

        assert self.summary is not None
        return summary_csv_bytes(self.summary)

    def save_pdf(self) -> Path | None:
        if self.summary is None:
            return None
        path: Path | None = self._guarded(
            lambda: save_pdf_as(self, self.pdf_bytes(), self.file_stem())
        )
        return path

    def save_csv(self) -> Path | None:
        if self.summary is None:
            return None
        path: Path | None = self._guarded(
            lambda: save_bytes_as(
                self,
                self.csv_bytes(),
                self.file_stem(),
                title="Guardar CSV como…",
                file_filter="Hojas de cálculo CSV (*.csv)",
                suffix=".csv",
            )
        )
        return path

    def preview(self) -> bool:
        if self.summary is None:
            return False
        result = self._guarded(
            lambda: show_receipt_preview(self, self.pdf_bytes(), self.file_stem())
        )
        return bool(result)

    def _guarded(self, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            self.errorLabel.setText(str(exc))
            self.errorLabel.show()
            return None


def totals_text(summary: DaySummary) -> str:
    """One line of the money: sessions, hours, receipts, IVA, total, received, outstanding."""
    n = len(summary.sessions)
    issued = len(summary.receipts_issued)
    cancelled = len(summary.receipts_cancelled)
    return (
        f"<b>{n} {'sesión' if n == 1 else 'sesiones'}</b> · "
        f"{format_minutes(summary.worked_minutes)} trabajadas · "
        f"{summary.billable_hours} h cobrables · "
        f"importe de sesiones {format_money(summary.sessions_amount)} (sin IVA)<br>"
        f"Recibos: {issued} emitidos, {cancelled} cancelados · "
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
        f"{b.label.lower()} ({format_money(b.amount)})"
        if b.band is None
        else f"{b.label.lower()} {b.hours} h ({format_money(b.amount)})"
        for b in summary.by_band
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
