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

SQLAlchemy also imports :mod:`hashlib` (an MD5 to shorten long SQL labels), and
:mod:`hashlib` loads OpenSSL's ``libcrypto`` through ``_hashlib`` — again in ``try/except
ImportError``, falling back to CPython's own MD5, SHA-1, SHA-2, SHA-3 and BLAKE2 (the same
digests; :func:`hashlib.pbkdf2_hmac` in Python). The app hashes nothing where speed or
OpenSSL's extra algorithms matter (a label, a lock file's name).
:func:`hashlib_without_openssl` imports :mod:`hashlib` with ``_hashlib`` briefly unavailable
and lifts the block the same way: ~3.5 MiB resident less at 100,000 clients (``libcrypto``'s
pages and what OpenSSL sets up when it loads), ~5 ms less CPU at start-up. On PostgreSQL,
libpq loads ``libcrypto`` for its own TLS anyway.

Call them before SQLAlchemy is first imported (each does nothing once its module, or the one
it keeps out, is loaded). Standard library only.
"""

from __future__ import annotations

import sys

__all__ = ["asyncio_without_ssl", "hashlib_without_openssl", "lean_database_imports"]


def lean_database_imports() -> None:
    """Both below: call it just before SQLAlchemy is first imported."""
    hashlib_without_openssl()
    asyncio_without_ssl()


def asyncio_without_ssl() -> None:
    """Import :mod:`asyncio` (and what it imports) without :mod:`ssl`; see the module."""
    _import_without("asyncio", "ssl")


def hashlib_without_openssl() -> None:
    """Import :mod:`hashlib` with CPython's own hashes, without OpenSSL; see the module. A
    Python built without its own MD5 or SHA-256 (some distributions leave hashing to OpenSSL
    alone) gets :mod:`hashlib` imported again, with OpenSSL."""
    _import_without("hashlib", "_hashlib")
    hashlib = sys.modules.get("hashlib")
    if hashlib is not None and not all(hasattr(hashlib, n) for n in ("md5", "sha1", "sha256")):
        del sys.modules["hashlib"]
        __import__("hashlib")


def _import_without(name: str, blocked: str) -> None:
    """Import module ``name`` while ``blocked`` cannot be imported, then lift the block."""
    if name in sys.modules or blocked in sys.modules:
        return  # too late, or the blocked module wanted already: nothing to save
    # ``None`` in sys.modules makes ``import blocked`` raise ImportError (the documented way
    # to block an import). For these few milliseconds another thread importing it would get
    # that error too: at start-up nothing else imports it.
    sys.modules[blocked] = None  # type: ignore[assignment]
    try:
        __import__(name)
    finally:
        if blocked in sys.modules and sys.modules[blocked] is None:
            del sys.modules[blocked]
