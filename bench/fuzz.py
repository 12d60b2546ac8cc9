"""Fuzz: the command line and the services with random but plausible input (hypothesis).

(a) ``app.cli.main([...])`` in-process (a sample also as ``python -m app …`` subprocesses):
    ``quote`` (modalities, ISO instants from year 0001 to 9999, gaps, amounts like ``1e30``,
    29 digits, ``-1``, ``NaN``, 100 KB strings, unicode and control characters), ``summary
    --date … -o FILE.csv|.pdf``, ``receipt FOLIO -o FILE.pdf``, ``db upgrade``, ``db check``,
    ``backup list`` — against a small demo database and against bad ``--db`` values (missing,
    empty, truncated, damaged, not a database, a newer schema, a folder, in-memory, other
    dialects, PostgreSQL that refuses, a host that does not answer…). For each case: the exit
    code; a Python traceback on stderr or an exception other than SystemExit escaping ``main``;
    whether a refusal (exit 2) printed exactly one line starting ``appleuse: error: ``; files
    left behind (``*.tmp``, zero-byte files, an output written although the command failed);
    the time taken (> 10 s: a hang).
(b) the services' public functions with random inputs (names and notes with control characters
    and 10,000 characters, amounts with many digits, negative, NaN, Infinity, huge Decimals,
    dates and instants at edge years, random enum-like strings, huge and negative ids) on a
    SQLite file: any exception that is not a ``DomainError`` is a failure. Tariff versions are
    fuzzed on a fresh copy of the database each time (a saved tariff prices every later call).

Every case is recorded, nothing is shrunk; a distinct failure (where, exception type, message
shape) is printed once with its shortest reproducer. Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/fuzz.py [--cli 2500] [--subprocess 120]
        [--services 2500] [--tariffs 150] [--seed 0] [--pg URL-OF-A-SERVER-WITHOUT-DBNAME]

All files are made in a temporary directory (the working directory, HOME and XDG_DATA_HOME of
the cases point there); nothing is written in the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


#: argparse's own words, left untranslated in a refusal (what the user typed, «…», is removed)
ENGLISH = re.compile(
    r"\b(expected|argument|arguments|invalid|required|choose from|unrecognized|"
    r"one|not|allowed|ambiguous|option|usage|such|file|denied|permission|"
    r"too long|failed|unable|cannot)\b",
    re.IGNORECASE,
)
HANG_S = 10.0  # a case slower than this is reported as a hang
ALARM_S = 40  # an in-process case is interrupted after this
SUB_TIMEOUT_S = 40


SUBCOMMANDS = ("quote", "summary", "receipt", "db", "backup")


def opens_window(argv: list[str]) -> bool:
    """No sub-command: ``appleuse`` would open the window (never run by the fuzz)."""
    from app.cli import _window_only

    return _window_only(argv) or not any(a in SUBCOMMANDS for a in argv)


class WindowOpened(BaseException):
    """The case reached ``app.bootstrap.run`` (the window): stopped, not counted."""


def _no_window(*args: Any, **kwargs: Any) -> Any:
    raise WindowOpened()


class Hang(BaseException):
    """Raised by SIGALRM inside a case that runs too long."""


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


# -- reproducer text ------------------------------------------------------------------------------
def rep(value: Any, depth: int = 0) -> str:
    """A short Python expression for ``value`` (long strings as 'c' * n or cut)."""
    if isinstance(value, str):
        if len(value) > 60:
            if len(set(value)) == 1:
                return f"{value[0]!r} * {len(value)}"
            return f"{value[:40]!r} + … ({len(value)} chars)"
        return repr(value)
    if isinstance(value, Decimal):
        text = str(value)
        return (
            f"Decimal({text!r})" if len(text) <= 60 else f"Decimal('{text[:30]}…{len(text)} chars')"
        )
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**12:
        return f"{value!r}" if len(str(value)) <= 30 else f"10**{len(str(abs(value))) - 1}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and depth < 3:
        parts = [
            f"{f.name}={rep(getattr(value, f.name), depth + 1)}"
            for f in dataclasses.fields(value)
            if _differs(getattr(value, f.name), _default(f))
        ]
        return f"{type(value).__name__}({', '.join(parts)})"
    if isinstance(value, tuple):
        inner = ", ".join(rep(v, depth + 1) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(rep(v, depth + 1) for v in value) + "]"
    return repr(value)


def _default(f: Any) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _differs(a: Any, b: Any) -> bool:
    try:
        return bool(a != b)
    except Exception:
        return True


def bash_quote(arg: str) -> str:
    """One argument as bash would need it typed: plain, '…', or $'…' with escapes (a
    non-UTF-8 byte, which Python sees as a lone surrogate, as \\xNN). A long run of one
    character is shown as <'c' * n> (not valid shell: a reader's shorthand)."""
    import shlex

    if len(arg) > 60 and len(set(arg)) == 1:
        return f"<{arg[0]!r} * {len(arg)}>"
    if len(arg) > 120:
        return bash_quote(arg[:60]) + f"<… {len(arg)} chars>"
    if all(c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF for c in arg):
        return shlex.quote(arg)
    out = []
    for c in arg:
        n = ord(c)
        if 0xDC80 <= n <= 0xDCFF:
            out.append(f"\\x{n - 0xDC00:02x}")
        elif c in "\\'":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        elif n < 0x100:
            out.append(f"\\x{n:02x}")
        else:
            out.append(f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}")
    return "$'" + "".join(out) + "'"


def shell_args(argv: list[str]) -> str:
    return " ".join(bash_quote(a) for a in argv)


def app_frame(tb: Any) -> str:
    """The innermost frame of the app (``app/…``) in a traceback: where it escaped."""
    where = ""
    for frame in traceback.extract_tb(tb):
        path = frame.filename
        if f"{ROOT}/app/" in path:
            where = f"{path[len(str(ROOT)) + 1 :]}:{frame.lineno} ({frame.name})"
    return where or "(outside app/)"


def shape(message: str) -> str:
    """A message with its numbers, quoted values, options and SQL blurred, to group failures."""
    text = message.split("[SQL:")[0]
    text = re.sub(r"(?<![A-Za-z])'(?:[^'\\]|\\.)*?('(?![A-Za-z])|$)", "…", text)
    text = re.sub(r'(?<![A-Za-z])"(?:[^"\\]|\\.)*?("|$)|«[^»]*(»|$)', "…", text)
    text = re.sub(r"-{1,2}[A-Za-z][\w-]*(/-{1,2}[\w-]+)?", "-OPT", text)
    text = re.sub(r"\d+", "N", text)
    return " ".join(text.split())[:90]


def refusal_shape(message: str) -> str:
    """A refusal line grouped by what comes before its first colon (a path, a value after it)."""
    text = message.removeprefix("appleuse: error: ")
    head = text.split(":", 1)[0]
    return shape(head if len(head) < 80 else text[:80])


EXCEPTION_KINDS = {"exception escaped main", "traceback on stderr", "non-DomainError"}
FILE_KINDS = {
    "temporary file left",
    "zero-byte file left",
    "hang (> 10 s)",
    "output written although the command failed",
}


# -- records ---------------------------------------------------------------------------------------
@dataclass
class Failure:
    kind: str  # traceback, escaped, bad refusal, partial file, hang, output on failure
    exc: str
    message: str
    repro: str
    shape: str = ""
    count: int = 0
    sites: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    payload: Any = None  # what reproduces it (argv, a call…), for the shrinker
    minimal: str = ""  # the reproducer after shrinking
    site_repro: dict[str, str] = field(default_factory=dict)  # the shortest case per place

    def same(self, other: Failure) -> bool:
        """One cause: same kind and exception, and the same message shape or (an exception)
        the same place in the app."""
        if (self.kind, self.exc) != (other.kind, other.exc):
            return False
        if self.shape == other.shape:
            return True
        return self.kind in EXCEPTION_KINDS and bool(set(self.sites) & set(other.sites))


@dataclass
class Tally:
    cases: int = 0
    by_exit: dict[Any, int] = field(default_factory=lambda: defaultdict(int))
    refusals: int = 0
    passed: int = 0
    slowest: tuple[float, str] = (0.0, "")
    hangs: int = 0
    tracebacks: int = 0
    partial: int = 0
    bad_refusals: int = 0
    failures: list[Failure] = field(default_factory=list)
    payload: Any = None  # the case being judged

    def time(self, seconds: float, repro: str) -> None:
        if seconds > self.slowest[0]:
            self.slowest = (seconds, repro)

    def fail(self, kind: str, where: str, exc: str, message: str, repro: str) -> None:
        """One failure, grouped with the ones of the same cause (their places listed)."""
        if kind in EXCEPTION_KINDS:
            sh = shape(message)
        elif kind in FILE_KINDS:
            sh = ""
        else:
            sh = refusal_shape(message)
        new = Failure(kind, exc, message, repro, sh, payload=self.payload)
        new.sites[where] += 1
        found = next((f for f in self.failures if f.same(new)), None)
        if found is None:
            self.failures.append(new)
            found = new
        else:
            found.sites[where] += 1
        found.count += 1
        if len(repro) < len(found.site_repro.get(where, repro + "x")):
            found.site_repro[where] = repro
        if len(repro) < len(found.repro):
            found.repro, found.message, found.payload = repro, message, self.payload


# -- the sandbox -----------------------------------------------------------------------------------
class Sandbox:
    """A temporary tree: the demo database, damaged variants, the cases' working directory."""

    def __init__(self, pg: str | None) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="appleuse-fuzz-"))
        self.cwd = self.tmp / "cwd"
        self.db = self.tmp / "db"
        for d in (self.cwd, self.db, self.tmp / "home", self.tmp / "xdg"):
            d.mkdir()
        os.environ["HOME"] = str(self.tmp / "home")
        os.environ["XDG_DATA_HOME"] = str(self.tmp / "xdg")
        os.environ.pop("APPLEUSE_DB", None)
        os.chdir(self.cwd)
        self.pg = pg
        (self.cwd / "carpeta.pdf").mkdir()  # an output name that is a folder
        (self.cwd / "archivo.txt").write_text("x")  # a file used as a folder
        self.demo = self.db / "demo.sqlite3"
        self._demo()
        self.folios = self._folios()
        self.bad = self._bad_databases()

    def _demo(self) -> None:
        from app.commands.demo import fill
        from app.models.engine import make_engine, upgrade

        engine = make_engine(f"sqlite:///{self.demo}")
        upgrade(engine)
        fill(engine, date(2026, 12, 1), weeks=1, seed=1)
        engine.dispose()
        shutil.copy(self.demo, self.db / "pristine.sqlite3")

    def _folios(self) -> list[str]:
        import sqlite3

        with sqlite3.connect(self.demo) as conn:
            return [r[0] for r in conn.execute("SELECT folio FROM receipts ORDER BY folio")]

    def _bad_databases(self) -> dict[str, str]:
        import sqlite3

        data = self.demo.read_bytes()
        files = {
            "empty": b"",
            "text": b"hola, no soy una base de datos\n",
            "truncated": data[: len(data) // 2],
            "header only": data[:100],
        }
        damaged = bytearray(data)
        for offset in range(4096 * 3, min(len(damaged), 4096 * 8), 97):
            damaged[offset] = (damaged[offset] * 7 + 13) % 256
        files["damaged"] = bytes(damaged)
        urls = {}
        for name, blob in files.items():
            path = self.db / f"{name.replace(' ', '_')}.sqlite3"
            path.write_bytes(blob)
            urls[name] = f"sqlite:///{path}"
        newer = self.db / "newer.sqlite3"
        shutil.copy(self.demo, newer)
        with sqlite3.connect(newer) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        urls["newer schema"] = f"sqlite:///{newer}"
        foreign = self.db / "foreign.sqlite3"
        with sqlite3.connect(foreign) as conn:
            conn.execute("CREATE TABLE clients (x)")
        urls["other app's database"] = f"sqlite:///{foreign}"
        (self.db / "folder.sqlite3").mkdir()
        urls["folder"] = f"sqlite:///{self.db / 'folder.sqlite3'}"
        urls["missing file"] = f"sqlite:///{self.db / 'no-such.sqlite3'}"
        urls["missing folder"] = f"sqlite:///{self.db / 'no' / 'such' / 'x.sqlite3'}"
        odd = self.db / "\udcff-demo.sqlite3"  # a folder or file name that is not UTF-8
        shutil.copy(self.demo, odd)
        urls["existing file, non-UTF-8 name"] = f"sqlite:///{odd}"
        urls["new file, non-UTF-8 name"] = "sqlite:///" + str(self.cwd / "nueva-\udcfe.sqlite3")
        urls["relative new file"] = "sqlite:///relativa.sqlite3"
        urls["memory"] = "sqlite://"
        urls["memory named"] = "sqlite:///:memory:"
        urls["uri read-only"] = f"sqlite:///file:{self.demo}?mode=ro&uri=true"
        urls["query options"] = f"sqlite:///{self.demo}?timeout=abc"
        urls["unknown driver"] = "sqlite+nosuchdriver:///x.sqlite3"
        urls["mysql"] = "mysql://root@127.0.0.1/appleuse"
        urls["no scheme"] = str(self.demo)
        urls["psycopg2 driver"] = "postgresql://postgres@127.0.0.1:55432/appleuse_fuzz_missing"
        urls["pg port closed"] = "postgresql+psycopg://postgres@127.0.0.1:1/appleuse_fuzz"
        urls["pg bad port"] = "postgresql+psycopg://postgres@127.0.0.1:99999/appleuse_fuzz"
        urls["pg unknown host"] = "postgresql+psycopg://postgres@no-such-host.invalid/x"
        if self.pg:
            urls["pg missing database"] = f"{self.pg}/appleuse_fuzz_missing"
            urls["pg unknown role"] = self.pg.replace("postgres@", "nadie@") + "/appleuse_bench"
        return urls

    def snapshot(self) -> dict[Path, int]:
        out = {}
        for folder, dirs, files in os.walk(self.tmp):
            for name in files:
                p = Path(folder) / name
                with contextlib.suppress(OSError):
                    out[p] = p.stat().st_size
            for name in dirs:
                out[Path(folder) / name] = -1
        return out

    def restore_demo(self) -> None:
        if self.demo.stat().st_size != (self.db / "pristine.sqlite3").stat().st_size:
            shutil.copy(self.db / "pristine.sqlite3", self.demo)


# -- strategies --------------------------------------------------------------------------------
CHARS = [
    "a",
    "ñ",
    "€",
    "😀",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x07",
    "\x1b",
    "\n",
    "\t",
    "\r",
    "\x7f",
    "\x85",
    "\u2028",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "«",
    "»",
]
huge = st.builds(
    lambda c, n: c * n,
    st.sampled_from(CHARS),
    st.sampled_from([81, 201, 1001, 5001, 10_000, 100_000]),
)
control_text = st.text(st.characters(max_codepoint=0x9F), max_size=12)
plain = st.text(max_size=30)
weird = st.one_of(
    plain,
    plain,
    control_text,
    huge,
    st.sampled_from(
        [
            "",
            " ",
            "\t",
            "  \n ",
            "Juan Pérez",
            "'; DROP TABLE clients; --",
            "ñ" * 200,
            "x" * 120,
            "x" * 121,
            "x" * 5000,
        ]
    ),
)

NUMBER_EDGES = [
    "0",
    "1",
    "-1",
    "-0",
    "0.5",
    "0.001",
    "0.20",
    "0.25",
    "0.26",
    "20%",
    "25%",
    "-5%",
    "%",
    "1e30",
    "1E+999999999",
    "1e-30",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "9" * 29,
    "1" + "0" * 28,
    "99999999.99",
    "100000000.00",
    "99999999.994",
    "$1,000.00",
    "1,2,3",
    "1_000",
    "0x10",
    "٣٤٥",
    "１２３",
    "½",
    "1.",
    ".5",
    "+3",
    " 7 ",
    "3.0",
    "1e3",
    "",
    "9" * 5000,
    "0." + "0" * 5000 + "1",
]
#: what a shell hands Python for bytes that are not UTF-8 (PEP 383): lone surrogates
undecodable = st.binary(min_size=1, max_size=12).map(lambda b: b.decode("utf-8", "surrogateescape"))
arg_text = st.one_of(weird, weird, weird, undecodable)
number_text = st.one_of(
    st.sampled_from(NUMBER_EDGES),
    st.sampled_from(NUMBER_EDGES).map(lambda s: s + "%"),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    arg_text,
)

OFFSETS = [
    None,
    None,
    UTC,
    timezone(timedelta(hours=14)),
    timezone(timedelta(hours=-12)),
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-23, minutes=59)),
]


