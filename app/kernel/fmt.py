"""Spanish (es-MX) display of instants and durations, independent of the machine's locale.

Dates and times are put together with f-strings, not ``strftime``: the same text, and
``strftime`` imports ``time`` on every call — through PySide6's Python-level import hook once
the GUI is loaded (~15 µs a call; a client's history formats thousands of instants)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_ZONE = "America/Mexico_City"
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip


def to_local(moment: datetime, zone: str = LOCAL_ZONE) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def format_datetime(moment: datetime, zone: str = LOCAL_ZONE, *, weekday: bool = False) -> str:
    """``24/11/2026 13:50`` (24 h); with ``weekday``: ``martes 24/11/2026 13:50``."""
    t = to_local(moment, zone)
    text = f"{t.day:02d}/{t.month:02d}/{t.year:04d} {t.hour:02d}:{t.minute:02d}"
    return f"{WEEKDAYS[t.weekday()]} {text}" if weekday else text


def format_time(moment: datetime, zone: str = LOCAL_ZONE) -> str:
    t = to_local(moment, zone)
    return f"{t.hour:02d}:{t.minute:02d}"


def format_duration(value: timedelta) -> str:
    """``1 h 40 min`` (seconds dropped), ``0 min`` for nothing."""
    minutes = max(0, int(value.total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def format_clock(value: timedelta) -> str:
    """Stopwatch display ``HH:MM:SS`` (hours may exceed 99)."""
    seconds = max(0, int(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def format_date(moment: datetime, zone: str = LOCAL_ZONE) -> str:
    """``24/11/2026`` (local date of an instant)."""
    t = to_local(moment, zone)
    return f"{t.day:02d}/{t.month:02d}/{t.year:04d}"


def format_long_day(day: date) -> str:
    """``martes 24 de noviembre de 2026`` for a calendar date (no zone involved)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} de {MONTHS[day.month - 1]} de {day.year}"


def format_minutes(minutes: int) -> str:
    """``1 h 40 min`` from whole minutes (``0 min`` for nothing)."""
    return format_duration(timedelta(minutes=minutes))


def case_label(number: int) -> str:
    """``C-000012``: how a case is named to people."""
    return f"C-{number:06d}"


def folio_text(series: str, number: int) -> str:
    """``A-000042``: how a receipt is named to people."""
    return f"{series}-{number:06d}"


def policy_label(policy_id: int) -> str:
    """``P-000003``: how a policy is named to people."""
    return f"P-{policy_id:06d}"
