"""Ended sessions that still owe their receipt: per client (the statement) and for the day
(the window's "Sesiones sin recibo").

One definition: an ended session, not a free follow-up, with no issued receipt (a cancelled
one does not count: the session is billable again), whose bill charges something or still
needs its quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.kernel.clock import Clock
from app.kernel.enums import Modality, PaymentArrangement, ReceiptStatus
from app.kernel.fmt import LOCAL_ZONE, case_label
from app.kernel.limits import check_day, check_moment
from app.models import Advisor, Case, Client, Receipt, WorkSession
from app.services.loading import load_sessions, price
from app.services.uow import Database

__all__ = ["UnbilledItem", "UnbilledService", "unbilled_sessions"]


@dataclass(frozen=True)
class UnbilledItem:
    session_id: int
    client_id: int
    client_name: str
    case_label: str
    advisor_name: str
    modality: Modality
    started_at: datetime
    ended_at: datetime
    later_payment_agreed: bool
    total: Decimal | None  # None: it needs its quote first


class UnbilledService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def sessions(
        self, *, client_id: int | None = None, day: date | None = None
    ) -> tuple[UnbilledItem, ...]:
        """The client's (or everyone's) sessions without a receipt, oldest first; with
        ``day``, only those that ended on that local day."""
        now = check_moment(self.clock())
        since = until = None
        if day is not None:
            zone = ZoneInfo(LOCAL_ZONE)
            since = datetime.combine(check_day(day), time(), zone)
            until = min(since + timedelta(days=1), now)
        return self.db.read(lambda s: unbilled_sessions(s, now, client_id, since, until))


def unbilled_sessions(
    s: Session,
    as_of: datetime,
    client_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[UnbilledItem, ...]:
    # An issued receipt of the session, looked up by its index (a NOT IN over every issued
    # receipt made SQLite list them all first: ~90 ms at 100,000 receipts, for any client).
    billed = (
        select(Receipt.id)
        .where(Receipt.session_id == WorkSession.id, Receipt.status == ReceiptStatus.ISSUED)
        .exists()
    )
    query = (
        select(WorkSession, Client.name, Advisor.name)
        .join(Case, Case.id == WorkSession.case_id)
        .join(Client, Client.id == Case.client_id)
        .join(Advisor, Advisor.id == WorkSession.advisor_id)
        .where(
            WorkSession.ended_at.is_not(None),
            WorkSession.ended_at <= (until or as_of),
            WorkSession.follow_up.is_(False),
            ~billed,
        )
        .order_by(WorkSession.ended_at, WorkSession.id)
    )
    if client_id is not None:
        query = query.where(Case.client_id == client_id)
    if since is not None:
        query = query.where(WorkSession.ended_at >= since)
    found = s.execute(query).all()
    names = {row.id: (client, advisor) for row, client, advisor in found}
    loaded = load_sessions(s, [row for row, _, _ in found])
    priced = price(s, loaded, as_of)
    out = []
    for x in loaded:
        bill = priced.bills.get(x.row.id)
        if bill is None or (bill.total is not None and bill.total <= 0):
            continue
        assert x.row.ended_at is not None
        client, advisor = names[x.row.id]
        out.append(
            UnbilledItem(
                session_id=x.row.id,
                client_id=x.case.client_id,
                client_name=client,
                case_label=case_label(x.case.number),
                advisor_name=advisor,
                modality=x.row.modality,
                started_at=x.row.started_at,
                ended_at=x.row.ended_at,
                later_payment_agreed=x.row.payment_arrangement is PaymentArrangement.LATER,
                total=bill.total,
            )
        )
    return tuple(out)
