"""The corte del día on screen, the print preview and printing, "Abrir PDF" and "Guardar
como…", offscreen on a real database filled through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QTableView,
)

from app.documents.receipt_pdf import receipt_pdf_bytes
from app.documents.summary_pdf import summary_pdf_bytes
from app.kernel.clock import FakeClock
from app.ui.kit.pdf import (
    load_pdf,
    make_preview_dialog,
    open_pdf,
    paint_pdf,
    print_pdf,
    save_pdf_as,
    show_pdf_preview,
)
from app.ui.summary_dialog import SummaryDialog
from tests.documents.helpers import pdf_text
from tests.documents.test_from_db import DAY, ShopDay, fill_day, read_sections
from tests.ui.helpers import when_modal


@pytest.fixture
def shop_day(engine: Any, clock: FakeClock) -> ShopDay:
    return fill_day(engine, clock)  # the clock ends at 20:00 of that Tuesday


@pytest.fixture
def dialog(qtbot: Any, shop_day: ShopDay) -> SummaryDialog:
    d = SummaryDialog(shop_day.services)
    qtbot.addWidget(d)
    d.show()
    settle(qtbot, d)
    return d


def settle(qtbot: Any, dialog: SummaryDialog) -> None:
    """Wait for the summary asked for last (it is built off the GUI thread)."""
    qtbot.waitUntil(lambda: not dialog.loading)


@pytest.fixture
def receipt_pdf(shop_day: ShopDay) -> bytes:
    return receipt_pdf_bytes(shop_day.services.documents.receipt_by_folio("A-000004"))


def cells(table: QTableView, column: int) -> list[str]:
    model = table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def answer_file_dialog(path: Path | None) -> None:
    """Type ``path`` in the next file dialog and accept it (None: cancel)."""

    def answer(d: Any) -> None:
        assert isinstance(d, QFileDialog)
        assert d.labelText(QFileDialog.DialogLabel.Accept) == "Guardar"
        if path is None:
            d.reject()
        else:
            d.selectFile(str(path))
            d.accept()

    when_modal(answer)


# -- the corte del día --------------------------------------------------------------------------


def test_summary_dialog_shows_the_days_sessions_and_totals(dialog: SummaryDialog) -> None:
    date_edit = dialog.findChild(QDateEdit, "summaryDate")
    advisor = dialog.findChild(QComboBox, "summaryAdvisor")
    table = dialog.findChild(QTableView, "summaryTable")
    total = dialog.findChild(QLabel, "summaryTotalLabel")
    assert date_edit.date() == QDate(2026, 11, 24)  # today, local
    assert [advisor.itemText(i) for i in range(advisor.count())] == [
        "Todos", "Alberto Hernández Báez", "Ana Martínez Couttolenc",
    ]  # fmt: skip
    assert table.model().rowCount() == 5
    assert cells(table, 0) == ["10:00", "11:00", "13:50", "16:00", "17:00"]
    assert cells(table, 4)[1] == "Café Finca La Orduña"
    assert cells(table, 9) == ["A-000002", "A-000003", "A-000004", "A-000005", "—"]
    assert cells(table, 10) == [
        "$200.00 MXN", "$360.00 MXN", "$600.00 MXN", "$900.00 MXN", "$200.00 MXN",
    ]  # fmt: skip
    text = total.text()
    for expected in ("5 sesiones", "$2,260.00 MXN",
                     "4 emitidos (2 pagados, 2 sin pagar), 1 cancelados",
                     "IVA $329.60 MXN", "total $2,389.60 MXN", "cobrado $928.00 MXN",
                     "por cobrar $1,461.60 MXN"):  # fmt: skip
        assert expected in text, expected
    assert "Martes 24 de noviembre de 2026 — Todos los asesores" in dialog.titleLabel.text()


def test_summary_dialog_filters_by_advisor_and_date_and_sorts_amounts(
    qtbot: Any, dialog: SummaryDialog
) -> None:
    table = dialog.findChild(QTableView, "summaryTable")
    advisor = dialog.findChild(QComboBox, "summaryAdvisor")
    advisor.setCurrentIndex(advisor.findText("Alberto Hernández Báez"))
    settle(qtbot, dialog)
    assert cells(table, 2) == ["Alberto Hernández Báez"] * 2
    assert "total $1,461.60 MXN" in dialog.totalLabel.text()
    table.sortByColumn(10, Qt.SortOrder.DescendingOrder)  # by the raw amount, not the text
    assert cells(table, 10) == ["$900.00 MXN", "$360.00 MXN"]
    advisor.setCurrentIndex(0)
    dialog.findChild(QDateEdit, "summaryDate").setDate(QDate(2026, 11, 23))
    settle(qtbot, dialog)
    assert table.model().rowCount() == 0
    assert "0 sesiones" in dialog.totalLabel.text()


def test_summary_dialog_saves_the_same_summary_as_csv_and_pdf(
    qtbot: Any, dialog: SummaryDialog, tmp_path: Path
) -> None:
    csv_path = tmp_path / "corte.csv"
    answer_file_dialog(csv_path)
    assert dialog.save_csv() == csv_path
    sections = read_sections(csv_path.read_bytes())
    totals = {(row[0], row[1]): row[4] for row in sections["Resumen"][1:]}
    assert totals[("Importes", "Total")] == "2389.60"
    pdf_path = tmp_path / "corte"  # the suffix is added
    answer_file_dialog(pdf_path)
    with qtbot.waitSignal(dialog.pdfActions.saved) as blocker:
        dialog.save_pdf()  # the PDF is rendered off the GUI thread, then "Guardar como…"
    saved = blocker.args[0]
    assert saved == tmp_path / "corte.pdf"
    text = pdf_text(saved)
    assert "CORTE DEL DÍA" in text and "2,389.60" in text


def test_save_as_cancelled_writes_nothing(qtbot: Any, receipt_pdf: bytes, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    answer_file_dialog(None)
    assert save_pdf_as(None, receipt_pdf, "Recibo A-000004.pdf") is None
    answer_file_dialog(folder / "Recibo A-000004.pdf")
    path = save_pdf_as(None, receipt_pdf, "Recibo A-000004.pdf")
    assert path is not None and path.read_bytes() == receipt_pdf
    assert sorted(p.name for p in folder.iterdir()) == ["Recibo A-000004.pdf"]


# -- preview and printing -----------------------------------------------------------------------


def test_preview_dialog_renders_the_pdf_offscreen(qtbot: Any, receipt_pdf: bytes) -> None:
    preview = make_preview_dialog(None, receipt_pdf, "Recibo A-000004")
    qtbot.addWidget(preview)
    painted: list[QPrinter] = []
    preview.paintRequested.connect(painted.append)
    preview.show()
    qtbot.waitUntil(lambda: bool(painted))
    assert preview.windowTitle() == "Vista previa — Recibo A-000004"


def test_show_pdf_preview_is_modal_and_can_be_closed(qtbot: Any, receipt_pdf: bytes) -> None:
    seen: list[str] = []

    def close(d: Any) -> None:
        seen.append(d.objectName())
        d.reject()

    when_modal(close)
    assert show_pdf_preview(None, receipt_pdf, "Recibo A-000004") is False
    assert seen == ["pdfPreviewDialog"]


def test_pages_painted_on_a_printer_are_the_pdfs_pages(
    qtbot: Any, shop_day: ShopDay, tmp_path: Path
) -> None:
    pdf = summary_pdf_bytes(shop_day.services.documents.day_summary(DAY))
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "impreso.pdf"))
    printer.setResolution(150)
    owner = QObject()
    assert paint_pdf(load_pdf(pdf, owner), printer) == pages
    assert len(PdfReader(str(tmp_path / "impreso.pdf")).pages) == pages


def test_print_dialog_cancelled_prints_nothing(qtbot: Any, receipt_pdf: bytes) -> None:
    when_modal(lambda d: d.reject())
    assert print_pdf(None, receipt_pdf, "Recibo A-000004") is False


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_pdf_hands_a_temporary_file_to_the_desktop(qtbot: Any, receipt_pdf: bytes) -> None:
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "handle")
    try:
        path = open_pdf(receipt_pdf, "Recibo A-000004.pdf")
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(path)]
    assert path.name == "Recibo A-000004.pdf" and path.read_bytes() == receipt_pdf


def test_print_dialog_accepted_prints_every_page(
    qtbot: Any, receipt_pdf: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "impresora.pdf"

    def accept(d: Any) -> None:
        # no printer here: Qt's dialog offers "Print to File (PDF)"; type the file's name
        d.findChild(QLineEdit, "filename").setText(str(target))
        d.accept()

    when_modal(accept)
    assert print_pdf(None, receipt_pdf, "Recibo A-000004") is True
    assert len(PdfReader(str(target)).pages) == 1
