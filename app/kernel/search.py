"""Case- and accent-insensitive text for searching ("lopez" finds "López").

``fold`` works on one string; ``fold_many`` folds a whole column at C speed by joining it
into one string first, so loading 100,000 clients costs a few bulk operations, not a Python
loop per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", joined)).casefold()
    return folded.split(_SEPARATOR)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def terms(query: str) -> list[str]:
    """The folded words of a query; every one must match (AND)."""
    return fold(query).split()


@dataclass(frozen=True)
class ClientColumns:
    """Clients as parallel columns: cheap to build from one query, cheap to search."""

    ids: Sequence[int]
    names: Sequence[str]
    phones: Sequence[str]
    cities: Sequence[str]
    rfcs: Sequence[str]

    def __len__(self) -> int:
        return len(self.ids)
