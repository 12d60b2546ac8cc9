"""Escalation to repair (RULES §7 "Escalated"): the repair quote of an escalated case, the
client's answer, and the repair's own receipt that credits the escalated support session.

For the window::

    dialog = RepairDialog(services, case_id, self, advisor_id=advisor.id)
    dialog.exec()
    if dialog.changed:      # a quote saved, an answer recorded or a receipt issued
        ...refresh the client's cases, receipts and balance...
    dialog.repair           # the case's latest RepairView (None: no quote yet)
    dialog.issued           # the ReceiptView issued from this dialog (None: none)

The dialog only gathers input and calls ``services.repairs``: the labour rate, discount and IVA
it shows come from ``repairs.terms`` and the live amounts while the quote is typed from
``repairs.preview`` — what saving the quote now would store.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import Bill, format_money
from app.documents.statement_data import RepairView
from app.kernel.enums import CaseState, RepairStatus
from app.kernel.fmt import format_datetime
from app.ui.kit.layout import hint, value_label
from app.ui.kit.messages import error_banner
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfActions, PdfDocument
from app.ui.repair_quote_form import QuoteForm, QuoteInput

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.values import ReceiptView, RepairTerms

__all__ = ["RepairDialog"]

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ZERO = Decimal("0.00")
T = TypeVar("T")


class RepairDialog(QDialog):
    """The repair of an escalated case: quote form (or the saved quote), the client's answer,
    the repair receipt and the PDFs of both."""

    def __init__(
        self,
        services: Services,
        case_id: int,
        parent: QWidget | None = None,
        *,
        advisor_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.case_id = case_id
        self.advisor_id = advisor_id
        self.repair: RepairView | None = None
        self.issued: ReceiptView | None = None
        self.changed = False
        self._checked = False  # after a first save attempt, fields are checked as they change
        self._receipt: ReceiptView | None = None
        self._partial = False  # the live amounts leave out a wrong field

        self.setObjectName("repairDialog")
        case = services.sessions.case(case_id)
        client = services.clients.client(case.client_id)
        self._case = case
        self.setWindowTitle(f"Reparación del caso {case.label}")
        # the labour rate, discount and IVA in force now: what a quote saved now would use
        terms = services.repairs.terms(case_id)

        self.titleLabel = QLabel(f"Caso {case.label} · {client.name}")
        self.titleLabel.setObjectName("repairTitle")
        self.titleLabel.setWordWrap(True)
        summary = case.summary or "sin descripción del problema"
        self.caseLabel = hint(f"{case.state.label} — {summary}", "caseLabel")
        self.stateLabel = QLabel()
        self.stateLabel.setObjectName("repairState")
        self.stateLabel.setWordWrap(True)
        self.errorLabel = error_banner("repairError")

        self.quoteForm = QuoteForm(_rate_text(terms))
        form = self.quoteForm  # its fields, as the dialog's own
        self.descriptionEdit, self.hoursEdit = form.descriptionEdit, form.hoursEdit
        self.descriptionError, self.hoursError = form.descriptionError, form.hoursError
        self.partsError, self.rateLabel = form.partsError, form.rateLabel
        self.add_part, self.set_part = form.add_part, form.set_part
        self.amountBox = self._amount_box(terms)

        self.receiptLabel = QLabel()
        self.receiptLabel.setObjectName("repairReceipt")
        self.receiptLabel.setWordWrap(True)
        self.receiptLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.receiptLabel.hide()

        body = QHBoxLayout()
        body.addWidget(self.quoteForm, 11)
        body.addWidget(self.amountBox, 10)
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.caseLabel)
        layout.addWidget(self.stateLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(body, 1)
        layout.addWidget(self.receiptLabel)
        self._add_buttons(layout)
        self.resize(980, 600)

        self.quoteForm.edited.connect(self._edited)
        self.refresh()

    def _amount_box(self, terms: RepairTerms) -> QGroupBox:
        """ "Importe de la reparación": the priced lines and the totals."""
        self.linesTable = QTableWidget(0, 2)
        self.linesTable.setObjectName("quoteLinesTable")
        self.linesTable.setHorizontalHeaderLabels(["Concepto", "Importe"])
        self.linesTable.verticalHeader().hide()
        self.linesTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.linesTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.linesTable.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.linesTable.setWordWrap(True)
        header = self.linesTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.linesTable.setMinimumHeight(130)
        self.totals: dict[str, QLabel] = {}
        totals = QGridLayout()
        totals.setColumnStretch(0, 1)
        rows = (
            ("subtotal", "Subtotal:"),
            ("discount", "Descuento:"),
            ("base", "Base (más IVA):"),
            ("iva", f"IVA {_percent(terms.tariff.iva_rate)} %:"),
            ("total", "Total:"),
        )
        for row, (key, title) in enumerate(rows):
            name = QLabel(title)
            value = value_label(f"quote{key.capitalize()}", width=150)
            if key == "total":
                name.setObjectName("quoteTotalTitle")
                value.setObjectName("quoteTotal")
            totals.addWidget(name, row, 0, Qt.AlignmentFlag.AlignRight)
            totals.addWidget(value, row, 1)
            self.totals[key] = value
        self.amountNote = hint("", "amountNote")
        box = QGroupBox("Importe de la reparación")
        box.setObjectName("amountBox")
        layout = QVBoxLayout(box)
        layout.addWidget(self.linesTable, 1)
        layout.addLayout(totals)
        layout.addWidget(self.amountNote)
        return box

    def _add_buttons(self, layout: QVBoxLayout) -> None:
        """The client's answer and the receipt; below, the documents and "Cerrar"."""
        self.saveButton = QPushButton("Guardar cotización")
        self.saveButton.setObjectName("saveQuoteButton")
        self.acceptButton = QPushButton("El cliente aceptó")
        self.acceptButton.setObjectName("acceptRepairButton")
        self.declineButton = QPushButton("El cliente rechazó")
        self.declineButton.setObjectName("declineRepairButton")
        self.issueButton = QPushButton("Emitir recibo de reparación")
        self.issueButton.setObjectName("issueRepairReceiptButton")
        self.cancelReceiptButton = QPushButton("Cancelar recibo…")
        self.cancelReceiptButton.setObjectName("cancelRepairReceiptButton")
        self.quotePdf = PdfActions(
            self.quote_document,
            {"preview": "quotePreviewButton", "save": "quoteSavePdfButton"},
            errors=self.show_error,
            texts={
                "preview": "Vista previa de la cotización…",
                "save": "Guardar PDF de la cotización…",
            },
        )
        self.receiptPdf = PdfActions(
            self.receipt_document,
            {"preview": "repairReceiptPreviewButton", "save": "repairReceiptSavePdfButton"},
            errors=self.show_error,
            texts={"preview": "Vista previa del recibo…", "save": "Guardar PDF del recibo…"},
        )
        self.previewButton = self.quotePdf.button("preview")
        self.receiptPreviewButton = self.receiptPdf.button("preview")
        self.closeButton = QPushButton("Cerrar")
        self.closeButton.setObjectName("closeButton")
        decisions = QHBoxLayout()
        for button in (
            self.saveButton,
            self.acceptButton,
            self.declineButton,
            self.issueButton,
            self.cancelReceiptButton,
        ):
            decisions.addWidget(button)
            button.setAutoDefault(button is self.saveButton)
        self.closeButton.setAutoDefault(False)
        decisions.addStretch(1)
        documents = QHBoxLayout()
        documents.addWidget(self.quotePdf)
        documents.addSpacing(12)
        documents.addWidget(self.receiptPdf)
        documents.addStretch(1)
        documents.addWidget(self.closeButton)
        layout.addLayout(decisions)
        layout.addLayout(documents)

        self.saveButton.clicked.connect(self.save_quote)
        self.acceptButton.clicked.connect(lambda: self._confirmed(accepted=True))
        self.declineButton.clicked.connect(lambda: self._confirmed(accepted=False))
        self.issueButton.clicked.connect(self.issue_receipt)
        self.cancelReceiptButton.clicked.connect(self.cancel_receipt)
        self.closeButton.clicked.connect(self.accept)

    # -- state -------------------------------------------------------------------------------
    @property
    def editing(self) -> bool:
        """True while a new quote can be typed (none yet, or the last one was declined)."""
        return self.repair is None or self.repair.status is RepairStatus.DECLINED

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def refresh(self) -> None:
        """Reload the case's latest repair and show it."""
        repairs = self.services.repairs.repairs_of_case(self.case_id)
        self.repair = repairs[-1] if repairs else None
        self._case = self.services.sessions.case(self.case_id)
        receipt = None
        if self.repair is not None and self.repair.receipt_id is not None:
            receipt = self.services.receipts.receipt(self.repair.receipt_id)
        self._receipt = receipt
        self._show_state()
        editable = self.editing and self._case.state is CaseState.ESCALATED
        self.quoteForm.set_editable(editable)
        self.saveButton.setEnabled(editable)
        if self.repair is not None and (not editable or not self.quoteForm.has_input()):
            self.quoteForm.fill(self.repair)
        status = self.repair.status if self.repair is not None else None
        self.acceptButton.setEnabled(status is RepairStatus.QUOTED)
        self.declineButton.setEnabled(status is RepairStatus.QUOTED)
        issued = receipt is not None and receipt.status.value == "issued"
        support = self.repair is not None and self.repair.support_receipt_folio is not None
        self.issueButton.setEnabled(status is RepairStatus.ACCEPTED and support and not issued)
        self.cancelReceiptButton.setEnabled(issued)
        self.quotePdf.set_available(self.repair is not None)
        self.receiptPdf.set_available(receipt is not None)
        self._show_receipt(receipt)
        self._update_amounts()

    def _show_state(self) -> None:
        text, tone = state_text(self._case.state, self.repair)
        self.stateLabel.setText(text)
        self.stateLabel.setProperty("tone", tone)
        self.stateLabel.style().unpolish(self.stateLabel)
        self.stateLabel.style().polish(self.stateLabel)

    def _show_receipt(self, receipt: ReceiptView | None) -> None:
        if receipt is None:
            self.receiptLabel.hide()
            return
        credit = next((x for x in receipt.lines if x.kind == "credit"), None)
        parts = [f"<b>Recibo de reparación {receipt.folio}</b>"]
        if receipt.status.value == "cancelled":
            parts[0] += " (cancelado)"
        if credit is not None:
            parts.append(f"{credit.description}: {format_money(credit.amount)}")
        parts.append(f"total {format_money(receipt.total)} (IVA incluido)")
        self.receiptLabel.setText(" · ".join(parts))
        self.receiptLabel.show()

    # -- input and amounts -------------------------------------------------------------------
    def _edited(self) -> None:
        if not self.editing:
            return
        if self._checked:
            self.read_input()
        self._update_amounts()

    def read_input(self, *, show: bool = True, amounts_only: bool = False) -> QuoteInput | None:
        """The form's values checked field by field (see :meth:`QuoteForm.read`)."""
        return self.quoteForm.read(show=show, amounts_only=amounts_only)

    def preview_bill(self) -> Bill | None:
        """The quote's amounts: the saved quote, or while typing what saving would store
        (``services.repairs.preview``) from the fields that are right — a wrong field is left
        out and says so next to it; None while nothing can be priced."""
        if not self.editing and self.repair is not None:
            return self.repair.quote
        data = self.quoteForm.read_amounts(show=True)
        self._partial = not data.complete
        if not data.labour_hours and not data.parts:
            return None
        return Operation(
            self,
            lambda: self.services.repairs.preview(self.case_id, data.labour_hours, data.parts),
            errors=lambda _: None,  # the amounts show "—"; the fields say what is wrong
            clear=False,
        ).run()

    def _update_amounts(self) -> None:
        self._partial = False
        bill = self.preview_bill()
        self._show_bill(bill)
        support = self.repair.support_receipt_folio if self.repair is not None else None
        if bill is None and self.editing:
            note = "Capture horas de mano de obra o una refacción para ver el importe."
        elif self._partial:
            note = "Importe sin los datos marcados en rojo: corríjalos para completarlo."
        elif support:
            note = (
                f"Precios más IVA. Si el cliente acepta, el recibo de la reparación abona la "
                f"sesión de soporte (recibo {support}, hasta el subtotal de la reparación)."
            )
        else:
            note = (
                "Precios más IVA. Si el cliente acepta, el recibo de la reparación abona el "
                "subtotal de la sesión de soporte escalada."
            )
        self.amountNote.setText(note)

    def _show_bill(self, bill: Bill | None) -> None:
        self.linesTable.setRowCount(0)
        if bill is None:
            for label in self.totals.values():
                label.setText("—")
            return
        for line in bill.lines:
            row = self.linesTable.rowCount()
            self.linesTable.insertRow(row)
            self.linesTable.setItem(row, 0, QTableWidgetItem(line.description))
            amount = QTableWidgetItem(format_money(line.amount))
            amount.setTextAlignment(RIGHT)
            self.linesTable.setItem(row, 1, amount)
        self.linesTable.resizeRowsToContents()
        values = {
            "subtotal": bill.subtotal,
            "discount": -(bill.discount or ZERO),
            "base": bill.base,
            "iva": bill.iva,
            "total": bill.total,
        }
        for key, value in values.items():
            self.totals[key].setText(format_money(value if value is not None else ZERO))

    # -- actions -----------------------------------------------------------------------------
    def save_quote(self) -> RepairView | None:
        """Check the form and store the quote; nothing is saved when a field is wrong."""
        self._checked = True
        self.show_error("")
        data = self.read_input()
        if data is None:
            self.show_error("Revise los datos marcados; no se guardó nada.")
            return None
        view = Operation(
            self,
            lambda: self.services.repairs.quote(
                self.case_id,
                data.description,
                data.labour_hours,
                list(data.parts),
                advisor_id=self.advisor_id,
            ),
        ).run()
        if view is None:
            return None
        self._checked = False
        self.changed = True
        self.refresh()
        return self.repair

    def _confirmed(self, *, accepted: bool) -> RepairView | None:
        """The buttons ask first: the client's answer cannot be changed once recorded."""
        if self.repair is None:
            return None
        total = format_money(self.repair.quote.total or ZERO)
        if accepted:
            title, yes = "Registrar aceptación", "Sí, aceptó"
            text = (
                f"¿El cliente aceptó la reparación por {total} (IVA incluido)? "
                "La respuesta no se puede cambiar después."
            )
        else:
            title, yes = "Registrar rechazo", "Sí, rechazó"
            text = (
                f"¿El cliente rechazó la reparación por {total}? La sesión de soporte queda "
                "cobrada como estaba y la respuesta no se puede cambiar después."
            )
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setObjectName("confirmDecisionBox")
        ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancelar", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(ok)
        try:
            box.exec()
            chosen = box.clickedButton() is ok
        finally:
            box.deleteLater()
        if not chosen:
            return None
        return self.accept_repair() if accepted else self.decline_repair()

    def accept_repair(self) -> RepairView | None:
        if self.repair is None:
            return None
        repair_id = self.repair.id
        return self._changing(lambda: self.services.repairs.accept(repair_id))

    def decline_repair(self) -> RepairView | None:
        if self.repair is None:
            return None
        repair_id = self.repair.id
        return self._changing(lambda: self.services.repairs.decline(repair_id))

    def issue_receipt(self) -> ReceiptView | None:
        """Issue the accepted repair's receipt (with the support session's credit)."""
        if self.repair is None:
            return None
        repair_id = self.repair.id
        view = self._changing(
            lambda: self.services.repairs.issue_receipt(repair_id, advisor_id=self.advisor_id)
        )
        if view is not None:
            self.issued = view
        return view

    def cancel_receipt(self) -> ReceiptView | None:
        """ "Cancelar recibo…" on the repair's issued receipt (reason and confirmation in
        :class:`CancelReceiptDialog`); afterwards the repair receipt may be issued again."""
        from app.ui.cancel_receipt_dialog import CancelReceiptDialog
        from app.ui.kit.layout import run_dialog

        receipt = self._receipt
        if receipt is None or not self.cancelReceiptButton.isEnabled():
            return None
        dialog = CancelReceiptDialog(self.services, receipt.id, self, advisor_id=self.advisor_id)
        run_dialog(dialog)
        if dialog.cancelled is not None:
            self.changed = True
            self.refresh()
        return dialog.cancelled

    def _changing(self, work: Callable[[], T]) -> T | None:
        """Record the answer or issue the receipt; then show the repair as it is now."""
        result = Operation(self, work).run()
        if result is not None:
            self.changed = True
            self.refresh()
        return result

    # -- documents ---------------------------------------------------------------------------
    def quote_document(self) -> PdfDocument | None:
        """The saved quote as PDF (rendered off the GUI thread)."""
        from app.documents.statement_pdf import repair_quote_pdf_bytes

        repair = self.repair
        if repair is None:
            return None
        business = self.services.settings.profile().name
        generated_at = self.services.clock()
        return PdfDocument(
            f"Cotización de reparación R-{repair.id:06d}",
            lambda: repair_quote_pdf_bytes(repair, business=business, generated_at=generated_at),
        )

    def receipt_document(self) -> PdfDocument | None:
        """The repair's receipt as PDF (read and rendered off the GUI thread)."""
        from app.documents.receipt_pdf import receipt_pdf_bytes

        receipt = self._receipt
        if receipt is None:
            return None
        documents, folio = self.services.documents, receipt.folio
        return PdfDocument(
            f"Recibo {folio}", lambda: receipt_pdf_bytes(documents.receipt_by_folio(folio))
        )

    def preview_quote(self) -> None:
        self.quotePdf.trigger("preview")

    def preview_receipt(self) -> None:
        self.receiptPdf.trigger("preview")


