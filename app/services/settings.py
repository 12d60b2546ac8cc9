"""Business settings (profile, receipt series) and versioned tariffs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing import Tariff
from app.clock import Clock
from app.models import BusinessSetting, TariffVersion
from app.services.common import tariff_at
from app.services.errors import RuleError
from app.services.uow import Database

PROFILE_KEY = "business_profile"


@dataclass(frozen=True)
class BusinessProfile:
    """What a receipt prints about the business, and the receipt series."""

    name: str = "AppleUse"
    phones: tuple[str, ...] = ()
    address: str = "Xalapa, Veracruz"
    receipt_series: str = "A"
    email: str = ""
    website: str = ""
    logo_path: str = ""  # an image file printed on documents; empty: no logo

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["phones"] = list(self.phones)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BusinessProfile:
        default = cls()
        return cls(
            name=str(data.get("name", default.name)),
            phones=tuple(str(p) for p in data.get("phones", ())),
            address=str(data.get("address", default.address)),
            receipt_series=str(data.get("receipt_series", default.receipt_series)),
            email=str(data.get("email", "")),
            website=str(data.get("website", "")),
            logo_path=str(data.get("logo_path", "")),
        )


def load_profile(s: Session) -> BusinessProfile:
    row = s.get(BusinessSetting, PROFILE_KEY)
    return BusinessProfile() if row is None else BusinessProfile.from_dict(row.value)


class SettingsService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def profile(self) -> BusinessProfile:
        return self.db.read(load_profile)

    def save_profile(self, profile: BusinessProfile) -> BusinessProfile:
        series = profile.receipt_series.strip().upper()
        if not series or not series.isalnum() or len(series) > 10:
            raise RuleError("La serie de recibos debe ser de 1 a 10 letras o números.")
        if not profile.name.strip():
            raise RuleError("El nombre del negocio es obligatorio.")
        clean = replace(profile, name=profile.name.strip(), receipt_series=series)

        def work(s: Session) -> BusinessProfile:
            row = s.get(BusinessSetting, PROFILE_KEY)
            if row is None:
                s.add(BusinessSetting(key=PROFILE_KEY, value=clean.to_dict()))
            else:
                row.value = clean.to_dict()
            return clean

        return self.db.write(work)

    def tariff(self, at: datetime | None = None) -> Tariff:
        """The tariff in force at ``at`` (now by default)."""
        moment = at or self.clock()
        return self.db.read(lambda s: tariff_at(s, moment))

    def save_tariff(self, tariff: Tariff, valid_from: datetime | None = None) -> int:
        """Store a new tariff version, in force from ``valid_from`` (now by default).

        Versions are never edited: receipts and past sessions keep the values they used.
        """
        now = self.clock()
        start = valid_from or now

        def work(s: Session) -> int:
            row = TariffVersion(valid_from=start, data=tariff.to_dict(), created_at=now)
            s.add(row)
            s.flush()
            return row.id

        return self.db.write(work)

    def tariff_versions(self) -> list[tuple[int, datetime, Tariff]]:
        def work(s: Session) -> list[tuple[int, datetime, Tariff]]:
            rows = s.scalars(select(TariffVersion).order_by(TariffVersion.valid_from))
            return [(r.id, r.valid_from, Tariff.from_dict(r.data)) for r in rows]

        return self.db.read(work)
