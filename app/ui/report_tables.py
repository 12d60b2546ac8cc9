"""The tables beside the report's charts: a read-only model over immutable rows (text shown,
raw value for sorting) and a view whose selection — or the whole table — is copied as
tab-separated text (Ctrl+C, or the window's "Copiar tabla"), ready for a spreadsheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

__all__ = ["RAW_ROLE", "Cell", "CopyTable", "RowsModel"]

RAW_ROLE = Qt.ItemDataRole.UserRole + 1
#: one cell: its text, and the raw value it sorts by
Cell = tuple[str, Any]


class RowsModel(QAbstractTableModel):
    """Immutable rows of :data:`Cell`; columns in ``right`` are right-aligned (numbers)."""

    def __init__(
        self, headers: Sequence[str], right: Sequence[int] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.right = frozenset(right)
        self._rows: Sequence[Sequence[Cell]] = ()

    def set_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Show ``rows``, kept as given (not to be changed afterwards): a sequence that makes
        each row when asked makes only those shown (a few dozen of thousands)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        text, raw = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == RAW_ROLE:
            return raw
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column][0]


class CopyTable(QTableView):
    """A sortable, read-only table over a :class:`RowsModel`; Ctrl+C copies the selected rows
    (all rows when none is selected), with the header, as tab-separated text."""

    def __init__(self, model: RowsModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.rows = model
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(RAW_ROLE)
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        proxy.sort(-1)  # the report's own order until a header is clicked
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

    def as_text(self) -> str:
        """The rows shown (selected ones, else all) in the order shown, header first."""
        proxy = self.model()
        selected = sorted({i.row() for i in self.selectionModel().selectedRows()})
        rows = selected or list(range(proxy.rowCount()))
        lines = ["\t".join(self.rows.headers)]
        for r in rows:
            cells = (proxy.index(r, c).data() for c in range(proxy.columnCount()))
            lines.append("\t".join(str(x) for x in cells))
        return "\n".join(lines) + "\n"

    def copy(self) -> str:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        return text

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        super().keyPressEvent(event)