def state_text(case_state: CaseState, r: RepairView | None) -> tuple[str, str]:
    """Where the repair stands, and its tone ("", "ok" or "warn") for the stylesheet."""
    if case_state is not CaseState.ESCALATED and r is None:
        return (
            f"El caso está {case_state.label.lower()}: solo un caso escalado admite "
            "cotización de reparación.",
            "warn",
        )
    if r is None:
        return (
            "Sin cotización todavía. Capture la reparación, las horas de mano de obra y las "
            "refacciones, y guarde la cotización para presentarla al cliente.",
            "",
        )
    if r.status is RepairStatus.QUOTED:
        return (
            f"Cotización R-{r.id:06d} del {format_datetime(r.quoted_at)}: "
            "en espera de la respuesta del cliente.",
            "",
        )
    assert r.decided_at is not None
    if r.status is RepairStatus.ACCEPTED:
        text = f"El cliente aceptó la reparación el {format_datetime(r.decided_at)}."
        if r.receipt_folio is None and r.support_receipt_folio is None:
            text += (
                " Emita primero el recibo de la sesión de soporte escalada: "
                "el recibo de la reparación la abona."
            )
            return text, "warn"
        return text, "ok"
    return (
        f"El cliente rechazó la cotización R-{r.id:06d} el "
        f"{format_datetime(r.decided_at)}: la sesión de soporte queda cobrada como "
        "estaba. Puede capturar una nueva cotización.",
        "warn",
    )


def _rate_text(terms: RepairTerms) -> str:
    text = f"horas × {format_money(terms.labour_rate)} (tarifa presencial en horario hábil)"
    if terms.discount > 0:
        text += f", menos {_percent(terms.discount)} % de póliza"
    return text


def _percent(fraction: Decimal) -> str:
    """0.16 → "16", 0.125 → "12.5"."""
    return f"{(fraction * 100).normalize():f}"
