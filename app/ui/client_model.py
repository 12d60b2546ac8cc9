"""The client list as a Qt table model that stays fast with 100,000 clients and more.

Typing in the search box must cost less than a frame, so no Python code runs per row per
keystroke: each client's searchable text (name, phone, phone digits, city, RFC) is folded once
(case and accents removed, in bulk, a block of rows at a time) into one NumPy *bytes* array
(UTF-8, a byte per letter for Spanish names: a quarter of a ``<U`` array), a keystroke is one
vectorised ``np.strings.find`` per word, and the view asks ``data()`` only for the rows it
paints. The folded text starts with the name, so the accent-insensitive name order is one
``argsort`` of that same array; other columns are folded when the advisor sorts by them.
(A ``QSortFilterProxyModel`` would call a Python ``data()`` once per row on every keystroke.)

:func:`build_index` is plain NumPy on plain values — no Qt — so the composition root runs it on
a worker thread while the window stays responsive, and hands the result to :meth:`load`.
Each block is a few C calls of a few milliseconds, so the GUI thread gets the interpreter back
often. NumPy is imported then, not at start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any, cast, overload

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.kernel.search import ClientColumns, fold, fold_many, terms

if TYPE_CHECKING:
    import numpy as np

    from app.services.client_list import ClientBlobs

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_FIELD = "\x1f"  # between a client's fields (never typed by a person)
_ROW = "\x1e"  # between clients
_NO_PARENT = QModelIndex()
#: Row numbers (sort orders, the rows shown): 4 bytes each.
_ROWS = "int32"
#: Rows folded per block: each C call then holds the interpreter for a few milliseconds only.
BLOCK = 4096


_NOT_DIGITS = bytes(b for b in range(256) if not (48 <= b <= 57 or b == 0x1F))


class PackedText(Sequence[str]):
    """A column of texts held as one UTF-8 ``bytes`` and the offset of each field — a few
    bytes per client instead of a Python string object each (a quarter of the memory, and no
    garbage for the collector to walk). ``texts[i]`` decodes one field, for the rows painted;
    a slice decodes a block at once."""

    __slots__ = ("_blob", "_starts")

    def __init__(self, blob: bytes, starts: np.ndarray) -> None:
        self._blob = blob
        self._starts = starts  # field i is blob[starts[i] : starts[i + 1] - 1]

    @classmethod
    def from_blob(cls, blob: bytes, count: int) -> PackedText | None:
        """``count`` fields separated by ``\\x1f`` (None when the count does not match)."""
        import numpy as np

        if count == 0:
            return cls(b"", np.array([1], dtype=np.int64))
        seps = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 0x1F)
        if len(seps) != count - 1:
            return None
        starts = np.empty(count + 1, dtype=np.int32 if len(blob) < 2**31 - 1 else np.int64)
        starts[0], starts[1:-1], starts[-1] = 0, seps + 1, len(blob) + 1
        return cls(blob, starts)

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> PackedText:
        if isinstance(texts, PackedText):
            return texts
        blob = _FIELD.join(t.replace(_FIELD, " ") for t in texts).encode()
        packed = cls.from_blob(blob, len(texts))
        assert packed is not None
        return packed

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            lo, hi, step = i.indices(len(self))
            if step != 1:
                return list(self)[i]
            return self.joined(lo, hi).split(_FIELD) if hi > lo else []
        if i < 0:
            i += len(self)
        return self._blob[self._starts[i] : self._starts[i + 1] - 1].decode()

    def joined(self, lo: int, hi: int) -> str:
        """Fields ``lo`` to ``hi`` (excluded) as one string, separated by ``\\x1f``."""
        return self._blob[self._starts[lo] : self._starts[hi] - 1].decode()

    def __iter__(self) -> Iterator[str]:
        return iter(self[0 : len(self)])


def packed_columns(blobs: ClientBlobs) -> ClientColumns | None:
    """Columns over SQLite's one-row answer, packed (no Python string per field); None when a
    text held the separator itself (the services then read the clients row by row)."""
    import numpy as np

    digits = np.frombuffer(blobs.ids, dtype=np.uint8).reshape(-1, 10) - ord("0")
    ids = digits.astype(np.int64) @ 10 ** np.arange(9, -1, -1, dtype=np.int64)  # no parsing
    texts = [
        PackedText.from_blob(blob, blobs.count)
        for blob in (blobs.names, blobs.phones, blobs.cities, blobs.rfcs)
    ]
    if len(ids) != blobs.count or any(t is None for t in texts):
        return None
    return ClientColumns(cast("Sequence[int]", ids), *cast("list[PackedText]", texts))


def pack(columns: ClientColumns) -> ClientColumns:
    """The same columns, packed (ids as a NumPy array, texts as :class:`PackedText`)."""
    import numpy as np

    ids = np.asarray(columns.ids, dtype=np.int64)
    texts = (columns.names, columns.phones, columns.cities, columns.rfcs)
    return ClientColumns(cast("Sequence[int]", ids), *map(PackedText.from_texts, texts))


def preload() -> None:
    """Import NumPy now (a worker thread at start-up does, so the GUI thread never waits)."""
    import numpy  # noqa: F401


@dataclass(frozen=True)
class ClientIndex:
    """The search keys of a :class:`ClientColumns`, row for row, and the rows in name order."""

    keys: np.ndarray  # bytes (``S``): folded "name␟phone␟city␟rfc␟digits", UTF-8
    by_name: np.ndarray  # row numbers, accent-insensitive name order


def _block_keys(names: Sequence[str], phones: Sequence[str], cities: Sequence[str],
                rfcs: Sequence[str]) -> list[bytes]:  # fmt: skip
    """Folded keys of a block of clients: a few C calls over the block, no loop per row."""
    joined = _ROW.join(map(_FIELD.join, zip(names, phones, cities, rfcs, repeat(""))))
    folded = fold_many([joined])[0].encode().split(_ROW.encode())
    digits = _FIELD.join(phones).encode().translate(None, _NOT_DIGITS).split(_FIELD.encode())
    if len(folded) == len(digits) == len(names) and joined.count(_FIELD) == 4 * len(names):
        return list(map(bytes.__add__, folded, digits))
    # a text held a separator itself: fold that block row by row (never in practice)
    return [
        (
            _FIELD.join(fold(v.replace(_FIELD, " ").replace(_ROW, " ")) for v in row) + _FIELD
        ).encode()
        + "".join(c for c in row[1] if c.isascii() and c.isdigit()).encode()
        for row in zip(names, phones, cities, rfcs, strict=True)
    ]


def build_index(columns: ClientColumns) -> ClientIndex:
    """Fold every client's searchable text (thread-safe: no Qt)."""
    import numpy as np

    blocks = [
        np.array(
            _block_keys(*(c[lo : lo + BLOCK] for c in (columns.names, columns.phones,
                                                       columns.cities, columns.rfcs))),
            dtype=np.bytes_,
        )
        for lo in range(0, len(columns), BLOCK)
    ]  # fmt: skip
    keys = np.concatenate(blocks) if blocks else np.array([], dtype=np.bytes_)
    return ClientIndex(keys, np.argsort(keys, kind="stable").astype(_ROWS))


