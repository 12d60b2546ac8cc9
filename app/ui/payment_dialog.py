"""A payment (cash, transfer, card…) against one receipt; partial payments allowed.

For the window::

    dialog = PaymentDialog(services, receipt_id, self, advisor_id=advisor.id)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.receipt          # the ReceiptView after the payment (its payments included)

Payments are refused by ``services.receipts.record_payment`` (more than the balance, a
cancelled receipt); its Spanish message is shown next to the amount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money, parse_money
from app.kernel.enums import PaymentMethod, ReceiptStatus
from app.kernel.fmt import format_date, format_datetime
from app.ui.kit.layout import hint, value_label
from app.ui.kit.messages import MessageLabel, field_error
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.values import ReceiptView

__all__ = ["PaymentDialog"]

ZERO = Decimal("0.00")


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
        self.setWindowTitle(f"Registrar pago — recibo {self.receipt.folio}")
        r = self.receipt

        self.titleLabel = QLabel(f"Recibo {r.folio}")
        self.titleLabel.setObjectName("paymentTitle")
        self.clientLabel = QLabel(r.client_name)
        self.clientLabel.setObjectName("clientLabel")
        self.clientLabel.setWordWrap(True)
        concept = f"sesión del caso C-{r.case_number:06d}" if r.case_number else ""
        issued = f"Emitido el {format_datetime(r.issued_at)} por {r.advisor_name}"
        self.issuedLabel = hint(f"{issued}{' · ' + concept if concept else ''}", "issuedLabel")
        self.cancelledLabel = MessageLabel("paymentCancelled", role="errorBanner")

        self.totalValue = value_label("totalValue")
        self.paidValue = value_label("paidValue")
        self.balanceValue = value_label("balanceValue")
        summary = QFormLayout()
        summary.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        summary.addRow("Total del recibo:", self.totalValue)
        summary.addRow("Pagado:", self.paidValue)
        summary.addRow("Saldo:", self.balanceValue)
        self.paymentsLabel = hint("", "paymentsLabel")
        box = QGroupBox("Recibo")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(summary)
        box_layout.addWidget(self.paymentsLabel)

        self.amountEdit = QLineEdit()
        self.amountEdit.setObjectName("amountEdit")
        self.amountEdit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amountEdit.setMaximumWidth(160)
        self.amountError = field_error("amountError")
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
        self.amountEdit.textChanged.connect(lambda *_: self.show_error(""))
        self._show_receipt()
        self.amountEdit.setText(_plain(self.balance) if self.balance > 0 else "")
        self.amountEdit.selectAll()

    def show_error(self, message: str) -> None:
        """The message next to the amount; the dialog grows so a wrapped one is not cut."""
        self.amountError.show_message(message)
        width = max(200, self.width() - 48)
        self.amountError.setMinimumHeight(self.amountError.heightForWidth(width) if message else 0)
        self._layout.activate()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())

    @property
    def balance(self) -> Decimal:
        return self.receipt.balance

    def _show_receipt(self) -> None:
        r = self.receipt
        self.totalValue.setText(format_money(r.total))
        self.paidValue.setText(format_money(r.paid))
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
            self.cancelledLabel.set_role("errorBanner")
            self.cancelledLabel.show_message(
                f"El recibo {r.folio} está cancelado{reason}; no admite pagos."
            )
        elif self.balance <= 0:
            self.cancelledLabel.set_role("noticeBanner")
            self.cancelledLabel.show_message(f"El recibo {r.folio} está pagado por completo.")
        else:
            self.cancelledLabel.clear_message()
        self.saveButton.setEnabled(not cancelled and self.balance > 0)
        self.amountEdit.setEnabled(not cancelled and self.balance > 0)

    def amount(self) -> Decimal | None:
        """The typed amount, or None with the message next to the field."""
        text = self.amountEdit.text().strip()
        if not text:
            self.show_error("Indique el importe del pago.")
            return None
        value = Operation(self, lambda: parse_money(text, what="El importe"), clear=False).run()
        if value is not None and value <= 0:
            self.show_error("El pago debe ser mayor que cero.")
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
        view = (
            Operation(
                self,
                lambda: self.services.receipts.record_payment(
                    self.receipt_id,
                    value,
                    self.method(),
                    reference=self.referenceEdit.text(),
                    advisor_id=self.advisor_id,
                ),
            )
            .failure(lambda _: self._reload())
            .run()
        )
        if view is None:
            return None
        self.receipt = view
        self.recorded = True
        self.accept()
        return view

    def _reload(self) -> None:
        """Someone else may have paid or cancelled the receipt meanwhile: show it as it is."""
        receipt = Operation(
            self,
            lambda: self.services.receipts.receipt(self.receipt_id),
            errors=lambda _: None,  # the refusal's message stays next to the amount
            clear=False,
        ).run()
        if receipt is not None:
            self.receipt = receipt
            self._show_receipt()


def _plain(value: Decimal) -> str:
    """``1,234.50``: what the amount field starts with (parse_money reads it back)."""
    return format_money(value, currency=False).removeprefix("$")
