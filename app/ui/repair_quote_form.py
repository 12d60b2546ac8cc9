"""The form of a repair quote: what is repaired, hours of labour and the parts (RULES §7).

It reads and checks what was typed, field by field (each message next to its field), and
hands back a :class:`QuoteInput` of plain values; the repair dialog prices and stores it
through ``services.repairs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
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

from app.billing import parse_money
from app.billing.repair import RepairPart, hours_text, parse_labour_hours
from app.documents.statement_data import RepairView
from app.ui.kit.layout import hint
from app.ui.kit.messages import field_error
from app.ui.kit.operation import attempt

__all__ = ["QuoteForm", "QuoteInput", "read_part"]

PART_COLUMNS = ("Descripción", "Cantidad", "Precio unitario")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.SelectedClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)


@dataclass(frozen=True)
class QuoteInput:
    """What the form holds, checked: ready for ``services.repairs.quote``."""

    description: str
    labour_hours: Decimal  # fractions allowed: 1.5
    parts: tuple[RepairPart, ...]
    complete: bool = True  # False: a field is wrong and was left out (live amounts only)


def read_part(
    description: str, quantity_text: str, price_text: str
) -> tuple[RepairPart | None, str]:
    """One row of the parts table: the part, or the message saying what is wrong with it
    (an empty row added by mistake is neither)."""
    if not (description or price_text) and quantity_text in ("", "1"):
        return None, ""
    if not description:
        return None, "falta la descripción."
    try:
        quantity = int(quantity_text.replace(",", ""))
    except ValueError:
        quantity = 0
    if quantity < 1:
        return None, f"la cantidad «{quantity_text}» debe ser un número entero desde 1."
    if not price_text:
        return None, "falta el precio unitario."
    price, message = attempt(lambda: parse_money(price_text, what="El precio unitario"))
    if price is None:
        return None, message[0].lower() + message[1:]
    return RepairPart(description, quantity, price), ""


class QuoteForm(QGroupBox):
    """ "Cotización": description, hours of labour (with the rate that prices them) and parts.
    ``edited`` is emitted when the advisor changes something (not while the form is filled)."""

    edited = Signal()

    def __init__(self, rate_text: str, parent: QWidget | None = None) -> None:
        super().__init__("Cotización", parent)
        self.setObjectName("quoteBox")
        self._loading = False

        self.descriptionEdit = QLineEdit()
        self.descriptionEdit.setObjectName("descriptionEdit")
        self.descriptionEdit.setPlaceholderText("p. ej. «Cambio de batería y limpieza interna»")
        self.descriptionError = field_error("descriptionError")
        self.hoursEdit = QLineEdit()
        self.hoursEdit.setObjectName("hoursEdit")
        self.hoursEdit.setPlaceholderText("p. ej. 1.5")
        self.hoursEdit.setMaximumWidth(80)
        self.hoursEdit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rateLabel = hint(rate_text, "rateLabel")
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.hoursEdit)
        hours_row.addWidget(self.rateLabel, 1)
        self.hoursError = field_error("hoursError")

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
        for button in (self.addPartButton, self.removePartButton):
            button.setAutoDefault(False)
        self.partsError = field_error("partsError")
        part_buttons = QHBoxLayout()
        part_buttons.addStretch(1)
        part_buttons.addWidget(self.addPartButton)
        part_buttons.addWidget(self.removePartButton)

        form = QFormLayout()
        form.addRow("Descripción:", self.descriptionEdit)
        form.addRow("", self.descriptionError)
        form.addRow("Mano de obra:", hours_row)
        form.addRow("", self.hoursError)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Refacciones:"))
        layout.addWidget(self.partsTable, 1)
        layout.addLayout(part_buttons)
        layout.addWidget(self.partsError)

        self.descriptionEdit.textChanged.connect(self._changed)
        self.hoursEdit.textChanged.connect(self._changed)
        self.partsTable.itemChanged.connect(self._changed)
        self.partsTable.itemSelectionChanged.connect(self._selection_changed)
        self.addPartButton.clicked.connect(lambda: self.add_part())
        self.removePartButton.clicked.connect(self.remove_part)

    # -- state -------------------------------------------------------------------------------
    def set_editable(self, editable: bool) -> None:
        self.descriptionEdit.setReadOnly(not editable)
        self.hoursEdit.setReadOnly(not editable)
        self.partsTable.setEditTriggers(
            EDIT_TRIGGERS if editable else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self.addPartButton.setEnabled(editable)
        self._selection_changed()

    def has_input(self) -> bool:
        return bool(self.descriptionEdit.text().strip()) or self.partsTable.rowCount() > 0

    def fill(self, r: RepairView) -> None:
        """Show a saved quote."""
        self._loading = True
        try:
            self.descriptionEdit.setText(r.description)
            self.descriptionEdit.setCursorPosition(0)
            self.hoursEdit.setText(hours_text(r.labour_hours))
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
                    item.setTextAlignment(RIGHT)
                self.partsTable.setItem(row, col, item)
        finally:
            self._loading = was
        if not was:
            self.partsTable.setCurrentCell(row, 0)
            first = self.partsTable.item(row, 0)
            if self.isVisible() and first is not None:
                self.partsTable.editItem(first)
            self._changed()
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
        self._changed()

    def _selection_changed(self) -> None:
        self.removePartButton.setEnabled(
            self.addPartButton.isEnabled() and bool(self.partsTable.selectedItems())
        )

    def _changed(self, *_: object) -> None:
        if not self._loading:
            self.edited.emit()

    # -- reading -----------------------------------------------------------------------------
    def read(self, *, show: bool = True, amounts_only: bool = False) -> QuoteInput | None:
        """The form's values checked field by field; each message goes next to its field.
        None when something is wrong (``amounts_only``: the description may be missing)."""
        description = " ".join(self.descriptionEdit.text().split())
        description_msg = "" if description or amounts_only else "Describa la reparación cotizada."
        if show:
            self.descriptionError.show_message(description_msg)
        data = self.read_amounts(show=show)
        if description_msg or not data.complete:
            return None
        return QuoteInput(description, data.labour_hours, data.parts)

    def read_amounts(self, *, show: bool = True) -> QuoteInput:
        """What can be priced now: the hours and the parts that are right (a wrong field is
        left out, its message next to it), so the amounts never go blank over one bad field."""
        description = " ".join(self.descriptionEdit.text().split())
        hours, hours_msg = attempt(lambda: parse_labour_hours(self.hoursEdit.text()))
        parts: list[RepairPart] = []
        part_msgs: list[str] = []
        for row in range(self.partsTable.rowCount()):
            part, msg = read_part(*(self._cell(row, col) for col in range(3)))
            if msg:
                part_msgs.append(f"Refacción {row + 1}: {msg}")
            elif part is not None:
                parts.append(part)
        if show:
            self.hoursError.show_message(hours_msg)
            self.partsError.show_message("\n".join(part_msgs))
        complete = hours is not None and not part_msgs
        return QuoteInput(description, hours if hours is not None else Decimal(0),
                          tuple(parts), complete)  # fmt: skip

    def _cell(self, row: int, col: int) -> str:
        item = self.partsTable.item(row, col)
        return item.text().strip() if item is not None else ""
