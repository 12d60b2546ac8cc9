"""The app's limits, checked once before the database sees a value, the same on SQLite and
PostgreSQL: amounts, text lengths and characters, dates and a session's length. A value out of
bounds is refused with a Spanish message that never echoes more than 80 characters of it."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from app.kernel.errors import RuleError

E = TypeVar("E", bound=Enum)

#: The largest amount anywhere (a rate, a price, a payment, a receipt's total).
MAX_AMOUNT = Decimal("99999999.99")
#: The longest name or one-line text (names, cities, e-mail, references).
MAX_NAME = 200
#: The longest free text (notes, addresses, descriptions).
MAX_TEXT = 5000
#: The longest session the app prices.
MAX_SESSION = timedelta(days=31)
FIRST_YEAR, LAST_YEAR = 2000, 2100
ECHO = 80


def clip(text: object, limit: int = ECHO) -> str:
    """``text`` as a message may quote it: at most ``limit`` characters."""
    shown = str(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def check_amount(value: Decimal, what: str = "El importe") -> Decimal:
    """A finite amount not above :data:`MAX_AMOUNT` (the sign is the caller's rule)."""
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise RuleError(f"{what} no puede pasar de $99,999,999.99.")
    return value


def check_text(value: str, what: str, *, limit: int = MAX_NAME, lines: bool = False) -> str:
    """``value`` without control characters (``lines``: new lines and tabs allowed) and not
    longer than ``limit`` characters."""
    allowed = {"\n", "\t", "\r"} if lines else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise RuleError(f"Quite los caracteres de control en {_lower(what)}.")
    if len(value) > limit:
        raise RuleError(f"Escriba a lo más {limit} caracteres en {_lower(what)}.")
    return value


def check_day(day: date, what: str = "La fecha") -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RuleError(f"{what} debe estar entre {FIRST_YEAR} y {LAST_YEAR}.")
    return day


def check_instant(moment: datetime, what: str = "La fecha") -> datetime:
    """An instant in the years the app handles (its local and UTC dates alike)."""
    check_day(moment.date(), what)
    offset = moment.utcoffset()
    if offset is not None:
        check_day((moment - offset).date(), what)
    return moment


def check_span(start: datetime, end: datetime) -> None:
    """A session's span: both ends in range and at most :data:`MAX_SESSION` long."""
    check_instant(start, "El inicio")
    check_instant(end, "El fin")
    if end - start > MAX_SESSION:
        raise RuleError("Una sesión no puede durar más de 31 días; revise el inicio y el fin.")


def _lower(what: str) -> str:
    """ "El nombre del cliente" → "el nombre del cliente" (inside a sentence)."""
    return what[:1].lower() + what[1:]


def check_moment(moment: datetime, what: str = "La fecha") -> datetime:
    """An instant a service was asked about: with its zone and in range."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleError(f"{what} no indica su zona horaria.")
    return check_instant(moment, what)


def check_choice(kind: type[E], value: object, what: str) -> E:
    """One of the members of ``kind`` (its value as text accepted), or a Spanish refusal."""
    try:
        return kind(value)
    except ValueError:
        raise RuleError(f"{what} «{clip(value)}» no es una opción conocida.") from None
