from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing import SessionCharge, Tariff, price_session
from app.kernel.enums import Modality
from app.kernel.timeline import Interval

MX = ZoneInfo("America/Mexico_City")
TARIFF = Tariff()


def local(text: str) -> datetime:
    """'2026-11-24 10:00' (or with seconds) as an aware Mexico City instant."""
    return datetime.fromisoformat(text).replace(tzinfo=MX)


def quote(
    start: str,
    end: str,
    modality: str = "remote",
    gaps: tuple[tuple[str, str], ...] = (),
    tariff: Tariff = TARIFF,
    **kw,
):
    charge = SessionCharge(
        Modality(modality),
        local(start),
        local(end),
        tuple(Interval(local(a), local(b)) for a, b in gaps),
        **kw,
    )
    return price_session(charge, tariff)


def D(text: str) -> Decimal:
    return Decimal(text)
