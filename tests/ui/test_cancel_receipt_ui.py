"""Cancelling a receipt in the window (issue 10 item 2): from the statement, the session's
receipt in the billing panel and the repair dialog, through one dialog — reason required, a
second click confirms, the folio kept, the corrected receipt issued for the same session."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from app.kernel.enums import ReceiptStatus
from app.ui.cancel_receipt_dialog import CancelReceiptDialog
from app.ui.statement_dialog import StatementDialog
from tests.ui.helpers import when_modal
from tests.ui.test_repair_payment_dialogs import escalate, fill_quote, open_repair, statement_rows


def test_dialog_needs_a_reason_and_a_confirmation(qtbot: Any, window: Any, ui_clock: Any) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    dialog = CancelReceiptDialog(sv, esc.support.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reissueCheck.isVisible() and dialog.reissueCheck.isChecked()
    assert dialog.try_cancel() is False  # no reason
    assert dialog.reasonError.text() == "Indique el motivo de la cancelación."
    dialog.reasonEdit.setPlainText("Modalidad equivocada")
    assert not dialog.reasonError.isVisible()
    assert dialog.try_cancel() is False  # asks to confirm first
    assert "¿Cancelar el recibo A-000001 y emitir el recibo corregido?" in (
        dialog.confirmLabel.text()
    )
    assert dialog.cancelButton.text() == "Sí, cancelar A-000001"
    assert sv.receipts.receipt(esc.support.id).status is ReceiptStatus.ISSUED
    dialog.reasonEdit.setPlainText("Modalidad equivocada, era a domicilio")  # edit: ask again
    assert dialog.cancelButton.text() == "Cancelar recibo"
    dialog.reissueCheck.setChecked(False)
    assert dialog.try_cancel() is False
    qtbot.mouseClick(dialog.cancelButton, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.cancelled is not None and dialog.reissued is None
    stored = sv.receipts.receipt(esc.support.id)
    assert stored.status is ReceiptStatus.CANCELLED
    assert stored.cancel_reason == "Modalidad equivocada, era a domicilio"
    assert dialog.outcome_text() == "Recibo A-000001 cancelado."


def test_statement_cancels_and_reissues(qtbot: Any, window: Any, ui_clock: Any) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    dialog = StatementDialog(sv, esc.client_id, advisor_id=window.advisor.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)  # read off the GUI thread
    assert not dialog.cancelButton.isEnabled()  # nothing selected
    assert dialog.select_folio("A-000001")
    assert dialog.cancelButton.isEnabled() and dialog.cancelAction.isEnabled()
    assert dialog.cancelAction in dialog.receiptsTable.actions()  # the row's context menu
    seen: list[str] = []

    def cancel(d: Any) -> None:
        assert isinstance(d, CancelReceiptDialog)
        seen.append(d.windowTitle())
        d.reasonEdit.setPlainText("Se capturó el cliente equivocado")
        d.try_cancel()
        d.try_cancel()

    when_modal(cancel)
    qtbot.mouseClick(dialog.cancelButton, Qt.MouseButton.LeftButton)
    assert seen == ["Cancelar recibo A-000001"]
    assert dialog.changed
    qtbot.waitUntil(lambda: not dialog.loading)
    rows = statement_rows(dialog, dialog.receiptsModel)
    assert [(r[0], r[6]) for r in rows] == [("A-000001", "Cancelado"), ("A-000002", "Sin pagar")]
    assert rows[1][3] == "$348.00 MXN"
    assert dialog.noticeLabel.text() == (
        "Recibo A-000001 cancelado. Se emitió el recibo A-000002 por $348.00 MXN."
    )
    new = sv.receipts.by_folio("A-000002")
    assert dialog.selected_receipt_id() == new.id and new.session_id == esc.support.session_id
    assert dialog.select_folio("A-000001") and not dialog.cancelButton.isEnabled()
    assert "Saldo $348.00 MXN" in dialog.totalsLabel.text()


def test_credited_receipt_says_why_it_cannot_be_cancelled(
    qtbot: Any, window: Any, ui_clock: Any
) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    repair = open_repair(qtbot, window, esc.case_id)
    fill_quote(repair)
    assert repair.save_quote() is not None and repair.accept_repair() is not None
    issued = repair.issue_receipt()
    assert issued is not None and repair.cancelReceiptButton.isEnabled()
    dialog = CancelReceiptDialog(sv, esc.support.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.refusalLabel.isVisible()
    assert dialog.refusalLabel.text() == (
        f"El recibo A-000001 está abonado en el recibo {issued.folio} de la reparación; "
        "cancele primero ese recibo."
    )
    assert not dialog.cancelButton.isEnabled() and not dialog.reasonEdit.isEnabled()

    # the repair receipt is cancelled from the repair dialog, then issued again
    def cancel(d: Any) -> None:
        assert not d.reissueCheck.isVisible()  # a repair's new receipt comes from the repair
        d.reasonEdit.setPlainText("Refacción equivocada")
        d.try_cancel()
        d.try_cancel()

    when_modal(cancel)
    qtbot.mouseClick(repair.cancelReceiptButton, Qt.MouseButton.LeftButton)
    assert sv.receipts.receipt(issued.id).status is ReceiptStatus.CANCELLED
    assert "(cancelado)" in repair.receiptLabel.text()
    assert repair.issueButton.isEnabled() and not repair.cancelReceiptButton.isEnabled()
    again = repair.issue_receipt()
    assert again is not None and again.total == issued.total and again.folio == "A-000003"


def test_billing_panel_cancels_the_session_receipt(qtbot: Any, window: Any, ui_clock: Any) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    window.set_session(sv.sessions.session(esc.support.session_id))
    billing = window.billingPanel
    window.receipt_folio = esc.support.folio
    window.refresh_bill()
    assert billing.cancelReceiptButton.isVisibleTo(window)

    def cancel(d: Any) -> None:
        d.reasonEdit.setPlainText("Error de captura")
        d.reissueCheck.setChecked(False)
        d.try_cancel()
        d.try_cancel()

    when_modal(cancel)
    qtbot.mouseClick(billing.cancelReceiptButton, Qt.MouseButton.LeftButton)
    assert sv.receipts.receipt(esc.support.id).status is ReceiptStatus.CANCELLED
    assert window.noticeBanner.text() == "Recibo A-000001 cancelado."
    assert window.receipt_folio is None and billing.issueReceiptButton.isEnabled()
    qtbot.mouseClick(billing.issueReceiptButton, Qt.MouseButton.LeftButton)
    assert billing.receiptLabel.text() == "Recibo emitido: A-000002 · Por cobrar $348.00 MXN"
    assert sv.receipts.by_folio("A-000002").total == Decimal("348.00")
