"""Policies (pólizas, RULES §6) with their versions, and repair quotes (RULES §7 "Escalated")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.kernel.enums import RepairStatus
from app.models.base import Base
from app.models.types import Hours, Money, StrEnumType, UTCDateTime


def Fraction() -> Numeric[Decimal]:
    """A share such as a discount (0.2000 = 20 %), four decimals."""
    return Numeric(5, 4, asdecimal=True)


class Policy(Base):
    """A client's support contract. Its terms live in versions; ``ended_on`` closes it."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # months between preventive maintenance visits / update reviews (agenda, revision 0007)
    service_months: Mapped[int] = mapped_column(Integer, default=3, server_default="3")

    versions: Mapped[list[PolicyVersion]] = relationship(
        order_by="PolicyVersion.valid_from", cascade="all, delete-orphan"
    )


class PolicyVersion(Base):
    """The terms in force from ``valid_from`` (a local date) until the next version.

    Versions are never edited: a change is a new version, so past bills keep theirs.
    """

    __tablename__ = "policy_versions"
    __table_args__ = (
        UniqueConstraint("policy_id", "version"),
        UniqueConstraint("policy_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    expected_remote: Mapped[int] = mapped_column(Integer)
    expected_in_person: Mapped[int] = mapped_column(Integer)
    discount: Mapped[Decimal] = mapped_column(Fraction())
    is_24x7: Mapped[bool] = mapped_column(Boolean)
    benefits: Mapped[list[Any]] = mapped_column(JSON)
    # the quarterly review this version answers (None for the first version and plain changes)
    review_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    devices: Mapped[list[PolicyDevice]] = relationship(cascade="all, delete-orphan")


class PolicyDevice(Base):
    """A device covered by one policy version."""

    __tablename__ = "policy_devices"

    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)


class Repair(Base):
    """A repair quote attached to an escalated case; the client accepts or declines it.

    The quote keeps the labour rate and policy discount it was made with; an accepted repair is
    billed with its own receipt (``receipt_id``), which credits the escalated support session.
    """

    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    support_session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    labour_hours: Mapped[Decimal] = mapped_column(Hours())  # fractions allowed (0007)
    labour_rate: Mapped[Decimal] = mapped_column(Money())
    discount: Mapped[Decimal] = mapped_column(Fraction())
    status: Mapped[RepairStatus] = mapped_column(StrEnumType(RepairStatus))
    quoted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"), index=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))

    parts: Mapped[list[RepairPartRow]] = relationship(
        order_by="RepairPartRow.position", cascade="all, delete-orphan"
    )


class RepairPartRow(Base):
    __tablename__ = "repair_parts"
    __table_args__ = (UniqueConstraint("repair_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
