"""Command line: ``appleuse`` alone opens the window; sub-commands are the CLI.

Heavy libraries (Qt, SQLAlchemy, ReportLab) are imported only by the command that needs them,
so ``appleuse quote`` answers about as fast as Python imports ``holidays``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from app.kernel.errors import DomainError


class CliError(Exception):
    """Bad command-line input: one Spanish line on stderr, exit code 2."""


_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", "faltan argumentos obligatorios: {0}"),
    (r"unrecognized arguments: (.*)", "argumentos no reconocidos: {0}"),
    (r"argument (\S+): expected one argument", "el argumento {0} espera un valor"),
    (r"argument (\S+): expected at most one argument", "el argumento {0} admite un solo valor"),
    (r"argument (\S+): expected (\d+) arguments?", "el argumento {0} espera {1} valores"),
    (r"argument (\S+): ignored explicit argument '(.*)'", "el argumento {0} no lleva valor"),
    (r"argument (\S+): not allowed with argument (\S+)", "{0} no se puede usar junto con {1}"),
    (r"argument (\S+): invalid choice: '?([^' ]*)'?.*", "valor no válido para {0}: «{1}»"),
    (r"argument (\S+): invalid (\w+) value: '(.*)'", "valor no válido para {0}: «{2}»"),
    (r"argument (\S+): (.*)", "argumento {0} no válido: {1}"),
    (r"ambiguous option: (\S+) could match (.*)", "la opción {0} es ambigua: puede ser {1}"),
    (r"one of the arguments (.*) is required", "falta uno de los argumentos {0}"),
]

HELP_TEXT = "muestra esta ayuda y sale"


def _spanish(message: str) -> str:
    for pattern, template in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message, re.DOTALL)
        if match:
            return template.format(*match.groups())
    return message


class SpanishHelpFormatter(argparse.HelpFormatter):
    """argparse's help in Spanish: "uso:" instead of "usage:". Its width is the terminal's, as
    argparse finds it but without importing ``shutil`` (and its compressors): argparse makes a
    formatter for every argument added, so each command would pay for it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:  # fmt: skip
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Parser(argparse.ArgumentParser):
    """argparse in Spanish: help and usage ("uso:", "argumentos posicionales:", "opciones:",
    "-h, --help  muestra esta ayuda y sale"), every error one Spanish line with the command's
    usage, exit code 2. Sub-parsers are this class too (``add_subparsers`` makes its parsers
    with the parser's own class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", SpanishHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos posicionales"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help=HELP_TEXT)

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        fail(f"{_spanish(message)} ({usage})")


def fail(message: str) -> NoReturn:
    """One Spanish line on stderr, exit code 2. What the user typed is quoted «…» in the
    messages: each quotation is cut to 80 characters, and the line to 1,000."""
    from app.kernel.limits import clip

    text = " ".join(_QUOTED.sub(lambda m: f"«{clip(m.group(1))}»", message).split())
    sys.stderr.write(f"appleuse: error: {clip(text, 1000)}\n")
    raise SystemExit(2)


_QUOTED = re.compile(r"«([^»]*)»")


def build_parser(*, window_only: bool = False, command: str | None = None) -> Parser:
    """The parser: with ``command`` (one of ``app.commands.NAMES``) only that sub-command is
    registered — the one the line names, so no other command's module is imported; without
    it, all of them."""
    parser = Parser(
        prog="appleuse",
        description="AppleUse Soporte. Sin subcomando abre la ventana.",
    )
    parser.add_argument("--db", metavar="URL", help="base de datos (URL de SQLAlchemy)")
    parser.add_argument("--advisor", metavar="NOMBRE", help="asesor que atiende (ventana)")
    if not window_only:
        from app.commands import NAMES, commands

        # ``prog`` given (what argparse would work out: the main parser has no positionals), so
        # no help formatter is made — it imports ``shutil`` and its compressors — unless needed
        sub = parser.add_subparsers(
            dest="command", metavar="COMANDO", parser_class=Parser, prog=parser.prog
        )
        for module in commands(NAMES if command is None else (command,)):
            module.register(sub)
    return parser


def private_files() -> None:
    """Everything this process creates — the database and its journal, backups, PDFs, CSVs —
    is readable by the user only (POSIX umask 077: files 0600, folders 0700)."""
    import os

    if os.name == "posix":
        os.umask(0o077)


def _window_only(args: Sequence[str]) -> bool:
    """No sub-command: only --db / --advisor, so the window opens (nothing else imported)."""
    rest = list(args)
    while rest:
        head = rest.pop(0)
        if head in ("--db", "--advisor") and rest:
            rest.pop(0)
        elif not head.startswith(("--db=", "--advisor=")):
            return False
    return True


_VALUED = ("--db", "--advisor")  # the main parser's options that take a value


def command_word(args: Sequence[str]) -> str | None:
    """The sub-command the line names — its first word that is neither an option of the main
    parser nor such an option's value (``--db URL``, ``--db=URL``, ``--adv NOMBRE``: argparse
    accepts a unique prefix) — when it is one of ``app.commands.NAMES``; else None (``--help``,
    no command, a mistyped one: the parser then registers every command and words the
    error as always)."""
    from app.commands import NAMES

    rest = list(args)
    while rest:
        head = rest.pop(0)
        if head == "--" or not head.startswith("-") or head == "-":
            return head if head in NAMES else None
        valued = "=" not in head and len(head) > 2 and any(o.startswith(head) for o in _VALUED)
        if valued and rest:
            rest.pop(0)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    private_files()
    args_list = list(sys.argv[1:] if argv is None else argv)
    for arg in args_list:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:  # bytes of another encoding in the command line
            fail("Un argumento tiene caracteres que no son texto UTF-8 válido; escríbalo de nuevo.")
    window = _window_only(args_list)
    import gc

    thresholds = gc.get_threshold()
    if not window:  # a command is short: the young generation is collected 140× less often
        gc.set_threshold(_COMMAND_GC_THRESHOLD, *thresholds[1:])
    try:
        parser = build_parser(window_only=window, command=command_word(args_list))
        args = parser.parse_args(args_list)
        if not window and args.command is not None:
            code = _run(args)
            if argv is None:  # the process's own command line: it ends when the command does
                # what the command made stays until then: frozen, the collections the
                # interpreter runs as it exits skip it (~6 % of ``appleuse summary``)
                gc.freeze()
            return code
    finally:
        gc.set_threshold(*thresholds)
    from app.bootstrap import run

    return int(run(db_url=args.db, advisor_name=args.advisor))


#: young objects between two collections while a command runs (Python's default: 700): its
#: imports make tens of thousands of objects that live to the end, which the default walks
#: again and again (~1 % of ``appleuse summary``); still bounded, unlike ``gc.disable()``.
_COMMAND_GC_THRESHOLD = 100_000


def _run(args: argparse.Namespace) -> int:
    """The command's handler; refusals as one Spanish line (exit code 2)."""
    from app.kernel.errors import BillingError

    try:
        result = int(args.handler(args))
    except (CliError, BillingError, DomainError) as exc:
        fail(str(exc))
    except OSError as exc:
        from app.commands.output import os_reason

        where = f" «{exc.filename}»" if exc.filename else ""
        fail(f"No se pudo usar el archivo{where}: {os_reason(exc)}.")
    return result
