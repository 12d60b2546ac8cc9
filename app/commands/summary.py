"""``appleuse summary --date YYYY-MM-DD [--advisor NOMBRE] -o ARCHIVO.pdf|ARCHIVO.csv``.

The end-of-day summary (corte del día, RULES §11) of a local date, for one advisor or all, as
a PDF or a CSV (UTF-8 with BOM), chosen by the file's extension. Errors: one Spanish line on
stderr, exit code 2, nothing written.

Only what the chosen format needs is imported: a CSV never loads ReportLab, and nothing here
loads Qt. A CSV from a plain ``sqlite:///archivo`` is read with the standard library's
``sqlite3`` (read-only) through ``app.day_summary``, the same SQL and assembly the services
use, so it never loads SQLAlchemy either; any other database goes through the services.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from app.kernel.errors import DomainError

if TYPE_CHECKING:
    from app.documents.data import DaySummary
    from app.services.facade import Services

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "summary",
        help="corte del día en PDF o CSV",
        description="Corte del día (sesiones, recibos, pagos, casos pendientes) de una fecha, "
        "de un asesor o de todos, en PDF o CSV según la extensión del archivo.",
    )
    p.add_argument("--date", metavar="AAAA-MM-DD", help="fecha local del corte (hoy si se omite)")
    p.add_argument("--advisor", metavar="NOMBRE", help="solo las sesiones de este asesor")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="ARCHIVO",
        help="archivo de salida: .pdf o .csv",
    )
    p.set_defaults(handler=run)


def parse_day(text: str | None) -> date:
    """``YYYY-MM-DD`` as a calendar date; None is today in Xalapa."""
    if text is None:
        from zoneinfo import ZoneInfo

        from app.kernel.fmt import LOCAL_ZONE

        return datetime.now(UTC).astimezone(ZoneInfo(LOCAL_ZONE)).date()
    clean = text.strip()
    if _DATE.fullmatch(clean):
        try:
            day = date.fromisoformat(clean)
        except ValueError:
            pass
        else:
            from app.kernel.limits import check_day

            return check_day(day)
    raise DomainError(f"La fecha «{text}» no es válida; use AAAA-MM-DD, p. ej. 2026-11-24.")


def find_advisor(services: Services, name: str) -> tuple[int, str]:
    """The advisor called ``name`` (case, accents as typed, spaces ignored), or the only one
    whose name starts with it."""
    found = services.clients.advisors(include_inactive=True)
    return pick_advisor([(a.id, a.name) for a in found], name)


def pick_advisor(advisors: Sequence[tuple[int, str]], name: str) -> tuple[int, str]:
    """:func:`find_advisor` among ``(id, name)`` pairs."""
    wanted = " ".join(name.split()).casefold()
    if not wanted:
        raise DomainError("Indique el nombre del asesor.")
    exact = [a for a in advisors if " ".join(a[1].split()).casefold() == wanted]
    if len(exact) == 1:
        return exact[0]
    starts = [a for a in advisors if " ".join(a[1].split()).casefold().startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1 or len(exact) > 1:
        names = ", ".join(a[1] for a in (exact or starts))
        raise DomainError(
            f"Hay varios asesores «{name.strip()}»: {names}. Escriba el nombre completo."
        )
    raise DomainError(f"El asesor «{name.strip()}» no existe.")


def quick_summary(url: str | None, day: date, advisor: str | None) -> DaySummary | None:
    """The summary straight from a plain ``sqlite:///archivo`` with the standard library (no
    SQLAlchemy); None when that is not possible (another database, no such file, an older
    schema…): the caller then goes through the services, which also word the errors."""
    import sqlite3

    from app.location import configured_url, sqlite_file
    from app.services.day_summary import summary_from_sqlite

    path = sqlite_file(configured_url(url))
    if path is None or not path.is_file():
        return None
    choose = None
    if advisor is not None:
        wanted = advisor

        def choose(found: Sequence[tuple[int, str]]) -> int:
            return pick_advisor(found, wanted)[0]

    try:
        return summary_from_sqlite(path, day, datetime.now(UTC), choose)
    except sqlite3.Error:
        return None


def run(args: argparse.Namespace) -> int:
    from app.commands.output import check_output, write_atomically

    day = parse_day(args.date)
    target = check_output(args.output, (".pdf", ".csv"))
    as_csv = target.suffix.lower() == ".csv"
    summary = quick_summary(args.db, day, args.advisor) if as_csv else None
    if summary is None:
        from app.commands.database import open_services

        with open_services(args.db) as services:
            advisor_id = None
            if args.advisor is not None:
                advisor_id, _ = find_advisor(services, args.advisor)
            summary = services.documents.day_summary(day, advisor_id)
    if as_csv:
        from app.documents.summary_csv import summary_csv_bytes

        data = summary_csv_bytes(summary)
    else:
        from app.documents.summary_pdf import summary_pdf_bytes

        data = summary_pdf_bytes(summary)
    write_atomically(target, data)
    n = len(summary.sessions)
    sessions = "1 sesión" if n == 1 else f"{n} sesiones"
    sys.stdout.write(
        f"Corte del día {day:%d/%m/%Y} ({summary.advisor_label}, {sessions}) guardado en {target}\n"
    )
    return 0
