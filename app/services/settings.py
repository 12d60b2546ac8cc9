"""Business settings (profile, receipt series) and versioned tariffs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.billing.policy import discount_conflicts, local_day
from app.billing.tariff import Tariff
from app.kernel.clock import Clock
from app.kernel.errors import RuleError
from app.kernel.fmt import policy_label
from app.models import BusinessSetting, TariffVersion
from app.services.billing_inputs import all_client_policies
from app.services.data import PROFILE_KEY, BusinessProfile
from app.services.loading import forget_tariffs, tariff_at
from app.services.uow import Database, session_execute


def stored_setting(s: Session, key: str) -> Any:
    """A business setting's stored value (None: never saved)."""
    row = s.get(BusinessSetting, key)
    return None if row is None else row.value


def store_setting(s: Session, key: str, value: Any) -> None:
    """Save a business setting's value (created the first time)."""
    row = s.get(BusinessSetting, key)
    if row is None:
        s.add(BusinessSetting(key=key, value=value))
    else:
        row.value = value


def load_profile(s: Session) -> BusinessProfile:
    return BusinessProfile.from_stored(stored_setting(s, PROFILE_KEY))


class SettingsService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def profile(self) -> BusinessProfile:
        return self.db.read(load_profile)

    def save_profile(self, profile: BusinessProfile) -> BusinessProfile:
        clean = profile.clean()

        def work(s: Session) -> BusinessProfile:
            store_setting(s, PROFILE_KEY, clean.to_stored())
            return clean

        return self.db.write(work)

    def tariff(self, at: datetime | None = None) -> Tariff:
        """The tariff in force at ``at`` (now by default)."""
        moment = at or self.clock()
        return self.db.read(lambda s: tariff_at(s, moment))

    def save_tariff(self, tariff: Tariff, valid_from: datetime | None = None) -> int:
        """Store a new tariff version, in force from ``valid_from`` (now by default).

        Versions are never edited: receipts and past sessions keep the values they used. A
        maximum policy discount below one already agreed for that date or later is refused
        (RULES §6: the agreed discount stands; end or change the policy first).
        """
        now = self.clock()
        start = valid_from or now

        def work(s: Session) -> int:
            day = local_day(start, tariff)
            policies = all_client_policies(session_execute(s))
            conflicts = discount_conflicts(policies, day, tariff.max_policy_discount)
            if conflicts:
                names = ", ".join(policy_label(c.policy_id) for c in conflicts)
                top = (tariff.max_policy_discount * 100).normalize()
                raise RuleError(
                    f"El descuento máximo de póliza ({top:f} %) queda por debajo del acordado en "
                    f"{names}; cambie esas pólizas antes de bajar el máximo."
                )
            row = TariffVersion(valid_from=start, data=tariff.to_dict(), created_at=now)
            s.add(row)
            s.flush()
            forget_tariffs(s)
            return row.id

        return self.db.write(work)

    def tariff_versions(self) -> list[tuple[int, datetime, Tariff]]:
        def work(s: Session) -> list[tuple[int, datetime, Tariff]]:
            rows = s.scalars(select(TariffVersion).order_by(TariffVersion.valid_from))
            return [(r.id, r.valid_from, Tariff.from_dict(r.data)) for r in rows]

        return self.db.read(work)
