"""The client list's texts, packed: a few bytes per client instead of a Python string
object per field (no Qt) — :class:`PackedText`, one column as one UTF-8 ``bytes``;
:class:`PackedRows`, the four texts of every client, compressed a chunk at a time (what the
list holds), each field a :class:`RowColumn`. Built on a worker thread at start-up
(:mod:`app.ui.client_index`), read for the painted cells."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:
    import numpy as np

__all__ = ["BLOCK", "COLUMNS", "PackedRows", "PackedText", "RowColumn"]

_FIELD = "\x1f"  # between a client's fields (never typed by a person)
_ROW = "\x1e"  # between clients
_FIELD_B, _ROW_B = _FIELD.encode(), _ROW.encode()
#: Rows folded per block: each C call then holds the interpreter for a few milliseconds only.
BLOCK = 4096


class _Packed(Sequence[str]):
    """Texts held packed: ``raw(lo, hi)`` gives fields ``lo`` to ``hi`` (excluded) as UTF-8
    separated by ``\x1f``, ``_field(i)`` decodes one; indexing and slicing on top of them."""

    __slots__ = ()

    def raw(self, lo: int, hi: int) -> bytes:
        raise NotImplementedError

    def _field(self, i: int) -> str:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            lo, hi, step = i.indices(len(self))
            if step != 1:
                return list(self)[i]
            return self.raw(lo, hi).decode().split(_FIELD) if hi > lo else []
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._field(i)

    def __iter__(self) -> Iterator[str]:
        return iter(self[0 : len(self)])


class PackedText(_Packed):
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

    def raw(self, lo: int, hi: int) -> bytes:
        """Fields ``lo`` to ``hi`` (excluded) as UTF-8, separated by ``\x1f``."""
        return self._blob[self._starts[lo] : self._starts[hi] - 1]

    def _field(self, i: int) -> str:
        return self._blob[self._starts[i] : self._starts[i + 1] - 1].decode()


class PackedRows:
    """The clients' four texts (name, phone, city, RFC) as UTF-8, each client's fields joined
    by ``\x1f``, the clients end to end separated by ``\x1e``, with where each client starts:
    one offset per client, not one per field. :meth:`column` gives each field as a
    ``Sequence[str]``.

    Built as one ``bytes`` (:meth:`from_columns`: what the search index is folded from);
    :meth:`compressed` gives the same texts held a chunk of :data:`CHUNK` clients at a time,
    compressed (``zlib``): what the list keeps once loaded. A painted cell then decompresses
    its chunk (~8 µs; the last :data:`CACHED` chunks and clients are kept). Names, phones and
    cities repeat a lot from one client to the next: at 100,000 clients of the benchmark the
    texts take 2.6 MiB instead of 5.6 (a real list compresses less)."""

    __slots__ = ("_blob", "_cache", "_chunks", "_painted", "_starts")

    def __init__(
        self, starts: np.ndarray, blob: bytes = b"", chunks: list[bytes] | None = None
    ) -> None:
        self._starts = starts  # client i is texts[starts[i] : starts[i + 1] - 1]
        self._blob = blob  # the texts (not compressed)
        self._chunks = chunks  # or chunk c: clients c * CHUNK … joined by ``\x1e``, compressed
        self._cache: dict[int, bytes] = {}  # chunks decompressed lately, oldest first
        self._painted: dict[int, list[str]] = {}  # clients' fields decoded lately

    @classmethod
    def from_columns(cls, columns: Sequence[Sequence[str]]) -> PackedRows:
        """The four columns' texts, a block of clients at a time (``\x1f`` in a text: a
        space, as :class:`PackedText` holds it)."""
        import numpy as np

        texts = [PackedText.from_texts(c) for c in columns]
        count = len(texts[0])
        parts, lengths = [], np.zeros(count + 1, dtype=np.int64)
        for lo in range(0, count, BLOCK):
            hi = min(lo + BLOCK, count)
            fields = (t.raw(lo, hi).split(_FIELD_B) for t in texts)
            rows = list(map(_FIELD_B.join, zip(*fields, strict=True)))
            parts.append(_ROW_B.join(rows))
            lengths[lo + 1 : hi + 1] = np.fromiter(map(len, rows), dtype=np.int64, count=hi - lo)
        blob = _ROW_B.join(parts)
        lengths[1:] += 1  # each client's separator
        starts = np.cumsum(lengths)
        starts[-1:] = len(blob) + 1  # (no clients: the one offset)
        return cls(_offsets(starts), blob)

    def compressed(self) -> PackedRows:
        """The same texts held compressed, a chunk of :data:`CHUNK` clients at a time (thread
        safe: a new object; ~1 s at 1,000,000 clients, on a worker)."""
        if self._chunks is not None:
            return self
        starts, count, blob = self._starts, len(self), self._blob
        bounds = [int(starts[min(c, count)]) for c in range(0, count + CHUNK, CHUNK)]
        chunks = [_compress(blob[a : b - 1]) for a, b in pairwise(bounds) if b > a]
        return PackedRows(starts, chunks=chunks)

    def __len__(self) -> int:
        return len(self._starts) - 1

    @property
    def nbytes(self) -> int:
        """What the texts take: the bytes (or the compressed chunks) and the offsets."""
        held = len(self._blob) if self._chunks is None else sum(map(len, self._chunks))
        return held + self._starts.nbytes

    def _chunk(self, c: int) -> bytes:
        """Chunk ``c`` decompressed (kept among the last :data:`CACHED`)."""
        text = self._cache.get(c)
        if text is None:
            assert self._chunks is not None
            text = zlib.decompress(self._chunks[c])
            if len(self._cache) >= CACHED:
                del self._cache[next(iter(self._cache))]
            self._cache[c] = text
        return text

    def _texts(self, lo: int, hi: int) -> tuple[bytes, int]:
        """Texts holding clients ``lo`` to ``hi`` (excluded; ``hi > lo``), and where they
        start among all the texts."""
        if self._chunks is None:
            return self._blob, 0
        first, last = lo // CHUNK, (hi - 1) // CHUNK
        if first == last:
            text = self._chunk(first)
        else:  # (many chunks: not kept)
            text = _ROW_B.join(map(zlib.decompress, self._chunks[first : last + 1]))
        return text, int(self._starts[first * CHUNK])

    def field(self, row: int, column: int) -> str:
        """One text, decoded (for a painted cell: the client's four are decoded at once and
        kept for the other cells of its row, with the last :data:`CACHED` clients')."""
        fields = self._painted.get(row)
        if fields is None:
            text, base = self._texts(row, row + 1)
            a, b = int(self._starts[row]) - base, int(self._starts[row + 1]) - 1 - base
            fields = text[a:b].decode().split(_FIELD)
            if len(self._painted) >= CACHED:
                del self._painted[next(iter(self._painted))]
            self._painted[row] = fields
        return fields[column]

    def block(self, lo: int, hi: int) -> bytes:
        """Clients ``lo`` to ``hi`` (excluded) as they are held: their fields separated by
        ``\x1f``, the clients by ``\x1e`` (which a text may hold too: count them)."""
        if hi <= lo:
            return b""
        text, base = self._texts(lo, hi)
        return text[int(self._starts[lo]) - base : int(self._starts[hi]) - 1 - base]

    def raw(self, lo: int, hi: int) -> list[bytes]:
        """Clients ``lo`` to ``hi`` (excluded): each column's texts as UTF-8, separated by
        ``\x1f`` (as :meth:`PackedText.raw`) — a Python loop over the clients."""
        starts = self._starts[lo : hi + 1].tolist()
        text, base = self.block(lo, hi), starts[0]
        rows = [text[a - base : b - 1 - base].split(_FIELD_B) for a, b in pairwise(starts)]
        if not rows:
            return [b""] * len(COLUMNS)
        return list(map(_FIELD_B.join, zip(*rows, strict=True)))

    def column(self, column: int) -> RowColumn:
        return RowColumn(self, column)

    def columns(self) -> list[RowColumn]:
        return [RowColumn(self, c) for c in range(len(COLUMNS))]

    def replaced(self, row: int, texts: Sequence[str]) -> PackedRows:
        """The same clients with client ``row``'s texts set (``row == len(self)``: one client
        more), held the same way — a copy of the bytes, or only that client's chunk
        compressed again; no Python string per client."""
        import numpy as np

        value = _FIELD.join(t.replace(_FIELD, " ") for t in texts).encode()
        count, starts = len(self), self._starts.astype(np.int64)
        if self._chunks is None:
            text, base, chunks = self._blob, 0, None
        else:
            c, chunks = row // CHUNK, list(self._chunks)
            base = int(starts[c * CHUNK]) if count else 0
            text = self._chunk(c) if c < len(chunks) else b""
        a = int(starts[row]) - base if row < count else len(text) + bool(text)
        b = int(starts[row + 1]) - 1 - base if row < count else len(text)
        text = text[:a] + (_ROW_B if a > b else b"") + value + text[b:]
        if row < count:
            starts[row + 1 :] += len(value) - (b - a)
        else:
            starts = np.append(np.minimum(starts, a + base), a + base + len(value) + 1)
            starts[0] = 0
        if chunks is None:
            return PackedRows(_offsets(starts), text)
        chunks[c : c + 1] = [_compress(text)]
        return PackedRows(_offsets(starts), chunks=chunks)


#: Clients per compressed chunk of a :class:`PackedRows` (:data:`BLOCK` is a multiple).
CHUNK = 32
#: Decompressed chunks (~1.7 KB each) and decoded clients a :class:`PackedRows` keeps: a
#: screenful of scattered search results.
CACHED = 64


def _compress(text: bytes) -> bytes:
    return zlib.compress(text, 1)  # (level 1: ~8 % larger than 6, twice as fast)


def _offsets(starts: np.ndarray) -> np.ndarray:
    """Offsets in 4 bytes each while they fit, else 8."""
    import numpy as np

    return starts.astype(np.int32 if int(starts[-1]) < 2**31 - 1 else np.int64)


#: The texts a :class:`PackedRows` holds per client, in order.
COLUMNS = ("name", "phone", "city", "rfc")


class RowColumn(_Packed):
    """One field of every client of a :class:`PackedRows` (``texts[i]`` decodes one)."""

    __slots__ = ("rows", "slot")

    def __init__(self, rows: PackedRows, slot: int) -> None:
        self.rows = rows
        self.slot = slot  # which field: 0 name, 1 phone, 2 city, 3 RFC

    def __len__(self) -> int:
        return len(self.rows)

    def raw(self, lo: int, hi: int) -> bytes:
        """Fields ``lo`` to ``hi`` (excluded) as UTF-8, separated by ``\x1f``."""
        return self.rows.raw(lo, hi)[self.slot]

    def _field(self, i: int) -> str:
        return self.rows.field(i, self.slot)
