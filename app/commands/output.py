"""Files a command writes: the output path checked before any work, and written whole or not
at all (beside its final name, then renamed). Shared by every command that writes a file."""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

from app.kernel.errors import DomainError

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
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise DomainError("El nombre del archivo de salida tiene caracteres de control.")
    path = Path(name).expanduser()
    if not name.strip() or path.suffix.lower() not in suffixes:
        wanted = " o ".join(suffixes)
        raise DomainError(f"El archivo de salida «{name}» debe terminar en {wanted}.")
    folder = path.parent
    try:
        if path.is_dir():
            raise _cannot_write(path, "es una carpeta")
        if not folder.is_dir():
            raise _cannot_write(path, "la carpeta no existe")
        writable = os.access(folder, os.W_OK | os.X_OK)
        if not writable or (path.exists() and not os.access(path, os.W_OK)):
            raise _cannot_write(path, "permiso denegado")
    except OSError as exc:  # a name too long, a folder that cannot be read…
        raise _cannot_write(path, os_reason(exc)) from None
    return path


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in Spanish."""
    return _OS_REASONS.get(exc.errno or 0, "el sistema lo rechazó")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place, so a
    failure never leaves a partial file (an existing file is replaced only on success)."""
    temp: str | None = None
    try:
        # a name of its own, created here or not at all (O_EXCL), as ``tempfile`` would make it
        # (not imported: with ``random`` and ``shutil`` it costs a command ~4 ms)
        name = str(path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp")
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        temp = name
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise _cannot_write(path, os_reason(exc)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
