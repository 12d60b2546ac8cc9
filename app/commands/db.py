"""``appleuse db upgrade``: apply pending schema migrations (after a backup of a SQLite file).
``appleuse db check``: look for damage (SQLite ``integrity_check``); a damaged file is one
Spanish line naming the damage and the newest good backup, exit code 2.

SQLAlchemy and Alembic are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "db",
        help="administra la base de datos",
        description="Administra la base de datos (use --db URL antes del comando para elegirla).",
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACCIÓN", required=True)
    up = actions.add_parser(
        "upgrade",
        help="aplica las migraciones pendientes",
        description="Aplica las migraciones pendientes; antes copia el archivo SQLite.",
    )
    up.set_defaults(handler=run_upgrade)
    check = actions.add_parser(
        "check",
        help="revisa si la base de datos está dañada",
        description="Revisa la base de datos completa (SQLite: integrity_check).",
    )
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.commands.database import open_engine, translated
    from app.kernel.errors import DomainError
    from app.kernel.limits import clip
    from app.models.backups import newest_good
    from app.models.engine import current_revision, integrity_problems
    from app.models.revisions import check_revision

    engine = open_engine(args.db, existing=True)
    try:
        with translated():
            problems = integrity_problems(engine, thorough=True)
            if not problems:
                check_revision(current_revision(engine))
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if problems:
        folder = Path(str(engine.url.database)).resolve().parent / "respaldos"
        good = newest_good([folder])
        fix = (
            f"restaure el respaldo bueno más reciente: appleuse backup restore {good.path}"
            if good is not None
            else "no hay respaldos buenos en la carpeta «respaldos»"
        )
        raise DomainError(f"La base de datos {where} está dañada ({clip(problems[0])}); {fix}.")
    sys.stdout.write(f"La base de datos está en buen estado: {where}\n")
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    from app.commands.database import open_engine, translated
    from app.models.engine import current_revision, upgrade
    from app.models.revisions import head

    engine = open_engine(args.db, existing=False)
    try:
        with translated():
            before = current_revision(engine)
            backup = upgrade(engine)
            after = current_revision(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        sys.stdout.write(f"La base de datos ya está al día (revisión {after}): {where}\n")
        return 0
    if backup is not None:
        sys.stdout.write(f"Copia de seguridad: {backup}\n")
    sys.stdout.write(f"Base de datos actualizada de {before or 'vacía'} a {head()}: {where}\n")
    return 0
