"""The seal a clean close leaves on a SQLite file, so the next start can skip its check.

Every start checks the file (``PRAGMA quick_check``) before anything is written: a file damaged
while AppleUse was not looking (a bad copy, a sync tool, a disk) is refused and its newest good
backup offered. On a large file that check is most of the start-up's own work (~0.3 s of CPU at
100,000 clients), and it re-reads a file that AppleUse itself left in order.

So when the window closes cleanly — it started on a checked file, its connections are closed
and SQLite left no write-ahead log behind — it writes a seal beside the file: the file's size,
modification time (nanoseconds), inode and device. The next start takes the seal (it is used
once: removed whatever it says) and skips the check only when the file is exactly as it was
sealed and has no write-ahead log or rollback journal. Anything else — a crash (no seal), a
command or another program that wrote to the file, a file copied or restored over it, a seal
that cannot be read — and the check runs as before.

Standard library only: the window reads the seal before SQLAlchemy is imported.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path

__all__ = ["seal", "seal_file", "take_seal"]

_VERSION = 1


def seal_file(path: Path) -> Path:
    """Where the seal of ``path`` lives: beside it, hidden, named after its real path (like
    the window's lock)."""
    real = path.expanduser().resolve()
    return real.with_name(f".{real.name}.sello")


def _state(path: Path) -> dict[str, int] | None:
    """What the seal records of ``path``; None when the file is not at rest (a write-ahead
    log or a rollback journal with content) or cannot be read."""
    try:
        for suffix in ("-wal", "-journal"):
            side = Path(f"{path}{suffix}")
            if side.exists() and side.stat().st_size > 0:
                return None
        st = path.stat()
    except OSError:
        return None
    ino_dev = {"ino": st.st_ino, "dev": st.st_dev}
    return {"version": _VERSION, "size": st.st_size, "mtime_ns": st.st_mtime_ns, **ino_dev}


def seal(path: Path) -> bool:
    """Seal ``path`` as it is now (after a clean close: every connection closed). False when it
    is not at rest or the seal cannot be written (the next start checks the file, as always)."""
    state = _state(path)
    if state is None:
        return False
    target = seal_file(path)
    temp = target.with_name(f"{target.name}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out)
        os.replace(temp, target)
    except OSError:
        with suppress(OSError):
            temp.unlink()
        return False
    return True


def take_seal(path: Path) -> bool:
    """Whether ``path`` is exactly as a clean close sealed it (then its check can be skipped).
    The seal is removed in any case: it vouches for one start only."""
    target = seal_file(path)
    try:
        stored = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    with suppress(OSError):
        target.unlink()
    return stored is not None and stored == _state(path)
