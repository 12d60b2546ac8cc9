"""The client list as a Qt table model that stays fast with 100,000 clients.

Typing in the search box must cost less than a frame, so no Python code runs per row per
keystroke: each client's searchable text (name, phone, phone digits, city, RFC) is folded once
(case and accents removed, in bulk) into a NumPy string array, a keystroke is one vectorised
``np.strings.find`` per word, and the view asks ``data()`` only for the rows it paints. Sorting
by a column is a cached ``argsort`` of that column's folded text. (A ``QSortFilterProxyModel``
would call a Python ``data()`` once per row on every keystroke.)

Loading only stores the columns, so the list shows at once; the search index is built just
after (``build_index``), or on the first keystroke if that comes first. NumPy is imported then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.kernel.search import ClientColumns, fold_many, terms

if TYPE_CHECKING:
    import numpy as np

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_SEP = "\x1f"
_NO_PARENT = QModelIndex()


def _digits_many(texts: Sequence[str]) -> list[str]:
    return re.sub(r"[^0-9\x1f]", "", _SEP.join(texts)).split(_SEP) if texts else []


class ClientTableModel(QAbstractTableModel):
    HEADERS = ("Nombre", "Teléfono", "Ciudad", "RFC")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._set_columns(ClientColumns([], [], [], [], []))

    # -- loading --------------------------------------------------------------
    def _set_columns(self, columns: ClientColumns) -> None:
        self._ids: list[int] = list(columns.ids)
        self._display: list[list[str]] = [
            list(columns.names),
            list(columns.phones),
            list(columns.cities),
            list(columns.rfcs),
        ]
        self._keys: np.ndarray | None = None  # built by build_index()
        self._sorts: dict[int, np.ndarray] = {}
        # Row order and visible rows: a range at first, NumPy index arrays once indexed.
        self._order: Any = range(len(self._ids))
        self._view: Any = self._order

    def load(self, columns: ClientColumns) -> None:
        """Show these clients now (in the order given); searching waits for the index."""
        self.beginResetModel()
        self._set_columns(columns)
        if self._query.strip():
            self._build()
        self.endResetModel()

    def build_index(self) -> None:
        """Fold every client's searchable text into a NumPy array (once per load); rows take
        the accent-insensitive sort order then."""
        if self._keys is not None:
            return
        self.layoutAboutToBeChanged.emit()
        self._build()
        self.layoutChanged.emit()

    def _build(self) -> None:
        if self._keys is not None:
            return
        import numpy as np

        names, phones, cities, rfcs = self._display
        raw = [
            f"{n}{_SEP}{p}{_SEP}{c}{_SEP}{r}{_SEP}"
            for n, p, c, r in zip(names, phones, cities, rfcs, strict=True)
        ]
        folded = fold_many(raw)
        digits = _digits_many(phones)
        self._keys = np.array([k + d for k, d in zip(folded, digits, strict=True)], dtype=np.str_)
        self._order = (
            self._sorted(*self._sort) if self._sort is not None else np.arange(len(self._ids))
        )
        self._refilter()

    def upsert(self, client_id: int, name: str, phone: str, city: str, rfc: str) -> None:
        """Add or update one client without reading the database again."""
        cols = [list(c) for c in self._display]
        ids = list(self._ids)
        values = (name, phone, city, rfc)
        if client_id in ids:
            i = ids.index(client_id)
            for col, value in zip(cols, values, strict=True):
                col[i] = value
        else:
            ids.append(client_id)
            for col, value in zip(cols, values, strict=True):
                col.append(value)
        self.beginResetModel()
        self._set_columns(ClientColumns(ids, *cols))
        self._build()
        self.endResetModel()

    # -- searching and sorting ------------------------------------------------
    def set_query(self, text: str) -> None:
        old, new = " ".join(terms(self._query)), " ".join(terms(text))
        self._query = text
        if old == new and self._keys is not None:
            return
        self.beginResetModel()
        self._build()
        # Typing on narrows the previous result: only its rows, and only the words that
        # changed, need searching again.
        self._refilter(already=old.split() if old and new.startswith(old) else None)
        self.endResetModel()

    def _refilter(self, already: list[str] | None = None) -> None:
        """Filter by the query's words; ``already``: words the current rows all contain."""
        import numpy as np

        words = terms(self._query)
        if not words or self._keys is None or not len(self._keys):
            self._view = self._order
            return
        narrow = already is not None
        if already is not None:
            words = [w for i, w in enumerate(words) if i >= len(already) or w != already[i]]
        rows = np.asarray(self._view if narrow else self._order)
        if narrow and len(rows) * 4 < len(self._keys):
            # few candidates: search only their keys
            mask = np.ones(len(rows), dtype=bool)
            keys = self._keys[rows]
            for word in words:
                mask &= np.strings.find(keys, word) >= 0
            self._view = rows[mask]
            return
        mask = np.ones(len(self._keys), dtype=bool)
        for word in words:
            mask &= np.strings.find(self._keys, word) >= 0
        self._view = rows[mask[rows]]

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        import numpy as np

        if column not in self._sorts:
            folded = np.array(fold_many(self._display[column]), dtype=np.str_)
            self._sorts[column] = np.argsort(folded, kind="stable")
        ascending = self._sorts[column]
        return ascending if order == Qt.SortOrder.AscendingOrder else ascending[::-1]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self._sort = (column, order)
        if not self._ids:
            return  # nothing to sort yet; the order is applied when the index is built
        self.layoutAboutToBeChanged.emit()
        if self._keys is None:
            self._build()  # sorts too
        else:
            self._order = self._sorted(column, order)
            self._refilter()
        self.layoutChanged.emit()

    # -- Qt model interface ---------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        source = int(self._view[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.column()][source]
        if role == ID_ROLE:
            return self._ids[source]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    # -- helpers for the window -----------------------------------------------
    def client_id(self, row: int) -> int | None:
        if 0 <= row < len(self._view):
            return self._ids[int(self._view[row])]
        return None

    def row_of(self, client_id: int) -> int | None:
        if client_id not in self._ids:
            return None
        source = self._ids.index(client_id)
        for row, src in enumerate(self._view):
            if int(src) == source:
                return row
        return None

    @property
    def total(self) -> int:
        return len(self._ids)

    @property
    def indexed(self) -> bool:
        return self._keys is not None
