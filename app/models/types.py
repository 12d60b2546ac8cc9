"""Column types shared by the models: UTC instants and money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import DateTime, Dialect, Numeric
from sqlalchemy import Enum as SAEnum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: accepts only aware datetimes, stores UTC, returns aware UTC.

    PostgreSQL keeps it in a ``timestamptz``; SQLite has no zones, so the UTC wall time is
    stored and UTC is attached again when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Money() -> Numeric[Decimal]:
    """MXN with two decimals, returned as Decimal."""
    return Numeric(12, 2, asdecimal=True)


def Hours() -> Numeric[Decimal]:
    """Hours with up to two decimals (a repair's labour: 1.5 h), returned as Decimal."""
    return Numeric(7, 2, asdecimal=True)


def StrEnumType(enum: type[Enum], length: int = 32) -> SAEnum:
    """A Python enum stored by its *value* in a VARCHAR (no native PostgreSQL enum type)."""
    return SAEnum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
