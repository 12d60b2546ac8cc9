"""``appleuse report --from AAAA-MM-DD --to AAAA-MM-DD [--advisor NOMBRE] -o ARCHIVO.pdf|.csv``.

The period report (issue 14) for a range of local dates — or a named period (``--period
week|month|quarter|year|last12``, the one holding today) — for one advisor or all, as a PDF
with charts or a CSV (UTF-8 with BOM) laid out like the corte's, chosen by the file's
extension. Errors (a bad date, a reversed range, an unknown advisor…): one Spanish line on
stderr, exit code 2, nothing written. ReportLab is loaded only for a PDF; Qt never.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from app.kernel.errors import DomainError

if TYPE_CHECKING:
    from app.services.facade import Services

_PRESETS = ("week", "month", "quarter", "year", "last12")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "report",
        help="reporte de un periodo en PDF (con gráficas) o CSV",
        description="Reporte de un periodo (ingresos, horas por modalidad y por banda, asesores, "
        "clientes, pólizas, casos y comparación con el periodo anterior) de un asesor o de "
        "todos, en PDF o CSV según la extensión del archivo.",
        add_help=False,
    )
    p.add_argument("--from", dest="first", metavar="AAAA-MM-DD", help="primer día (local)")
    p.add_argument("--to", dest="last", metavar="AAAA-MM-DD", help="último día (incluido)")
    p.add_argument(
        "--period",
        choices=_PRESETS,
        help="en lugar de --from/--to: semana, mes, trimestre o año de hoy, o últimos 12 meses",
    )
    p.add_argument("--advisor", metavar="NOMBRE", help="solo las sesiones de este asesor")
    p.add_argument(
        "-o", "--output", required=True, metavar="ARCHIVO", help="archivo de salida: .pdf o .csv"
    )
    p.set_defaults(handler=run)


def _dates(args: argparse.Namespace, services: Services) -> tuple[date, date]:
    from app.commands.summary import parse_day
    from app.services.reports import Preset, check_period

    if args.period is not None:
        if args.first is not None or args.last is not None:
            raise DomainError("Use --period o bien --from y --to, no ambos.")
        return services.reports.preset(Preset(args.period))
    if args.first is None or args.last is None:
        raise DomainError("Indique el periodo: --from AAAA-MM-DD --to AAAA-MM-DD (o --period).")
    return check_period(parse_day(args.first), parse_day(args.last))


def run(args: argparse.Namespace) -> int:
    from app.commands.database import open_services
    from app.commands.output import check_output, write_atomically
    from app.commands.summary import parse_day

    if args.period is None:  # bad dates are refused before the database is opened
        for text in (args.first, args.last):
            if text is not None:
                parse_day(text)
    target = check_output(args.output, (".pdf", ".csv"))
    with open_services(args.db) as services:
        first, last = _dates(args, services)
        advisor_id = None
        if args.advisor is not None:
            from app.commands.summary import find_advisor

            advisor_id, _ = find_advisor(services, args.advisor)
        report = services.reports.period(first, last, advisor_id)
        as_csv = target.suffix.lower() == ".csv"
        corte = services.reports.period_corte(first, last, advisor_id) if as_csv else None
    if corte is not None:
        from app.documents.report_csv import report_csv_bytes

        data = report_csv_bytes(report, corte)
    else:
        from app.documents.report_pdf import report_pdf_bytes

        data = report_pdf_bytes(report)
    write_atomically(target, data)
    n = report.totals.sessions
    sessions = "1 sesión" if n == 1 else f"{n} sesiones"
    sys.stdout.write(
        f"Reporte {first:%d/%m/%Y}–{last:%d/%m/%Y} ({report.advisor_label}, {sessions}) "
        f"guardado en {target}\n"
    )
    return 0
