"""Sesiones sin recibo: ended sessions whose receipt is still to be issued — one client's or
everyone's, the day's or all — with *Emitir recibo* (then its PDF) and *Mostrar en la ventana*
(for a session that needs its quote first, or to look at it).

Which sessions count is ``services.unbilled`` (the statement lists the same ones).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.kernel.fmt import format_datetime, to_local
from app.ui.kit.messages import error_banner, notice_banner
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfActions, PdfDocument

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.unbilled import UnbilledItem

__all__ = ["UnbilledDialog"]

HEADERS = ("Cliente", "Caso", "Asesor", "Terminó", "Total", "Recibo")


class UnbilledDialog(QDialog):
    """The sessions still without a receipt; ``chosen_session`` is the one to show in the
    window when the advisor asked for it."""

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        client_id: int | None = None,
        advisor_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unbilledDialog")
        self.setWindowTitle("Sesiones sin recibo")
        self.services = services
        self.client_id = client_id
        self.advisor_id = advisor_id
        self.chosen_session: int | None = None
        self.items: tuple[UnbilledItem, ...] = ()
        self.issued: dict[int, str] = {}  # session id → folio issued here

        self.errorLabel = error_banner("unbilledError")
        self.noticeLabel = notice_banner("unbilledNotice")
        self.scopeCombo = QComboBox()
        self.scopeCombo.setObjectName("scopeCombo")
        if client_id is not None:
            client = Operation(self, lambda: services.clients.client(client_id)).run()
            self.scopeCombo.addItem(f"De {client.name}" if client else "Del cliente", "client")
        self.scopeCombo.addItem("Terminadas hoy", "today")
        self.scopeCombo.addItem("Todas", "all")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("unbilledTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(HEADERS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.emptyLabel = QLabel("No hay sesiones sin recibo.")
        self.emptyLabel.setObjectName("hintLabel")

        self.issueButton = QPushButton("Emitir recibo")
        self.issueButton.setObjectName("unbilledIssueButton")
        self.showButton = QPushButton("Mostrar en la ventana")
        self.showButton.setObjectName("unbilledShowButton")
        self.pdfActions = PdfActions(
            self._document,
            {"preview": "unbilledPreviewButton", "save": "unbilledSaveButton"},
            errors=self.show_error,
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        close.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel("Mostrar:"))
        top.addWidget(self.scopeCombo)
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.issueButton)
        actions.addWidget(self.showButton)
        actions.addWidget(self.pdfActions)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.noticeLabel)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.emptyLabel)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.resize(820, 420)

        self.scopeCombo.currentIndexChanged.connect(lambda *_: self.reload())
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda *_: self.show_in_window())
        self.issueButton.clicked.connect(lambda *_: self.issue())
        self.showButton.clicked.connect(lambda *_: self.show_in_window())
        self.reload()

    # -- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        scope = self.scopeCombo.currentData()
        services, client_id = self.services, self.client_id
        if scope == "client":
            read = lambda: services.unbilled.sessions(client_id=client_id)  # noqa: E731
        elif scope == "today":
            today = to_local(services.clock()).date()
            read = lambda: services.unbilled.sessions(day=today)  # noqa: E731
        else:
            read = lambda: services.unbilled.sessions()  # noqa: E731
        items = Operation(self, read).run()
        if items is None:
            return
        # Those issued here stay listed, with their folio, so their PDF is one click away.
        kept = [i for i in self.items if i.session_id in self.issued]
        seen = {i.session_id for i in items}
        self.items = tuple(items) + tuple(i for i in kept if i.session_id not in seen)
        self._fill()

    def _fill(self) -> None:
        table = self.table
        table.setRowCount(0)
        for item in self.items:
            row = table.rowCount()
            table.insertRow(row)
            total = "Por cotizar" if item.total is None else format_money(item.total)
            cells = (
                item.client_name,
                item.case_label,
                item.advisor_name,
                format_datetime(item.ended_at),
                total,
                self.issued.get(item.session_id, "—"),
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col == 4:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, col, cell)
        self.emptyLabel.setVisible(not self.items)
        if self.items:
            table.selectRow(0)
        self._update()

    def selected(self) -> UnbilledItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _update(self) -> None:
        item = self.selected()
        issued = item is not None and item.session_id in self.issued
        self.issueButton.setEnabled(item is not None and not issued)
        self.showButton.setEnabled(item is not None)
        self.pdfActions.set_available(issued)

    # -- acting ------------------------------------------------------------------------------
    def issue(self) -> str | None:
        """Issue the selected session's receipt; it stays listed with its folio and PDF."""
        item = self.selected()
        if item is None or item.session_id in self.issued:
            return None
        services, advisor_id = self.services, self.advisor_id
        receipt = Operation(
            self,
            lambda: services.receipts.issue_for_session(item.session_id, advisor_id=advisor_id),
        ).run()
        if receipt is None:
            return None
        self.issued[item.session_id] = receipt.folio
        self.noticeLabel.show_message(
            f"Recibo {receipt.folio} emitido por {format_money(receipt.total)} "
            f"({item.client_name}, caso {item.case_label})."
        )
        row = self.items.index(item)
        self._fill()
        self.table.selectRow(row)
        return receipt.folio

    def show_in_window(self) -> None:
        item = self.selected()
        if item is not None:
            self.chosen_session = item.session_id
            self.accept()

    def _document(self) -> PdfDocument | None:
        from app.documents.receipt_pdf import receipt_pdf_bytes

        item = self.selected()
        folio = self.issued.get(item.session_id) if item is not None else None
        if folio is None:
            return None
        documents = self.services.documents
        return PdfDocument(
            f"Recibo {folio}", lambda: receipt_pdf_bytes(documents.receipt_by_folio(folio))
        )

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)
