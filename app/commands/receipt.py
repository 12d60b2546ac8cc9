"""``appleuse receipt FOLIO -o FILE.pdf``: print a stored receipt to a PDF file;
``appleuse receipt cancel FOLIO --reason TEXT [--reissue]``: cancel it (the folio is kept).

The receipt is rebuilt from what was stored when it was issued (never priced again). Every
refusal is one Spanish line on stderr with exit code 2, and nothing is written: the output
path is checked before the database is read, and the file appears only once complete
(written next to its final name, then renamed). A refused cancellation changes nothing.

SQLAlchemy and ReportLab are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.kernel.errors import DomainError

USAGE = "%(prog)s FOLIO -o ARCHIVO.pdf\n       %(prog)s cancel FOLIO --reason MOTIVO [--reissue]"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "receipt",
        help="guarda un recibo emitido como PDF, o lo cancela",
        usage=USAGE,
        description="Guarda como PDF un recibo emitido (tal como se emitió; los cancelados "
        "salen con la marca CANCELADO). Con «cancel» lo cancela: el folio se conserva, el "
        "motivo es obligatorio y la sesión puede recibir un recibo nuevo.",
    )
    p.add_argument(
        "folio", metavar="FOLIO", help="folio del recibo, p. ej. A-000042 (o «cancel» FOLIO)"
    )
    p.add_argument("cancel_folio", nargs="?", metavar="FOLIO", help=argparse.SUPPRESS)
    p.add_argument("-o", "--output", metavar="ARCHIVO.pdf", help="archivo PDF de salida")
    p.add_argument("--reason", metavar="MOTIVO", help="con cancel: motivo de la cancelación")
    p.add_argument(
        "--reissue",
        action="store_true",
        help="con cancel: emite de inmediato el recibo corregido de la misma sesión",
    )
    p.set_defaults(handler=run)


def _folio(text: str) -> str:
    folio = " ".join(text.split()).upper()
    if not folio:
        raise DomainError("Indique el folio del recibo, p. ej. A-000042.")
    return folio


def run(args: argparse.Namespace) -> int:
    if args.folio.strip().lower() == "cancel":
        return run_cancel(args)
    if args.cancel_folio is not None:
        raise DomainError(f"Argumento de más: «{args.cancel_folio}».")
    if args.reason is not None or args.reissue:
        raise DomainError("--reason y --reissue solo van con «appleuse receipt cancel FOLIO».")
    if args.output is None:
        raise DomainError(
            "faltan argumentos obligatorios: -o/--output (uso: appleuse receipt FOLIO "
            "-o ARCHIVO.pdf)"
        )
    from app.commands.database import open_services
    from app.commands.output import check_output, write_atomically

    folio = _folio(args.folio)
    target = check_output(args.output, (".pdf",))
    with open_services(args.db) as services:
        doc = services.documents.receipt_by_folio(folio)
    from app.documents.receipt_pdf import receipt_pdf_bytes

    write_atomically(target, receipt_pdf_bytes(doc))
    state = " (CANCELADO)" if doc.is_cancelled else ""
    sys.stdout.write(f"Recibo {doc.folio}{state} guardado en {target}\n")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    """Cancel the receipt (and issue the corrected one with --reissue); one Spanish line."""
    if args.cancel_folio is None:
        raise DomainError("Indique el folio del recibo que se cancela, p. ej. A-000042.")
    if args.output is not None:
        raise DomainError("La cancelación no escribe archivos: quite -o.")
    if args.reason is None or not args.reason.strip():
        raise DomainError("Indique el motivo de la cancelación con --reason MOTIVO.")
    from app.commands.database import open_services

    folio = _folio(args.cancel_folio)
    with open_services(args.db) as services:
        receipt = services.receipts.by_folio(folio)
        if args.reissue:
            old, new = services.receipts.cancel_and_reissue(receipt.id, args.reason)
            sys.stdout.write(
                f"Recibo {old.folio} cancelado; se emitió el recibo {new.folio} por "
                f"{_money(new.total)} para la misma sesión.\n"
            )
            return 0
        old = services.receipts.cancel(receipt.id, args.reason)
    sys.stdout.write(f"Recibo {old.folio} cancelado. Motivo: {old.cancel_reason}\n")
    return 0


def _money(value: Any) -> str:
    from app.billing.money import format_money

    return format_money(value)
