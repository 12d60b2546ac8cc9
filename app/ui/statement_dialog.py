"""A client's statement (estado de cuenta, issue 6 §5): receipts with their payment status, the
movements with the running balance, what is owed and the sessions still without a receipt; a
payment on the selected receipt, and the same statement as PDF.

The statement is read off the GUI thread (a client with thousands of receipts takes a few
tenths of a second to read): the dialog says "Cargando…" and offers no action until it
arrives (``loading`` is False and ``loaded`` is emitted then), and again after each payment or
cancellation made from it, keeping what it showed until the new statement replaces it.

For the window::

    dialog = StatementDialog(services, client_id, self, advisor_id=advisor.id)
    dialog.exec()
    if dialog.changed:          # payments were recorded from it
        ...refresh the receipts and the client's balance...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.documents.data import PAYMENT_LABELS
from app.kernel.enums import ReceiptStatus
from app.kernel.fmt import format_date, format_datetime
from app.ui.kit.layout import hint
from app.ui.kit.messages import error_banner, notice_banner
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfActions, PdfDocument
from app.ui.payment_dialog import PaymentDialog

if TYPE_CHECKING:
    from app.documents.statement_data import ClientStatement, ReceiptBalance
    from app.services.facade import Services
    from app.ui.cancel_receipt_dialog import CancelReceiptDialog

__all__ = ["Cell", "RowsModel", "StatementDialog", "receipt_status_text"]

ZERO = Decimal("0.00")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RAW_ROLE = Qt.ItemDataRole.UserRole + 1

STATUS_TEXT = PAYMENT_LABELS  # "Pagado", "Pagado parcialmente", "Sin pagar", "Cancelado"
STATUS_COLOR = {
    "paid": "#1b6b33",
    "partial": "#8a4b00",
    "unpaid": "#9b1c1c",
    "cancelled": "#6e6e73",
}
KIND_TEXT = {"receipt": "Recibo", "payment": "Pago", "cancellation": "Cancelación"}


@dataclass(frozen=True)
class Cell:
    text: str
    raw: Any = None
    color: str | None = None


class RowsModel(QAbstractTableModel):
    """A read-only table over immutable rows of cells (text, raw value for sorting, colour)."""

    def __init__(
        self, headers: Sequence[str], right: Sequence[int], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.right = frozenset(right)
        self._rows: list[tuple[Cell, ...]] = []
        self._keys: list[Any] = []

    def set_rows(self, rows: Sequence[tuple[Cell, ...]], keys: Sequence[Any] = ()) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = list(keys) or [None] * len(self._rows)
        self.endResetModel()

    def key(self, row: int) -> Any:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.right:
                return int(RIGHT)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        cell = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell.text
        if role == RAW_ROLE:
            return cell.raw if cell.raw is not None else cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and cell.color:
            return QColor(cell.color)
        return None


def _table(name: str, model: RowsModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def totals_text(st: ClientStatement) -> str:
    """Charged, paid, the balance and what is owed, on one line."""
    owed = st.outstanding
    owed_total = sum((b.balance for b in owed), ZERO)
    balance_word = "Saldo a favor del cliente" if st.balance < 0 else "Saldo"
    return (
        f"Cargado {format_money(st.charged)} · Pagado {format_money(st.paid)} · "
        f"<b>{balance_word} {format_money(abs(st.balance))}</b> · "
        f"Por cobrar: {format_money(owed_total)} en {len(owed)} "
        f"{'recibo' if len(owed) == 1 else 'recibos'}"
    )


def unbilled_text(st: ClientStatement) -> str:
    """The sessions that ended without a receipt (not in the balance)."""
    items = [
        f"{u.case_label} ({format_date(u.ended_at)}): "
        + ("por cotizar" if u.total is None else format_money(u.total))
        + (", pago posterior acordado" if u.later_payment_agreed else "")
        for u in st.unbilled
    ]
    return (
        f"<b>Sesiones terminadas sin recibo</b> ({format_money(st.unbilled_total)} con "
        f"IVA, no incluidas en el saldo): " + "; ".join(items) + "."
    )


def receipt_status_text(b: ReceiptBalance) -> str:
    text = STATUS_TEXT[b.payment_status]
    if b.later_payment_agreed and b.payment_status in ("unpaid", "partial"):
        text += " · pago posterior acordado"
    return text


class StatementDialog(QDialog):
    """A client's statement: receipts with their payment status, the movements with the
    running balance, what is owed, sessions still without a receipt; payments and the PDF.
    ``loading`` is True until the latest statement asked for has arrived (``loaded`` is
    emitted then)."""

    loaded = Signal()

    RECEIPT_HEADERS = ("Folio", "Fecha", "Concepto", "Total", "Pagado", "Saldo", "Estado")
    ENTRY_HEADERS = ("Fecha", "Movimiento", "Recibo", "Concepto", "Cargo", "Abono", "Saldo")

    def __init__(
        self,
        services: Services,
        client_id: int,
        parent: QWidget | None = None,
        *,
        advisor_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.advisor_id = advisor_id
        self.statement: ClientStatement | None = None
        self.changed = False
        self._asked = 0  # the latest statement asked for …
        self._shown = 0  # … and the latest one that arrived
        self.setObjectName("statementDialog")
        self.setWindowTitle("Estado de cuenta")

        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("statementTitle")
        self.titleLabel.setText("Estado de cuenta")
        self.titleLabel.setWordWrap(True)
        self.asOfLabel = hint("", "asOfLabel", wrap=False)
        self.loadingLabel = hint("Cargando el estado de cuenta…", "statementLoading", wrap=False)
        self.errorLabel = error_banner("statementError")
        self.totalsLabel = QLabel()
        self.totalsLabel.setObjectName("statementTotals")
        self.totalsLabel.setWordWrap(True)
        self.totalsLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.receiptsModel = RowsModel(self.RECEIPT_HEADERS, (3, 4, 5), self)
        self.receiptsTable = _table("statementReceipts", self.receiptsModel, 2)
        self.entriesModel = RowsModel(self.ENTRY_HEADERS, (4, 5, 6), self)
        self.entriesTable = _table("statementEntries", self.entriesModel, 3)
        self.unbilledLabel = QLabel()
        self.unbilledLabel.setObjectName("unbilledLabel")
        self.unbilledLabel.setWordWrap(True)
        self.unbilledLabel.hide()
        self.unbilledButton = QPushButton("Emitir sus recibos…")
        self.unbilledButton.setObjectName("statementUnbilledButton")
        self.unbilledButton.setAutoDefault(False)
        self.unbilledButton.hide()

        self.payButton = QPushButton("Registrar pago…")
        self.payButton.setObjectName("statementPayButton")
        self.payButton.setEnabled(False)
        self.cancelButton = QPushButton("Cancelar recibo…")
        self.cancelButton.setObjectName("statementCancelButton")
        self.cancelButton.setEnabled(False)
        self.cancelButton.setAutoDefault(False)
        self.noticeLabel = notice_banner("statementNotice")
        self.cancelAction = QAction("Cancelar recibo…", self)
        self.cancelAction.setObjectName("statementCancelAction")
        self.cancelAction.setEnabled(False)
        self.cancelAction.triggered.connect(lambda: self.cancel_receipt())
        self.pdfActions = PdfActions(
            self.document,
            {"preview": "statementPreviewButton", "save": "statementSavePdfButton"},
            errors=self.show_error,
        )
        self.previewButton = self.pdfActions.button("preview")
        self.pdfButton = self.pdfActions.button("save")
        close = QPushButton("Cerrar")
        close.setObjectName("closeButton")
        self.payButton.setAutoDefault(False)
        close.clicked.connect(self.accept)

        receipts_title = QLabel("Recibos")
        receipts_title.setObjectName("sectionTitle")
        entries_title = QLabel("Movimientos")
        entries_title.setObjectName("sectionTitle")
        for title in (receipts_title, entries_title):
            font = title.font()
            font.setBold(True)
            title.setFont(font)
        receipts_head = QHBoxLayout()
        receipts_head.addWidget(receipts_title)
        receipts_head.addStretch(1)
        receipts_head.addWidget(self.cancelButton)
        receipts_head.addWidget(self.payButton)
        actions = QHBoxLayout()
        actions.addWidget(self.pdfActions)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.asOfLabel)
        layout.addWidget(self.loadingLabel)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.noticeLabel)
        layout.addWidget(self.totalsLabel)
        layout.addLayout(receipts_head)
        layout.addWidget(self.receiptsTable, 1)
        layout.addWidget(entries_title)
        layout.addWidget(self.entriesTable, 1)
        unbilled_row = QHBoxLayout()
        unbilled_row.addWidget(self.unbilledLabel, 1)
        unbilled_row.addWidget(self.unbilledButton, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(unbilled_row)
        layout.addLayout(actions)
        self.resize(1000, 660)

        self.receiptsTable.selectionModel().selectionChanged.connect(self._selection_changed)
        self.receiptsTable.doubleClicked.connect(lambda *_: self.record_payment())
        self.payButton.clicked.connect(lambda: self.record_payment())
        self.cancelButton.clicked.connect(lambda: self.cancel_receipt())
        self.unbilledButton.clicked.connect(lambda: self.bill_unbilled())
        self.receiptsTable.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.receiptsTable.addAction(self.cancelAction)
        self.refresh()

    def bill_unbilled(self) -> None:
        """The client's sessions without a receipt, to issue them (then the statement again)."""
        from app.ui.kit.layout import run_dialog
        from app.ui.unbilled_dialog import UnbilledDialog

        dialog = UnbilledDialog(
            self.services, self, client_id=self.client_id, advisor_id=self.advisor_id
        )
        run_dialog(dialog)
        if dialog.issued:
            self.changed = True
        self.refresh()

    # -- state -------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._shown != self._asked

    def refresh(self, select: int | None = None) -> None:
        """Ask for the statement as of now, off the GUI thread; it is shown when it arrives
        (unless another was asked for meanwhile), with the receipt ``select`` selected, or
        else the one selected now."""
        self._asked += 1
        asked, client_id = self._asked, self.client_id
        chosen = select if select is not None else self.selected_receipt_id()
        statement = self.services.balances.statement
        self.loadingLabel.show()
        self._selection_changed()  # no action while it loads

        def latest(fn: Any) -> Any:
            return lambda *args: fn(*args) if asked == self._asked else None

        Operation(self, lambda: statement(client_id), errors=latest(self.show_error)).success(
            latest(lambda st: self._show(st, chosen))
        ).finished(latest(self._arrived)).run_in_background()

    def _arrived(self) -> None:
        self._shown = self._asked
        self.loadingLabel.hide()
        self._selection_changed()
        self.loaded.emit()

    def _show(self, st: ClientStatement, selected: int | None) -> None:
        self.statement = st
        self.setWindowTitle(f"Estado de cuenta — {st.client_name}")
        rfc = f" · RFC {st.client_rfc}" if st.client_rfc else ""
        self.titleLabel.setText(f"Estado de cuenta de {st.client_name}{rfc}")
        self.asOfLabel.setText(f"Al {format_datetime(st.as_of)} (hora del centro de México)")
        self.totalsLabel.setText(totals_text(st))
        self._fill_tables(st)
        if st.unbilled:
            self.unbilledLabel.setText(unbilled_text(st))
        self.unbilledLabel.setVisible(bool(st.unbilled))
        self.unbilledButton.setVisible(bool(st.unbilled))
        if selected is not None:
            self.select_receipt(selected)

    def _fill_tables(self, st: ClientStatement) -> None:
        self.receiptsModel.set_rows(
            [
                (
                    Cell(b.folio),
                    Cell(format_date(b.issued_at), b.issued_at.timestamp()),
                    Cell(b.concept),
                    Cell(format_money(b.total), b.total),
                    Cell(format_money(b.paid), b.paid),
                    Cell(format_money(b.balance), b.balance),
                    Cell(receipt_status_text(b), color=STATUS_COLOR[b.payment_status]),
                )
                for b in st.receipts
            ],
            [b.receipt_id for b in st.receipts],
        )
        self.entriesModel.set_rows(
            [
                (
                    Cell(format_datetime(e.at), e.at.timestamp()),
                    Cell(KIND_TEXT.get(e.kind, e.kind)),
                    Cell(e.folio),
                    Cell(e.description),
                    Cell(format_money(e.charge) if e.charge else "", e.charge),
                    Cell(format_money(e.payment) if e.payment else "", e.payment),
                    Cell(format_money(e.balance), e.balance),
                )
                for e in st.entries
            ]
        )

    def selected_receipt_id(self) -> int | None:
        rows = self.receiptsTable.selectionModel().selectedRows()
        if not rows:
            return None
        key = self.receiptsModel.key(rows[0].row())
        return None if key is None else int(key)

    def select_receipt(self, receipt_id: int) -> bool:
        for row in range(self.receiptsModel.rowCount()):
            if self.receiptsModel.key(row) == receipt_id:
                self.receiptsTable.selectRow(row)
                return True
        return False

    def select_folio(self, folio: str) -> bool:
        if self.statement is None:
            return False
        for b in self.statement.receipts:
            if b.folio == folio:
                return self.select_receipt(b.receipt_id)
        return False

    def _selected_balance(self) -> ReceiptBalance | None:
        receipt_id = self.selected_receipt_id()
        if self.statement is None or receipt_id is None:
            return None
        return next((b for b in self.statement.receipts if b.receipt_id == receipt_id), None)

    def _selection_changed(self, *_: Any) -> None:
        b = None if self.loading else self._selected_balance()
        self.payButton.setEnabled(
            b is not None and b.status is ReceiptStatus.ISSUED and b.balance > 0
        )
        issued = b is not None and b.status is ReceiptStatus.ISSUED
        self.cancelButton.setEnabled(issued)
        self.cancelAction.setEnabled(issued)
        self.pdfActions.set_available(self.statement is not None and not self.loading)
        self.unbilledButton.setEnabled(not self.loading)

    # -- actions -----------------------------------------------------------------------------
    def payment_dialog(self) -> PaymentDialog | None:
        """The payment dialog for the selected receipt (not shown yet)."""
        receipt_id = self.selected_receipt_id()
        if receipt_id is None:
            return None
        return PaymentDialog(self.services, receipt_id, self, advisor_id=self.advisor_id)

    def record_payment(self) -> bool:
        """Open the payment dialog on the selected receipt; refresh when a payment was made."""
        if not self.payButton.isEnabled():
            return False
        dialog = self.payment_dialog()
        if dialog is None:
            return False
        try:
            dialog.exec()
            recorded = dialog.recorded
        finally:
            dialog.deleteLater()
        if recorded:
            self.changed = True
            self.refresh()
        return recorded

    def cancel_dialog(self) -> CancelReceiptDialog | None:
        """The cancellation dialog for the selected receipt (not shown yet)."""
        from app.ui.cancel_receipt_dialog import CancelReceiptDialog

        receipt_id = self.selected_receipt_id()
        if receipt_id is None:
            return None
        return CancelReceiptDialog(self.services, receipt_id, self, advisor_id=self.advisor_id)

    def cancel_receipt(self) -> bool:
        """ "Cancelar recibo…" on the selected issued receipt; the reissued one is selected."""
        if not self.cancelButton.isEnabled():
            return False
        dialog = self.cancel_dialog()
        if dialog is None:
            return False
        try:
            dialog.exec()
            done, reissued, text = dialog.cancelled, dialog.reissued, dialog.outcome_text()
        finally:
            dialog.deleteLater()
        if done is None:
            return False
        self.changed = True
        self.refresh(select=None if reissued is None else reissued.id)
        self.noticeLabel.show_message(text)
        return True

    # -- documents ---------------------------------------------------------------------------
    def file_stem(self) -> str:
        name = self.statement.client_name if self.statement else "cliente"
        day = format_date(self.services.clock()).replace("/", "-")
        return f"Estado de cuenta {name} {day}"

    def document(self) -> PdfDocument | None:
        """The statement as PDF: rendered off the GUI thread from the statement shown."""
        from app.documents.statement_pdf import statement_pdf_bytes

        statement = self.statement
        if statement is None:
            return None
        business = self.services.settings.profile().name
        generated_at = self.services.clock()
        return PdfDocument(
            self.file_stem(),
            lambda: statement_pdf_bytes(statement, business=business, generated_at=generated_at),
        )

    def preview(self) -> None:
        self.pdfActions.trigger("preview")

    def save_pdf(self) -> None:
        """ "Guardar PDF…"; ``pdfActions.saved`` tells where."""
        self.pdfActions.trigger("save")

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)
