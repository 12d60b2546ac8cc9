"""Imports the window would pay for and never use (issue 11: resident memory).

SQLAlchemy 2.1 imports :mod:`asyncio` whatever the driver (``sqlalchemy.util.compat``), and
:mod:`asyncio` imports :mod:`ssl` for its TLS transports — guarded by ``try/except
ImportError``, exactly as on a Python built without OpenSSL. The app never runs an asyncio
loop: SQLite is a file, and psycopg speaks TLS through libpq's own OpenSSL, not Python's
``ssl``. :func:`asyncio_without_ssl` imports :mod:`asyncio` with ``ssl`` briefly unavailable,
so asyncio binds ``ssl = None`` (its TLS transports would refuse, none is ever made), and then
removes the block: a later ``import ssl`` anywhere (psycopg's pure-Python fallback does one)
loads the real module as usual. ~1.6 MiB resident less (``libssl`` and the ``ssl`` module),
measured in the real window (``bench/memory.py``).

Call it before SQLAlchemy is first imported (it does nothing once asyncio or ssl is loaded).
Standard library only.
"""

from __future__ import annotations

import sys

__all__ = ["asyncio_without_ssl"]


def asyncio_without_ssl() -> None:
    """Import :mod:`asyncio` (and what it imports) without :mod:`ssl`; see the module."""
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return  # too late, or ssl wanted already: nothing to save
    # ``None`` in sys.modules makes ``import ssl`` raise ImportError (the documented way to
    # block an import). For these few milliseconds another thread importing ssl would get
    # that error too: at start-up nothing else imports it.
    sys.modules["ssl"] = None  # type: ignore[assignment]
    try:
        import asyncio  # noqa: F401
    finally:
        if "ssl" in sys.modules and sys.modules["ssl"] is None:
            del sys.modules["ssl"]
