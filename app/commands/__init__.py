"""Sub-commands of ``appleuse``. Each module registers its arguments (cheap) and imports what
it needs only when it runs; the parser imports only the module of the command named on the
line (every one only for ``appleuse --help`` or a word that is not a command)."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import Any, Protocol, cast

#: every sub-command, in the order ``appleuse --help`` lists them (a module of this package each)
NAMES = ("quote", "db", "backup", "demo", "receipt", "summary", "report", "cita", "agenda")


class Command(Protocol):
    def register(self, sub: argparse._SubParsersAction[Any]) -> None: ...


def commands(names: Sequence[str] = NAMES) -> list[Command]:
    """The modules of ``names``, imported now."""
    return [cast(Command, importlib.import_module(f"app.commands.{name}")) for name in names]
