"""The client list's data and search index, plain NumPy on plain values (no Qt): built on a
worker thread at start-up, searched on every keystroke by :mod:`app.ui.client_model`.

- :func:`packed_columns`, :func:`pack`: the clients' texts packed (:mod:`app.ui.client_texts`:
  :class:`PackedRows`, compressed a chunk at a time, one offset per client).
- :func:`build_index`: each client's searchable text (name, city, RFC, the phone's digits: a
  phone typed with its marks is searched as its digits, ``kernel.search.terms``),
  folded (case and accents removed: ``kernel.search.fold_utf8``, one ``bytes.translate`` per
  block for Latin-1 text) into one NumPy *bytes* array as wide as all but the longest few need
  (those kept whole beside), the rows in accent-insensitive name order, and a *signature* per
  client (:mod:`app.ui.client_signer`): which letters, letter pairs and triples (hashed) its
  text holds, 40 bytes stored column by column.
- :meth:`ClientIndex.keep`: a word's signature bits are checked on a few one-byte columns (a
  fast pass over the rows), and only the rows that pass are searched for the word itself
  (``np.strings.find``); a one-letter or one-digit word needs no search at all. Nor do the
  rows holding a *common word* the searched one is part of (the area code "228", the city:
  :func:`common_words`, marked once, one bit a row, on a worker once the list is shown).

Each block of rows is a few C calls of a few milliseconds, so the GUI thread gets the
interpreter back often while a worker builds the index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, cast

from app.kernel.search import ClientColumns, fold_joined, fold_utf8
from app.ui.client_signer import SIGNATURE_BYTES, Signer
from app.ui.client_texts import BLOCK, PackedRows, PackedText, RowColumn

__all__ = ["ClientIndex", "PackedRows", "PackedText", "RowColumn", "build_index", "pack"]

if TYPE_CHECKING:
    import numpy as np

    from app.services.client_list import ClientBlobs

_FIELD = "\x1f"  # between a client's fields (never typed by a person)
_ROW = "\x1e"  # between clients
#: Row numbers (sort orders, the rows shown): 4 bytes each.
ROWS = "int32"
_NOT_DIGITS = bytes(b for b in range(256) if not (48 <= b <= 57 or b == 0x1F))


def packed_columns(blobs: ClientBlobs) -> ClientColumns | None:
    """Columns over SQLite's one-row answer, packed (no Python string per field); None when a
    text held the separator itself (the services then read the clients row by row)."""
    import numpy as np

    digits = np.frombuffer(blobs.ids, dtype=np.uint8).reshape(-1, 10) - ord("0")
    ids = compact_ids(digits.astype(np.int64) @ 10 ** np.arange(9, -1, -1, dtype=np.int64))
    texts = [
        PackedText.from_blob(blob, blobs.count)
        for blob in (blobs.names, blobs.phones, blobs.cities, blobs.rfcs)
    ]
    if len(ids) != blobs.count or any(t is None for t in texts):
        return None
    rows = PackedRows.from_columns(cast("list[PackedText]", texts))
    return ClientColumns(cast("Sequence[int]", ids), *rows.columns())


def pack(columns: ClientColumns) -> ClientColumns:
    """The same columns, packed (ids as a NumPy array, texts as one :class:`PackedRows`)."""
    import numpy as np

    if packed_rows(columns) is not None and isinstance(columns.ids, np.ndarray):
        return columns
    ids = compact_ids(np.asarray(columns.ids, dtype=np.int64))
    texts = (columns.names, columns.phones, columns.cities, columns.rfcs)
    return ClientColumns(cast("Sequence[int]", ids), *PackedRows.from_columns(texts).columns())


def packed_rows(columns: ClientColumns) -> PackedRows | None:
    """The :class:`PackedRows` behind these columns, if they are its four columns."""
    texts = (columns.names, columns.phones, columns.cities, columns.rfcs)
    if not all(isinstance(t, RowColumn) for t in texts):
        return None
    rows = cast("RowColumn", columns.names).rows
    same = all(
        t.rows is rows and t.slot == i for i, t in enumerate(cast("tuple[RowColumn, ...]", texts))
    )
    return rows if same else None


def compact_ids(ids: np.ndarray) -> np.ndarray:
    """Ids in 4 bytes each when they fit (they always do in practice), else 8."""
    import numpy as np

    return ids.astype(np.int32) if not len(ids) or ids.max() < 2**31 else ids


def preload() -> None:
    """Import NumPy now (a worker thread at start-up does, so the GUI thread never waits)."""
    import numpy  # noqa: F401


@dataclass(frozen=True)
class ClientIndex:
    """The search keys of a :class:`ClientColumns` and their signatures, both in
    accent-insensitive name order: position ``p`` is row ``by_name[p]``, row ``r`` is at
    position ``rank[r]``.

    The keys are one fixed-width array, as wide as all but the longest few (one row in
    :data:`LONG_SHARE`) need: a single long name would otherwise widen every row (and one
    client added with a 200-character name, 1,000,000 rows to 200 bytes each). The rows cut
    (:attr:`long_rows`) keep their whole key beside (:attr:`long_keys`), where a searched word
    is looked for too."""

    keys: np.ndarray  # bytes (``S``): folded "name␟city␟rfc␟digits", UTF-8, cut
    by_name: np.ndarray  # row numbers, accent-insensitive name order
    rank: np.ndarray  # each row's position in name order
    signatures: np.ndarray  # uint8 (SIGNATURE_BYTES, rows): byte j of every signature
    signer: Signer  # how the signatures were made (and a searched word's is made)
    long_rows: np.ndarray  # the rows whose key is cut, ascending
    long_keys: np.ndarray  # their whole keys (``S``), likewise
    #: Words many clients hold (:func:`common_words`), each with the positions whose key
    #: holds it (a bit each, ``np.packbits``): a searched word part of one is held there.
    commons: tuple[tuple[bytes, np.ndarray], ...] = ()

    def key(self, position: int) -> bytes:
        """The whole key at a position in name order."""
        import numpy as np

        row = int(self.by_name[position])
        slot = int(np.searchsorted(self.long_rows, row))
        if slot < len(self.long_rows) and self.long_rows[slot] == row:
            return bytes(self.long_keys[slot])
        return bytes(self.keys[position])

    def keep(self, words: Sequence[bytes], at: np.ndarray | None = None) -> np.ndarray:
        """Which positions (all, or those ``at``) hold every folded word: a boolean each."""
        import numpy as np

        count = len(self.keys) if at is None else len(at)
        ok = np.ones(count, dtype=bool)
        for word in words:
            for column, bits in self.signer.bits(word):
                values = self.signatures[column]
                if at is not None:
                    values = values[at]
                ok &= (values & bits) == bits
        # the signatures may say yes by chance: the words themselves looked for, one at a
        # time on the rows still in (but not where a common word holding it lies)
        for word in (w for w in words if not self.signer.exact(w)):
            found = np.flatnonzero(ok)
            where = found if at is None else at[found]
            sure = self._surely_held(word)
            if sure is not None:
                unsure = ~sure[where]
                found, where = found[unsure], where[unsure]
            if at is None and len(found) * _DENSE > count:
                # most rows: searched where they lie — their copy cost more than the search
                # (at 1,000,000 clients 75 MB, new pages each keystroke: ~130 ms against ~40)
                hit = (np.strings.find(self.keys, word) >= 0)[found]
            else:
                hit = np.strings.find(self.keys[where], word) >= 0
            past = self._held_past_the_cut([word], where) if len(self.long_rows) else None
            if past is not None:
                hit |= past
            ok[found[~hit]] = False
        return ok

    def _surely_held(self, word: bytes) -> np.ndarray | None:
        """The positions whose key holds a common word ``word`` is part of (so ``word``
        too): a boolean each; None: ``word`` is part of none."""
        import numpy as np

        marks = [bits for common, bits in self.commons if word in common]
        if not marks:
            return None
        bits = marks[0] if len(marks) == 1 else np.bitwise_or.reduce(marks)
        held: np.ndarray = np.unpackbits(bits, count=len(self.keys)).view(bool)
        return held

    def _held_past_the_cut(
        self, words: Sequence[bytes], positions: np.ndarray
    ) -> np.ndarray | None:
        """Which of these positions are long rows whose whole key holds every word while
        their cut key misses one (a word past the cut, or across it); None: none is. (A cut
        key holds nothing its whole key does not.)"""
        import numpy as np

        held = np.ones(len(self.long_rows), dtype=bool)
        for word in words:
            held &= np.strings.find(self.long_keys, word) >= 0
        cut = self.rank[self.long_rows[held]]
        missed = np.zeros(len(cut), dtype=bool)
        for word in words:
            missed |= np.strings.find(self.keys[cut], word) < 0
        cut = cut[missed]
        if not len(cut):
            return None
        at = np.sort(cut)
        slot = np.minimum(np.searchsorted(at, positions), len(at) - 1)
        found: np.ndarray = at[slot] == positions
        return found

    def placed(self, row: int, key: bytes) -> ClientIndex:
        """The index with row ``row`` (an existing one, or ``len(self.keys)`` for one more)
        holding ``key`` at its place in name order — as :func:`build_index` would place it
        (equal keys in row order) — one copy of each array and a move of the positions in
        between, no folding or sorting of the other rows. The keys keep their width (a
        longer key is cut and kept whole beside)."""
        import numpy as np

        count = len(self.keys)
        was = int(self.rank[row]) if row < count else None
        cut = key[: self.keys.dtype.itemsize]
        lo = int(np.searchsorted(self.keys, cut, "left"))
        hi = int(np.searchsorted(self.keys, cut, "right"))
        # the rows whose cut key is the same: in order of whole key, then row
        ties = [(self.key(p), int(self.by_name[p])) for p in range(lo, hi)]
        if was is not None:  # positions as if the row were taken out first
            lo -= was < lo
        at = lo + sum(tie < (key, row) for tie in ties if tie[1] != row)
        keys = _moved(self.keys, was, at, cut)
        by_name = _moved(self.by_name, was, at, row)
        signatures = _moved(self.signatures, was, at, self.signer.sign([key])[:, 0])
        if was is None:
            rank = np.empty(count + 1, dtype=ROWS)
            rank[:count] = self.rank + (self.rank >= at)
            rank[count] = at
        else:
            rank = self.rank.copy()
            a, b = min(was, at), max(was, at) + 1
            rank[by_name[a:b]] = np.arange(a, b, dtype=ROWS)
        long_rows, long_keys = self.long_rows, self.long_keys
        slot = int(np.searchsorted(long_rows, row))
        if slot < len(long_rows) and long_rows[slot] == row:
            long_rows, long_keys = np.delete(long_rows, slot), np.delete(long_keys, slot)
        if len(key) > len(cut):
            width = max(long_keys.dtype.itemsize, len(key))
            long_rows = np.insert(long_rows, slot, row)
            long_keys = np.insert(long_keys.astype(f"S{width}"), slot, key)
        commons = tuple(
            (common, np.packbits(_moved(np.unpackbits(bits, count=count), was, at, common in key)))
            for common, bits in self.commons
        )
        return ClientIndex(
            keys, by_name, rank, signatures, self.signer, long_rows, long_keys, commons
        )


def _moved(values: np.ndarray, was: int | None, at: int, value: object) -> np.ndarray:
    """A copy of ``values`` (along its last axis) with the item at ``was`` moved to ``at``
    and set to ``value`` — or, ``was`` None, ``value`` inserted at ``at``."""
    import numpy as np

    if was is None:
        out = np.empty((*values.shape[:-1], values.shape[-1] + 1), dtype=values.dtype)
        out[..., :at], out[..., at + 1 :] = values[..., :at], values[..., at:]
    else:
        out = values.copy()
        if was < at:
            out[..., was:at] = values[..., was + 1 : at + 1]
        else:
            out[..., at + 1 : was + 1] = values[..., at:was]
    out[..., at] = value
    return out


def client_key(rows: PackedRows, row: int) -> bytes:
    """Row ``row``'s search key (folded "name␟city␟rfc␟digits"), as the index holds it."""
    return _rows_keys(rows, row, row + 1)[0]


