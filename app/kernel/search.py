"""Case- and accent-insensitive text for searching ("lopez" finds "López").

``fold`` works on one string; ``fold_many`` folds a whole column at C speed by joining it
into one string first, so loading 100,000 clients costs a few bulk operations, not a Python
loop per row. ``fold_utf8`` is the same for UTF-8 bytes whose letters are all Latin-1 (Spanish
names): one ``bytes.translate`` instead of Unicode normalisation, ten times faster.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from app.kernel.records import record

_COMBINING = re.compile(r"[\u0300-\u036f]")
_SEPARATOR = "\x1f"  # unit separator: never typed by a person


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(_COMBINING.sub("", decomposed).casefold().split())


def fold_many(texts: Sequence[str]) -> list[str]:
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text held the separator itself
        joined = _SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts)
    return fold_joined(joined).split(_SEPARATOR)


def fold_joined(text: str) -> str:
    """Case and accents removed from a whole text, every other character kept as it is
    (separators, spaces): what :func:`fold_many` does to the texts it joined."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _latin1_table() -> bytes:
    """``bytes.translate`` table: each Latin-1 character folded by :func:`fold_many`, when
    that gives one ASCII character (``á`` → ``a``, ``Ñ`` → ``n``); else 0x80 (not ASCII: the
    text takes the slow path)."""
    table = bytearray(range(256))
    for code in range(256):
        folded = fold_many([chr(code)])[0]
        table[code] = ord(folded) if len(folded) == 1 and folded.isascii() else 0x80
    table[ord(_SEPARATOR)] = ord(_SEPARATOR)  # kept: it separates the texts
    return bytes(table)


_LATIN1 = _latin1_table()


def fold_utf8(raw: bytes) -> bytes | None:
    """``fold_many`` on UTF-8 bytes, as ASCII bytes (separators kept): exactly
    ``fold_many([raw.decode()])[0].encode()`` when every character is Latin-1 and folds to
    one ASCII character; None otherwise (then fold the text itself)."""
    if not raw.isascii():
        try:
            raw = raw.decode().encode("latin-1")
        except UnicodeError:
            return None
    folded = raw.translate(_LATIN1)
    return folded if folded.isascii() else None


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


#: The marks a phone number is written with, besides its digits and spaces.
_PHONE_MARKS = re.compile(r"[()+\-./]")


def terms(query: str) -> list[str]:
    """The folded words of a query; every one must match (AND). A word of digits and the
    marks a phone is written with ("228-921-8343", "(228)", "921.83") is its digits: a
    client's phone is found among its digits however it was typed, or stored. Marks alone
    ("(", "-") are no word: typing a phone's first "(" does not empty the list."""
    words = []
    for word in fold(query).split():
        bare = _PHONE_MARKS.sub("", word)
        if not bare:
            continue  # marks alone, such as the "(" a phone starts with, say nothing
        words.append(bare if bare.isascii() and bare.isdigit() else word)
    return words


@record
class ClientColumns:
    """Clients as parallel columns: cheap to build from one query, cheap to search."""

    ids: Sequence[int]
    names: Sequence[str]
    phones: Sequence[str]
    cities: Sequence[str]
    rfcs: Sequence[str]

    def __len__(self) -> int:
        return len(self.ids)
