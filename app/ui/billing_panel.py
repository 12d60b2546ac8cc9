"""The billing panel: the live bill of the running session, then the final bill and
"Emitir recibo", and the issued receipt's PDF and payment. For onsite work outside the cities
with a rate it asks for the quote first."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import Bill, format_money, parse_money
from app.billing.payments import payment_state
from app.kernel.enums import Band
from app.kernel.fmt import format_duration
from app.services.values import ReceiptView
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfActions, PdfDocument


class BillingPanel(QFrame):
    """Shows a bill; ``receipt_document`` gives the issued receipt's PDF to its buttons."""

    issueRequested = Signal()
    quoteEntered = Signal(str, object)  # ("rate" | "amount", Decimal)
    payRequested = Signal()  # "Registrar pago…" on the issued receipt
    cancelReceiptRequested = Signal()  # "Cancelar recibo…" on the issued receipt

    def __init__(
        self,
        receipt_document: Callable[[], PdfDocument | None],
        *,
        errors: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("billingPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        title = QLabel("Cuenta")
        title.setObjectName("sectionTitle")
        self.kindLabel = QLabel("Sin sesión")
        self.kindLabel.setObjectName("billKindLabel")

        self.workedLabel = QLabel("—")
        self.hoursLabel = QLabel("—")
        self.hoursLabel.setWordWrap(True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.addRow("Tiempo trabajado:", self.workedLabel)
        form.addRow("Horas cobrables:", self.hoursLabel)

        self.linesTable = QTableWidget(0, 2)
        self.linesTable.setObjectName("billLinesTable")
        self.linesTable.setHorizontalHeaderLabels(["Concepto", "Importe"])
        self.linesTable.verticalHeader().hide()
        self.linesTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.linesTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.linesTable.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.linesTable.setWordWrap(True)
        header = self.linesTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        self.subtotalLabel = _amount_label()
        self.discountLabel = _amount_label()
        self.baseLabel = _amount_label()
        self.ivaLabel = _amount_label()
        self.billTotalLabel = _amount_label()
        self.billTotalLabel.setObjectName("billTotalLabel")
        self.ivaTitle = QLabel("IVA 16 %:")
        totals = QFormLayout()
        totals.addRow("Subtotal:", self.subtotalLabel)
        totals.addRow("Descuento y abonos:", self.discountLabel)
        totals.addRow("Base:", self.baseLabel)
        totals.addRow(self.ivaTitle, self.ivaLabel)
        total_title = QLabel("Total:")
        total_title.setObjectName("totalTitle")
        totals.addRow(total_title, self.billTotalLabel)

        self.quoteBox = self._quote_box()
        self.issueReceiptButton = QPushButton("Emitir recibo")
        self.issueReceiptButton.setObjectName("issueReceiptButton")
        self.issueReceiptButton.setEnabled(False)
        self.issueReceiptButton.clicked.connect(self.issueRequested.emit)
        self.receiptLabel = QLabel("")
        self.receiptLabel.setObjectName("receiptLabel")
        self.receiptLabel.setWordWrap(True)
        self.receiptButtons = self._receipt_buttons(receipt_document, errors)
        self.noteLabel = QLabel("Precios más IVA. Este recibo no es un CFDI.")
        self.noteLabel.setObjectName("hintLabel")
        self.noteLabel.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(self.kindLabel)
        layout.addLayout(form)
        layout.addWidget(self.linesTable)
        layout.addLayout(totals)
        layout.addWidget(self.quoteBox)
        layout.addWidget(self.issueReceiptButton)
        layout.addWidget(self.receiptLabel)
        layout.addWidget(self.receiptButtons)
        layout.addWidget(self.noteLabel)
        layout.addStretch(1)
        self.show_bill(None)

    def _quote_box(self) -> QFrame:
        """The quote, asked only when the session requires one."""
        box = QFrame()
        box.setObjectName("quoteBox")
        self.quoteNote = QLabel("")
        self.quoteNote.setWordWrap(True)
        self.quoteKind = QComboBox()
        self.quoteKind.setObjectName("quoteKind")
        self.quoteKind.addItem("Importe de la sesión", "amount")
        self.quoteKind.addItem("Tarifa por hora", "rate")
        self.quoteEdit = QLineEdit()
        self.quoteEdit.setObjectName("quoteEdit")
        self.quoteEdit.setPlaceholderText("$0.00")
        self.quoteEdit.setMinimumWidth(
            self.quoteEdit.fontMetrics().horizontalAdvance("$99,999,999.99") + 24
        )
        self.quoteButton = QPushButton("Aplicar cotización")
        self.quoteButton.setObjectName("quoteButton")
        self.quoteError = field_error("fieldError")
        quote_row = QHBoxLayout()
        quote_row.addWidget(self.quoteKind)
        quote_row.addWidget(self.quoteEdit, 1)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.quoteButton)
        quote_layout = QVBoxLayout(box)
        quote_layout.setContentsMargins(0, 0, 0, 0)
        quote_layout.addWidget(self.quoteNote)
        quote_layout.addLayout(quote_row)
        quote_layout.addLayout(button_row)
        quote_layout.addWidget(self.quoteError)
        box.hide()
        self.quoteButton.clicked.connect(self._apply_quote)
        self.quoteEdit.returnPressed.connect(self._apply_quote)
        return box

    def _receipt_buttons(
        self, receipt_document: Callable[[], PdfDocument | None], errors: Callable[[str], object]
    ) -> PdfActions:
        """The issued receipt: preview and print, open, save as, and "Registrar pago…"."""
        buttons = PdfActions(
            receipt_document,
            {
                "preview": "printReceiptButton",
                "open": "openReceiptButton",
                "save": "saveReceiptButton",
            },
            errors=errors,
            texts={"save": "Guardar como…"},
            columns=2,
        )
        self.printReceiptButton = buttons.button("preview")
        self.openReceiptButton = buttons.button("open")
        self.saveReceiptButton = buttons.button("save")
        self.payReceiptButton = QPushButton("Registrar pago…")
        self.payReceiptButton.setObjectName("payReceiptButton")
        self.payReceiptButton.clicked.connect(self.payRequested.emit)
        buttons.add_widget(self.payReceiptButton)
        self.cancelReceiptButton = QPushButton("Cancelar recibo…")
        self.cancelReceiptButton.setObjectName("cancelReceiptButton")
        self.cancelReceiptButton.clicked.connect(self.cancelReceiptRequested.emit)
        buttons.add_widget(self.cancelReceiptButton)
        buttons.hide()
        return buttons

    def show_bill(
        self,
        bill: Bill | None,
        *,
        final: bool = False,
        receipt_folio: str | None = None,
        receipt: ReceiptView | None = None,
        quote: tuple[str, Decimal] | None = None,
    ) -> None:
        """The bill; ``receipt`` the session's issued one (its payments shown), ``quote`` the
        quote recorded, editable until the receipt is issued."""
        receipt_folio = receipt.folio if receipt is not None else receipt_folio
        self.linesTable.setRowCount(0)
        if bill is None:
            self.kindLabel.setText("Sin sesión")
            for label in (self.workedLabel, self.hoursLabel):
                label.setText("—")
            for label in self._amount_labels():
                label.setText("—")
            self.quoteBox.hide()
            self.issueReceiptButton.setEnabled(False)
            self.receiptLabel.setText("")
            self.receiptButtons.hide()
            return
        self.kindLabel.setText("Cuenta final" if final else "Cuenta en vivo (si terminara ahora)")
        self.workedLabel.setText(f"{format_duration(bill.worked)} ({bill.worked_minutes} min)")
        bands = bill.hours_by_band()
        self.hoursLabel.setText(
            f"{bill.billable_hours} h — {bands[Band.BUSINESS]} en horario laboral, "
            f"{bands[Band.OUTSIDE]} fuera de horario"
        )
        iva_pct = (bill.iva_rate * 100).normalize()
        self.ivaTitle.setText(f"IVA {iva_pct:f} %:")
        self._show_quote(bill, quote, editable=receipt_folio is None)
        if bill.requires_quote:
            for label in self._amount_labels():
                label.setText("—")
            self.billTotalLabel.setText("Requiere cotización")
            self.issueReceiptButton.setEnabled(False)
        else:
            for line in bill.lines:
                self._add_line(line.description, line.amount)
            assert bill.subtotal is not None and bill.base is not None
            assert bill.iva is not None and bill.total is not None
            reductions = (bill.discount or Decimal(0)) + (bill.credits or Decimal(0))
            self.subtotalLabel.setText(format_money(bill.subtotal))
            self.discountLabel.setText(format_money(-reductions) if reductions else "—")
            self.baseLabel.setText(format_money(bill.base))
            self.ivaLabel.setText(format_money(bill.iva))
            self.billTotalLabel.setText(format_money(bill.total))
            self.issueReceiptButton.setEnabled(final and receipt_folio is None)
        self.receiptLabel.setText(receipt_text(receipt_folio, receipt))
        self.receiptButtons.setVisible(bool(receipt_folio))
        self.linesTable.resizeRowsToContents()
        self._fit_lines()

    def _show_quote(self, bill: Bill, quote: tuple[str, Decimal] | None, *, editable: bool) -> None:
        """The quote box while the session needs a quote or has one, until its receipt."""
        self.quoteBox.setVisible(editable and (bill.requires_quote or quote is not None))
        if bill.requires_quote:
            self.quoteNote.setText(" ".join(bill.notes) + " Indique la cotización acordada.")
            self.quoteButton.setText("Aplicar cotización")
            return
        if quote is None:
            return
        kind, value = quote
        what = "Tarifa por hora cotizada" if kind == "rate" else "Importe cotizado"
        self.quoteNote.setText(
            f"{what}: {format_money(value)}. La cotización se puede cambiar hasta emitir el recibo."
        )
        self.quoteButton.setText("Cambiar cotización")
        if not self.quoteEdit.hasFocus():
            self.quoteKind.setCurrentIndex(max(0, self.quoteKind.findData(kind)))
            self.quoteEdit.setText(format_money(value, currency=False))

    def _fit_lines(self) -> None:
        """The lines table is as tall as its lines (at least three rows), never a blank page."""
        table = self.linesTable
        rows = max(3, table.rowCount())
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        height += (rows - table.rowCount()) * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height + 2)

    def show_quote_error(self, message: str) -> None:
        self.quoteError.show_message(message)

    def _amount_labels(self) -> list[QLabel]:
        return [
            self.subtotalLabel,
            self.discountLabel,
            self.baseLabel,
            self.ivaLabel,
            self.billTotalLabel,
        ]

    def _add_line(self, description: str, amount: Decimal) -> None:
        row = self.linesTable.rowCount()
        self.linesTable.insertRow(row)
        self.linesTable.setItem(row, 0, QTableWidgetItem(description))
        money = QTableWidgetItem(format_money(amount))
        money.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.linesTable.setItem(row, 1, money)

    def _apply_quote(self) -> None:
        text = self.quoteEdit.text()
        Operation(
            self, lambda: parse_money(text, what="La cotización"), errors=self.show_quote_error
        ).success(lambda value: self.quoteEntered.emit(self.quoteKind.currentData(), value)).run()


def receipt_text(folio: str | None, receipt: ReceiptView | None) -> str:
    """ "Recibo emitido: A-0001 · Pagado $500.00 MXN · Saldo $80.00 MXN" and the like; the
    receipt's state is ``billing.payments.payment_state``, as in the statement and the corte."""
    if folio is None:
        return ""
    if receipt is None:
        return f"Recibo emitido: {folio}"
    state = payment_state(receipt.status, receipt.total, receipt.paid)
    issued = f"Recibo emitido: {folio}"
    return {
        "cancelled": f"Recibo {folio}: CANCELADO",
        "paid": f"{issued} · Pagado ({format_money(receipt.paid)})",
        "partial": f"{issued} · Pagado {format_money(receipt.paid)} · "
        f"Saldo {format_money(receipt.balance)}",
        "unpaid": f"{issued} · Por cobrar {format_money(receipt.balance)}",
    }[state]


def _amount_label() -> QLabel:
    label = QLabel("—")
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label
