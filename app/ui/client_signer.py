"""Client signatures for the search index (:mod:`app.ui.client_index`): which letters, letter
pairs and triples (some hashed) a client's folded text holds, 40 bytes a client, checked on a
few one-byte columns per searched word before the word itself is looked for. Plain NumPy on
plain values (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SIGNATURE_BYTES", "Signer"]

#: A client's signature (:class:`Signer`): five 64-bit words.
SIGNATURE_BYTES = 40
_HASH = 0x9E3779B1  # Knuth's multiplicative hash, on 32 bits


class Signer:
    """How signatures are made: five 64-bit words per client — a bit for each letter a-z
    and digit (other bytes hashed on the rest), a bit of its own for each of the 128 pairs of
    bytes most clients hold (chosen from a sample: "ra", "ez"…, so a two-letter word is
    answered by its bit alone), the other pairs hashed on 64 bits, and a bit of its own for
    each of the 64 triples most clients hold ("lop", "ram", "228"…: a three-letter word among
    them is answered by its bit alone too). Bytes that are never in a searched word (padding,
    spaces, separators) set no bit.

    What each pair of bytes sets is a formula of the pair (:meth:`_values`). While the index
    is built, the formulas are laid out once as tables of all 65,536 pairs (2.3 MiB), for
    look-ups over whole blocks; :meth:`compact` drops them, and a searched word's few pairs
    are then worked out by the same formulas."""

    def __init__(self, common: Sequence[int], triples: Sequence[int] = ()) -> None:
        """``common``: the pairs with a bit of their own, as ``a << 8 | b`` (128 at most);
        ``triples``: the triples with a bit of their own, as ``a << 16 | b << 8 | c`` (64 at
        most)."""
        import numpy as np

        in_word = np.array([not chr(b).isspace() and b not in (0, 0x1E, 0x1F) for b in range(256)])
        in_word[128:] = True  # UTF-8 bytes of letters beyond ASCII
        letter = np.array([36 + b % 28 for b in range(256)], dtype=np.uint64)
        letter[97:123] = np.arange(26)  # a-z and 0-9: a bit each
        letter[48:58] = 26 + np.arange(10)
        self._in_word = in_word
        self._letters = np.where(in_word, np.uint64(1) << letter, np.uint64(0))
        self._common = np.asarray(common, dtype=np.uint32)  # a pair's own bit: its place here
        self._common_order = np.argsort(self._common, kind="stable")
        self._own_words = (len(self._common) - 1) // 64 + 1 if len(self._common) else 1
        self.common = frozenset(int(c) for c in self._common if self._pair_ok(c))
        self._triples = np.asarray(triples, dtype=np.uint32)  # a triple's own bit: its place
        self._triple_order = np.argsort(self._triples, kind="stable")
        self._prefixes = _distinct(self._triples >> np.uint32(8))  # their first pairs
        self.triples = frozenset(
            int(t) for t in self._triples if self._pair_ok(t >> 8) and in_word[t & 255]
        )
        self._tables: tuple[np.ndarray, ...] | None = None
        self._bits: dict[bytes, tuple[tuple[int, int], ...]] = {}

    def _pair_ok(self, codes: np.ndarray | int) -> np.ndarray:
        """Both bytes of the pair can be in a searched word."""
        import numpy as np

        codes = np.asarray(codes, dtype=np.uint32)
        ok: np.ndarray = self._in_word[codes >> np.uint32(8)] & self._in_word[codes & 255]
        return ok

    def _values(self, codes: np.ndarray) -> tuple[np.ndarray, ...]:
        """For pairs of bytes (``a << 8 | b``, uint32): the bits each sets in the pair words
        (own bits, then hashed) and its slot among the own triples' first pairs (255: none),
        for the triple it starts."""
        import numpy as np

        one, none = np.uint64(1), np.uint64(0)
        ok = self._pair_ok(codes)
        place, own = _places(self._common, self._common_order, codes)
        own &= ok
        words = [
            np.where(own & (place // 64 == word), one << (place % 64).astype(np.uint64), none)
            for word in range(self._own_words)
        ]
        words.append(np.where(ok & ~own, one << _hashed(codes), none))
        slot = np.searchsorted(self._prefixes, codes)
        slot[slot >= len(self._prefixes)] = 0
        first = self._prefixes[slot] == codes if len(self._prefixes) else ok & False
        return (*words, np.where(ok & first, slot, 255).astype(np.uint16))

    def _triple_bits(self, codes: np.ndarray) -> np.ndarray:
        """The own bit of (a pair's slot ``<< 8`` | the next byte), uint64 (0: none)."""
        import numpy as np

        slot, last = codes >> np.uint32(8), codes & np.uint32(255)
        has = (slot < len(self._prefixes)) & self._in_word[last]
        first = self._prefixes[np.where(has, slot, 0)] if len(self._prefixes) else slot
        place, own = _places(self._triples, self._triple_order, (first << 8) | last)
        return np.where(has & own, np.uint64(1) << place.astype(np.uint64), np.uint64(0))

    def _lookup(self, codes: np.ndarray) -> tuple[np.ndarray, ...]:
        """:meth:`_values` of these pairs: from the tables while building, else worked out."""
        if self._tables is not None:
            return tuple(table[codes] for table in self._tables[:-1])
        return self._values(codes.astype("uint32"))

    def _lookup_triples(self, codes: np.ndarray) -> np.ndarray:
        """:meth:`_triple_bits`, likewise."""
        if self._tables is not None:
            bits: np.ndarray = self._tables[-1][codes]
            return bits
        return self._triple_bits(codes.astype("uint32"))

    def tabulate(self) -> Signer:
        """Lay the formulas out for all pairs (while the index is built)."""
        import numpy as np

        codes = np.arange(65536, dtype=np.uint32)
        self._tables = (*self._values(codes), self._triple_bits(codes))
        return self

    def compact(self) -> None:
        """Drop the tables: only searched words are signed from now on."""
        self._tables = None

    @classmethod
    def from_sample(cls, keys: Sequence[bytes]) -> Signer:
        """The 128 pairs and the 64 triples the most of these keys hold get a bit of their
        own."""
        import numpy as np

        pairs, _, rows = _pairs(keys, rows=True)
        plain = cls(())
        valid = plain._pair_ok(pairs)
        triples = (pairs[:-1].astype(np.int64) << 8) | (pairs[1:] & 255)
        triple_ok = valid[:-1] & plain._in_word[pairs[1:] & 255]
        return cls(
            _most_held(rows, pairs, valid, 16, 128),
            _most_held(rows[:-1], triples, triple_ok, 24, 64),
        )

    def sign(self, keys: Sequence[bytes]) -> np.ndarray:
        """The signatures of a block of keys, as (SIGNATURE_BYTES, rows) uint8: a few table
        look-ups over the keys laid end to end, OR-reduced per key (no loop per row)."""
        import numpy as np

        pairs, starts = _pairs(keys)
        words = np.zeros((len(keys), SIGNATURE_BYTES // 8), dtype=np.uint64)
        if len(keys):
            *pair_words, slot = self._lookup(pairs)
            words[:, 0] = np.bitwise_or.reduceat(self._letters[pairs >> 8], starts)
            for k, values in enumerate(pair_words, start=1):
                words[:, k] = np.bitwise_or.reduceat(values, starts)
            triples = np.empty_like(pairs)  # the last one, like the last pair, sets no bit
            triples[:-1], triples[-1] = (slot[:-1] << 8) | (pairs[1:] & 255), 255 << 8
            words[:, -1] = np.bitwise_or.reduceat(self._lookup_triples(triples), starts)
        return np.ascontiguousarray(words.view(np.uint8).T)

    def bits(self, word: bytes) -> tuple[tuple[int, int], ...]:
        """A searched word's signature, as (byte column, its bits) pairs."""
        import numpy as np

        if word not in self._bits:
            signature = self.sign([word])[:, 0]
            found = tuple((int(j), int(signature[j])) for j in np.flatnonzero(signature))
            self._bits[word] = found
        return self._bits[word]

    def exact(self, word: bytes) -> bool:
        """The signature bits are the answer: a lone ASCII letter or digit, or a pair or a
        triple of bytes with a bit of its own."""
        if len(word) == 1:
            return word.isascii() and (word.isalpha() or word.isdigit())
        if len(word) == 2:
            return (word[0] << 8 | word[1]) in self.common
        return len(word) == 3 and (word[0] << 16 | word[1] << 8 | word[2]) in self.triples


def _most_held(
    rows: np.ndarray, codes: np.ndarray, ok: np.ndarray, bits: int, best: int
) -> list[int]:
    """The ``best`` codes (of ``bits`` bits, where ``ok``) the most rows hold; ties: the
    lowest code first."""
    import numpy as np

    held = _distinct(rows[ok].astype(np.int64) << bits | codes[ok]) & ((1 << bits) - 1)
    codes, counts = _distinct(held, counts=True)
    return sorted(int(c) for c in codes[np.lexsort((codes, -counts))[:best]])


@overload
def _distinct(values: np.ndarray) -> np.ndarray: ...
@overload
def _distinct(values: np.ndarray, *, counts: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...
def _distinct(values: np.ndarray, *, counts: bool = False) -> Any:
    """The distinct values, sorted (and how often each occurs): ``np.unique`` without its
    check for masked arrays, which imports ``numpy.ma`` (~1 MiB held for good, NumPy 2.4)."""
    import numpy as np

    ordered = np.sort(values, axis=None)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if not counts:
        return ordered[first]
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _places(known: np.ndarray, order: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each code's place in ``known`` (``order`` sorts it) and whether it is there at all."""
    import numpy as np

    if not len(known):
        return np.zeros(codes.shape, dtype=np.int64), np.zeros(codes.shape, dtype=bool)
    at = np.minimum(np.searchsorted(known[order], codes), len(known) - 1)
    place = order[at]
    return place, known[place] == codes


def _hashed(codes: np.ndarray) -> np.ndarray:
    """A pair's (or a triple's) place among 64 bits: Knuth's hash on 32 bits, top 6."""
    import numpy as np

    return ((codes * np.uint32(_HASH)) >> np.uint32(26)).astype(np.uint64)


def _pairs(keys: Sequence[bytes], *, rows: bool = False) -> tuple[np.ndarray, ...]:
    """The keys laid end to end, each ending in a 0 byte, as the pair of bytes starting at
    each position (``a << 8 | b``, uint16); where each key starts; (``rows``) each
    position's key."""
    import numpy as np

    count = len(keys)
    flat = np.frombuffer(b"\0".join(keys) + b"\0", dtype=np.uint8).astype(np.uint16)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=count) + 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    pairs = np.empty_like(flat)  # the last pair, 0 and nothing, sets no bit
    pairs[:-1], pairs[-1] = (flat[:-1] << 8) | flat[1:], 0
    if not rows:
        return pairs, starts
    return pairs, starts, np.repeat(np.arange(count, dtype=np.int32), lengths)