def _naive(*parts: int) -> datetime:
    """A datetime without a zone (on purpose: the fuzz passes naive instants too)."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)  # type: ignore[misc]


any_naive = st.datetimes(min_value=_naive(1, 1, 1), max_value=_naive(9999, 12, 31, 23, 59, 59))
near_naive = st.datetimes(min_value=_naive(2026, 11, 20), max_value=_naive(2026, 12, 5))
EDGE_NAIVE = [
    _naive(1, 1, 1),
    _naive(1, 1, 1, 0, 30),
    _naive(9999, 12, 31, 23, 59, 59),
    _naive(1999, 12, 31, 23, 59),
    _naive(2000, 1, 1),
    _naive(2100, 12, 31, 23, 59),
    _naive(2101, 1, 1),
    _naive(1970, 1, 1),
    _naive(2038, 1, 19, 3, 14, 8),
    _naive(2026, 4, 5, 2, 30),
    _naive(2026, 10, 25, 1, 30),
]
naive = st.one_of(near_naive, near_naive, any_naive, st.sampled_from(EDGE_NAIVE))
instant = st.builds(
    lambda d, tz: d if tz is None else d.replace(tzinfo=tz), naive, st.sampled_from(OFFSETS)
)


def iso_text(moment: datetime, how: int) -> str:
    if how == 0:
        return moment.isoformat()
    if how == 1:
        return moment.isoformat(sep=" ", timespec="minutes")
    if how == 2:
        return moment.strftime("%Y-%m-%dT%H:%M")
    if how == 3:
        return moment.isoformat(timespec="microseconds") + ("" if moment.tzinfo else "Z")
    return moment.date().isoformat()


ISO_EDGES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-12:00",
    "2026-02-30T10:00",
    "2026-11-24T24:00",
    "2026-11-24T10:00Z",
    "2026-11-24",
    "20261124T1000",
    "2026-W48-2T10:00",
    "2026-11-24T10:00+25:00",
    "2026-11-24T10:00:00.1234567",
    "10000-01-01T00:00",
    "-0001-01-01T00:00",
    "now",
    "",
    "2026-11-24T10:00[America/Mexico_City]",
    "２０２６-11-24T10:00",
]
iso = st.one_of(
    st.builds(iso_text, instant, st.integers(0, 4)),
    st.builds(iso_text, instant, st.integers(0, 4)),
    st.sampled_from(ISO_EDGES),
    arg_text,
)
near_iso = st.builds(
    iso_text,
    st.builds(
        lambda d, tz: d if tz is None else d.replace(tzinfo=tz),
        near_naive,
        st.sampled_from(OFFSETS),
    ),
    st.integers(0, 3),
)


@st.composite
def quote_args(draw: Any) -> list[str]:
    modality = draw(
        st.one_of(
            st.sampled_from(
                ["remote", "office", "onsite", "REMOTE", " onsite ", "Remote", "presencial", ""]
            ),
            arg_text,
        )
    )
    realistic = draw(st.booleans())
    when = near_iso if realistic else iso
    argv = ["quote", "--modality", modality, "--start", draw(when), "--end", draw(when)]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3, 40]))):
        argv += ["--gap", draw(when), draw(when)]
    for opt in ("--city", "--policy-discount", "--covered-hours"):
        if draw(st.booleans()):
            values = weird if opt == "--city" else number_text
            if opt == "--city":
                values = st.one_of(
                    st.sampled_from(["Xalapa", "Coatepec", "xalapa-enríquez", "Veracruz", ""]),
                    arg_text,
                )
            argv += [opt, draw(values)]
    quoted = draw(st.sampled_from([None, None, "--quoted-rate", "--quoted-amount", "both"]))
    if quoted == "both":
        argv += ["--quoted-rate", draw(number_text), "--quoted-amount", draw(number_text)]
    elif quoted:
        argv += [quoted, draw(number_text)]
    for flag in ("--policy-24x7", "--follow-up", "--json"):
        if draw(st.booleans()):
            argv.append(flag)
    if draw(st.integers(0, 9)) == 0:  # argparse itself: drop or add something
        argv = draw(st.permutations(argv)) if draw(st.booleans()) else [*argv, draw(arg_text)]
    return argv


@st.composite
def output_name(draw: Any, suffixes: tuple[str, ...]) -> str:
    suffix = draw(
        st.sampled_from(
            [*suffixes, *suffixes, *suffixes, ".PDF", ".Csv", ".txt", "", ".pdf.tmp", ".csv "]
        )
    )
    stem = draw(
        st.one_of(
            st.sampled_from(["corte", "recibo", "a b", "ñandú", ".oculto", "-", "salida"]),
            plain,
            huge,
            undecodable,
        )
    )
    stem = stem.replace("/", "_")  # never absolute, never ../ out of the sandbox
    where = draw(
        st.sampled_from(
            ["", "", "", "sub/", "no/existe/", "archivo.txt/", "carpeta", "abs", "../cwd/", "~/"]
        )
    )
    if where == "carpeta":
        return "carpeta.pdf"
    if where == "abs":
        return str(Path.cwd() / f"{stem}{suffix}")
    return f"{where}{stem}{suffix}"


class Cli:
    """Builds and runs command-line cases."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.tally = Tally()

    def db_option(self, draw: Any) -> list[str]:
        choice = draw(st.integers(0, 9))
        if choice <= 4:
            return ["--db", f"sqlite:///{self.box.demo}"]
        if choice == 5:
            return [f"--db=sqlite:///{self.box.demo}"]
        if choice == 6:
            return []  # the default file (in the sandbox's XDG_DATA_HOME)
        if choice == 7:
            return [
                "--db",
                # relative: a new file it names lands in the sandbox's working directory
                draw(
                    st.one_of(
                        arg_text,
                        arg_text.map(lambda s: "sqlite:///" + s.replace("/", "_").lstrip("~")),
                    )
                ),
            ]
        return ["--db", draw(st.sampled_from(sorted(self.box.bad.values())))]

    def strategy(self) -> st.SearchStrategy[list[str]]:
        box = self.box

        @st.composite
        def case(draw: Any) -> list[str]:
            command = draw(
                st.sampled_from(
                    ["quote"] * 5
                    + ["summary"] * 3
                    + ["receipt"] * 2
                    + ["db upgrade", "db check", "backup list"]
                )
            )
            if command == "quote":
                return draw(quote_args())
            db = self.db_option(draw)
            if command == "summary":
                argv = [*db, "summary"]
                day = draw(
                    st.one_of(
                        st.sampled_from(
                            [
                                "2026-11-26",
                                "2026-11-30",
                                "2026-12-01",
                                "1999-12-31",
                                "2000-01-01",
                                "2100-12-31",
                                "2101-01-01",
                                "0001-01-01",
                                "9999-12-31",
                                "2026-02-30",
                                "2026-11-26 ",
                                "26-11-2026",
                                "2026-1-1",
                                "２０２６-11-26",
                                None,
                            ]
                        ),
                        st.dates().map(str),
                        arg_text,
                    )
                )
                if day is not None:
                    argv += ["--date", day]
                if draw(st.booleans()):
                    argv += [
                        "--advisor",
                        draw(
                            st.one_of(
                                st.sampled_from(
                                    [
                                        "Ana",
                                        "ana martínez",
                                        "A",
                                        "",
                                        "Alberto Hernández Báez",
                                        "Nadie",
                                    ]
                                ),
                                arg_text,
                            )
                        ),
                    ]
                return [*argv, "-o", draw(output_name((".csv", ".pdf")))]
            if command == "receipt":
                folio = draw(
                    st.one_of(
                        st.sampled_from(box.folios),
                        st.sampled_from(box.folios),
                        st.sampled_from(
                            ["a-000001", " A-000004 ", "A-1", "A-0000001", "B-000001", "", "-"]
                        ),
                        arg_text,
                    )
                )
                return [*db, "receipt", folio, "-o", draw(output_name((".pdf",)))]
            extra = [draw(arg_text)] if draw(st.integers(0, 14)) == 0 else []
            return [*db, *command.split(), *extra]

        return case()

    # -- running -------------------------------------------------------------------------------
    def run_in_process(self, argv: list[str]) -> None:
        from app import cli

        box = self.box
        if opens_window(argv):
            return
        self.tally.payload = ("cli", list(argv))
        before = box.snapshot()
        out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
        out = io.TextIOWrapper(
            out_bytes, encoding="utf-8", errors=sys.__stdout__.errors, write_through=True
        )
        err = io.TextIOWrapper(
            err_bytes, encoding="utf-8", errors="backslashreplace", write_through=True
        )
        repro = f"appleuse {shell_args(argv)}"
        code: Any = None
        escaped: BaseException | None = None
        tb = None
        began = time.perf_counter()
        signal.alarm(ALARM_S)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except WindowOpened:
            signal.alarm(0)
            self.cleanup(before, box.snapshot())
            return
        except Hang:
            code = "hang"
        except BaseException as exc:
            escaped, tb = exc, exc.__traceback__
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - began
        try:
            out.flush()
            err.flush()
        except Exception:
            pass
        stderr = err_bytes.getvalue().decode("utf-8", "replace")
        self.judge(argv, repro, code, stderr, seconds, escaped, tb, before)

    def run_subprocess(self, argv: list[str]) -> None:
        box = self.box
        # a shell cannot pass NUL, and Linux takes at most 128 KiB per argument
        clean = [a.replace("\x00", "?") for a in argv]
        clean = [a if len(os.fsencode(a)) < 100_000 else a[:25_000] for a in clean]
        if opens_window(clean):
            return
        self.tally.payload = ("sub", list(clean))
        before = box.snapshot()
        repro = f"python -m app {shell_args(clean)}"
        began = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "app", *clean],
                capture_output=True,
                timeout=SUB_TIMEOUT_S,
                cwd=box.cwd,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            code: Any = done.returncode
            stderr = done.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            code, stderr = "hang", ""
        seconds = time.perf_counter() - began
        self.judge(clean, repro, code, stderr, seconds, None, None, before, sub=True)

    def judge(
        self,
        argv: list[str],
        repro: str,
        code: Any,
        stderr: str,
        seconds: float,
        escaped: BaseException | None,
        tb: Any,
        before: dict[Path, int],
        sub: bool = False,
    ) -> None:
        t = self.tally
        t.cases += 1
        t.by_exit["escaped" if escaped else code] += 1
        t.time(seconds, repro)
        command = next(
            (a for a in argv if a in ("quote", "summary", "receipt", "db", "backup")), "?"
        )
        if escaped is not None:
            t.tracebacks += 1
            t.fail(
                "exception escaped main", app_frame(tb), type(escaped).__name__, str(escaped), repro
            )
        if "Traceback (most recent call last)" in stderr:
            t.tracebacks += 1
            last = [line for line in stderr.strip().splitlines() if line.strip()][-1]
            frames = re.findall(r'File "([^"]*/app/[^"]*)", line (\d+), in (\S+)', stderr)
            where = (
                f"{frames[-1][0].split('/app/')[-1]}:{frames[-1][1]} ({frames[-1][2]})"
                if frames
                else "?"
            )
            t.fail("traceback on stderr", f"app/{where}", last.split(":")[0], last, repro)
        if code == "hang" or seconds > HANG_S:
            t.hangs += 1
            t.fail("hang (> 10 s)", command, "-", f"{seconds:.1f} s", repro)
        if code == 2:
            t.refusals += 1
            lines = stderr.splitlines()
            if len(lines) != 1 or not lines[0].startswith("appleuse: error: "):
                t.bad_refusals += 1
                t.fail(
                    "refusal not one 'appleuse: error:' line",
                    command,
                    f"{len(lines)} lines",
                    stderr[:200],
                    repro,
                )
            elif "Error de la base de datos (" in lines[0]:
                t.fail(
                    "database fault not recognised (generic message)",
                    command,
                    "-",
                    lines[0][:300],
                    repro,
                )
            elif ENGLISH.search(
                re.sub(r"«[^»]*»|\([^)]*\)", "", lines[0][len("appleuse: error: ") :])
            ):
                t.fail("refusal in English", command, "-", lines[0][:300], repro)
        elif code == 0:
            t.passed += 1
        elif escaped is None and code != "hang" and "Traceback (most recent" not in stderr:
            t.fail("unexpected exit code", command, str(code), stderr[-200:], repro)
        # files left behind
        after = self.box.snapshot()
        new = [p for p in after if p not in before and after[p] >= 0]
        for p in new:
            name = p.name
            if name.endswith((".sqlite3-wal", ".sqlite3-shm", "-journal", "-wal", "-shm")):
                continue
            if name.endswith(".tmp") and name.startswith("."):
                t.partial += 1
                t.fail("temporary file left", command, "-", name[:60], repro)
            elif after[p] == 0:
                t.partial += 1
                t.fail(
                    "zero-byte file left",
                    command,
                    "-",
                    str(p.relative_to(self.box.tmp))[:80],
                    repro,
                )
            elif code != 0 and p.suffix.lower() in (".pdf", ".csv"):
                t.partial += 1
                t.fail(
                    "output written although the command failed",
                    command,
                    str(code),
                    str(p.relative_to(self.box.tmp))[:80],
                    repro,
                )
        self.cleanup(before, after)

    def cleanup(self, before: dict[Path, int], after: dict[Path, int]) -> None:
        keep = (".sqlite3-wal", ".sqlite3-shm")
        for p in sorted((p for p in after if p not in before), key=lambda p: -len(p.parts)):
            if p.name.endswith(keep) and p.parent == self.box.db:
                continue
            try:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
            except OSError:
                pass
        self.box.restore_demo()


