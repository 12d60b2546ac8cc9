"""The business's numbers (RULES.md), held as data with the documented defaults."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.billing.errors import BillingError
from app.billing.money import round_money


class Modality(StrEnum):
    REMOTE = "remote"
    OFFICE = "office"
    ONSITE = "onsite"

    @property
    def label(self) -> str:
        return MODALITY_LABELS[self]


MODALITY_LABELS: dict[Modality, str] = {
    Modality.REMOTE: "A distancia",
    Modality.OFFICE: "Presencial en AppleUse",
    Modality.ONSITE: "En domicilio del cliente",
}


class Band(StrEnum):
    BUSINESS = "business"
    OUTSIDE = "outside"

    @property
    def label(self) -> str:
        return "horario laboral" if self is Band.BUSINESS else "fuera de horario"


def _default_windows() -> tuple[tuple[time, time], ...]:
    return ((time(9, 0), time(14, 0)), (time(16, 0), time(19, 0)))


@dataclass(frozen=True)
class Tariff:
    """Every number of RULES.md, editable by the business; receipts keep a snapshot."""

    remote_business_rate: Decimal = Decimal("200.00")
    remote_outside_rate: Decimal = Decimal("300.00")
    office_business_rate: Decimal = Decimal("300.00")
    office_outside_rate: Decimal = Decimal("450.00")
    onsite_surcharge: Decimal = Decimal("0.20")
    onsite_cities: tuple[str, ...] = ("Xalapa", "Coatepec")
    timezone: str = "America/Mexico_City"
    business_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday=0
    business_windows: tuple[tuple[time, time], ...] = field(default_factory=_default_windows)
    holidays_enabled: bool = True
    holidays_country: str = "MX"
    minimum_hours: int = 1
    fraction_threshold_minutes: int = 30
    max_policy_discount: Decimal = Decimal("0.25")
    hours_per_event: int = 1
    device_fee: Decimal = Decimal("0.00")
    iva_rate: Decimal = Decimal("0.16")
    pending_days: int = 7
    instructions_cap_minutes: int = 15

    def __post_init__(self) -> None:
        for name in (
            "remote_business_rate",
            "remote_outside_rate",
            "office_business_rate",
            "office_outside_rate",
            "device_fee",
        ):
            if getattr(self, name) < 0:
                raise BillingError("Las tarifas no pueden ser negativas.")
        if not Decimal(0) <= self.max_policy_discount <= Decimal(1):
            raise BillingError("El descuento máximo de póliza debe estar entre 0 y 1.")
        if not Decimal(0) <= self.iva_rate < Decimal(1):
            raise BillingError("La tasa de IVA debe estar entre 0 y 1.")
        if self.onsite_surcharge < 0:
            raise BillingError("El recargo a domicilio no puede ser negativo.")
        if self.minimum_hours < 0 or not 0 <= self.fraction_threshold_minutes < 60:
            raise BillingError("Horas mínimas o umbral de fracción fuera de rango.")
        if self.pending_days < 0 or self.instructions_cap_minutes < 0 or self.hours_per_event < 0:
            raise BillingError("Los plazos y topes no pueden ser negativos.")
        for start, end in self.business_windows:
            if not start < end:
                raise BillingError(
                    "Cada franja del horario laboral debe terminar después de empezar."
                )
        if any(not 0 <= d <= 6 for d in self.business_weekdays):
            raise BillingError("Los días laborables van de lunes (0) a domingo (6).")

    # -- rates ---------------------------------------------------------------
    def hourly_rate(self, modality: Modality, band: Band) -> Decimal:
        """The list rate of one hour before IVA; onsite is office × (1 + surcharge)."""
        if modality is Modality.REMOTE:
            return self.remote_business_rate if band is Band.BUSINESS else self.remote_outside_rate
        office = self.office_business_rate if band is Band.BUSINESS else self.office_outside_rate
        if modality is Modality.OFFICE:
            return office
        return round_money(office * (1 + self.onsite_surcharge))

    def onsite_city_has_rate(self, city: str | None) -> bool:
        """True when onsite work in ``city`` has a list rate; otherwise it needs a quote."""
        if not city or not city.strip():
            return False
        wanted = normalize_city(city)
        for known in self.onsite_cities:
            base = normalize_city(known)
            if wanted == base:
                return True
            if wanted.startswith(base) and not wanted[len(base)].isalnum():
                return True
        return False

    # -- snapshot ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values (Decimal and time as strings) for storage and receipts."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, Decimal):
                out[key] = str(value)
            elif key == "business_windows":
                out[key] = [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in value]
            elif isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tariff:
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing ones keep defaults."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        default = cls()
        for key, raw in data.items():
            if key not in known:
                continue
            current = getattr(default, key)
            if isinstance(current, Decimal):
                values[key] = Decimal(str(raw))
            elif key == "business_windows":
                values[key] = tuple((time.fromisoformat(s), time.fromisoformat(e)) for s, e in raw)
            elif isinstance(current, tuple):
                values[key] = tuple(raw)
            else:
                values[key] = type(current)(raw)
        return replace(default, **values)


def normalize_city(name: str) -> str:
    """Case- and accent-insensitive form of a city name: "Xalapa-Enríquez" -> "xalapa-enriquez"."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())
