"""The client list as a Qt table model that stays fast with 100,000 clients and more.

Typing in the search box must cost less than a frame, so no Python code runs per row per
keystroke: each client's searchable text is folded once into a NumPy index
(:mod:`app.ui.client_index`: folded keys, name order, signatures), a keystroke is a few
vectorised passes per word (:meth:`ClientIndex.keep`), and the view asks ``data()`` only for
the rows it paints. Typing on narrows the previous result. Other columns than the name are
folded when the advisor sorts by them. (A ``QSortFilterProxyModel`` would call a Python
``data()`` once per row on every keystroke.)

:func:`build_index` is plain NumPy on plain values — no Qt — so the composition root runs it on
a worker thread while the window stays responsive, and hands the result to :meth:`load`.
NumPy is imported then, not at start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.kernel.search import ClientColumns, fold_many, terms
from app.ui.client_index import (  # the index's pieces, re-exported for the window and tests
    ROWS,
    ClientIndex,
    PackedRows,
    PackedText,
    RowColumn,
    build_index,
    client_key,
    compact_ids,
    pack,
    packed_columns,
    packed_rows,
    preload,
)

__all__ = ["ClientIndex", "ClientTableModel", "PackedRows", "PackedText", "RowColumn",
           "build_index", "pack", "packed_columns", "preload"]  # fmt: skip

if TYPE_CHECKING:
    import numpy as np

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_FIELD = "\x1f"
_NO_PARENT = QModelIndex()
_BY_NAME = ((0, Qt.SortOrder.AscendingOrder), (0, Qt.SortOrder.DescendingOrder))
_DISPLAY_ROLE, _ID_ROLE = int(Qt.ItemDataRole.DisplayRole), int(ID_ROLE)


class ClientTableModel(QAbstractTableModel):
    HEADERS = ("Nombre", "Teléfono", "Ciudad", "RFC")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._set_columns(ClientColumns([], [], [], [], []), None)

    # -- loading --------------------------------------------------------------
    def _set_columns(self, columns: ClientColumns, index: ClientIndex | None) -> None:
        if len(columns) and packed_rows(columns) is None:
            columns = pack(columns)  # a few bytes per client, whatever the source
        self._ids: Sequence[int] = columns.ids
        self._display: list[Sequence[str]] = [
            columns.names,
            columns.phones,
            columns.cities,
            columns.rfcs,
        ]
        self._index = index
        self._sorts: dict[int, np.ndarray] = {}
        # Row order and visible rows: a range at first, NumPy index arrays once indexed.
        self._order: Any = range(len(self._ids))
        self._view: Any = self._order
        if index is not None:
            self._ordered()

    def load(self, columns: ClientColumns, index: ClientIndex | None = None) -> None:
        """Show these clients now (in the order given, or sorted when ``index`` is given,
        built by :func:`build_index` — on a worker thread); searching waits for the index."""
        self.beginResetModel()
        self._set_columns(columns, index)
        if self._query.strip():
            self._build()
        self.endResetModel()

    def build_index(self) -> None:
        """Build the search index here and now (the window builds it on a worker thread);
        rows take the accent-insensitive sort order then."""
        if self._index is not None:
            return
        self.layoutAboutToBeChanged.emit()
        self._build()
        self.layoutChanged.emit()

    def _build(self) -> None:
        if self._index is not None:
            return
        self._index = build_index(ClientColumns(self._ids, *self._display))
        self._ordered()

    def _ordered(self) -> None:
        import numpy as np

        self._order = (
            self._sorted(*self._sort)
            if self._sort is not None
            else np.arange(len(self._ids), dtype=ROWS)
        )
        self._refilter()

    def upsert(self, client_id: int, name: str, phone: str, city: str, rfc: str) -> None:
        """Add or update one client without reading the database again: its fields and its
        place in the index change, the other rows are only copied (a few tens of
        milliseconds at 1,000,000 clients, on the GUI thread)."""
        import numpy as np

        values = (name, phone, city, rfc)
        rows = packed_rows(ClientColumns(self._ids, *self._display))
        if rows is None:  # nothing loaded yet
            self.beginResetModel()
            self._set_columns(ClientColumns([client_id], *([v] for v in values)), None)
            self._build()
            self.endResetModel()
            return
        ids = np.asarray(self._ids)
        found = np.flatnonzero(ids == client_id)
        row = int(found[0]) if len(found) else len(ids)
        if not len(found):
            ids = compact_ids(np.append(ids.astype(np.int64), client_id))
        rows = rows.replaced(row, values)
        index = self._index
        if index is not None:
            index = index.placed(row, client_key(rows, row))
        self.beginResetModel()
        self._set_columns(ClientColumns(cast("Sequence[int]", ids), *rows.columns()), index)
        if self._query.strip():
            self._build()
        self.endResetModel()

    def texts(self) -> PackedRows | None:
        """The clients' texts as the list holds them (None before any is loaded)."""
        return packed_rows(ClientColumns(self._ids, *self._display)) if self.total else None

    def hold_texts(self, rows: PackedRows, held: PackedRows) -> bool:
        """Hold the same texts another way (``rows.compressed()``, made on a worker thread)
        — unless the list changed meanwhile. Nothing to repaint: the cells read alike."""
        if self.texts() is not rows or len(held) != len(rows):
            return False
        self._display = list(held.columns())
        return True

    def hold_commons(self, index: ClientIndex, commons: tuple[tuple[bytes, Any], ...]) -> bool:
        """Search with these common words' marks (``client_index.common_words(index)``, made
        on a worker thread) — unless the list changed meanwhile. The rows found are the same,
        only found sooner."""
        if self._index is not index:
            return False
        self._index = replace(index, commons=commons)
        return True

    # -- searching and sorting ------------------------------------------------
    def set_query(self, text: str) -> None:
        old, new = " ".join(terms(self._query)), " ".join(terms(text))
        self._query = text
        if old == new and self._index is not None:
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

        index = self._index
        words = terms(self._query)
        if not words or index is None or not len(index.keys):
            self._view = self._order
            return
        by_name = self._sort in _BY_NAME
        few = already is not None and len(self._view) * 4 < len(index.keys)
        rows = np.asarray(self._order)
        if already is not None and (few or not by_name):
            # the rows shown all hold the words searched already: the new ones, on them
            words = [w for i, w in enumerate(words) if i >= len(already) or w != already[i]]
            rows = np.asarray(self._view)
        needles = [w.encode() for w in words]
        if few:
            self._view = rows[index.keep(needles, index.rank[rows])]
        elif by_name:  # the positions found, in name order, are the rows in order
            found = np.flatnonzero(index.keep(needles))
            self._view = index.by_name[found if self._sort == _BY_NAME[0] else found[::-1]]
        else:
            self._view = rows[index.keep(needles)[index.rank[rows]]]

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        import numpy as np

        assert self._index is not None
        if column == 0:  # the keys start with the folded name
            ascending = self._index.by_name
        else:
            if column not in self._sorts:
                text = _FIELD.join(fold_many(self._display[column]))  # in bulk
                folded = np.array(text.encode().split(_FIELD.encode()), dtype=np.bytes_)
                self._sorts[column] = np.argsort(folded, kind="stable").astype(ROWS)
            ascending = self._sorts[column]
        return ascending if order == Qt.SortOrder.AscendingOrder else ascending[::-1]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self._sort = (column, order)
        if not len(self._ids):
            return  # nothing to sort yet; the order is applied when the index is built
        self.layoutAboutToBeChanged.emit()
        if self._index is None:
            self._build()  # sorts too
        else:
            self._ordered()
        self.layoutChanged.emit()

    # -- Qt model interface ---------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        # called for ~8 roles of every painted cell: plain int comparisons first
        if role == _DISPLAY_ROLE and index.isValid():
            return self._display[index.column()][self._view[index.row()]]
        if role == _ID_ROLE and index.isValid():
            return int(self._ids[self._view[index.row()]])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    # -- helpers for the window -----------------------------------------------
    def client_id(self, row: int) -> int | None:
        if 0 <= row < len(self._view):
            return int(self._ids[int(self._view[row])])
        return None

    def row_of(self, client_id: int) -> int | None:
        import numpy as np

        sources = np.flatnonzero(np.asarray(self._ids) == client_id)
        if not len(sources):
            return None
        rows = np.flatnonzero(np.asarray(self._view) == sources[0])
        return int(rows[0]) if len(rows) else None

    @property
    def total(self) -> int:
        return len(self._ids)

    @property
    def indexed(self) -> bool:
        return self._index is not None

    @property
    def search_index(self) -> ClientIndex | None:
        """The search index the list searches with (None until built)."""
        return self._index