#: Each client's phone (its second field) in a :meth:`PackedRows.block`.
_PHONES = re.compile(b"(?:^|\x1e)[^\x1f\x1e]*\x1f([^\x1f\x1e]*)")
#: The same, with its separator before it: taken out of the key (its digits go at the end).
_PHONE_FIELDS = re.compile(b"((?:^|\x1e)[^\x1f\x1e]*)\x1f[^\x1f\x1e]*")


def _rows_keys(rows: PackedRows, lo: int, hi: int) -> list[bytes]:
    """Folded keys of clients ``lo`` to ``hi`` (excluded) straight from their block of
    :class:`PackedRows`: a few C calls over the block, no Python loop per row."""
    block = rows.block(lo, hi)
    phones = _FIELD.encode().join(_PHONES.findall(block))
    block = _PHONE_FIELDS.sub(b"\\1", block)
    joined = block.replace(_ROW.encode(), (_FIELD + _ROW).encode()) + _FIELD.encode()
    digits = phones.translate(None, _NOT_DIGITS).split(_FIELD.encode())
    folded = fold_utf8(joined)
    if folded is None:  # beyond Latin-1: Unicode's own normalisation
        folded = fold_joined(joined.decode()).encode()
    keys = folded.split(_ROW.encode())
    if len(keys) == len(digits) == hi - lo:
        return list(map(bytes.__add__, keys, digits))
    return _block_keys(rows.raw(lo, hi), hi - lo)  # a text held ``\x1e``: client by client