# -- (b) the services ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    path: str  # "sessions.start"
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    build: Callable[[], Any] | None = None  # constructs the argument value inside the case

    def text(self) -> str:
        parts = [rep(a) for a in self.args] + [f"{k}={rep(v)}" for k, v in self.kwargs]
        return f"services.{self.path}({', '.join(parts)})"


def _call(path: str, *args: Any, **kwargs: Any) -> Call:
    return Call(path, args, tuple(kwargs.items()))


def service_calls() -> st.SearchStrategy[Call]:
    from app.billing.repair import RepairPart
    from app.billing.session_rules import Checklist
    from app.kernel.enums import (
        CaseState,
        Channel,
        DeviceKind,
        Modality,
        Outcome,
        PaymentArrangement,
        PaymentMethod,
        PolicyBenefit,
        RemoteTool,
    )
    from app.services.data import BusinessProfile, ClientData, DeviceData, PolicyData

    def enum_like(enum: Any) -> st.SearchStrategy[Any]:
        values = [m.value for m in enum]
        return st.one_of(
            st.sampled_from(list(enum)),
            st.sampled_from(values),
            st.sampled_from([v.upper() for v in values] + [f" {values[0]}", "", "x", "None"]),
            weird,
        )

    small_id = st.integers(1, 12)
    ids = st.one_of(
        small_id,
        small_id,
        small_id,
        st.integers(),
        st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]),
    )
    maybe_id = st.one_of(st.none(), ids)
    decimals = st.one_of(
        st.decimals(min_value=0, max_value=5000, places=2),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [
                Decimal(x)
                for x in (
                    "NaN",
                    "-NaN",
                    "sNaN",
                    "Infinity",
                    "-Infinity",
                    "1e30",
                    "9" * 29,
                    "-1",
                    "-0",
                    "0",
                    "0.001",
                    "0.005",
                    "99999999.99",
                    "100000000.00",
                    "1E+999999",
                    "1E-999999",
                    "0.20",
                    "0.25",
                    "0.2500001",
                    "1.5",
                )
            ]
        ),
    )
    maybe_dec = st.one_of(st.none(), decimals)
    edge_dates = st.sampled_from(
        [
            date(1, 1, 1),
            date(9999, 12, 31),
            date(1999, 12, 31),
            date(2000, 1, 1),
            date(2100, 12, 31),
            date(2101, 1, 1),
            date(2026, 11, 30),
            date(2026, 12, 1),
            date(2027, 1, 1),
        ]
    )
    dates = st.one_of(edge_dates, st.dates(), st.dates(date(2026, 11, 1), date(2027, 3, 1)))
    instants = st.one_of(
        instant,
        st.sampled_from(
            [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]
        ),
    )
    maybe_instant = st.one_of(st.none(), instants)
    text = weird
    bools = st.booleans()
    ints = st.one_of(
        st.integers(-3, 30), st.integers(), st.sampled_from([2**31, 2**63, 10**9, -(10**9)])
    )

    client_data = st.builds(
        ClientData,
        name=st.one_of(st.sampled_from(["Cliente", "Ana"]), text),
        phone=st.one_of(st.just(""), st.sampled_from(["228 123 4567"]), text),
        email=st.one_of(st.just(""), st.sampled_from(["a@b.mx", "@", "a@"]), text),
        rfc=st.one_of(
            st.none(), st.sampled_from(["PEDL850312AB1", "XAXX010101000", "pedl850312ab1"]), text
        ),
        city=st.one_of(st.sampled_from(["Xalapa", "Coatepec", "Puebla"]), text),
        address=text,
        notes=text,
    )
    device_data = st.builds(
        DeviceData, kind=enum_like(DeviceKind), model=text, serial=text, os_version=text, notes=text
    )
    checklist = st.one_of(
        st.none(),
        st.builds(
            Checklist,
            payment=st.one_of(st.none(), enum_like(PaymentArrangement)),
            internet=bools,
            macos=bools,
            remote_tool=st.one_of(st.none(), enum_like(RemoteTool)),
        ),
        st.just(Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.ICLOUD)),
    )
    policy_data = st.builds(
        PolicyData,
        expected_remote=ints,
        expected_in_person=ints,
        discount=decimals,
        is_24x7=bools,
        device_ids=st.lists(ids, max_size=3).map(tuple),
        benefits=st.lists(enum_like(PolicyBenefit), max_size=3).map(tuple),
        note=text,
    )
    profile = st.builds(
        BusinessProfile,
        name=text,
        phones=st.lists(text, max_size=3).map(tuple),
        address=text,
        receipt_series=st.one_of(
            st.sampled_from(["A", "B", "abc", "AAAAAAAAAA", "AAAAAAAAAAA", "Ñ", "١", "A-1", " "]),
            text,
        ),
        email=text,
        website=text,
        logo_path=st.one_of(st.just(""), text),
    )
    from app.billing.repair import RepairPart as PricedPart

    # the form's value (app.services.data) and the priced one (app.billing.repair), which
    # ``repairs.preview`` takes (its annotation; ``quote`` converts either)
    form_parts = st.lists(
        st.builds(RepairPart, description=text, quantity=ints, unit_price=decimals), max_size=3
    ).map(tuple)
    priced_parts = st.lists(
        st.builds(PricedPart, description=text, quantity=ints, unit_price=decimals), max_size=3
    ).map(tuple)
    parts = st.one_of(form_parts, priced_parts)
    event_names = [
        "pause",
        "resume",
        "disconnect",
        "reconnect",
        "request_remote",
        "decline_remote",
        "start_remote",
        "start_instructions",
        "end_instructions",
    ]

    calls = [
        st.builds(lambda n: _call("clients.create_advisor", n), text),
        st.builds(lambda i, a: _call("clients.set_advisor_active", i, a), ids, bools),
        st.builds(lambda d: _call("clients.create_client", d), client_data),
        st.builds(lambda i, d: _call("clients.update_client", i, d), ids, client_data),
        st.builds(lambda i, a: _call("clients.set_client_active", i, a), ids, bools),
        st.builds(lambda i: _call("clients.client", i), ids),
        st.builds(lambda q, a: _call("clients.clients", q, include_inactive=a), text, bools),
        st.builds(lambda i, d: _call("clients.add_device", i, d), ids, device_data),
        st.builds(lambda i, d: _call("clients.update_device", i, d), ids, device_data),
        st.builds(lambda i, a: _call("clients.set_device_active", i, a), ids, bools),
        st.builds(lambda i: _call("clients.devices", i), ids),
        st.builds(
            lambda a, c, m, d, ch, city, s, cl, r, amt, n: _call(
                "sessions.start",
                a,
                c,
                m,
                device_id=d,
                channel=ch,
                city=city,
                summary=s,
                checklist=cl,
                quoted_rate=r,
                quoted_amount=amt,
                note=n,
            ),
            ids,
            ids,
            enum_like(Modality),
            maybe_id,
            st.one_of(st.none(), enum_like(Channel)),
            st.one_of(st.none(), text),
            text,
            checklist,
            maybe_dec,
            maybe_dec,
            text,
        ),
        st.builds(
            lambda a, c, m: _call("sessions.start", a, c, m),
            small_id,
            small_id,
            st.sampled_from(list(Modality)),
        ),
        st.builds(
            lambda name, i, n: _call(f"sessions.{name}", i, note=n),
            st.sampled_from(event_names),
            ids,
            text,
        ),
        st.builds(
            lambda i, b, n: _call(
                "sessions.accept_remote", i, backup_notice_acknowledged=b, note=n
            ),
            ids,
            bools,
            text,
        ),
        st.builds(
            lambda i, b, n: _call("sessions.stop_remote", i, by_client=b, note=n), ids, bools, text
        ),
        st.builds(lambda i, o, n: _call("sessions.end", i, o, n), ids, enum_like(Outcome), text),
        st.builds(
            lambda i, o, s, n: _call("sessions.another_request", i, o, summary=s, note=n),
            ids,
            enum_like(Outcome),
            text,
            text,
        ),
        st.builds(
            lambda c, a, ch, cl, n: _call(
                "sessions.follow_up", c, a, channel=ch, checklist=cl, note=n
            ),
            ids,
            maybe_id,
            st.one_of(st.none(), enum_like(Channel)),
            checklist,
            text,
        ),
        st.builds(
            lambda i, r, a: _call("sessions.set_quote", i, rate=r, amount=a),
            ids,
            maybe_dec,
            maybe_dec,
        ),
        st.builds(
            lambda name, i: _call(f"sessions.{name}", i),
            st.sampled_from(
                [
                    "session",
                    "live_bill",
                    "final_bill",
                    "case",
                    "running_session",
                    "sessions_of_case",
                ]
            ),
            ids,
        ),
        st.builds(
            lambda c, s: _call("sessions.cases", client_id=c, states=s),
            maybe_id,
            st.lists(enum_like(CaseState), max_size=2).map(tuple),
        ),
        st.just(_call("sessions.expire_pending")),
        st.just(_call("sessions.running_sessions")),
        st.builds(
            lambda i, a, s: _call("receipts.issue_for_session", i, advisor_id=a, series=s),
            ids,
            maybe_id,
            st.one_of(st.none(), st.sampled_from(["A", "b", "ZZ"]), text),
        ),
        st.builds(
            lambda i, a, m, r, adv: _call(
                "receipts.record_payment", i, a, m, reference=r, advisor_id=adv
            ),
            ids,
            decimals,
            enum_like(PaymentMethod),
            text,
            maybe_id,
        ),
        st.builds(lambda i, r: _call("receipts.cancel", i, r), ids, text),
        st.builds(lambda i: _call("receipts.receipt", i), ids),
        st.builds(
            lambda f: _call("receipts.by_folio", f),
            st.one_of(st.sampled_from(["A-000001", "a-000002"]), text),
        ),
        st.builds(lambda a, b: _call("receipts.receipts", a, b), maybe_instant, maybe_instant),
        st.builds(lambda p: _call("settings.save_profile", p), profile),
        st.just(_call("settings.profile")),
        st.builds(lambda a: _call("settings.tariff", a), maybe_instant),
        st.just(_call("settings.tariff_versions")),
        st.builds(lambda d, a: _call("policies.fee", d, a), policy_data, maybe_instant),
        st.builds(
            lambda c, d, s: _call("policies.create", c, d, s),
            ids,
            policy_data,
            st.one_of(st.none(), dates),
        ),
        st.builds(
            lambda p, d, s: _call("policies.change", p, d, s),
            ids,
            policy_data,
            st.one_of(st.none(), dates),
        ),
        st.builds(lambda p, d: _call("policies.end", p, d), ids, st.one_of(st.none(), dates)),
        st.builds(lambda p: _call("policies.policy", p), ids),
        st.builds(lambda c, a: _call("policies.policy_of", c, a), ids, maybe_instant),
        st.builds(lambda c, a: _call("policies.allowance", c, a), ids, maybe_instant),
        st.builds(lambda a: _call("policies.due_for_review", a), maybe_instant),
        st.builds(lambda p, d: _call("reviews.review", p, d), ids, st.one_of(st.none(), dates)),
        st.builds(
            lambda p, d, r, i: _call(
                "reviews.accept", p, d, expected_remote=r, expected_in_person=i
            ),
            ids,
            st.one_of(st.none(), dates),
            st.one_of(st.none(), ints),
            st.one_of(st.none(), ints),
        ),
        st.builds(
            lambda c, d, h, p, a: _call("repairs.quote", c, d, h, p, advisor_id=a),
            ids,
            text,
            ints,
            parts,
            maybe_id,
        ),
        st.builds(lambda c, h, p: _call("repairs.preview", c, h, p), ids, ints, priced_parts),
        st.builds(
            lambda name, i: _call(f"repairs.{name}", i),
            st.sampled_from(["accept", "decline", "repair", "repairs_of_case", "terms"]),
            ids,
        ),
        st.builds(
            lambda i, a, s: _call("repairs.issue_receipt", i, advisor_id=a, series=s),
            ids,
            maybe_id,
            st.one_of(st.none(), text),
        ),
        st.builds(lambda d, a: _call("documents.day_summary", d, a), dates, maybe_id),
        st.builds(
            lambda f: _call("documents.receipt_by_folio", f), st.one_of(st.just("A-000001"), text)
        ),
        st.builds(lambda i: _call("documents.receipt", i), ids),
        st.builds(lambda c, u: _call("balances.statement", c, u), ids, maybe_instant),
        st.builds(lambda u: _call("balances.outstanding", u), maybe_instant),
    ]
    return st.one_of(calls)


