"""Balances (issue 6 §5): a payment against a receipt, and the client's statement (estado de
cuenta) on screen and as PDF.

For the window (the lead wires these)::

    dialog = PaymentDialog(services, receipt_id, self, advisor_id=advisor.id)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.receipt          # the ReceiptView after the payment (its payments included)
        ...refresh the receipts and the client's balance...

    dialog = StatementDialog(services, client_id, self, advisor_id=advisor.id)
    dialog.exec()
    if dialog.changed:          # payments were recorded from it
        ...refresh the receipts and the client's balance...

Payments are refused by ``services.receipts.record_payment`` (more than the balance, a
cancelled receipt); its Spanish message is shown next to the amount.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money, parse_money
from app.kernel.enums import PaymentMethod, ReceiptStatus
from app.kernel.errors import BillingError, DomainError
from app.kernel.fmt import format_date, format_datetime
from app.ui.dialogs import _error_label, _show

if TYPE_CHECKING:
    from app.documents.statement_data import ClientStatement, ReceiptBalance
    from app.services.facade import Services
    from app.services.values import ReceiptView

ZERO = Decimal("0.00")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RAW_ROLE = Qt.ItemDataRole.UserRole + 1

STYLE = """
QLabel[role="fieldError"] { color: #b00020; }
QLabel[role="hint"] { color: #6e6e73; }
QLabel#paymentTitle, QLabel#statementTitle { font-size: 16px; font-weight: 600; }
QLabel#paymentError, QLabel#statementError { background: #fde8e8; color: #9b1c1c;
    padding: 6px 10px; border-radius: 6px; }
QLabel#paymentCancelled { background: #fde8e8; color: #9b1c1c; padding: 6px 10px;
    border-radius: 6px; }
QLabel#balanceValue, QLabel#statementBalance { font-size: 15px; font-weight: 700; }
QLabel#statementTotals { background: #eef3fb; color: #0b4a8b; padding: 6px 10px;
    border-radius: 6px; }
QLabel#unbilledLabel { background: #fff6db; color: #6b4e00; padding: 6px 10px;
    border-radius: 6px; }