def _block_keys(raw: Sequence[bytes], count: int) -> list[bytes]:
    """Folded keys of a block of clients (names, phones, cities, RFCs: each UTF-8, fields
    split by ``\x1f``; the phones' digits at the end): a few C calls over the block, no
    Python loop per row."""
    columns = [c.split(_FIELD.encode()) for c in (raw[0], raw[2], raw[3])]
    joined = _ROW.encode().join(map(_FIELD.encode().join, zip(*columns, repeat(b""))))
    digits = raw[1].translate(None, _NOT_DIGITS).split(_FIELD.encode())
    phones = raw[1].split(_FIELD.encode())
    folded = fold_utf8(joined)
    if folded is None:  # beyond Latin-1: Unicode's own normalisation
        folded = fold_joined(joined.decode()).encode()
    rows = folded.split(_ROW.encode())
    if len(rows) == len(digits) == count and all(len(c) == count for c in columns):
        return list(map(bytes.__add__, rows, digits))
    # a text held a separator itself: fold that block row by row (never in practice)
    return [
        (_FIELD.join(fold_joined(v.decode().replace(_ROW, " ")) for v in row) + _FIELD).encode()
        + "".join(c for c in phone.decode() if c.isascii() and c.isdigit()).encode()
        for *row, phone in zip(*columns, phones, strict=True)
    ]


