"""Cases, sessions and the append-only session event log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.kernel.enums import (
    CaseState,
    Channel,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteTool,
)
from app.kernel.timeline import RECORDS_WHERE
from app.models.base import Base
from app.models.types import Money, StrEnumType, UTCDateTime


class Case(Base):
    """One reported problem ("evento")."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    modality: Mapped[Modality] = mapped_column(StrEnumType(Modality))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CaseState] = mapped_column(StrEnumType(CaseState), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    previous_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


#: The sessions the index ``uq_sessions_running_advisor`` covers (one running per advisor). The
#: migrations make it partial on both dialects; here SQLite's WHERE is declared with the model
#: and PostgreSQL's only when a PostgreSQL engine is made (:func:`postgresql_options`):
#: declaring it imports SQLAlchemy's PostgreSQL dialect, ~70 ms of every SQLite start-up.
RUNNING_WHERE = "ended_at IS NULL"


def postgresql_options() -> None:
    """Give the models' partial indexes their PostgreSQL WHERE (for ``create_all`` and
    Alembic's comparisons on PostgreSQL); ``make_engine`` calls it for a PostgreSQL URL."""
    for model, name, where in (
        (WorkSession, "uq_sessions_running_advisor", RUNNING_WHERE),
        (SessionEvent, "ix_session_events_records", RECORDS_WHERE),
    ):
        table = cast(Table, model.__table__)
        index = next(i for i in table.indexes if i.name == name)
        index.dialect_kwargs["postgresql_where"] = text(where)


class WorkSession(Base):
    """One continuous period of work on a case by one advisor ("sesión")."""

    __tablename__ = "sessions"
    __table_args__ = (
        # At most one running session per advisor, enforced by the database too (its
        # PostgreSQL WHERE: see RUNNING_WHERE).
        Index(
            "uq_sessions_running_advisor",
            "advisor_id",
            unique=True,
            sqlite_where=text(RUNNING_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    modality: Mapped[Modality] = mapped_column(StrEnumType(Modality))
    channel: Mapped[Channel | None] = mapped_column(StrEnumType(Channel))
    city: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(StrEnumType(Outcome))
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # RULES §9 checklist and the payment arrangement
    payment_arrangement: Mapped[PaymentArrangement | None] = mapped_column(
        StrEnumType(PaymentArrangement)
    )
    checklist_internet: Mapped[bool] = mapped_column(Boolean, default=False)
    checklist_macos: Mapped[bool] = mapped_column(Boolean, default=False)
    checklist_remote_tool: Mapped[RemoteTool | None] = mapped_column(StrEnumType(RemoteTool))
    quoted_rate: Mapped[Decimal | None] = mapped_column(Money())
    quoted_amount: Mapped[Decimal | None] = mapped_column(Money())
    notes: Mapped[str] = mapped_column(Text, default="")


class SessionEvent(Base):
    """Append-only: rows are inserted, never updated or deleted (RULES §8).

    A correction entered afterwards is one more row (``app.kernel.enums.EventKind``:
    START_CORRECTED, END_CORRECTED, PAUSE_ADDED, DISCONNECTION_ADDED, RECORDED_MANUALLY): ``at``
    is when it was recorded, ``note`` its reason, ``author_id`` the advisor who entered it and
    ``span_start``/``span_end`` the instants it sets. A note written during the session is a
    NOTE row."""

    __tablename__ = "session_events"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        Index("ix_session_events_records", "session_id", sqlite_where=text(RECORDS_WHERE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EventKind] = mapped_column(StrEnumType(EventKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    backup_notice_acknowledged: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    span_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    span_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))


@event.listens_for(SessionEvent, "before_update")
@event.listens_for(SessionEvent, "before_delete")
def _events_are_append_only(mapper: object, connection: object, target: SessionEvent) -> None:
    raise AppendOnlyError("Los eventos de una sesión no se modifican ni se borran.")


class AppendOnlyError(RuntimeError):
    """A program error: something tried to rewrite an append-only record."""
