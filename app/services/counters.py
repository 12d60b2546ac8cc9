"""Gapless counters (receipt folios, case numbers), taken inside the caller's transaction.

The counter row is created if missing (``INSERT … ON CONFLICT DO NOTHING``) and then read with
``SELECT … FOR UPDATE``: on PostgreSQL a second writer waits on the row lock until the first
commits; on SQLite the whole write transaction began with ``BEGIN IMMEDIATE``, so writers are
already serialized. Either way the number is used in the same transaction that stores the
receipt, so a rollback gives the number back: no gaps, no duplicates.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FolioCounter

CASE_SERIES = "#CASE"


def next_number(s: Session, series: str) -> int:
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        s.execute(
            postgresql.insert(FolioCounter)
            .values(series=series, next_number=1)
            .on_conflict_do_nothing(index_elements=["series"])
        )
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        s.execute(
            sqlite.insert(FolioCounter)
            .values(series=series, next_number=1)
            .on_conflict_do_nothing(index_elements=["series"])
        )
    counter = s.scalars(
        select(FolioCounter)
        .where(FolioCounter.series == series)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if counter is None:  # another dialect: create it here
        counter = FolioCounter(series=series, next_number=1)
        s.add(counter)
    number = counter.next_number
    counter.next_number = number + 1
    s.flush()
    return number
