"""Receipts, their lines, payments, folio counters, settings and tariff versions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from app.kernel.enums import Modality, PaymentMethod, ReceiptStatus
from app.models.base import Base
from app.models.types import Hours, Money, StrEnumType, UTCDateTime
from app.models.work import AppendOnlyError


class FolioCounter(Base):
    """Next number of a series; locked while a receipt takes its number."""

    __tablename__ = "folio_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer)


class Receipt(Base):
    """An issued receipt is immutable; only its status moves to cancelled, with a reason."""

    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("series", "number"),
        # the receipts issued in a range, and what those issued by an instant add up to
        # without reading the rows (the corte's balance due; revision 0009)
        Index("ix_receipts_issued_total", "issued_at", "total", "advisor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    folio: Mapped[str] = mapped_column(String(20), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())  # ix_receipts_issued_total
    modality: Mapped[Modality] = mapped_column(StrEnumType(Modality))
    worked_minutes: Mapped[int] = mapped_column(Integer)
    billable_hours: Mapped[int] = mapped_column(Integer)
    # by band, kept with the receipt: quoted lines carry no band (added in revision 0002)
    business_hours: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    outside_hours: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    subtotal: Mapped[Decimal] = mapped_column(Money())
    discount: Mapped[Decimal] = mapped_column(Money())
    credits: Mapped[Decimal] = mapped_column(Money())
    base: Mapped[Decimal] = mapped_column(Money())
    iva: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    tariff_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[ReceiptStatus] = mapped_column(StrEnumType(ReceiptStatus))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list[ReceiptLine]] = relationship(
        order_by="ReceiptLine.position", cascade="all, delete-orphan"
    )


class ReceiptLine(Base):
    __tablename__ = "receipt_lines"
    __table_args__ = (UniqueConstraint("receipt_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    band: Mapped[str | None] = mapped_column(String(20))
    hours: Mapped[Decimal | None] = mapped_column(Hours())  # a repair's labour: 1.5 (0007)
    rate: Mapped[Decimal | None] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())


class Payment(Base):
    __tablename__ = "payments"
    # what was received by an instant, without reading the rows (revision 0009)
    __table_args__ = (Index("ix_payments_received_amount", "received_at", "amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    method: Mapped[PaymentMethod] = mapped_column(StrEnumType(PaymentMethod))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reference: Mapped[str] = mapped_column(String(120), default="")
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id"))


class BalanceTotal(Base):
    """What one advisor's receipts add up to, in whole cents, kept by the database itself
    (triggers of revision 0010) as receipts are issued and cancelled and payments recorded:
    every receipt's total, the cancelled ones' totals, every payment on the advisor's receipts.
    The corte's balance due at a day's close is these less what happened after the close,
    instead of a pass over every receipt and payment. Nothing in the app writes this table."""

    __tablename__ = "balance_totals"

    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id"), primary_key=True)
    issued_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    cancelled_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    paid_cents: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class BusinessSetting(Base):
    """Business profile and preferences as key → JSON value (name, phones, receipt series…)."""

    __tablename__ = "business_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class TariffVersion(Base):
    """``app.billing.Tariff.to_dict()`` in force from ``valid_from`` on."""

    __tablename__ = "tariff_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


_RECEIPT_MUTABLE = {"status", "cancelled_at", "cancel_reason"}


@event.listens_for(Receipt, "before_update")
def _receipt_is_immutable(mapper: Mapper[Receipt], connection: object, target: Receipt) -> None:
    state = inspect(target)
    for attr in state.attrs:
        if attr.key in _RECEIPT_MUTABLE or attr.key == "lines":
            continue
        if attr.history.has_changes():
            raise AppendOnlyError(f"Un recibo emitido no se modifica ({attr.key}).")


@event.listens_for(ReceiptLine, "before_update")
@event.listens_for(ReceiptLine, "before_delete")
def _receipt_lines_are_immutable(mapper: object, connection: object, target: ReceiptLine) -> None:
    raise AppendOnlyError("Las líneas de un recibo emitido no se modifican.")
