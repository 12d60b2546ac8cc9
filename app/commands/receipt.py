"""``appleuse receipt FOLIO -o FILE.pdf``: print a stored receipt to a PDF file.

The receipt is rebuilt from what was stored when it was issued (never priced again). Every
refusal is one Spanish line on stderr with exit code 2, and nothing is written: the output
path is checked before the database is read, and the file appears only once complete
(written next to its final name, then renamed).

SQLAlchemy and ReportLab are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.kernel.errors import DomainError


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
    from app.commands.database import open_services
    from app.commands.output import check_output, write_atomically

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
