"""``appleuse db upgrade``: apply pending schema migrations (after a backup of a SQLite file).

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
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    actions = p.add_subparsers(dest="db_action", metavar="ACCIÓN", required=True)
    up = actions.add_parser(
        "upgrade",
        help="aplica las migraciones pendientes",
        description="Aplica las migraciones pendientes; antes copia el archivo SQLite.",
        add_help=False,
    )
    up.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    up.set_defaults(handler=run_upgrade)


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
