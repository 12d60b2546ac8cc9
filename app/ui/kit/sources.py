"""PySide6 reads the source of every module imported after it (``inspect.getsource``: does
the module use PySide6, for its ``__feature__`` switch), and ``linecache`` keeps every line of
it for good: ~26 MiB of Python strings once SQLAlchemy, NumPy and the app are imported, and
the CPU of splitting them. :func:`read_sources_uncached` makes the same check read the file
itself, keeping nothing."""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

#: Where PySide6 publishes its feature module (``shibokensupport.feature`` inside).
_FEATURE_MODULES = ("PySide6.support.feature", "shibokensupport.feature")


def read_sources_uncached() -> None:
    """Replace PySide6's check (``feature._mod_uses_pyside``) by :func:`uses_pyside` and drop
    the lines cached so far. Nothing happens when PySide6 has no such check."""
    for name in _FEATURE_MODULES:
        feature = sys.modules.get(name)
        if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
            feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
            linecache.clearcache()
            return


def uses_pyside(module: ModuleType) -> bool:
    """The same answer as PySide6's own check — the word "PySide6" in the module's source
    file; False without one (built in, compiled, a namespace package) — with nothing cached."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False
