"""``appleuse receipt FOLIO -o FILE.pdf``: print a stored receipt to a PDF file.

The receipt is rebuilt from what was stored when it was issued (never priced again). Every
refusal is one Spanish line on stderr with exit code 2, and nothing is written: the output
path is checked before the database is read, and the file appears only once complete
(written next to its final name, then renamed).

SQLAlchemy and ReportLab are imported only when the command runs. The helpers here
(:func:`check_output`, :func:`write_atomically`, :func:`open_services`) serve ``summary`` too.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.kernel.errors import DomainError

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.faults import translate


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "receipt",
        help="guarda un recibo emitido como PDF",
        description="Guarda como PDF un recibo emitido (tal como se emitió; los cancelados "
        "salen con la marca CANCELADO).",
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    p.add_argument("folio", metavar="FOLIO", help="folio del recibo, p. ej. A-000042")
    p.add_argument(
        "-o", "--output", required=True, metavar="ARCHIVO.pdf", help="archivo PDF de salida"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    folio = " ".join(args.folio.split()).upper()
    if not folio:
        raise DomainError("Indique el folio del recibo, p. ej. A-000042.")
    target = check_output(args.output, (".pdf",))
    with open_services(args.db) as services:
        doc = services.documents.receipt_by_folio(folio)
    from app.documents.receipt_pdf import receipt_pdf_bytes

    write_atomically(target, receipt_pdf_bytes(doc))
    state = " (CANCELADO)" if doc.is_cancelled else ""
    sys.stdout.write(f"Recibo {doc.folio}{state} guardado en {target}\n")
    return 0


# -- shared by the document commands -----------------------------------------------------------

_OS_REASONS = {
    errno.ENOENT: "la carpeta no existe",
    errno.ENOTDIR: "la carpeta no existe",
    errno.EACCES: "permiso denegado",
    errno.EPERM: "permiso denegado",
    errno.EROFS: "el disco es de solo lectura",
    errno.ENOSPC: "no hay espacio en el disco",
    errno.EISDIR: "es una carpeta",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
}


def _cannot_write(path: Path, reason: str) -> DomainError:
    return DomainError(f"No se puede escribir «{path}»: {reason}.")


def check_output(name: str, suffixes: tuple[str, ...]) -> Path:
    """The output path, refused before any work when it cannot be written: a wrong extension,
    a missing or read-only folder, an existing folder of that name."""
    path = Path(name).expanduser()
    if not name.strip() or path.suffix.lower() not in suffixes:
        wanted = " o ".join(suffixes)
        raise DomainError(f"El archivo de salida «{name}» debe terminar en {wanted}.")
    folder = path.parent
    if path.is_dir():
        raise _cannot_write(path, "es una carpeta")
    if not folder.is_dir():
        raise _cannot_write(path, "la carpeta no existe")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise _cannot_write(path, "permiso denegado")
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place, so a
    failure never leaves a partial file (an existing file is replaced only on success)."""
    temp: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temp = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise _cannot_write(path, reason) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def open_services(url: str | None) -> Iterator[Services]:
    """Services on an existing, migrated database (never creates an empty SQLite file)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from app.location import configured_url, default_path
    from app.models.engine import make_engine
    from app.services.facade import Services

    resolved = configured_url(url)
    if resolved == f"sqlite:///{default_path()}" and not default_path().is_file():
        raise DomainError(f"La base de datos «{default_path()}» no existe; indíquela con --db URL.")
    try:
        parsed = make_url(resolved)
    except Exception:  # ArgumentError, ValueError: not a URL at all
        raise DomainError(f"La dirección de la base de datos «{resolved}» no es válida.") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise DomainError(f"La base de datos «{shown}» no existe.")
    try:
        engine = make_engine(resolved)
    except Exception:  # unknown dialect, missing driver, bad options
        raise DomainError(f"La dirección de la base de datos «{shown}» no es válida.") from None
    try:
        yield Services.create(engine)
    except DBAPIError as exc:  # opening the connection, outside any unit of work
        raise translate(exc) from None
    finally:
        engine.dispose()
