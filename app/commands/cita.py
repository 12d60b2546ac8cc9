"""``appleuse cita add|cancel|libre``: book a cita, cancel one, list free slots.

``cita add --client NOMBRE|ID --advisor NOMBRE --start ISO --minutes N --modality
remote|office|onsite [--city C] [--case FOLIO] [--reason TEXTO]`` prints the new cita's id
(marks such as *emergencia* go to stderr as a notice); a clash, a past start, an unknown client
or advisor: one Spanish line on stderr, exit code 2, nothing saved. ``cita cancel ID --reason
TEXTO``. ``cita libre --minutes N [--advisor NOMBRE] [--from ISO] [--count K]`` prints one free
start per line (ISO 8601 with its offset; with no advisor, a tab and the advisor's name).
Without an offset, ISO times are local (America/Mexico_City).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.kernel.errors import DomainError

if TYPE_CHECKING:
    from app.services.facade import Services


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "cita", help="agendar, cancelar y buscar horarios libres",
        description="Citas de la agenda: agendar, cancelar y buscar horarios libres.",
        add_help=False,
    )  # fmt: skip
    actions = p.add_subparsers(dest="action", metavar="ACCIÓN", required=True,
                               parser_class=type(p))  # fmt: skip
    add = actions.add_parser("add", help="agenda una cita e imprime su número", add_help=False)
    add.add_argument("--client", required=True, metavar="NOMBRE|ID")
    add.add_argument("--advisor", required=True, metavar="NOMBRE")
    add.add_argument("--start", required=True, metavar="ISO")
    add.add_argument("--minutes", required=True, metavar="N")
    add.add_argument("--modality", required=True, choices=("remote", "office", "onsite"))
    add.add_argument("--city", metavar="CIUDAD")
    add.add_argument("--case", metavar="FOLIO")
    add.add_argument("--reason", default="", metavar="TEXTO")
    add.set_defaults(handler=run_add)
    cancel = actions.add_parser("cancel", help="cancela una cita (con motivo)", add_help=False)
    cancel.add_argument("id", metavar="ID")
    cancel.add_argument("--reason", required=True, metavar="TEXTO")
    cancel.set_defaults(handler=run_cancel)
    free = actions.add_parser("libre", help="próximos horarios libres", add_help=False)
    free.add_argument("--minutes", required=True, metavar="N")
    free.add_argument("--advisor", metavar="NOMBRE")
    free.add_argument("--from", dest="start", metavar="ISO")
    free.add_argument("--count", default="5", metavar="K")
    free.set_defaults(handler=run_free)


def whole(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(f"{what} «{text}» debe ser un número entero.") from None


def instant(text: str, what: str) -> datetime:
    from app.billing.tariff import Tariff
    from app.commands.quote import parse_instant

    return parse_instant(text, Tariff(), what)


def find_client(services: Services, text: str) -> int:
    """A client by id, or by name (case and accents ignored; the only one starting with it)."""
    from app.kernel.search import fold

    raw = text.strip()
    if raw.isdigit():
        return services.clients.client(int(raw)).id
    wanted = fold(" ".join(raw.split()))
    if not wanted:
        raise DomainError("Indique el cliente.")
    found = services.clients.clients()
    exact = [c for c in found if fold(" ".join(c.name.split())) == wanted]
    starts = exact or [c for c in found if fold(c.name).startswith(wanted)]
    if len(starts) == 1:
        return starts[0].id
    if starts:
        names = ", ".join(c.name for c in starts[:5])
        raise DomainError(f"Hay varios clientes «{raw}»: {names}. Use el nombre completo o el id.")
    raise DomainError(f"El cliente «{raw}» no existe.")


def run_add(args: argparse.Namespace) -> int:
    from app.commands.database import open_services
    from app.commands.summary import find_advisor
    from app.kernel.enums import Modality
    from app.services.agenda_values import AppointmentData

    start = instant(args.start, "El inicio")
    minutes = whole(args.minutes, "Los minutos")
    with open_services(args.db) as services:
        client = find_client(services, args.client)
        advisor, _ = find_advisor(services, args.advisor)
        case = services.agenda.case_id(args.case) if args.case else None
        data = AppointmentData(
            client, advisor, start, minutes, Modality(args.modality), city=args.city,
            reason=args.reason, case_id=case,
        )  # fmt: skip
        booked = services.agenda.book(data)
    sys.stdout.write(f"{booked.id}\n")
    for note in booked.notes:
        sys.stderr.write(f"appleuse: aviso: {note}\n")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    from app.commands.database import open_services

    ident = whole(args.id, "El número de cita")
    with open_services(args.db) as services:
        services.agenda.cancel(ident, args.reason)
    sys.stdout.write(f"Cita {ident} cancelada.\n")
    return 0


def run_free(args: argparse.Namespace) -> int:
    from app.commands.database import open_services
    from app.commands.summary import find_advisor

    minutes = whole(args.minutes, "Los minutos")
    count = whole(args.count, "La cantidad")
    start = instant(args.start, "El inicio de la búsqueda") if args.start else None
    with open_services(args.db) as services:
        advisor = find_advisor(services, args.advisor)[0] if args.advisor else None
        slots = services.agenda.free_slots(minutes, advisor_id=advisor, start=start, count=count)
    from app.kernel.fmt import to_local

    for slot in slots:
        when = to_local(slot.start).isoformat(timespec="minutes")
        sys.stdout.write(f"{when}\n" if advisor else f"{when}\t{slot.advisor_name}\n")
    return 0
