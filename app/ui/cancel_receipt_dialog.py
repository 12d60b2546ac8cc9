"""Cancel one receipt (RULES §10): the reason is required, a second click confirms, the folio
stays used; a support session's receipt may be reissued at once (the corrected receipt, next
folio), in the same transaction.

For the statement, the billing panel and the repair dialog alike::

    dialog = CancelReceiptDialog(services, receipt_id, self, advisor_id=advisor.id)
    run_dialog(dialog)
    dialog.cancelled      # the ReceiptView after cancelling, or None
    dialog.reissued       # the corrected receipt when "emitir el recibo corregido" was ticked

A receipt that cannot be cancelled now (already cancelled, or credited by a repair receipt)
says why in the dialog, from the service, and its button stays disabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.kernel.fmt import format_datetime
from app.ui.kit.layout import fit_height, hint
from app.ui.kit.messages import MessageLabel, error_banner, field_error
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.values import ReceiptView

__all__ = ["CancelReceiptDialog"]


class CancelReceiptDialog(QDialog):
    """Reason, confirmation, and optionally the corrected receipt of the same session."""

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
        self.advisor_id = advisor_id
        self.receipt: ReceiptView = services.receipts.receipt(receipt_id)
        self.cancelled: ReceiptView | None = None
        self.reissued: ReceiptView | None = None
        self.confirming = False
        r = self.receipt
        self.setObjectName("cancelReceiptDialog")
        self.setWindowTitle(f"Cancelar recibo {r.folio}")

        title = QLabel(f"<b>Recibo {r.folio}</b> · {r.client_name} · {format_money(r.total)}")
        title.setObjectName("cancelTitle")
        title.setWordWrap(True)
        issued = hint(
            f"Emitido el {format_datetime(r.issued_at)} por {r.advisor_name}. Cancelarlo no lo "
            "borra: el folio se conserva y el PDF sale con la marca CANCELADO.",
            "cancelIssued",
        )
        self.refusalLabel = error_banner("cancelRefusal")
        self.reasonEdit = QPlainTextEdit()
        self.reasonEdit.setObjectName("cancelReasonEdit")
        self.reasonEdit.setPlaceholderText("Motivo de la cancelación (obligatorio)")
        self.reasonEdit.setFixedHeight(70)
        self.reasonEdit.setTabChangesFocus(True)
        self.reasonError = field_error("cancelReasonError")
        self.reissueCheck = QCheckBox("Emitir de inmediato el recibo corregido de la misma sesión")
        self.reissueCheck.setObjectName("reissueCheck")
        self.reissueCheck.setChecked(r.session_id is not None)
        self.reissueCheck.setVisible(r.session_id is not None)
        self.confirmLabel = MessageLabel("cancelConfirm", role="noticeBanner")

        buttons = QDialogButtonBox()
        self.cancelButton = buttons.addButton(
            "Cancelar recibo", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancelButton.setObjectName("confirmCancelButton")
        self.closeButton = buttons.addButton("Volver", QDialogButtonBox.ButtonRole.RejectRole)
        self.closeButton.setObjectName("backButton")
        self.cancelButton.clicked.connect(self.try_cancel)
        self.closeButton.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(issued)
        layout.addWidget(self.refusalLabel)
        layout.addWidget(QLabel("Motivo:"))
        layout.addWidget(self.reasonEdit)
        layout.addWidget(self.reasonError)
        layout.addWidget(self.reissueCheck)
        layout.addWidget(self.confirmLabel)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        self.reasonEdit.textChanged.connect(self._edited)
        self.reissueCheck.toggled.connect(lambda *_: self._edited())

        refusal = services.receipts.cancellation_refusal(receipt_id)
        if refusal:
            self.refusalLabel.show_message(refusal)
            for widget in (self.reasonEdit, self.reissueCheck, self.cancelButton):
                widget.setEnabled(False)
        fit_height(self)

    def show_error(self, message: str) -> None:
        """A refusal from the service: next to the reason, the confirmation undone."""
        self.reasonError.show_message(message)
        self._unconfirm()
        fit_height(self)

    def _edited(self) -> None:
        self.reasonError.clear_message()
        self._unconfirm()

    def _unconfirm(self) -> None:
        self.confirming = False
        self.confirmLabel.clear_message()
        self.cancelButton.setText("Cancelar recibo")

    def try_cancel(self) -> bool:
        """First click: check the reason and ask to confirm; second click: cancel (and
        reissue). Accepts the dialog when done."""
        reason = " ".join(self.reasonEdit.toPlainText().split())
        if not reason:
            self.show_error("Indique el motivo de la cancelación.")
            self.reasonEdit.setFocus()
            return False
        folio = self.receipt.folio
        reissue = self.receipt.session_id is not None and self.reissueCheck.isChecked()
        if not self.confirming:
            self.confirming = True
            then = " y emitir el recibo corregido" if reissue else ""
            self.confirmLabel.show_message(
                f"¿Cancelar el recibo {folio}{then}? No se puede deshacer. "
                "Pulse otra vez para confirmar."
            )
            self.cancelButton.setText(f"Sí, cancelar {folio}")
            fit_height(self)
            return False
        receipts, receipt_id, advisor = self.services.receipts, self.receipt.id, self.advisor_id
        if reissue:
            pair = Operation(
                self, lambda: receipts.cancel_and_reissue(receipt_id, reason, advisor_id=advisor)
            ).run()
            if pair is None:
                return False
            self.cancelled, self.reissued = pair
        else:
            self.cancelled = Operation(self, lambda: receipts.cancel(receipt_id, reason)).run()
            if self.cancelled is None:
                return False
        self.accept()
        return True

    def outcome_text(self) -> str:
        """What happened, for the caller's notice."""
        if self.cancelled is None:
            return ""
        text = f"Recibo {self.cancelled.folio} cancelado."
        if self.reissued is not None:
            text += (
                f" Se emitió el recibo {self.reissued.folio} por "
                f"{format_money(self.reissued.total)}."
            )
        return text
