"""PDFs in the window: print preview, printing, "Abrir PDF" and "Guardar como…".

The PDFs are made by :mod:`app.documents` from plain values; these functions only show, print
and save their bytes. Printing goes through Qt's QtPdf: each page of the PDF is rendered to an
image at the printer's resolution and painted on a ``QPrinter``, so what prints is exactly the
file the client would get. The buttons that call them are :class:`app.ui.kit.pdf_actions.
PdfActions`::

    show_pdf_preview(self, pdf, f"Recibo {folio}")   # vista previa, con "Imprimir"
    print_pdf(self, pdf, f"Recibo {folio}")          # diálogo del sistema directo
    open_pdf(pdf, f"Recibo {folio}.pdf")             # visor de PDF del sistema
    save_pdf_as(self, pdf, f"Recibo {folio}.pdf")    # "Guardar como…"
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRect,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from app.kernel.errors import DomainError

__all__ = [
    "load_pdf",
    "make_preview_dialog",
    "open_pdf",
    "paint_pdf",
    "print_pdf",
    "save_bytes_as",
    "save_pdf_as",
    "show_pdf_preview",
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


def show_pdf_preview(parent: QWidget | None, pdf_bytes: bytes, title: str) -> bool:
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
