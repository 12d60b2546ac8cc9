"""What the fuzz of the services found (bench/fuzz.py): inputs a caller might pass are refused
with a Spanish DomainError, never a raw exception."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.billing.tariff import Tariff, TariffError
from app.kernel.errors import DomainError
from tests.services.conftest import Shop


def test_an_id_beyond_the_database_integers(shop: Shop) -> None:
    with pytest.raises(DomainError):
        shop.services.clients.client(2**63)
    with pytest.raises(DomainError):
        shop.services.sessions.session(-(2**70))


def test_unknown_choices(shop: Shop) -> None:
    s = shop.services.sessions
    with pytest.raises(DomainError, match="«x» no es una opción conocida"):
        s.start(shop.ana, shop.lucia, "x")  # type: ignore[arg-type]
    sid = s.start(shop.ana, shop.lucia, "office").id  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="no es una opción conocida"):
        s.end(sid, "x")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="no es una opción conocida"):
        s.cases(states=("x",))  # type: ignore[arg-type]
    assert s.session(sid).running


def test_instants_without_zone_or_out_of_range(shop: Shop) -> None:
    sv = shop.services
    with pytest.raises(DomainError, match="zona horaria"):
        sv.balances.outstanding(datetime(2026, 11, 30))
    with pytest.raises(DomainError, match="zona horaria"):
        sv.receipts.receipts(datetime(2026, 11, 30))
    with pytest.raises(DomainError, match="entre 2000 y 2100"):
        sv.policies.policy_of(shop.lucia, datetime(1, 1, 1, tzinfo=UTC))
    with pytest.raises(DomainError, match="entre 2000 y 2100"):
        sv.documents.day_summary(date(9999, 12, 31))
    with pytest.raises(DomainError, match="entre 2000 y 2100"):
        sv.documents.day_summary(date(1, 1, 1))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"iva_rate": Decimal("NaN")}, "iva_rate"),
        ({"onsite_surcharge": Decimal("Infinity")}, "onsite_surcharge"),
        ({"timezone": "ñ"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"holidays_country": "m"}, "holidays_country"),
        ({"pending_days": 10**9}, "pending_days"),
        ({"instructions_cap_minutes": 241}, "instructions_cap_minutes"),
    ],
)
def test_a_tariff_the_rules_cannot_use_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(TariffError) as refused:
        replace(Tariff(), **changes)  # type: ignore[arg-type]
    assert field in refused.value.problems
