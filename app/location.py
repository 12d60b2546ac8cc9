"""Where the data lives (composition root): the database URL from ``--db``, ``APPLEUSE_DB`` or
the default SQLite file in the user data folder, and that folder. Standard library and
``platformdirs`` only, so the window finds its database before SQLAlchemy is imported."""

from __future__ import annotations

import os
from pathlib import Path

from app import APP_NAME, ORGANIZATION

ENV_VAR = "APPLEUSE_DB"


def data_dir() -> Path:
    """The user data folder (on a Mac ``~/Library/Application Support/AppleUse Soporte``)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, ORGANIZATION))


def default_path() -> Path:
    return data_dir() / "appleuse.sqlite3"


def configured_url(url: str | None = None) -> str:
    """``--db`` first, then ``APPLEUSE_DB``, then the default SQLite file (nothing created)."""
    return url or os.environ.get(ENV_VAR, "").strip() or f"sqlite:///{default_path()}"


def resolve_url(url: str | None = None) -> str:
    """:func:`configured_url`, creating the default file's folder when that is the one."""
    resolved = configured_url(url)
    if resolved == f"sqlite:///{default_path()}":
        folder = default_path().parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return resolved


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (None for anything else)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or len(url) == len(prefix):
        return None
    return Path(url[len(prefix) :])


def lock_file(url: str) -> Path:
    """The file that keeps a second window off the same database. A SQLite file's lock lives
    beside it, named after its real path (``…/x.sqlite3``, ``…/./x.sqlite3``, a symlink or a
    relative path are one database, one lock, for every user of the machine); a server's
    lock is kept in the user data folder, one per server, port, database and user."""
    path = sqlite_file(url)
    if path is not None:
        real = path.expanduser().resolve()
        return real.with_name(f".{real.name}.lock")
    import hashlib  # (not for a SQLite file: see app/lean_imports.py)
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    key = f"{parts.hostname}:{parts.port}/{parts.path}@{parts.username}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return data_dir() / f"appleuse-{digest}.lock"
