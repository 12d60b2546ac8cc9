"""How a command opens the database: the address checked (SQLite or PostgreSQL, a file that
exists or a folder that does), the file's integrity and the schema's revision checked before
anything is written, and every fault one Spanish line (``app.services.faults``). SQLAlchemy is
imported only when a command runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.kernel.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.services.facade import Services


def open_engine(url: str | None, *, existing: bool) -> Engine:
    """An engine on the database ``--db``/``APPLEUSE_DB``/the default file names. ``existing``:
    the database must be there already (documents, checks, backups); otherwise a new SQLite
    file may be created (``db upgrade``, ``demo``), but never an in-memory one, which keeps
    nothing."""
    from sqlalchemy.engine import make_url

    from app.location import configured_url, default_path, resolve_url
    from app.models.engine import make_engine

    resolved = configured_url(url)
    if resolved == f"sqlite:///{default_path()}":
        if existing and not default_path().is_file():
            raise DomainError(
                f"La base de datos «{default_path()}» no existe; indíquela con --db URL."
            )
        resolved = resolve_url(url)  # creates the data folder for a new default file
    try:
        parsed = make_url(resolved)
    except Exception:  # ArgumentError, ValueError: not a URL at all
        raise DomainError(f"La dirección de la base de datos «{resolved}» no es válida.") from None
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DomainError(
            f"La dirección de la base de datos «{shown}» no es válida: AppleUse trabaja con "
            "SQLite o PostgreSQL."
        )
    if backend == "sqlite":
        _check_sqlite_path(parsed.database or "", shown, existing)
    try:
        return make_engine(resolved)
    except Exception:  # unknown driver, bad options
        raise DomainError(f"La dirección de la base de datos «{shown}» no es válida.") from None


def _check_sqlite_path(database: str, shown: str, existing: bool) -> None:
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise DomainError("Una base de datos en memoria no se conserva; indique un archivo.")
    path = Path(database)
    if existing and not path.is_file():
        raise DomainError(f"La base de datos «{shown}» no existe.")
    if not path.parent.is_dir():
        raise DomainError(f"La carpeta «{path.parent}» no existe.")
    if path.is_dir():
        raise DomainError(f"«{path}» es una carpeta, no una base de datos.")


@contextmanager
def translated() -> Iterator[None]:
    """Database faults raised inside become one Spanish ``StorageError``."""
    from sqlalchemy.exc import DBAPIError

    from app.services.faults import translate

    try:
        yield
    except DBAPIError as exc:
        raise translate(exc) from None


@contextmanager
def open_services(url: str | None) -> Iterator[Services]:
    """Services on an existing database at this release's schema, checked first: never
    creates an empty SQLite file, never reads a damaged one or one from a newer AppleUse."""
    from app.models.engine import check_integrity, current_revision
    from app.models.revisions import check_revision, head
    from app.services.facade import Services

    engine = open_engine(url, existing=True)
    try:
        with translated():
            check_integrity(engine)
            current = current_revision(engine)
            check_revision(current)
            if current != head():
                raise DomainError(
                    "A la base de datos le faltan tablas de esta versión de AppleUse; "
                    "ejecute «appleuse db upgrade»."
                )
            yield Services.create(engine)
    finally:
        engine.dispose()
