"""What Ajustes edits, declared once (key, label, range of the spin box…), and how its text
fields are read. Reading stops at what cannot be read (not a number, more than two decimals);
what the rules refuse (a percentage out of range, the business hours) is said by ``Tariff``
itself (:class:`app.billing.tariff.TariffError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTimeEdit

from app.billing import normalize_city
from app.kernel.errors import BillingError

__all__ = [
    "INTS",
    "PERCENTS",
    "RATE_KEYS",
    "WEEKDAY_LETTERS",
    "IntSetting",
    "PercentSetting",
    "camel",
    "money_edit",
    "parse_percent",
    "percent_text",
    "pytime",
    "split_cities",
    "split_phones",
    "time_edit",
    "time_pair",
]


@dataclass(frozen=True)
class PercentSetting:
    """A fraction of the tariff typed as a percentage (16 → 0.16)."""

    key: str
    label: str


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    low: int
    high: int
    suffix: str
    tip: str = ""
    prefix: str = ""


RATE_KEYS: dict[tuple[str, str], str] = {
    ("remote", "business"): "remote_business_rate",
    ("remote", "outside"): "remote_outside_rate",
    ("office", "business"): "office_business_rate",
    ("office", "outside"): "office_outside_rate",
}

PERCENTS: dict[str, PercentSetting] = {
    s.key: s
    for s in (
        PercentSetting("onsite_surcharge", "Recargo a domicilio:"),
        PercentSetting("max_policy_discount", "Descuento máximo de póliza:"),
        PercentSetting("iva_rate", "IVA:"),
    )
}

INTS: dict[str, IntSetting] = {
    s.key: s
    for s in (
        IntSetting(
            "minimum_hours",
            "Horas mínimas por sesión:",
            0,
            24,
            " h",
            "Siempre se cobra al menos este número de horas.",
        ),
        IntSetting(
            "fraction_threshold_minutes",
            "Fracción cobrada como hora:",
            0,
            59,
            " min",
            "Los minutos que sobran se cobran como una hora más solo si son más que esto.",
            "más de ",
        ),
        IntSetting(
            "hours_per_event",
            "Horas cubiertas por evento:",
            0,
            24,
            " h",
            "Horas de cada evento que la póliza cubre mientras quedan eventos del mes.",
        ),
        IntSetting(
            "pending_days",
            "Seguimiento sin costo:",
            0,
            365,
            " días",
            "Plazo para atender sin costo un caso pendiente.",
        ),
        IntSetting(
            "instructions_cap_minutes",
            "Tope de instrucciones por chat:",
            0,
            240,
            " min",
            "La aplicación avisa al llegar a este tiempo.",
        ),
    )
}

WEEKDAY_LETTERS = ("L", "M", "M", "J", "V", "S", "D")


# -- reading ----------------------------------------------------------------------------------
def percent_text(fraction: Decimal) -> str:
    """0.16 → "16", 0.085 → "8.5" (what the person typed, not a float)."""
    return format((fraction * 100).normalize(), "f")


def parse_percent(text: str) -> Decimal:
    """ "16" or "16 %" → Decimal("0.16"); BillingError with a Spanish message when it is not a
    number or has more than two decimals. Its range is the tariff's to check."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    if not cleaned:
        raise BillingError("Escriba un porcentaje.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BillingError(f"«{text.strip()}» no es un porcentaje válido.") from None
    if not value.is_finite():
        raise BillingError(f"«{text.strip()}» no es un porcentaje válido.")
    if value != value.quantize(Decimal("0.01")):
        raise BillingError("Use como máximo dos decimales en el porcentaje.")
    fraction = value / 100
    cents = fraction.quantize(Decimal("0.01"))
    return cents if cents == fraction else fraction.quantize(Decimal("0.0001"))


def split_phones(text: str) -> tuple[str, ...]:
    """One phone per line or separated by commas (or semicolons)."""
    parts = re.split(r"[\n,;]", text)
    return tuple(" ".join(p.split()) for p in parts if p.strip())


def split_cities(text: str) -> tuple[str, ...]:
    """Comma-separated city names, tidied, without repeats (ignoring case and accents)."""
    seen: set[str] = set()
    out: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and normalize_city(name) not in seen:
            seen.add(normalize_city(name))
            out.append(name)
    return tuple(out)


def pytime(value: QTime) -> time:
    return time(value.hour(), value.minute())


def camel(key: str) -> str:
    """``office_business_rate`` → ``officeBusinessRate`` (object names of the fields)."""
    head, *rest = key.split("_")
    return head + "".join(w.capitalize() for w in rest)


# -- fields -----------------------------------------------------------------------------------
def time_edit(name: str, value: time) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setObjectName(name)
    edit.setDisplayFormat("HH:mm")
    return edit


def money_edit(name: str, value: Decimal) -> QLineEdit:
    edit = QLineEdit(f"{value:.2f}")
    edit.setObjectName(name)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMaximumWidth(120)
    return edit


def time_pair(start: QTimeEdit, end: QTimeEdit) -> QHBoxLayout:
    """ "09:00 a 14:00"."""
    row = QHBoxLayout()
    row.addWidget(start)
    row.addWidget(QLabel("a"))
    row.addWidget(end)
    row.addStretch(1)
    return row
