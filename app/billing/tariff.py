"""The business's numbers (RULES.md), held as data with the documented defaults."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.billing.money import round_money
from app.kernel.enums import Band, Modality
from app.kernel.errors import BillingError
from app.kernel.limits import MAX_AMOUNT
from app.kernel.records import asdict, field, record, record_fields, replace


def _default_windows() -> tuple[tuple[time, time], ...]:
    return ((time(9, 0), time(14, 0)), (time(16, 0), time(19, 0)))


@record
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
        problems = tariff_problems(self)
        if problems:
            raise TariffError(problems)

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
        known = {f.name: f for f in record_fields(cls)}
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


#: What each tariff field is called in Ajustes, for messages that name it.
FIELD_LABELS: dict[str, str] = {
    "remote_business_rate": "Tarifa a distancia en horario laboral",
    "remote_outside_rate": "Tarifa a distancia fuera de horario",
    "office_business_rate": "Tarifa presencial en horario laboral",
    "office_outside_rate": "Tarifa presencial fuera de horario",
    "device_fee": "Cuota por equipo",
    "onsite_surcharge": "Recargo a domicilio",
    "max_policy_discount": "Descuento máximo de póliza",
    "iva_rate": "IVA",
    "minimum_hours": "Horas mínimas por sesión",
    "fraction_threshold_minutes": "Fracción cobrada como hora",
    "hours_per_event": "Horas cubiertas por evento",
    "pending_days": "Seguimiento sin costo",
    "instructions_cap_minutes": "Tope de instrucciones por chat",
    "business_weekdays": "Días laborables",
    "business_windows": "Horario laboral",
    "timezone": "Zona horaria",
    "holidays_country": "País de los días de descanso",
}
#: The service page promises savings of "hasta un 25%": a larger maximum is refused (RULES §6).
DISCOUNT_CEILING = Decimal("0.25")


class TariffError(BillingError):
    """A tariff with values the rules refuse. ``problems`` maps each bad field (a window as
    ``business_windows.N``) to its message, for the form to show beside the field."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(
            " ".join(
                f"{FIELD_LABELS[key.split('.')[0]]}: {message[0].lower()}{message[1:]}"
                for key, message in self.problems.items()
            )
        )


def tariff_problems(t: Tariff) -> dict[str, str]:
    """Every field of ``t`` the rules refuse, with a short Spanish message (empty: valid)."""
    out: dict[str, str] = {}
    for key in (
        "remote_business_rate",
        "remote_outside_rate",
        "office_business_rate",
        "office_outside_rate",
        "device_fee",
    ):
        value: Decimal = getattr(t, key)
        if not value.is_finite() or value < 0:
            out[key] = "No puede ser negativo."
        elif value > MAX_AMOUNT:
            out[key] = "No puede pasar de $99,999,999.99."
    for key, low, high, message in (
        ("onsite_surcharge", Decimal(0), Decimal(1), "Debe estar entre 0 % y 100 %."),
        ("max_policy_discount", Decimal(0), DISCOUNT_CEILING, "Debe estar entre 0 % y 25 %."),
    ):
        share: Decimal = getattr(t, key)
        if not share.is_finite() or not low <= share <= high:
            out[key] = message
    if not t.iva_rate.is_finite() or not Decimal(0) <= t.iva_rate < Decimal(1):
        out["iva_rate"] = "Debe ser de 0 % a menos de 100 %."
    whole = {"minimum_hours": 24, "hours_per_event": 24, "pending_days": 365,
             "instructions_cap_minutes": 240}  # fmt: skip
    for key, most in whole.items():
        number: int = getattr(t, key)
        if number < 0:
            out[key] = "No puede ser negativo."
        elif number > most:
            out[key] = f"No puede pasar de {most}."
    if not 0 <= t.fraction_threshold_minutes < 60:
        out["fraction_threshold_minutes"] = "Debe estar entre 0 y 59 minutos."
    if not _known_zone(t.timezone):
        out["timezone"] = "No es una zona horaria conocida."
    if t.holidays_enabled and not _known_country(t.holidays_country):
        out["holidays_country"] = "No hay calendario de días de descanso para ese país."
    if not t.business_weekdays:
        out["business_weekdays"] = "Elija al menos un día laborable."
    elif any(not 0 <= d <= 6 for d in t.business_weekdays):
        out["business_weekdays"] = "Los días laborables van de lunes a domingo."
    previous_end: time | None = None
    for k, (start, end) in enumerate(t.business_windows):
        if not start < end:
            out[f"business_windows.{k}"] = "La franja debe terminar después de empezar."
        elif previous_end is not None and start < previous_end:
            out[f"business_windows.{k}"] = "Debe empezar al terminar la primera o después."
        previous_end = end if start < end else previous_end
    return out


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _known_country(code: str) -> bool:
    """Whether the ``holidays`` package has a calendar for ``code`` (imported only for a
    country other than the default one)."""
    if code == "MX":
        return True
    import holidays

    try:
        holidays.country_holidays(code)
    except NotImplementedError:
        return False
    return True


class TariffHistory:
    """Every stored tariff version: the tariff in force at an instant is the latest version
    whose ``valid_from`` is at or before it (the documented defaults before the first one).
    Versions may be given as stored data (parsed on first use) or as ``Tariff`` values."""

    def __init__(self, versions: Iterable[tuple[datetime, int, Mapping[str, Any] | Tariff]]):
        ordered = sorted(versions, key=lambda v: (v[0], v[1]))
        self._keys = [(at, ident) for at, ident, _ in ordered]
        self._data = [data for _, _, data in ordered]
        self._parsed: dict[int, Tariff] = {}

    def at(self, moment: datetime) -> Tariff:
        k = bisect_right(self._keys, (moment, float("inf"))) - 1
        if k < 0:
            return DEFAULT_TARIFF
        if k not in self._parsed:
            data = self._data[k]
            self._parsed[k] = data if isinstance(data, Tariff) else Tariff.from_dict(data)
        return self._parsed[k]

    def on(self, day: date) -> Tariff:
        """The tariff in force when the local ``day`` begins."""
        return self.at(_day_start(day))

    def from_day(self, day: date) -> list[Tariff]:
        """The tariff in force when ``day`` begins and every later version."""
        return self.from_instant(_day_start(day))

    def from_instant(self, moment: datetime) -> list[Tariff]:
        """The tariff in force at ``moment`` and every later version."""
        first = bisect_right(self._keys, (moment, float("inf")))
        return [self.at(moment)] + [self.at(at) for at, _ in self._keys[first:]]


DEFAULT_TARIFF = Tariff()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(DEFAULT_TARIFF.timezone))