class ClientTableModel(QAbstractTableModel):
    HEADERS = ("Nombre", "Teléfono", "Ciudad", "RFC")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._set_columns(ClientColumns([], [], [], [], []), None)

    # -- loading --------------------------------------------------------------
    def _set_columns(self, columns: ClientColumns, index: ClientIndex | None) -> None:
        if len(columns) and not isinstance(columns.names, PackedText):
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
            else np.arange(len(self._ids), dtype=_ROWS)
        )
        self._refilter()

    def upsert(self, client_id: int, name: str, phone: str, city: str, rfc: str) -> None:
        """Add or update one client without reading the database again."""
        cols = [list(c) for c in self._display]
        ids = [int(i) for i in self._ids]
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
        self._set_columns(ClientColumns(ids, *cols), None)
        self._build()
        self.endResetModel()

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

        words = terms(self._query)
        if not words or self._index is None or not len(self._index.keys):
            self._view = self._order
            return
        keys = self._index.keys
        narrow = already is not None
        if already is not None:
            words = [w for i, w in enumerate(words) if i >= len(already) or w != already[i]]
        needles = [w.encode() for w in words]
        rows = np.asarray(self._view if narrow else self._order)
        if narrow and len(rows) * 4 < len(keys):
            # few candidates: search only their keys
            mask = np.ones(len(rows), dtype=bool)
            some = keys[rows]
            for needle in needles:
                mask &= np.strings.find(some, needle) >= 0
            self._view = rows[mask]
            return
        mask = np.ones(len(keys), dtype=bool)
        for needle in needles:
            mask &= np.strings.find(keys, needle) >= 0
        self._view = rows[mask[rows]]

    def _sorted(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        import numpy as np

        assert self._index is not None
        if column == 0:  # the keys start with the folded name
            ascending = self._index.by_name
        else:
            if column not in self._sorts:
                text = _FIELD.join(fold_many(self._display[column]))  # in bulk
                folded = np.array(text.encode().split(_FIELD.encode()), dtype=np.bytes_)
                self._sorts[column] = np.argsort(folded, kind="stable").astype(_ROWS)
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
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[index.column()][self._view[index.row()]]
        if role == ID_ROLE:
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
