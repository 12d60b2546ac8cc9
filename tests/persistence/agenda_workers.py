"""Child process for the booking race: ``python -m tests.persistence.agenda_workers URL
ADVISOR_ID CLIENT_ID START_ISO``: waits for ``go`` on stdin, books one hour, prints ``ok ID`` or
``refused MESSAGE``."""

from __future__ import annotations

import sys
from datetime import datetime

from app.kernel.clock import FakeClock
from app.kernel.enums import Modality
from app.kernel.errors import DomainError
from app.models.engine import make_engine
from app.services.agenda_values import AppointmentData
from app.services.facade import Services


def main(argv: list[str]) -> None:
    url, advisor, client, start = argv
    when = datetime.fromisoformat(start)
    services = Services.create(make_engine(url), FakeClock())  # Tuesday 24 November, 10:00
    data = AppointmentData(int(client), int(advisor), when, 60, Modality.REMOTE)
    services.agenda.free_slots(60, advisor_id=int(advisor), count=1)  # connection warmed up
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    try:
        print(f"ok {services.agenda.book(data).id}", flush=True)
    except DomainError as exc:
        print(f"refused {exc}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