def build_index(columns: ClientColumns) -> ClientIndex:
    """Fold every client's searchable text, sort by name, sign (thread-safe: no Qt).

    The keys are cut to their width as they are joined, and put in name order in place (a
    sort of the array itself), so the whole keys and the ordered ones are never held at once:
    at 1,000,000 clients that was ~80 MB at the start-up's peak."""
    import numpy as np

    rows = packed_rows(pack(columns))
    assert rows is not None
    count = len(columns)
    signatures = np.empty((SIGNATURE_BYTES, count), dtype=np.uint8)
    lengths = np.empty(count, dtype=np.int32)
    blocks, signer = [], None
    for lo in range(0, count, BLOCK):
        hi = min(lo + BLOCK, count)
        block = _rows_keys(rows, lo, hi)
        signer = signer or Signer.from_sample(block).tabulate()
        signatures[:, lo:hi] = signer.sign(block)
        blocks.append(np.array(block, dtype=np.bytes_))
        lengths[lo:hi] = np.fromiter(map(len, block), dtype=np.int32, count=hi - lo)
    width = _width(lengths)
    long_rows = np.flatnonzero(lengths > width).astype(ROWS)
    long_keys = _long_keys(blocks, long_rows)
    del lengths
    keys = _joined(blocks, count, width)  # cut at ``width``; the blocks freed
    by_name = np.argsort(keys, kind="stable").astype(ROWS)  # (NumPy lets go of the GIL)
    keys.sort()  # in place: the same bytes as keys[by_name] (equal keys are equal bytes)
    _untie(keys, by_name, long_rows, long_keys)
    for column in signatures:  # row by row: each stays contiguous, one at a time in memory
        column[:] = column[by_name]
    rank = np.empty(count, dtype=ROWS)
    rank[by_name] = np.arange(count, dtype=ROWS)
    signer = signer or Signer(())
    signer.compact()  # the tables were for the build: 2.3 MiB less from now on
    return ClientIndex(keys, by_name, rank, signatures, signer, long_rows, long_keys)


#: A word of the clients' texts is *common* (:func:`common_words`) when one key in this many
#: holds it, in a sample of at most :data:`_SAMPLE` keys; at most :data:`_COMMONS` are kept.
_COMMON_SHARE = 32
_SAMPLE = 4096
_COMMONS = 32
#: The digits of a phone's area code (in Mexico two or three: "228", "55 1…" counts as "551").
_AREA = 3
#: The bytes between the words of a key.
_BETWEEN = re.compile(b"[\x1f ]+")


