"""Escalation to repair (RULES §7 "Escalated"): the repair quote of an escalated case, the
client's answer, and the repair's own receipt that credits the escalated support session.

For the window (the lead wires it to the escalated case)::

    dialog = RepairDialog(services, case_id, self, advisor_id=advisor.id)
    dialog.exec()
    if dialog.changed:      # a quote saved, an answer recorded or a receipt issued
        ...refresh the client's cases, receipts and balance...
    dialog.repair           # the case's latest RepairView (None: no quote yet)
    dialog.issued           # the ReceiptView issued from this dialog (None: none)

The dialog only gathers input and calls ``services.repairs``; the live amounts while the quote
is typed come from the pure billing rule (:func:`app.billing.policy.price_repair`) with the
tariff and policy discount in force now, the same ones the service uses when it saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import Bill, Tariff, format_money, parse_money
from app.billing.repair import RepairPart, price_repair
from app.documents.statement_data import RepairView
from app.kernel.enums import CaseState, RepairStatus
from app.kernel.errors import BillingError, DomainError
from app.kernel.fmt import format_datetime
from app.ui.dialogs import _error_label, _show

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.SelectedClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.values import ReceiptView

STYLE = """
QLabel[role="fieldError"] { color: #b00020; }
QLabel[role="hint"] { color: #6e6e73; }
QLabel#repairTitle { font-size: 16px; font-weight: 600; }
QLabel#repairState { background: #eef3fb; color: #0b4a8b; padding: 6px 10px; border-radius: 6px; }
QLabel#repairState[tone="ok"] { background: #e8f6ec; color: #1b6b33; }
QLabel#repairState[tone="warn"] { background: #fff6db; color: #6b4e00; }
QLabel#repairError { background: #fde8e8; color: #9b1c1c; padding: 6px 10px; border-radius: 6px; }
QLabel#repairReceipt { background: #e8f6ec; color: #1b6b33; padding: 6px 10px;
                       border-radius: 6px; }
QLabel#quoteTotal, QLabel#quoteTotalTitle { font-size: 15px; font-weight: 700; }
QPushButton { padding: 5px 10px; }
"""

PART_COLUMNS = ("Descripción", "Cantidad", "Precio unitario")


@dataclass(frozen=True)
class QuoteInput:
    """What the form holds, checked: ready for ``services.repairs.quote``."""

    description: str
    labour_hours: int
    parts: tuple[RepairPart, ...]


class RepairDialog(QDialog):
    """The repair of an escalated case: quote form (or the saved quote), the client's answer,
    the repair receipt and the quote's PDF."""

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
        self._loading = False
        self._receipt: ReceiptView | None = None

        self.setObjectName("repairDialog")
        self.setStyleSheet(STYLE)
        case = services.sessions.case(case_id)
        client = services.clients.client(case.client_id)
        self._case = case
        self._client_name = client.name
        self.setWindowTitle(f"Reparación del caso {case.label}")

        # the tariff and discount in force now: what a quote saved now would use
        self._tariff: Tariff = services.settings.tariff()
        policy = services.policies.policy_of(case.client_id)
        current = policy.current if policy is not None else None
        self._discount = current.discount if current is not None else Decimal("0")

        self.titleLabel = QLabel(f"Caso {case.label} · {client.name}")
        self.titleLabel.setObjectName("repairTitle")
        self.titleLabel.setWordWrap(True)
        summary = case.summary or "sin descripción del problema"
        self.caseLabel = QLabel(f"{case.state.label} — {summary}")
        self.caseLabel.setObjectName("caseLabel")
        self.caseLabel.setProperty("role", "hint")
        self.caseLabel.setWordWrap(True)
        self.stateLabel = QLabel()
        self.stateLabel.setObjectName("repairState")
        self.stateLabel.setWordWrap(True)
        self.errorLabel = QLabel()
        self.errorLabel.setObjectName("repairError")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.hide()

        # -- the quote form ----------------------------------------------------------------------
        self.descriptionEdit = QLineEdit()
        self.descriptionEdit.setObjectName("descriptionEdit")
        self.descriptionEdit.setPlaceholderText("p. ej. «Cambio de batería y limpieza interna»")
        self.descriptionError = _error_label("descriptionError")
        self.hoursEdit = QLineEdit()
        self.hoursEdit.setObjectName("hoursEdit")
        self.hoursEdit.setPlaceholderText("0")
        self.hoursEdit.setMaximumWidth(80)
        self.hoursEdit.setAlignment(Qt.AlignmentFlag.AlignRight)
        rate = format_money(self._tariff.office_business_rate)
        rate_text = f"horas × {rate} (tarifa presencial en horario hábil)"
        if self._discount > 0:
            pct = f"{(self._discount * 100).normalize():f}"
            rate_text += f", menos {pct} % de póliza"
        self.rateLabel = QLabel(rate_text)
        self.rateLabel.setObjectName("rateLabel")
        self.rateLabel.setProperty("role", "hint")
        self.rateLabel.setWordWrap(True)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.hoursEdit)
        hours_row.addWidget(self.rateLabel, 1)
        self.hoursError = _error_label("hoursError")

        self.partsTable = QTableWidget(0, len(PART_COLUMNS))
        self.partsTable.setObjectName("partsTable")
        self.partsTable.setHorizontalHeaderLabels(list(PART_COLUMNS))
        self.partsTable.verticalHeader().hide()
        self.partsTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.partsTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.partsTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 130)
        self.partsTable.setMinimumHeight(130)
        self.addPartButton = QPushButton("Agregar refacción")
        self.addPartButton.setObjectName("addPartButton")
        self.removePartButton = QPushButton("Quitar refacción")
        self.removePartButton.setObjectName("removePartButton")
        self.removePartButton.setEnabled(False)
        self.partsError = _error_label("partsError")
        part_buttons = QHBoxLayout()
        part_buttons.addStretch(1)
        part_buttons.addWidget(self.addPartButton)
        part_buttons.addWidget(self.removePartButton)

        form = QFormLayout()
        form.addRow("Descripción:", self.descriptionEdit)
        form.addRow("", self.descriptionError)
        form.addRow("Mano de obra:", hours_row)
        form.addRow("", self.hoursError)
        parts_title = QLabel("Refacciones:")
        self.quoteBox = QGroupBox("Cotización")
        self.quoteBox.setObjectName("quoteBox")
        quote_layout = QVBoxLayout(self.quoteBox)
        quote_layout.addLayout(form)
        quote_layout.addWidget(parts_title)
        quote_layout.addWidget(self.partsTable, 1)
        quote_layout.addLayout(part_buttons)
        quote_layout.addWidget(self.partsError)

        # -- the amounts -------------------------------------------------------------------------
        self.linesTable = QTableWidget(0, 2)
        self.linesTable.setObjectName("quoteLinesTable")
        self.linesTable.setHorizontalHeaderLabels(["Concepto", "Importe"])
        self.linesTable.verticalHeader().hide()
        self.linesTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.linesTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.linesTable.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.linesTable.setWordWrap(True)
        lines_header = self.linesTable.horizontalHeader()
        lines_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lines_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.linesTable.setMinimumHeight(130)
        self.totals: dict[str, QLabel] = {}
        totals = QGridLayout()
        totals.setColumnStretch(0, 1)
        iva_pct = f"{(self._tariff.iva_rate * 100).normalize():f}"
        for row, (key, title) in enumerate(
            (
                ("subtotal", "Subtotal:"),
                ("discount", "Descuento:"),
                ("base", "Base (más IVA):"),
                ("iva", f"IVA {iva_pct} %:"),
                ("total", "Total:"),
            )
        ):
            name = QLabel(title)
            value = QLabel("—")
            value.setObjectName(f"quote{key.capitalize()}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setMinimumWidth(150)
            if key == "total":
                name.setObjectName("quoteTotalTitle")
                value.setObjectName("quoteTotal")
            totals.addWidget(name, row, 0, Qt.AlignmentFlag.AlignRight)
            totals.addWidget(value, row, 1)
            self.totals[key] = value
        self.amountNote = QLabel()
        self.amountNote.setObjectName("amountNote")
        self.amountNote.setProperty("role", "hint")
        self.amountNote.setWordWrap(True)
        self.amountBox = QGroupBox("Importe de la reparación")
        self.amountBox.setObjectName("amountBox")
        amount_layout = QVBoxLayout(self.amountBox)
        amount_layout.addWidget(self.linesTable, 1)
        amount_layout.addLayout(totals)
        amount_layout.addWidget(self.amountNote)

        self.receiptLabel = QLabel()
        self.receiptLabel.setObjectName("repairReceipt")
        self.receiptLabel.setWordWrap(True)
        self.receiptLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.receiptLabel.hide()

        # -- actions -----------------------------------------------------------------------------
        self.saveButton = QPushButton("Guardar cotización")
        self.saveButton.setObjectName("saveQuoteButton")
        self.acceptButton = QPushButton("El cliente aceptó")
        self.acceptButton.setObjectName("acceptRepairButton")
        self.declineButton = QPushButton("El cliente rechazó")
        self.declineButton.setObjectName("declineRepairButton")
        self.issueButton = QPushButton("Emitir recibo de reparación")
        self.issueButton.setObjectName("issueRepairReceiptButton")
        self.previewButton = QPushButton("Vista previa de la cotización")
        self.previewButton.setObjectName("quotePreviewButton")
        self.receiptPreviewButton = QPushButton("Vista previa del recibo")
        self.receiptPreviewButton.setObjectName("repairReceiptPreviewButton")
        self.closeButton = QPushButton("Cerrar")
        self.closeButton.setObjectName("closeButton")
        self.closeButton.setAutoDefault(False)
        for button in (
            self.acceptButton, self.declineButton, self.issueButton, self.previewButton,
            self.receiptPreviewButton, self.addPartButton, self.removePartButton,
        ):  # fmt: skip
            button.setAutoDefault(False)
        decisions = QHBoxLayout()
        decisions.addWidget(self.saveButton)
        decisions.addWidget(self.acceptButton)
        decisions.addWidget(self.declineButton)
        decisions.addWidget(self.issueButton)
        decisions.addStretch(1)
        documents = QHBoxLayout()
        documents.addWidget(self.previewButton)
        documents.addWidget(self.receiptPreviewButton)
        documents.addStretch(1)
        documents.addWidget(self.closeButton)

        body = QHBoxLayout()
        body.addWidget(self.quoteBox, 11)
        body.addWidget(self.amountBox, 10)
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.caseLabel)
        layout.addWidget(self.stateLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(body, 1)
        layout.addWidget(self.receiptLabel)
        layout.addLayout(decisions)
        layout.addLayout(documents)
        self.resize(980, 600)

        self.descriptionEdit.textChanged.connect(self._edited)
        self.hoursEdit.textChanged.connect(self._edited)
        self.partsTable.itemChanged.connect(self._edited)
        self.partsTable.itemSelectionChanged.connect(self._selection_changed)
        self.addPartButton.clicked.connect(lambda: self.add_part())
        self.removePartButton.clicked.connect(self.remove_part)
        self.saveButton.clicked.connect(self.save_quote)
        self.acceptButton.clicked.connect(lambda: self._confirmed(accepted=True))
        self.declineButton.clicked.connect(lambda: self._confirmed(accepted=False))
        self.issueButton.clicked.connect(self.issue_receipt)
        self.previewButton.clicked.connect(self.preview_quote)
        self.receiptPreviewButton.clicked.connect(self.preview_receipt)
        self.closeButton.clicked.connect(self.accept)
        self.refresh()

    # -- state -------------------------------------------------------------------------------
    @property
    def editing(self) -> bool:
        """True while a new quote can be typed (none yet, or the last one was declined)."""
        return self.repair is None or self.repair.status is RepairStatus.DECLINED

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
        self.descriptionEdit.setReadOnly(not editable)
        self.hoursEdit.setReadOnly(not editable)
        self.partsTable.setEditTriggers(
            EDIT_TRIGGERS if editable else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.addPartButton.setEnabled(editable)
        self.removePartButton.setEnabled(editable and bool(self.partsTable.selectedItems()))
        self.saveButton.setEnabled(editable)
        if self.repair is not None and (not editable or not self._has_input()):
            self._fill_form(self.repair)
        status = self.repair.status if self.repair is not None else None
        self.acceptButton.setEnabled(status is RepairStatus.QUOTED)
        self.declineButton.setEnabled(status is RepairStatus.QUOTED)
        issued = receipt is not None and receipt.status.value == "issued"
        support = self.repair is not None and self.repair.support_receipt_folio is not None
        self.issueButton.setEnabled(status is RepairStatus.ACCEPTED and support and not issued)
        self.previewButton.setEnabled(self.repair is not None)
        self.receiptPreviewButton.setEnabled(receipt is not None)
        self._show_receipt(receipt)
        self._update_amounts()

    def _show_state(self) -> None:
        r = self.repair
        tone = ""
        if self._case.state is not CaseState.ESCALATED and r is None:
            text = (
                f"El caso está {self._case.state.label.lower()}: solo un caso escalado admite "
                "cotización de reparación."
            )
            tone = "warn"
        elif r is None:
            text = (
                "Sin cotización todavía. Capture la reparación, las horas de mano de obra y las "
                "refacciones, y guarde la cotización para presentarla al cliente."
            )
        elif r.status is RepairStatus.QUOTED:
            text = (
                f"Cotización R-{r.id:06d} del {format_datetime(r.quoted_at)}: "
                "en espera de la respuesta del cliente."
            )
        elif r.status is RepairStatus.ACCEPTED:
            assert r.decided_at is not None
            text = f"El cliente aceptó la reparación el {format_datetime(r.decided_at)}."
            tone = "ok"
            if r.receipt_folio is None and r.support_receipt_folio is None:
                text += (
                    " Emita primero el recibo de la sesión de soporte escalada: "
                    "el recibo de la reparación la abona."
                )
                tone = "warn"
        else:
            assert r.decided_at is not None
            text = (
                f"El cliente rechazó la cotización R-{r.id:06d} el "
                f"{format_datetime(r.decided_at)}: la sesión de soporte queda cobrada como "
                "estaba. Puede capturar una nueva cotización."
            )
            tone = "warn"
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

    def _has_input(self) -> bool:
        return bool(self.descriptionEdit.text().strip()) or self.partsTable.rowCount() > 0

    def _fill_form(self, r: RepairView) -> None:
        self._loading = True
        try:
            self.descriptionEdit.setText(r.description)
            self.descriptionEdit.setCursorPosition(0)
            self.hoursEdit.setText(str(r.labour_hours))
            self.partsTable.setRowCount(0)
            for part in r.parts:
                self.add_part(part.description, str(part.quantity), f"{part.unit_price:,.2f}")
        finally:
            self._loading = False

    # -- the parts table ---------------------------------------------------------------------
    def add_part(self, description: str = "", quantity: str = "1", unit_price: str = "") -> int:
        """Append a row (focused on its description when typed by hand); return its index."""
        row = self.partsTable.rowCount()
        was = self._loading
        self._loading = True
        try:
            self.partsTable.insertRow(row)
            for col, text in enumerate((description, quantity, unit_price)):
                item = QTableWidgetItem(text)
                if col > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.partsTable.setItem(row, col, item)
        finally:
            self._loading = was
        if not was:
            self.partsTable.setCurrentCell(row, 0)
            first = self.partsTable.item(row, 0)
            if self.isVisible() and first is not None:
                self.partsTable.editItem(first)
            self._edited()
        return row

    def set_part(self, row: int, col: int, text: str) -> None:
        """Type ``text`` in a cell (the tests' and the form's single way in)."""
        item = self.partsTable.item(row, col)
        assert item is not None
        item.setText(text)

    def remove_part(self) -> None:
        rows = sorted({i.row() for i in self.partsTable.selectedIndexes()}, reverse=True)
        if not rows and self.partsTable.currentRow() >= 0:
            rows = [self.partsTable.currentRow()]
        for row in rows:
            self.partsTable.removeRow(row)
        self._edited()

    def _selection_changed(self) -> None:
        self.removePartButton.setEnabled(
            self.addPartButton.isEnabled() and bool(self.partsTable.selectedItems())
        )

    # -- input -------------------------------------------------------------------------------
    def _edited(self, *_: Any) -> None:
        if self._loading or not self.editing:
            return
        if self._checked:
            self.read_input()
        self._update_amounts()

    def read_input(self, *, show: bool = True, amounts_only: bool = False) -> QuoteInput | None:
        """The form's values checked field by field; each message goes next to its field.
        None when something is wrong (``amounts_only``: the description may be missing)."""
        description = " ".join(self.descriptionEdit.text().split())
        description_msg = "" if description or amounts_only else "Describa la reparación cotizada."
        hours: int | None = None
        hours_text = self.hoursEdit.text().strip() or "0"
        try:
            hours = int(hours_text)
        except ValueError:
            hours = None
        hours_msg = ""
        if hours is None or hours < 0:
            hours_msg = (
                f"Las horas de mano de obra deben ser un número entero desde 0 "
                f"(se capturó «{self.hoursEdit.text().strip()}»)."
            )
        parts: list[RepairPart] = []
        part_msgs: list[str] = []
        for row in range(self.partsTable.rowCount()):
            part, msg = self._read_part(row)
            if msg:
                part_msgs.append(f"Refacción {row + 1}: {msg}")
            elif part is not None:
                parts.append(part)
        if show:
            _show(self.descriptionError, description_msg)
            _show(self.hoursError, hours_msg)
            _show(self.partsError, "\n".join(part_msgs))
        if description_msg or hours_msg or part_msgs or hours is None:
            return None
        return QuoteInput(description, hours, tuple(parts))

    def _read_part(self, row: int) -> tuple[RepairPart | None, str]:
        def cell(col: int) -> str:
            item = self.partsTable.item(row, col)
            return item.text().strip() if item is not None else ""

        description, quantity_text, price_text = cell(0), cell(1), cell(2)
        if not (description or price_text) and quantity_text in ("", "1"):
            return None, ""  # an empty row added by mistake is ignored
        if not description:
            return None, "falta la descripción."
        try:
            quantity = int(quantity_text.replace(",", ""))
        except ValueError:
            return None, f"la cantidad «{quantity_text}» debe ser un número entero desde 1."
        if quantity < 1:
            return None, f"la cantidad «{quantity_text}» debe ser un número entero desde 1."
        if not price_text:
            return None, "falta el precio unitario."
        try:
            price = parse_money(price_text, what="El precio unitario")
        except BillingError as exc:
            message = str(exc)
            return None, message[0].lower() + message[1:]
        return RepairPart(description, quantity, price), ""

    # -- amounts -----------------------------------------------------------------------------
    def preview_bill(self) -> Bill | None:
        """The quote's amounts: the saved quote, or while typing what saving would store."""
        if not self.editing and self.repair is not None:
            return self.repair.quote
        data = self.read_input(show=False, amounts_only=True)
        if data is None:
            return None
        parts = [RepairPart(p.description, p.quantity, p.unit_price) for p in data.parts]
        try:
            return price_repair(data.labour_hours, parts, self._tariff, discount=self._discount)
        except BillingError:
            return None

    def _update_amounts(self) -> None:
        bill = self.preview_bill()
        self.linesTable.setRowCount(0)
        if bill is None:
            for label in self.totals.values():
                label.setText("—")
        else:
            for line in bill.lines:
                row = self.linesTable.rowCount()
                self.linesTable.insertRow(row)
                self.linesTable.setItem(row, 0, QTableWidgetItem(line.description))
                amount = QTableWidgetItem(format_money(line.amount))
                amount.setTextAlignment(RIGHT)
                self.linesTable.setItem(row, 1, amount)
            self.linesTable.resizeRowsToContents()
            zero = Decimal("0.00")
            values = {
                "subtotal": bill.subtotal,
                "discount": -(bill.discount or zero),
                "base": bill.base,
                "iva": bill.iva,
                "total": bill.total,
            }
            for key, value in values.items():
                self.totals[key].setText(format_money(value if value is not None else zero))
        support = self.repair.support_receipt_folio if self.repair is not None else None
        if bill is None and self.editing:
            note = "Capture horas de mano de obra o una refacción para ver el importe."
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

    # -- actions -----------------------------------------------------------------------------
    def save_quote(self) -> RepairView | None:
        """Check the form and store the quote; nothing is saved when a field is wrong."""
        self._checked = True
        _show_banner(self.errorLabel, "")
        data = self.read_input()
        if data is None:
            _show_banner(self.errorLabel, "Revise los datos marcados; no se guardó nada.")
            return None
        view = self._call(
            lambda: self.services.repairs.quote(
                self.case_id,
                data.description,
                data.labour_hours,
                list(data.parts),
                advisor_id=self.advisor_id,
            )
        )
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
        total = format_money(self.repair.quote.total or Decimal("0.00"))
        if accepted:
            title = "Registrar aceptación"
            text = (
                f"¿El cliente aceptó la reparación por {total} (IVA incluido)? "
                "La respuesta no se puede cambiar después."
            )
            yes = "Sí, aceptó"
        else:
            title = "Registrar rechazo"
            text = (
                f"¿El cliente rechazó la reparación por {total}? La sesión de soporte queda "
                "cobrada como estaba y la respuesta no se puede cambiar después."
            )
            yes = "Sí, rechazó"
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
        return self._decide(lambda: self.services.repairs.accept(repair_id))

    def decline_repair(self) -> RepairView | None:
        if self.repair is None:
            return None
        repair_id = self.repair.id
        return self._decide(lambda: self.services.repairs.decline(repair_id))

    def _decide(self, fn: Any) -> RepairView | None:
        _show_banner(self.errorLabel, "")
        view: RepairView | None = self._call(fn)
        if view is None:
            return None
        self.changed = True
        self.refresh()
        return view

    def issue_receipt(self) -> ReceiptView | None:
        """Issue the accepted repair's receipt (with the support session's credit)."""
        if self.repair is None:
            return None
        _show_banner(self.errorLabel, "")
        repair_id = self.repair.id
        view: ReceiptView | None = self._call(
            lambda: self.services.repairs.issue_receipt(repair_id, advisor_id=self.advisor_id)
        )
        if view is None:
            return None
        self.issued = view
        self.changed = True
        self.refresh()
        return view

    # -- documents ---------------------------------------------------------------------------
    def quote_pdf_bytes(self) -> bytes:
        from app.documents.statement_pdf import repair_quote_pdf_bytes

        assert self.repair is not None
        return repair_quote_pdf_bytes(
            self.repair,
            business=self.services.settings.profile().name,
            generated_at=self.services.clock(),
        )

    def preview_quote(self) -> bool:
        if self.repair is None:
            return False
        from app.ui.documents_ui import show_receipt_preview

        title = f"Cotización de reparación R-{self.repair.id:06d}"
        return bool(self._call(lambda: show_receipt_preview(self, self.quote_pdf_bytes(), title)))

    def preview_receipt(self) -> bool:
        receipt = self._receipt
        if receipt is None:
            return False
        from app.documents.receipt_pdf import receipt_pdf_bytes
        from app.ui.documents_ui import show_receipt_preview

        def show() -> bool:
            pdf = receipt_pdf_bytes(self.services.documents.receipt_by_folio(receipt.folio))
            return show_receipt_preview(self, pdf, f"Recibo {receipt.folio}")

        return bool(self._call(show))

    def _call(self, fn: Any) -> Any:
        try:
            return fn()
        except DomainError as exc:
            _show_banner(self.errorLabel, str(exc))
            return None


def _show_banner(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))
