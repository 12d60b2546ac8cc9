"""The policies whose quarterly review is due (RULES §6); "Revisar…" opens the review of the
selected one.

For the window::

    dialog = ReviewsDueDialog(services, self)     # at start-up or from a menu
    dialog.exec()
    dialog.accepted_views   # PolicyView per review accepted from it → refresh show_policy()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from app.services.values import PolicyView, ReviewDue
from app.ui.policy_review_dialog import PolicyReviewDialog

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["ReviewsDueDialog"]


class ReviewsDueDialog(QDialog):
    """Policies whose quarterly review is due; "Revisar…" opens the review of the selected one."""

    HEADERS = ("Cliente", "Póliza", "Fecha de revisión")

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.due: list[ReviewDue] = []
        self.accepted_views: list[PolicyView] = []
        self.setObjectName("reviewsDueDialog")
        self.setWindowTitle("Pólizas por revisar")

        intro = QLabel(
            "Cada tres meses desde su inicio, la póliza se revisa con el cliente: eventos "
            "esperados contra reales y nuevos eventos sugeridos."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("reviewsDueTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.emptyLabel = QLabel("No hay pólizas por revisar.")
        self.emptyLabel.setObjectName("reviewsDueEmpty")
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.reviewButton = QPushButton("Revisar…")
        self.reviewButton.setObjectName("reviewsDueReviewButton")
        self.reviewButton.setDefault(True)
        self.reviewButton.clicked.connect(self.open_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_: self.open_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reviewButton)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.emptyLabel, 1)
        layout.addLayout(bottom)
        self.resize(560, 340)
        self.refresh()

    def refresh(self) -> None:
        self.due = list(self.services.policies.due_for_review())
        self.table.setRowCount(len(self.due))
        for row, d in enumerate(self.due):
            texts = (d.client_name, f"P-{d.policy_id:06d}", f"{d.review_date:%d/%m/%Y}")
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.setVisible(bool(self.due))
        self.emptyLabel.setVisible(not self.due)
        if self.due:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.reviewButton.setEnabled(self.selected() is not None)

    def selected(self) -> ReviewDue | None:
        rows = self.table.selectionModel().selectedRows()
        return self.due[rows[0].row()] if rows and self.due else None

    def open_selected(self) -> PolicyView | None:
        """Open the selected policy's review (modal); the new version if it was accepted."""
        due = self.selected()
        if due is None:
            return None
        dialog = PolicyReviewDialog(self.services, due.policy_id, self, due.review_date)
        try:
            dialog.exec()
            accepted = dialog.accepted_view
        finally:
            dialog.deleteLater()
        if accepted is not None:
            self.accepted_views.append(accepted)
        self.refresh()
        return accepted
