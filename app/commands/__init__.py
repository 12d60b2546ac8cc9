"""Sub-commands of ``appleuse``. Each module registers its arguments (cheap) and imports what
it needs only when it runs."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from app.commands import agenda, backup, cita, db, demo, quote, receipt, report, summary


class Command(Protocol):
    def register(self, sub: argparse._SubParsersAction[Any]) -> None: ...


COMMANDS: list[Command] = [quote, db, backup, demo, receipt, summary, report, cita, agenda]