def tariff_strategy() -> st.SearchStrategy[tuple[dict[str, Any], datetime | None]]:
    from app.billing.tariff import Tariff

    default = Tariff()
    decimals = st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [
                Decimal(x)
                for x in (
                    "0",
                    "0.5",
                    "1",
                    "0.99",
                    "-1",
                    "NaN",
                    "sNaN",
                    "Infinity",
                    "1e30",
                    "99999999.99",
                    "0.2500",
                )
            ]
        ),
    )
    ints = st.one_of(
        st.integers(-5, 100),
        st.sampled_from([10**6, 10**9, 10**18, 2**63, -(2**63)]),
        st.integers(),
    )
    per_field: dict[str, st.SearchStrategy[Any]] = {}
    for f in dataclasses.fields(Tariff):
        value = getattr(default, f.name)
        if isinstance(value, Decimal):
            per_field[f.name] = decimals
        elif isinstance(value, bool):
            per_field[f.name] = st.booleans()
        elif isinstance(value, int):
            per_field[f.name] = ints
        elif f.name == "timezone":
            per_field[f.name] = st.one_of(
                st.sampled_from(
                    [
                        "UTC",
                        "America/Mexico_City",
                        "Etc/GMT+12",
                        "Pacific/Kiritimati",
                        "Mars/Olympus",
                        "",
                        "../../etc/passwd",
                        "America",
                    ]
                ),
                weird,
            )
        elif f.name == "holidays_country":
            per_field[f.name] = st.one_of(
                st.sampled_from(["MX", "US", "XX", "", "mx", "ZZZ"]), weird
            )
        elif f.name == "onsite_cities":
            per_field[f.name] = st.lists(weird, max_size=3).map(tuple)
        elif f.name == "business_weekdays":
            per_field[f.name] = st.lists(st.integers(-2, 9), max_size=8).map(tuple)
        elif f.name == "business_windows":
            window = st.tuples(st.times(), st.times())
            per_field[f.name] = st.one_of(
                st.lists(window, max_size=3).map(tuple),
                st.just(((dtime(0, 0), dtime(23, 59, 59, 999999)),)),
            )
    changes = st.dictionaries(st.sampled_from(sorted(per_field)), st.none(), min_size=1, max_size=3)

    @st.composite
    def strategy(draw: Any) -> tuple[dict[str, Any], datetime | None]:
        chosen = draw(changes)
        values = {name: draw(per_field[name]) for name in chosen}
        valid_from = draw(
            st.one_of(
                st.none(), st.none(), instant, st.sampled_from([datetime(2026, 11, 1, tzinfo=UTC)])
            )
        )
        return values, valid_from

    return strategy()