def common_words(index: ClientIndex) -> tuple[tuple[bytes, np.ndarray], ...]:
    """The words (of two bytes or more) many of the index's keys hold — the city, the area
    code (a phone's first digits), a frequent surname — each with the positions whose key
    holds it, one bit each (found by :meth:`ClientIndex.keep`, as a search would: the rarer
    the word, the cheaper). A word typed that is part of one ("228", "xala") is then known to
    be held there without a search: at 1,000,000 clients a search of every key costs ~50 ms
    a keystroke."""
    import numpy as np

    count = len(index.keys)
    if not count:
        return ()
    sample = index.keys[:: max(1, count // _SAMPLE)].tolist()
    held: Counter[bytes] = Counter()
    for key in sample:
        held.update({w for w in _BETWEEN.split(key) if len(w) > 1})
        # and a phone's area code: the first three of its digits (the key's last field)
        digits = key.rpartition(_FIELD.encode())[2]
        if len(digits) > _AREA and digits[:_AREA] not in key[: -len(digits)]:
            held[digits[:_AREA]] += 1
    least = len(sample) / _COMMON_SHARE
    commons = [word for word, times in held.most_common(_COMMONS) if times >= least]
    return tuple((word, np.packbits(index.keep([word]))) for word in commons)


#: A word's candidates are searched in place once more than one row in this many are (a copy
#: of the candidates' keys costs about three of their searches).
_DENSE = 4
#: At most one row in this many has its key cut (:class:`ClientIndex`).
LONG_SHARE = 256
#: A key this long or shorter is never cut.
_NEVER_CUT = 48


def _width(lengths: np.ndarray) -> int:
    """The keys' width: all but one row in :data:`LONG_SHARE` fit (each at least
    :data:`_NEVER_CUT` bytes, none wider than the longest)."""
    import numpy as np

    if not len(lengths):
        return 1
    longest = int(lengths.max())
    fit = len(lengths) - 1 - len(lengths) // LONG_SHARE
    return max(int(np.partition(lengths, fit)[fit]), min(longest, _NEVER_CUT), 1)


#: Rows copied per C call where NumPy keeps the GIL (joining and reordering byte strings): a
#: few milliseconds each, so the GUI thread gets the interpreter back in between (one call
#: over 1,000,000 keys held it 80–170 ms).
_COPY = 1 << 16


def _long_keys(blocks: list[np.ndarray], long_rows: np.ndarray) -> np.ndarray:
    """The whole keys of these rows (ascending), taken from the blocks of :data:`BLOCK`."""
    import numpy as np

    width = max((b.dtype.itemsize for b in blocks), default=1)
    keys = np.empty(len(long_rows), dtype=f"S{width}")
    for i, row in enumerate(long_rows.tolist()):
        keys[i] = blocks[row // BLOCK][row % BLOCK]
    return keys


def _joined(blocks: list[np.ndarray], count: int, width: int) -> np.ndarray:
    """The blocks' keys, cut at ``width`` bytes, in one array (each block freed once
    copied), a slice at a time."""
    import numpy as np

    keys = np.empty(count, dtype=f"S{width}")
    lo = 0
    while blocks:
        block = blocks.pop(0)
        for at in range(0, len(block), _COPY):
            end = min(at + _COPY, len(block))
            keys[lo + at : lo + end] = block[at:end]  # (a longer key: its first bytes)
        lo += len(block)
        del block
        if len(blocks) % _TRIM == 0:  # the blocks copied so far: their memory given back
            release_heap()
    return keys


#: Blocks joined between two :func:`release_heap` calls (each ~1 ms).
_TRIM = 32


def _untie(
    keys: np.ndarray, by_name: np.ndarray, long_rows: np.ndarray, long_keys: np.ndarray
) -> None:
    """Where a long row's cut key equals other rows' keys, order those rows by their whole
    keys, then by row — as a sort of the whole keys would (``by_name`` changed in place; the
    cut keys, all equal there, are already in place)."""
    import numpy as np

    if not len(long_rows):
        return
    cut = long_keys.astype(keys.dtype)  # each long row's key as cut
    los = np.searchsorted(keys, cut, "left")
    his = np.searchsorted(keys, cut, "right")
    for lo, hi in sorted({(int(a), int(b)) for a, b in zip(los, his, strict=True) if b - a > 1}):
        tied = by_name[lo:hi].tolist()
        whole = {}
        for row in tied:
            slot = int(np.searchsorted(long_rows, row))
            held = slot < len(long_rows) and long_rows[slot] == row
            whole[row] = bytes(long_keys[slot]) if held else bytes(keys[lo])
        by_name[lo:hi] = sorted(tied, key=lambda row: (whole[row], row))


def release_heap() -> None:
    """Freed memory on the C heap handed back to the system (glibc's ``malloc_trim``;
    elsewhere nothing to do): the keys' blocks, a few hundred kilobytes each, stay on the
    heap when freed."""
    import ctypes
    import sys
    from contextlib import suppress

    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):  # not glibc (musl…): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)
