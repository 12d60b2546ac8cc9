"""Ajustes → Asesores: add, retire and reactivate advisors (at once, not on "Guardar")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.kit.layout import hint
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation
from app.ui.new_advisor_dialog import NewAdvisorDialog

if TYPE_CHECKING:
    from app.services.clients import ClientService
    from app.services.values import AdvisorView

__all__ = ["AdvisorsTab"]


class AdvisorsTab(QWidget):
    """The advisors, active or retired; ``changed`` tells whether any was added or changed."""

    def __init__(
        self,
        clients: ClientService,
        current_advisor_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._clients = clients
        self.current_advisor_id = current_advisor_id
        self.changed = False
        self.advisorTable = QTableWidget(0, 2)
        self.advisorTable.setObjectName("advisorTable")
        self.advisorTable.setHorizontalHeaderLabels(["Asesor", "Estado"])
        self.advisorTable.verticalHeader().hide()
        self.advisorTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.advisorTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.advisorTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.advisorTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.advisorTable.itemSelectionChanged.connect(self._update_buttons)

        self.addAdvisorButton = QPushButton("Agregar asesor…")
        self.addAdvisorButton.setObjectName("addAdvisorButton")
        self.addAdvisorButton.clicked.connect(lambda: self.add_advisor())
        self.retireAdvisorButton = QPushButton("Dar de baja")
        self.retireAdvisorButton.setObjectName("retireAdvisorButton")
        self.retireAdvisorButton.clicked.connect(lambda: self.set_selected_active(False))
        self.reactivateAdvisorButton = QPushButton("Reactivar")
        self.reactivateAdvisorButton.setObjectName("reactivateAdvisorButton")
        self.reactivateAdvisorButton.clicked.connect(lambda: self.set_selected_active(True))
        self.advisorError = field_error("advisorError")

        buttons = QHBoxLayout()
        buttons.addWidget(self.addAdvisorButton)
        buttons.addStretch(1)
        buttons.addWidget(self.retireAdvisorButton)
        buttons.addWidget(self.reactivateAdvisorButton)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "Los cambios de esta pestaña se aplican de inmediato. Un asesor dado de baja ya "
                "no puede iniciar sesiones; sus sesiones y recibos anteriores conservan su nombre."
            )
        )
        layout.addWidget(self.advisorTable, 1)
        layout.addWidget(self.advisorError)
        layout.addLayout(buttons)
        self.load_advisors()

    def show_error(self, message: str) -> None:
        self.advisorError.show_message(message)

    def load_advisors(self, select_id: int | None = None) -> None:
        advisors = self._clients.advisors(include_inactive=True)
        table = self.advisorTable
        table.setRowCount(len(advisors))
        for row, advisor in enumerate(advisors):
            name = advisor.name
            if advisor.id == self.current_advisor_id:
                name += " (usted)"
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, advisor)
            state = QTableWidgetItem("Activo" if advisor.active else "Dado de baja")
            if not advisor.active:
                for cell in (item, state):
                    cell.setForeground(Qt.GlobalColor.darkGray)
            table.setItem(row, 0, item)
            table.setItem(row, 1, state)
            if advisor.id == select_id:
                table.selectRow(row)
        self._update_buttons()

    def selected_advisor(self) -> AdvisorView | None:
        rows = self.advisorTable.selectionModel().selectedRows()
        if not rows:
            return None
        return self._advisor_at(rows[0].row())

    def _advisor_at(self, row: int) -> AdvisorView | None:
        item = self.advisorTable.item(row, 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select_advisor(self, advisor_id: int) -> None:
        for row in range(self.advisorTable.rowCount()):
            advisor = self._advisor_at(row)
            if advisor is not None and advisor.id == advisor_id:
                self.advisorTable.selectRow(row)
                return

    def _update_buttons(self) -> None:
        advisor = self.selected_advisor()
        is_me = advisor is not None and advisor.id == self.current_advisor_id
        self.retireAdvisorButton.setEnabled(advisor is not None and advisor.active and not is_me)
        self.retireAdvisorButton.setToolTip(
            "No puede darse de baja a sí mismo; pídalo a otro asesor." if is_me else ""
        )
        self.reactivateAdvisorButton.setEnabled(advisor is not None and not advisor.active)

    def add_advisor(self) -> AdvisorView | None:
        dialog = NewAdvisorDialog(self._clients.create_advisor, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        created = dialog.created
        dialog.deleteLater()
        if not accepted or created is None:
            return None
        self.changed = True
        self.show_error("")
        self.load_advisors(select_id=created.id)
        return created

    def set_selected_active(self, active: bool) -> AdvisorView | None:
        advisor = self.selected_advisor()
        if advisor is None:
            return None
        if not active and advisor.id == self.current_advisor_id:
            self.show_error(
                "No puede darse de baja a sí mismo mientras usa la aplicación; "
                "pídalo a otro asesor."
            )
            return None
        changed = Operation(
            self, lambda: self._clients.set_advisor_active(advisor.id, active)
        ).run()
        if changed is None:
            return None
        self.changed = True
        self.load_advisors(select_id=changed.id)
        return changed