class ServiceFuzz:
    def __init__(self, box: Sandbox) -> None:
        from app.models.engine import make_engine

        self.box = box
        self.tally = Tally()
        self.path = box.tmp / "services.sqlite3"
        self.pristine = box.tmp / "services-pristine.sqlite3"
        self._fixture()
        self.engine = make_engine(f"sqlite:///{self.path}")
        self.services = self._services(self.engine)

    @staticmethod
    def _services(engine: Any) -> Any:
        from app.services.facade import Services

        return Services.create(engine)

    def _fixture(self) -> None:
        from app.billing.session_rules import Checklist
        from app.kernel.enums import (
            Channel,
            DeviceKind,
            Modality,
            Outcome,
            PaymentArrangement,
            RemoteTool,
        )
        from app.models.engine import make_engine, upgrade
        from app.services.data import ClientData, DeviceData, PolicyData
        from app.services.facade import Services

        engine = make_engine(f"sqlite:///{self.path}")
        upgrade(engine)
        sv = Services.create(engine)
        advisors = [sv.clients.create_advisor(n).id for n in ("Ana", "Beto", "Caro", "Dani")]
        clients = [
            sv.clients.create_client(ClientData(n, city=c)).id
            for n, c in (("Lucía", "Xalapa"), ("Jorge", "Coatepec"), ("Sofía", "Veracruz"))
        ]
        dev = [sv.clients.add_device(c, DeviceData(DeviceKind.MAC, "MacBook")).id for c in clients]
        sv.policies.create(clients[0], PolicyData(2, 1, Decimal("0.10"), device_ids=(dev[0],)))
        remote = Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.TEAMVIEWER)
        s1 = sv.sessions.start(
            advisors[0],
            clients[0],
            Modality.REMOTE,
            device_id=dev[0],
            channel=Channel.REMOTE_DESKTOP,
            checklist=remote,
        ).id
        sv.sessions.request_remote(s1)
        sv.sessions.accept_remote(s1, backup_notice_acknowledged=True)
        sv.sessions.end(s1, Outcome.ESCALATED)
        sv.receipts.issue_for_session(s1)
        s2 = sv.sessions.start(advisors[1], clients[1], Modality.OFFICE).id
        sv.sessions.end(s2, Outcome.FOLLOW_UP)
        paid = sv.receipts.issue_for_session(s2)
        sv.receipts.record_payment(paid.id, Decimal("10.00"))
        sv.sessions.start(advisors[2], clients[2], Modality.ONSITE)  # needs a quote
        sv.sessions.start(
            advisors[3],
            clients[1],
            Modality.REMOTE,
            channel=Channel.CHAT,
            checklist=Checklist(PaymentArrangement.LATER, True),
        )
        s5 = sv.sessions.start(advisors[0], clients[0], Modality.OFFICE, device_id=dev[0]).id
        sv.sessions.end(s5, Outcome.RESOLVED)  # no receipt yet
        engine.dispose()
        shutil.copy(self.path, self.pristine)

    def execute(
        self, call: Call, services: Any, tally: Tally, context: str = "", mark: bool = True
    ) -> None:
        from app.kernel.errors import DomainError

        service_name, fn = call.path.split(".")
        target = getattr(getattr(services, service_name), fn)
        repro = context + call.text()
        if mark and not context:
            tally.payload = ("call", call)
        tally.cases += 1
        began = time.perf_counter()
        signal.alarm(ALARM_S)
        try:
            target(*call.args, **dict(call.kwargs))
            tally.passed += 1
            outcome = "ok"
        except DomainError:
            tally.refusals += 1
            outcome = "refused"
        except Hang:
            outcome = "hang"
        except Exception as exc:
            outcome = "failure"
            tally.tracebacks += 1
            tally.fail(
                "non-DomainError", app_frame(exc.__traceback__), type(exc).__name__, str(exc), repro
            )
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - began
        tally.by_exit[outcome] += 1
        tally.time(seconds, repro)
        if outcome == "hang" or seconds > HANG_S:
            tally.hangs += 1
            tally.fail("hang (> 10 s)", call.path, "-", f"{seconds:.1f} s", repro)

    def run_tariff(
        self, values: dict[str, Any], valid_from: datetime | None, tally: Tally | None = None
    ) -> None:
        """A tariff version on a fresh copy of the database, then the calls that price."""
        from app.billing.tariff import Tariff
        from app.models.engine import make_engine

        shutil.copy(self.pristine, self.path.with_name("tariff.sqlite3"))
        engine = make_engine(f"sqlite:///{self.path.with_name('tariff.sqlite3')}")
        services = self._services(engine)
        tally = tally or self.tally
        kwargs = ", ".join(f"{k}={rep(v)}" for k, v in values.items())
        repro = f"services.settings.save_tariff(Tariff({kwargs}), {rep(valid_from)})"
        tally.payload = ("tariff", dict(values), valid_from)
        tally.cases += 1
        try:
            tariff = Tariff(**values)
        except Exception as exc:
            from app.kernel.errors import DomainError

            if isinstance(exc, DomainError):
                tally.refusals += 1
                tally.by_exit["refused"] += 1
            else:
                tally.tracebacks += 1
                tally.by_exit["failure"] += 1
                tally.fail(
                    "non-DomainError",
                    app_frame(exc.__traceback__),
                    type(exc).__name__,
                    str(exc),
                    f"Tariff({kwargs})",
                )
            engine.dispose()
            return
        tally.cases -= 1
        self.execute(
            Call("settings.save_tariff", (tariff, valid_from)), services, tally, mark=False
        )
        followers = [
            _call("sessions.live_bill", 3),
            _call("sessions.live_bill", 4),
            _call("sessions.final_bill", 1),
            _call("sessions.final_bill", 2),
            _call("receipts.issue_for_session", 5),
            _call("sessions.expire_pending"),
            _call("sessions.follow_up", 2),
            _call("documents.day_summary", datetime.now(UTC).date()),
            _call("policies.allowance", 1),
            _call("policies.fee", self._policy()),
            _call("balances.outstanding"),
        ]
        for call in followers:
            self.execute(call, services, tally, context=f"after {repro}: ")
        engine.dispose()

    @staticmethod
    def _policy() -> Any:
        from app.services.data import PolicyData

        return PolicyData(1, 1, Decimal("0.10"))


