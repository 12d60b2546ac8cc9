"""Database faults, translated once: whatever the driver (SQLite, PostgreSQL through psycopg)
and whatever the way in (a unit of work, a command opening the database, the standard-library
read of a SQLite file), a fault becomes one Spanish ``StorageError`` that the window and the
command line show the same way. Standard library only: the driver's exception is read through
its class name, its SQLSTATE and its text."""

from __future__ import annotations

from app.kernel.errors import StorageError

__all__ = ["is_database_error", "translate", "unusable"]

NOTHING_SAVED = "no se guardó nada"


#: (kind, SQLSTATE prefixes, words in the driver's text, the Spanish message)
_FAULTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "history",
        ("23001", "P0001"),
        ("is append-only", "is immutable"),
        "El historial no se modifica: eventos, recibos emitidos y pagos se conservan tal como "
        f"se registraron; {NOTHING_SAVED}.",
    ),
    (
        "read_only",
        ("25006",),
        ("readonly database", "read-only", "read only"),
        "La base de datos es de solo lectura (revise los permisos del archivo o del disco); "
        f"{NOTHING_SAVED}.",
    ),
    (
        "disk_full",
        ("53100",),
        ("database or disk is full", "disk full", "no space left"),
        f"El disco está lleno; {NOTHING_SAVED}. Libere espacio e intente de nuevo.",
    ),
    (
        "damaged",
        ("XX001", "XX002"),
        ("malformed", "not a database", "file is encrypted", "corrupt"),
        f"La base de datos está dañada; {NOTHING_SAVED}. Revísela con «appleuse db check» y "
        "restaure el respaldo más reciente.",
    ),
    (
        "authentication",
        ("28",),
        ("password authentication failed", "authentication failed", "no password supplied"),
        "PostgreSQL rechazó el usuario o la contraseña; revise la dirección de la base de "
        "datos (--db o APPLEUSE_DB).",
    ),
    (
        "schema",
        ("42P01",),
        ("no such table", "no such column", "relation"),
        "A la base de datos le faltan tablas de esta versión de AppleUse; ejecute "
        "«appleuse db upgrade».",
    ),
    (
        "missing",
        ("3D000",),
        ("does not exist", "unable to open database file", "no such file"),
        "La base de datos no existe o no se puede abrir; revise la dirección (--db o APPLEUSE_DB).",
    ),
    (
        "too_large",
        ("22001", "22003", "22P05", "22021"),
        ("value too long", "out of range", "too large", "invalid byte sequence"),
        f"Un dato es demasiado largo o grande para guardarse; {NOTHING_SAVED}.",
    ),
    (
        "connection",
        ("08", "57P01", "57P02", "57P03"),
        (
            "connection",
            "could not connect",
            "server closed",
            "timeout expired",
            "resolve host",
            "translate host name",
            "name or service not known",
        ),
        "No hay conexión con la base de datos; revise que el servidor esté en marcha y la red, "
        "e intente de nuevo.",
    ),
)


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind a SQLAlchemy one (``.orig``), or ``exc`` itself."""
    return getattr(exc, "orig", None) or exc


def translate(exc: BaseException) -> StorageError:
    """The Spanish fault for a database exception (a generic one when it is not known)."""
    orig = _driver_error(exc)
    sqlstate = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    text = str(orig).lower()
    if "database is locked" in text or "database table is locked" in text:
        return StorageError(
            "busy", "La base de datos está ocupada por otro usuario; intente de nuevo."
        )
    for kind, states, words, message in _FAULTS:
        if (sqlstate and sqlstate.startswith(states)) or any(w in text for w in words):
            return StorageError(kind, message)
    if getattr(exc, "connection_invalidated", False):
        return StorageError("connection", _FAULTS[-1][3])
    detail = " ".join(str(orig).split())
    detail = detail if len(detail) <= 80 else detail[:79] + "…"
    return StorageError("unknown", f"Error de la base de datos ({detail}); {NOTHING_SAVED}.")


def is_database_error(exc: BaseException) -> bool:
    """A driver or SQLAlchemy database exception (sqlite3, psycopg, DBAPIError)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    module = type(exc).__module__
    return bool(
        names & {"DBAPIError", "DatabaseError", "InterfaceError"}
        or module.startswith(("sqlite3", "psycopg", "sqlalchemy.exc"))
    )


def unusable(exc: BaseException) -> StorageError:
    """A value the database cannot take (a number beyond its integers, a time without its
    zone, an unknown choice): a caller's mistake, refused before anything is stored."""
    return StorageError("invalid", f"Un dato no es válido para la base de datos; {NOTHING_SAVED}.")
