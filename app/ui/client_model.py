"""The client list as a Qt table model that stays fast with 100,000 clients.

Typing in the search box must cost less than a frame, so no Python code runs per row per
keystroke: each client's searchable text (name, phone, phone digits, city, RFC) is folded once
when the list loads (case and accents removed, in bulk) into a NumPy string array, a keystroke
is one vectorised ``np.strings.find`` per word, and the view asks ``data()`` only for the rows
it paints. Sorting by a column is a cached ``argsort`` of that column's folded text.
(A ``QSortFilterProxyModel`` would call a Python ``data()`` once per row on every keystroke.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.search import ClientColumns, fold, fold_many, terms

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_SEP = "\x1f"


def _digits_many(texts: Sequence[str]) -> list[str]:
    return re.sub(r"[^0-9\x1f]", "", _SEP.join(texts)).split(_SEP) if texts else []


class ClientTableModel(QAbstractTableModel):
    HEADERS = ("Nombre", "Teléfono", "Ciudad", "RFC")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._set_columns(ClientColumns([], [], [], [], []))
        self._query = ""

    # -- loading --------------------------------------------------------------
    def _set_columns(self, columns: ClientColumns) -> None:
        self._ids = np.asarray(columns.ids, dtype=np.int64)
        self._display: list[list[str]] = [
            list(columns.names),
            list(columns.phones),
            list(columns.cities),
            list(columns.rfcs),
        ]
        names, phones, cities, rfcs = self._display
        raw = [
            f"{n}{_SEP}{p}{_SEP}{c}{_SEP}{r}{_SEP}"
            for n, p, c, r in zip(names, phones, cities, rfcs, strict=True)
        ]
        folded = fold_many(raw)
        phone_digits = _digits_many(phones)
        self._keys = np.array(
            [k + d for k, d in zip(folded, phone_digits, strict=True)], dtype=np.str_
        )
        self._order = np.arange(len(self._ids))
        self._sorts: dict[int, np.ndarray] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._view = self._order

    def load(self, columns: ClientColumns) -> None:
        self.beginResetModel()
        self._set_columns(columns)
        self._refilter()
        self.endResetModel()

    def upsert(self, client_id: int, name: str, phone: str, city: str, rfc: str) -> None:
        """Add or update one client without reloading the list."""
        hits = np.flatnonzero(self._ids == client_id)
        cols = [list(c) for c in self._display]
        ids = self._ids.tolist()
        if len(hits):
            i = int(hits[0])
            for col, value in zip(cols, (name, phone, city, rfc), strict=True):
                col[i] = value
        else:
            ids.append(client_id)
            for col, value in zip(cols, (name, phone, city, rfc), strict=True):
                col.append(value)
        sort = self._sort
        self.beginResetModel()
        self._set_columns(ClientColumns(ids, *cols))
        self._sort = sort
        if sort is not None:
            self._order = self._sorted(*sort)
        self._refilter()
        self.endResetModel()

    # -- searching and sorting ------------------------------------------------
    def set_query(self, text: str) -> None:
        if fold(text) == fold(self._query):
            self._query = text
            return
        self._query = text
        self.beginResetModel()
        self._refilter()
        self.endResetModel()

    def _refilter(self) -> None:
        words = terms(self._query)
        if not words or not len(self._keys):
            self._view = self._order
            return
        mask = np.ones(len(self._keys), dtype=bool)
        for word in words:
            mask &= np.strings.find(self._keys, word) >= 0
        self._view = self._order[mask[self._order]]

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        if column not in self._sorts:
            folded = np.array(fold_many(self._display[column]), dtype=np.str_)
            self._sorts[column] = np.argsort(folded, kind="stable")
        ascending = self._sorts[column]
        return ascending if order == Qt.SortOrder.AscendingOrder else ascending[::-1]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._order = self._sorted(column, order)
        self._refilter()
        self.layoutChanged.emit()

    # -- Qt model interface ---------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        source = int(self._view[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.column()][source]
        if role == ID_ROLE:
            return int(self._ids[source])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    # -- helpers for the window -----------------------------------------------
    def client_id(self, row: int) -> int | None:
        if 0 <= row < len(self._view):
            return int(self._ids[self._view[row]])
        return None

    def row_of(self, client_id: int) -> int | None:
        source = np.flatnonzero(self._ids == client_id)
        if not len(source):
            return None
        rows = np.flatnonzero(self._view == source[0])
        return int(rows[0]) if len(rows) else None

    @property
    def total(self) -> int:
        return len(self._ids)