# -- shrinking -------------------------------------------------------------------------------------
def _halves(value: Any) -> list[Any]:
    """Smaller versions of one value to try."""
    if isinstance(value, str) and len(value) > 1:
        out = [value[: len(value) // 2], value[len(value) // 2 :]]
        if len(set(value)) == 1:
            out.insert(0, value[0])
        return out
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1:
        return [1, 0, -1] if value < 0 else [1, 0]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = []
        for f in dataclasses.fields(value):
            current = getattr(value, f.name)
            options = list(_halves(current))
            if f.default is not dataclasses.MISSING and _differs(current, f.default):
                options.insert(0, f.default)
            for option in options:
                with contextlib.suppress(Exception):  # a value its constructor refuses
                    out.append(dataclasses.replace(value, **{f.name: option}))
        return out
    if isinstance(value, tuple) and value:
        return [value[1:], value[:-1]] + [
            (*value[:i], v, *value[i + 1 :]) for i, item in enumerate(value) for v in _halves(item)
        ]
    return []


def _smaller(payload: Any) -> list[Any]:
    kind = payload[0]
    if kind in ("cli", "sub"):
        argv = payload[1]
        out = []
        size = len(argv) // 2
        while size >= 1:  # drop chunks, the largest first (delta debugging)
            out += [argv[:i] + argv[i + size :] for i in range(0, len(argv) - size + 1, size)]
            size //= 2
        out += [argv[:i] + argv[i + 2 :] for i in range(len(argv) - 1)]
        out += [
            [*argv[:i], v, *argv[i + 1 :]]
            for i, a in enumerate(argv)
            # never a path or URL: a shortened one could point outside the sandbox
            if not a.startswith("-") and a not in SUBCOMMANDS and "/" not in a and ":" not in a
            for v in _halves(a)
        ]
        return [(kind, a) for a in out]
    if kind == "call":
        call = payload[1]
        kwargs = dict(call.kwargs)
        out = [
            Call(call.path, call.args, tuple((k, v) for k, v in kwargs.items() if k != drop))
            for drop in kwargs
        ]
        for i, a in enumerate(call.args):
            out += [
                Call(call.path, (*call.args[:i], v, *call.args[i + 1 :]), call.kwargs)
                for v in _halves(a)
            ]
        for k, a in kwargs.items():
            out += [Call(call.path, call.args, tuple({**kwargs, k: v}.items())) for v in _halves(a)]
        return [("call", c) for c in out]
    if kind == "tariff":
        values, valid_from = payload[1], payload[2]
        out = [
            ({k: v for k, v in values.items() if k != drop}, valid_from)
            for drop in values
            if len(values) > 1
        ]
        if valid_from is not None:
            out.append((values, None))
        for k, v in values.items():
            out += [({**values, k: w}, valid_from) for w in _halves(v)]
        return [("tariff", v, f) for v, f in out]
    return []


def shrink(failure: Failure, reproduces: Callable[[Any], list[Failure]], budget: int = 120) -> None:
    """Greedy: keep any smaller payload that still gives the same failure."""
    payload, best = failure.payload, None
    if payload is None or failure.kind.startswith("hang"):
        return
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for candidate in _smaller(payload):
            tries += 1
            found = next((f for f in reproduces(candidate) if f.same(failure)), None)
            if found is not None:
                payload, best, improved = candidate, found, True
                break
            if tries >= budget:
                break
    if best is not None:
        failure.minimal, failure.message = best.repro, best.message


# -- main ------------------------------------------------------------------------------------------
def report(title: str, tally: Tally) -> None:
    print(f"\n== {title}")
    print(f"cases:                  {tally.cases}")
    outcomes = ", ".join(
        f"{k}: {v}" for k, v in sorted(tally.by_exit.items(), key=lambda kv: str(kv[0]))
    )
    print(f"outcomes:               {outcomes}")
    print(f"tracebacks / escaped:   {tally.tracebacks}")
    print(f"bad refusal lines:      {tally.bad_refusals}")
    print(f"partial/left files:     {tally.partial}")
    print(f"hangs (> {HANG_S:.0f} s):          {tally.hangs}")
    print(f"slowest case:           {tally.slowest[0]:.2f} s  {tally.slowest[1][:300]}")
    print(f"distinct failures:      {len(tally.failures)}")
    ordered = sorted(tally.failures, key=lambda f: (f.kind, f.exc, -f.count))
    for i, f in enumerate(ordered, 1):
        sites = sorted(f.sites.items(), key=lambda kv: -kv[1])
        print(f"  [{i}] {f.kind} × {f.count}: {f.exc}")
        print("      at:         " + ", ".join(f"{w} × {n}" for w, n in sites)[:700])
        shown = f.message if len(f.message) <= 240 else f.message[:239] + "…"
        print(f"      message:    {shown}")
        print(f"      reproducer: {(f.minimal or f.repro)[:500]}")
        if f.kind in EXCEPTION_KINDS and len(sites) > 1:
            for where, _ in sites[1:5]:
                print(f"        also at {where}: {f.site_repro[where][:300]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", type=int, default=2500, help="in-process command-line cases")
    parser.add_argument("--subprocess", type=int, default=120, help="cases as python -m app")
    parser.add_argument("--services", type=int, default=2500, help="service calls")
    parser.add_argument("--tariffs", type=int, default=150, help="tariff versions (12 calls each)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:55432",
        help="a PostgreSQL server (no database name) for bad --db cases; '' for none",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    import warnings

    warnings.filterwarnings("ignore", category=HypothesisWarning)
    began = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    import app.bootstrap

    app.bootstrap.run = _no_window  # type: ignore[assignment]  # never the window in-process
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    box = Sandbox(args.pg or None)
    print(f"sandbox: {box.tmp} (demo: {len(box.folios)} receipts; {len(box.bad)} bad --db values)")
    common = dict(
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    cli = Cli(box)

    if args.cli:
        demo = f"sqlite:///{box.demo}"
        odd = box.bad["existing file, non-UTF-8 name"]
        in_process_probes = [  # known edges, run once before the random cases
            [
                "quote",
                "--modality",
                "office",
                "--start",
                "2026-11-24T10:00",
                "--end",
                "2026-11-24T12:00",
                "--policy-discount",
                "1E+999999999%",
            ],
            [
                "quote",
                "--modality",
                "office",
                "--start",
                "0001-01-01T00:00",
                "--end",
                "0001-01-01T01:00",
                "--policy-discount",
                "20%",
            ],
            ["--db", demo, "summary", "--date", "2026-11-26", "-o", "a\x00.csv"],
            ["--db", demo, "receipt", "A-000001", "-o", "a\x00.pdf"],
            ["--db", odd, "db", "check"],
            ["--db", odd, "summary", "-o", "x.pdf"],
            ["--db", demo, "receipt", "A-000001", "-o", "\udcff.pdf"],
            ["--db", demo, "summary", "--date", "2026-11-26", "-o", "x" * 300 + ".csv"],
        ]
        for argv in in_process_probes:
            cli.run_in_process(argv)

        @hseed(args.seed)
        @settings(max_examples=args.cli, **common)
        @given(cli.strategy())
        def fuzz_cli(argv: list[str]) -> None:
            cli.run_in_process(argv)

        fuzz_cli()
    if args.subprocess:
        probes = [
            ["--db", "postgresql+psycopg://postgres@10.255.255.1:5432/x", "db", "check"],
            ["--db", "postgresql+psycopg://postgres@192.0.2.1/x", "summary", "-o", "x.csv"],
            [
                "quote",
                "--modality",
                "remote",
                "--start",
                "0001-01-01T00:00",
                "--end",
                "0001-01-01T01:00",
            ],
            [
                "quote",
                "--modality",
                "remote",
                "--start",
                "9999-12-31T22:00",
                "--end",
                "9999-12-31T23:59",
            ],
            [
                "quote",
                "--modality",
                "office",
                "--start",
                "2026-11-24T10:00",
                "--end",
                "2026-11-24T12:00",
                "--covered-hours",
                "9" * 29,
            ],
            [
                "quote",
                "--modality",
                "office",
                "--start",
                "2026-11-24T10:00",
                "--end",
                "2026-11-24T12:00",
                "--policy-discount",
                "1E+999999999%",
            ],
            ["--db", box.bad["existing file, non-UTF-8 name"], "db", "check"],
            ["--db", f"sqlite:///{box.demo}", "summary", "-o", "x" * 300 + ".pdf"],
            ["--db", box.bad["damaged"], "db", "check"],
            ["--db", box.bad["truncated"], "receipt", "A-000001", "-o", "r.pdf"],
        ]
        for argv in probes:
            cli.run_subprocess(argv)

        @hseed(args.seed + 1)
        @settings(max_examples=max(1, args.subprocess - len(probes)), **common)
        @given(cli.strategy())
        def fuzz_sub(argv: list[str]) -> None:
            cli.run_subprocess(argv)

        if args.subprocess > len(probes):  # the probes count in --subprocess
            fuzz_sub()
    cli_seconds = time.perf_counter() - began

    services_began = time.perf_counter()
    sf = ServiceFuzz(box)
    if args.services:

        @hseed(args.seed + 2)
        @settings(max_examples=args.services, **common)
        @given(service_calls())
        def fuzz_services(call: Call) -> None:
            sf.execute(call, sf.services, sf.tally)

        fuzz_services()
    if args.tariffs:

        @hseed(args.seed + 3)
        @settings(max_examples=args.tariffs, **common)
        @given(tariff_strategy())
        def fuzz_tariffs(case: tuple[dict[str, Any], datetime | None]) -> None:
            sf.run_tariff(*case)

        fuzz_tariffs()
    services_seconds = time.perf_counter() - services_began

    shrink_began = time.perf_counter()

    def cli_check(payload: Any) -> list[Failure]:
        saved, cli.tally = cli.tally, Tally()
        try:
            (cli.run_in_process if payload[0] == "cli" else cli.run_subprocess)(payload[1])
            return cli.tally.failures
        finally:
            cli.tally = saved

    def service_check(payload: Any) -> list[Failure]:
        tally = Tally()
        if payload[0] == "call":
            sf.execute(payload[1], sf.services, tally)
        else:
            sf.run_tariff(payload[1], payload[2], tally)
        return tally.failures

    for f in cli.tally.failures:
        shrink(f, cli_check, budget=25 if f.payload and f.payload[0] == "sub" else 400)
    for f in sf.tally.failures:
        shrink(f, service_check, budget=60 if f.payload and f.payload[0] == "tariff" else 200)
    sf.engine.dispose()
    shrinking = time.perf_counter() - shrink_began
    print(f"(shrinking the reproducers: {shrinking:.0f} s, not counted as cases)")

    report(f"(a) command line ({cli_seconds:.0f} s)", cli.tally)
    report(f"(b) services ({services_seconds:.0f} s)", sf.tally)
    total = cli.tally.cases + sf.tally.cases
    failures = len(cli.tally.failures) + len(sf.tally.failures)
    print(
        f"\ntotal cases: {total}; distinct failures: {failures}; "
        f"elapsed {time.perf_counter() - began:.0f} s"
    )
    os.chdir(ROOT)
    if not args.keep:
        shutil.rmtree(box.tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
