"""What the period report keeps between runs (revision 0011): no model classes, two tables.

``report_versions``: one counter per UTC date (``key`` ``YYYY-MM-DD``) and one for everything
(``key`` ``all``), raised by the database's own triggers whenever a row the report reads
changes (a session, its events, a receipt, a payment, a case, a policy, a repair, a tariff).
Nothing in the app writes it. ``report_cache``: the report's sums of one local day or month
(``scope`` ``day``/``month``, ``first`` its first date, ``advisor_id`` 0 for all advisors),
with the counters' total it was computed at (``token``) and the build of the app that made
it; a row whose token or build differs from now is not used (``app.services.period_cache``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, LargeBinary, String, Table

from app.models.base import Base

report_versions = Table(
    "report_versions",
    Base.metadata,
    Column("key", String(10), primary_key=True),
    Column("n", BigInteger, nullable=False),
)

report_cache = Table(
    "report_cache",
    Base.metadata,
    Column("scope", String(8), primary_key=True),
    Column("first", Date, primary_key=True),
    Column("advisor_id", Integer, primary_key=True, autoincrement=False),
    Column("token", BigInteger, nullable=False),
    Column("build", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
)
