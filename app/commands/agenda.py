"""``appleuse agenda [--date D | --week D] [--advisor NOMBRE] -o ARCHIVO.ics|.pdf|.csv``.

The appointments of a local date (today by default) or of the week (Monday to Sunday) holding
``--week``'s date, of one advisor or all, as an iCalendar file (RFC 5545, for Calendar on the
Mac or an iPhone), a PDF or a CSV (UTF-8 with BOM), chosen by the extension and written whole
(temporary file, then renamed). Errors: one Spanish line on stderr, exit code 2, no file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "agenda", help="agenda del día o de la semana en .ics, PDF o CSV",
        description="Citas de un día o de una semana, de un asesor o de todos, en iCalendar "
        "(.ics), PDF o CSV según la extensión del archivo.",
        add_help=False,
    )  # fmt: skip
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="AAAA-MM-DD", help="un día (hoy si se omite)")
    when.add_argument("--week", metavar="AAAA-MM-DD", help="la semana (lunes a domingo) de ese día")
    p.add_argument("--advisor", metavar="NOMBRE", help="solo las citas de este asesor")
    p.add_argument("-o", "--output", required=True, metavar="ARCHIVO", help=".ics, .pdf o .csv")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.billing.policy import day_start
    from app.commands.database import open_services
    from app.commands.output import check_output, write_atomically
    from app.commands.summary import find_advisor, parse_day
    from app.kernel.fmt import format_long_day

    day = parse_day(args.week or args.date)
    target = check_output(args.output, (".ics", ".pdf", ".csv"))
    days = 1
    if args.week:
        day, days = day - timedelta(days=day.weekday()), 7
    with open_services(args.db) as services:
        tariff = services.settings.tariff()  # its zone: where the day begins
        start = day_start(day, tariff)
        end = day_start(day + timedelta(days=days), tariff)
        advisor_id, who = find_advisor(services, args.advisor) if args.advisor else (None, "")
        title = f"Agenda del {format_long_day(day)}" if days == 1 else (
            f"Agenda de la semana del {format_long_day(day)}"
        )  # fmt: skip
        title += f" — {who}" if who else " — todos los asesores"
        suffix = target.suffix.lower()
        if suffix == ".ics":
            data = services.agenda.calendar_ics(
                start, end, advisor_id, name=f"AppleUse {who}".strip()
            )
            n = data.count(b"BEGIN:VEVENT")
        else:
            business = services.settings.profile().name
            listing = services.agenda.agenda_list(start, end, advisor_id, title, business)
            n = len(listing.rows)
            if suffix == ".csv":
                from app.documents.agenda_list import agenda_csv_bytes

                data = agenda_csv_bytes(listing)
            else:
                from app.documents.agenda_pdf import agenda_pdf_bytes

                data = agenda_pdf_bytes(listing)
    write_atomically(target, data)
    citas = "1 cita" if n == 1 else f"{n} citas"
    sys.stdout.write(f"{title} ({citas}) guardada en {target}\n")
    return 0
