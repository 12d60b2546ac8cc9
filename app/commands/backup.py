"""``appleuse backup create | list | restore FILE``: backups of the database.

SQLite: checked copies through the online backup API (``app.models.backups``), kept in the
``respaldos`` folder beside the database (or ``--folder``), rotated (7 daily, 4 weekly, 12
monthly). PostgreSQL: ``pg_dump -Fc`` when it is installed; restoring a PostgreSQL dump is the
administrator's job (``pg_restore``). Every refusal is one Spanish line, exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.kernel.errors import DomainError


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "backup",
        help="respaldos de la base de datos",
        description="Respaldos de la base de datos (use --db URL antes del comando para elegirla).",
    )
    actions = p.add_subparsers(dest="backup_action", metavar="ACCIÓN", required=True)
    for name, text, handler in (
        ("create", "hace un respaldo comprobado y rota los anteriores", run_create),
        ("list", "lista los respaldos, del más reciente al más antiguo", run_list),
        ("restore", "restaura un respaldo (antes aparta la base actual)", run_restore),
    ):
        a = actions.add_parser(name, help=text, description=text.capitalize() + ".")
        a.add_argument("--folder", metavar="CARPETA", help="carpeta de respaldos")
        if name == "restore":
            a.add_argument("file", metavar="ARCHIVO", help="el respaldo que se restaura")
        a.set_defaults(handler=handler)


def sqlite_database(url: str | None) -> Path | None:
    """The SQLite file the command works on (None: PostgreSQL), which must exist."""
    from app.commands.database import open_engine

    engine = open_engine(url, existing=True)
    try:
        if engine.dialect.name != "sqlite":
            return None
        return Path(str(engine.url.database)).resolve()
    finally:
        engine.dispose()


def folder_for(database: Path, option: str | None) -> Path:
    return Path(option).expanduser() if option else database.parent / "respaldos"


def run_create(args: argparse.Namespace) -> int:
    """A checked backup, rotated as the database's backup settings say (and copied to their
    second folder, if any); ``--folder`` puts it elsewhere, rotated with the defaults."""
    from app.commands.database import open_engine, translated
    from app.models.backups import create_backup, rotate

    database = sqlite_database(args.db)
    if database is None:
        return _pg_dump(args)
    if args.folder:
        folder = folder_for(database, args.folder)
        made_at = create_backup(database, folder, reason="manual").path
        rotate(folder, now=datetime.now(UTC))
    else:
        from app.kernel.clock import SystemClock
        from app.services.backups import BackupService

        engine = open_engine(args.db, existing=True)
        try:
            with translated():
                made_at = BackupService(engine, SystemClock()).create("manual").path
        finally:
            engine.dispose()
    sys.stdout.write(f"{made_at}\n")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from app.models.backups import list_backups

    database = sqlite_database(args.db)
    if database is None:
        raise DomainError("Los respaldos de PostgreSQL se listan con pg_restore --list.")
    found = list_backups([folder_for(database, args.folder)])
    if not found:
        sys.stdout.write("No hay respaldos todavía; «appleuse backup create» hace uno.\n")
    for b in found:
        when = b.taken_at.astimezone(_zone()).strftime("%d/%m/%Y %H:%M")
        sys.stdout.write(f"{when}  {b.size / 1024:>9,.0f} KiB  {b.rows:>9,} filas  {b.path}\n")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.commands.database import open_engine, translated
    from app.models.backups import restore
    from app.models.engine import upgrade

    database = sqlite_database(args.db)
    if database is None:
        raise DomainError("Un respaldo de PostgreSQL se restaura con pg_restore.")
    backup = Path(args.file).expanduser()
    if not backup.is_file():
        raise DomainError(f"El respaldo «{backup}» no existe.")
    aside = restore(backup, database)
    engine = open_engine(f"sqlite:///{database}", existing=True)
    try:
        with translated():
            upgrade(engine, backup=False)  # an older backup is migrated to this release
    finally:
        engine.dispose()
    sys.stdout.write(f"Respaldo restaurado en {database}; la base anterior quedó en {aside}\n")
    return 0


def _pg_dump(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    from app.location import configured_url, data_dir

    tool = shutil.which("pg_dump")
    if tool is None:
        raise DomainError(
            "Para respaldar PostgreSQL instale las herramientas cliente de PostgreSQL "
            "(pg_dump) o use el respaldo de su servidor."
        )
    from sqlalchemy.engine import make_url

    url = make_url(configured_url(args.db)).set(drivername="postgresql")
    folder = Path(args.folder).expanduser() if args.folder else data_dir() / "respaldos"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"appleuse-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    done = subprocess.run(
        [tool, "-Fc", "-f", str(target), url.render_as_string(hide_password=False)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise DomainError(f"pg_dump no pudo respaldar: {done.stderr.strip()[:200]}")
    sys.stdout.write(f"{target}\n")
    return 0


def _zone() -> Any:
    from zoneinfo import ZoneInfo

    from app.kernel.fmt import LOCAL_ZONE

    return ZoneInfo(LOCAL_ZONE)