QPushButton { padding: 5px 10px; }
"""

STATUS_TEXT = {
    "paid": "Pagado",
    "partial": "Pago parcial",
    "unpaid": "Sin pagar",
    "cancelled": "Cancelado",
}
STATUS_COLOR = {
    "paid": "#1b6b33",
    "partial": "#8a4b00",
    "unpaid": "#9b1c1c",
    "cancelled": "#6e6e73",
}
KIND_TEXT = {"receipt": "Recibo", "payment": "Pago", "cancellation": "Cancelación"}


def paid_of(receipt: ReceiptView) -> Decimal:
    return sum((p.amount for p in receipt.payments), ZERO)


def balance_of(receipt: ReceiptView) -> Decimal:
    """What the receipt still owes (0.00 when cancelled)."""
    if receipt.status is ReceiptStatus.CANCELLED:
        return ZERO
    return receipt.total - paid_of(receipt)


# -- a payment ---------------------------------------------------------------------------------
class PaymentDialog(QDialog):
    """Record a payment (cash, transfer, card…) against one receipt; partial payments allowed."""

    def __init__(
        self,
        services: Services,
        receipt_id: int,
        parent: QWidget | None = None,
        *,
        advisor_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.receipt_id = receipt_id
        self.advisor_id = advisor_id
        self.receipt: ReceiptView = services.receipts.receipt(receipt_id)
        self.recorded = False
        self.setObjectName("paymentDialog")
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"Registrar pago — recibo {self.receipt.folio}")
        r = self.receipt

        self.titleLabel = QLabel(f"Recibo {r.folio}")
        self.titleLabel.setObjectName("paymentTitle")
        self.clientLabel = QLabel(r.client_name)
        self.clientLabel.setObjectName("clientLabel")
        self.clientLabel.setWordWrap(True)
        concept = f"sesión del caso C-{r.case_number:06d}" if r.case_number else ""
        issued = f"Emitido el {format_datetime(r.issued_at)} por {r.advisor_name}"
        self.issuedLabel = QLabel(f"{issued}{' · ' + concept if concept else ''}")
        self.issuedLabel.setObjectName("issuedLabel")
        self.issuedLabel.setProperty("role", "hint")
        self.issuedLabel.setWordWrap(True)
        self.cancelledLabel = QLabel()
        self.cancelledLabel.setObjectName("paymentCancelled")
        self.cancelledLabel.setWordWrap(True)
        self.cancelledLabel.hide()

        self.totalValue = _value_label("totalValue")
        self.paidValue = _value_label("paidValue")
        self.balanceValue = _value_label("balanceValue")
        summary = QFormLayout()
        summary.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        summary.addRow("Total del recibo:", self.totalValue)
        summary.addRow("Pagado:", self.paidValue)
        summary.addRow("Saldo:", self.balanceValue)
        self.paymentsLabel = QLabel()
        self.paymentsLabel.setObjectName("paymentsLabel")
        self.paymentsLabel.setProperty("role", "hint")
        self.paymentsLabel.setWordWrap(True)
        box = QGroupBox("Recibo")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(summary)
        box_layout.addWidget(self.paymentsLabel)

        self.amountEdit = QLineEdit()
        self.amountEdit.setObjectName("amountEdit")
        self.amountEdit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amountEdit.setMaximumWidth(160)
        self.amountError = _error_label("amountError")
        self.methodCombo = QComboBox()
        self.methodCombo.setObjectName("methodCombo")
        for method in PaymentMethod:
            self.methodCombo.addItem(method.label, method)
        self.referenceEdit = QLineEdit()
        self.referenceEdit.setObjectName("referenceEdit")
        self.referenceEdit.setPlaceholderText("Opcional: folio de la transferencia, últimos 4…")
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amountEdit)
        amount_row.addWidget(QLabel("MXN"))
        amount_row.addStretch(1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Importe:", amount_row)
        form.addRow(self.amountError)
        form.addRow("Forma de pago:", self.methodCombo)
        form.addRow("Referencia:", self.referenceEdit)
        pay_box = QGroupBox("Pago")
        pay_box.setLayout(form)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.saveButton = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.saveButton.setText("Registrar pago")
        self.saveButton.setObjectName("recordPaymentButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.clientLabel)
        layout.addWidget(self.issuedLabel)
        layout.addWidget(self.cancelledLabel)
        layout.addWidget(box)
        layout.addWidget(pay_box)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._layout = layout
        self.setMinimumWidth(500)
        self.amountEdit.textChanged.connect(lambda *_: self._amount_message(""))
        self._show_receipt()
        self.amountEdit.setText(_plain(self.balance) if self.balance > 0 else "")
        self.amountEdit.selectAll()

    def _amount_message(self, message: str) -> None:
        """The message next to the amount; the dialog grows so a wrapped one is not cut."""
        _show(self.amountError, message)
        width = max(200, self.width() - 48)
        self.amountError.setMinimumHeight(self.amountError.heightForWidth(width) if message else 0)
        self._layout.activate()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())

    @property
    def balance(self) -> Decimal:
        return balance_of(self.receipt)

    def _show_receipt(self) -> None:
        r = self.receipt
        self.totalValue.setText(format_money(r.total))
        self.paidValue.setText(format_money(paid_of(r)))
        self.balanceValue.setText(format_money(self.balance))
        if r.payments:
            items = [
                f"{format_date(p.received_at)} {format_money(p.amount)} ({p.method.label.lower()}"
                + (f", ref. {p.reference})" if p.reference else ")")
                for p in r.payments
            ]
            self.paymentsLabel.setText("Pagos: " + "; ".join(items) + ".")
        else:
            self.paymentsLabel.setText("Sin pagos registrados.")
        cancelled = r.status is ReceiptStatus.CANCELLED
        if cancelled:
            reason = f": {r.cancel_reason}" if r.cancel_reason else ""
            self.cancelledLabel.setText(
                f"El recibo {r.folio} está cancelado{reason}; no admite pagos."
            )
        elif self.balance <= 0:
            self.cancelledLabel.setText(f"El recibo {r.folio} está pagado por completo.")
        self.cancelledLabel.setVisible(cancelled or self.balance <= 0)
        self.saveButton.setEnabled(not cancelled and self.balance > 0)
        self.amountEdit.setEnabled(not cancelled and self.balance > 0)

    def amount(self) -> Decimal | None:
        """The typed amount, or None with the message next to the field."""
        text = self.amountEdit.text().strip()
        if not text:
            self._amount_message("Indique el importe del pago.")
            return None
        try:
            value = parse_money(text, what="El importe")
        except BillingError as exc:
            self._amount_message(str(exc))
            return None
        if value <= 0:
            self._amount_message("El pago debe ser mayor que cero.")
            return None
        return value

    def method(self) -> PaymentMethod:
        return PaymentMethod(self.methodCombo.currentData())

    def try_save(self) -> ReceiptView | None:
        """Record the payment; refused ones show the service's message next to the amount and
        store nothing."""
        value = self.amount()
        if value is None:
            return None
        try:
            view = self.services.receipts.record_payment(
                self.receipt_id,
                value,
                self.method(),
                reference=self.referenceEdit.text(),
                advisor_id=self.advisor_id,
            )
        except DomainError as exc:
            self._amount_message(str(exc))
            self._reload()
            return None
        self.receipt = view
        self.recorded = True
        self.accept()
        return view

    def _reload(self) -> None:
        """Someone else may have paid or cancelled the receipt meanwhile: show it as it is."""
        try:
            self.receipt = self.services.receipts.receipt(self.receipt_id)
        except DomainError:
            return
        self._show_receipt()


def _value_label(name: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(140)
    return label


def _plain(value: Decimal) -> str:
    """``1,234.50``: what the amount field starts with (parse_money reads it back)."""
    return format_money(value, currency=False).removeprefix("$")


# -- the statement -----------------------------------------------------------------------------
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


def receipt_status_text(b: ReceiptBalance) -> str:
    text = STATUS_TEXT[b.payment_status]
    if b.later_payment_agreed and b.payment_status in ("unpaid", "partial"):
        text += " · pago posterior acordado"
    return text


class StatementDialog(QDialog):
    """A client's statement: receipts with their payment status, the movements with the
    running balance, what is owed, sessions still without a receipt; payments and the PDF."""

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
        self.setObjectName("statementDialog")
        self.setStyleSheet(STYLE)
        self.setWindowTitle("Estado de cuenta")

        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("statementTitle")
        self.titleLabel.setWordWrap(True)
        self.asOfLabel = QLabel()
        self.asOfLabel.setObjectName("asOfLabel")
        self.asOfLabel.setProperty("role", "hint")
        self.errorLabel = QLabel()
        self.errorLabel.setObjectName("statementError")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.hide()
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

        self.payButton = QPushButton("Registrar pago…")
        self.payButton.setObjectName("statementPayButton")
        self.payButton.setEnabled(False)
        self.previewButton = QPushButton("Vista previa / Imprimir")
        self.previewButton.setObjectName("statementPreviewButton")
        self.pdfButton = QPushButton("Guardar PDF…")
        self.pdfButton.setObjectName("statementSavePdfButton")
        close = QPushButton("Cerrar")
        close.setObjectName("closeButton")
        for button in (self.payButton, self.previewButton, self.pdfButton):
            button.setAutoDefault(False)
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
        receipts_head.addWidget(self.payButton)
        actions = QHBoxLayout()
        actions.addWidget(self.previewButton)
        actions.addWidget(self.pdfButton)
        actions.addStretch(1)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.asOfLabel)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.totalsLabel)
        layout.addLayout(receipts_head)
        layout.addWidget(self.receiptsTable, 1)
        layout.addWidget(entries_title)
        layout.addWidget(self.entriesTable, 1)
        layout.addWidget(self.unbilledLabel)
        layout.addLayout(actions)
        self.resize(1000, 660)

        self.receiptsTable.selectionModel().selectionChanged.connect(self._selection_changed)
        self.receiptsTable.doubleClicked.connect(lambda *_: self.record_payment())
        self.payButton.clicked.connect(lambda: self.record_payment())
        self.previewButton.clicked.connect(self.preview)
        self.pdfButton.clicked.connect(self.save_pdf)
        self.refresh()

    # -- state -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the service for the statement as of now and show it (keeps the selection)."""
        selected = self.selected_receipt_id()
        try:
            st = self.services.balances.statement(self.client_id)
        except DomainError as exc:
            self._error(str(exc))
            return
        self.statement = st
        self.setWindowTitle(f"Estado de cuenta — {st.client_name}")
        rfc = f" · RFC {st.client_rfc}" if st.client_rfc else ""
        self.titleLabel.setText(f"Estado de cuenta de {st.client_name}{rfc}")
        self.asOfLabel.setText(f"Al {format_datetime(st.as_of)} (hora del centro de México)")
        owed = st.outstanding
        owed_total = sum((b.balance for b in owed), ZERO)
        balance_word = "Saldo a favor del cliente" if st.balance < 0 else "Saldo"
        self.totalsLabel.setText(
            f"Cargado {format_money(st.charged)} · Pagado {format_money(st.paid)} · "
            f"<b>{balance_word} {format_money(abs(st.balance))}</b> · "
            f"Por cobrar: {format_money(owed_total)} en {len(owed)} "
            f"{'recibo' if len(owed) == 1 else 'recibos'}"
        )
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
        if st.unbilled:
            items = [
                f"{u.case_label} ({format_date(u.ended_at)}): "
                + ("por cotizar" if u.total is None else format_money(u.total))
                + (", pago posterior acordado" if u.later_payment_agreed else "")
                for u in st.unbilled
            ]
            self.unbilledLabel.setText(
                f"<b>Sesiones terminadas sin recibo</b> ({format_money(st.unbilled_total)} con "
                f"IVA, no incluidas en el saldo): " + "; ".join(items) + "."
            )
        self.unbilledLabel.setVisible(bool(st.unbilled))
        if selected is not None:
            self.select_receipt(selected)
        self._selection_changed()

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
        b = self._selected_balance()
        self.payButton.setEnabled(
            b is not None and b.status is ReceiptStatus.ISSUED and b.balance > 0
        )
        has = self.statement is not None
        self.previewButton.setEnabled(has)
        self.pdfButton.setEnabled(has)

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

    # -- documents ---------------------------------------------------------------------------
    def file_stem(self) -> str:
        name = self.statement.client_name if self.statement else "cliente"
        day = format_date(self.services.clock()).replace("/", "-")
        return f"Estado de cuenta {name} {day}"

    def pdf_bytes(self) -> bytes:
        from app.documents.statement_pdf import statement_pdf_bytes

        assert self.statement is not None
        return statement_pdf_bytes(
            self.statement,
            business=self.services.settings.profile().name,
            generated_at=self.services.clock(),
        )

    def preview(self) -> bool:
        from app.ui.documents_ui import show_receipt_preview

        if self.statement is None:
            return False
        return bool(
            self._guarded(lambda: show_receipt_preview(self, self.pdf_bytes(), self.file_stem()))
        )

    def save_pdf(self) -> Path | None:
        from app.ui.documents_ui import save_pdf_as

        if self.statement is None:
            return None
        path: Path | None = self._guarded(
            lambda: save_pdf_as(self, self.pdf_bytes(), self.file_stem())
        )
        return path

    def _guarded(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except DomainError as exc:
            self._error(str(exc))
            return None

    def _error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.setVisible(bool(message))
