"""what a period report keeps between runs: counters the triggers raise, and cached sums

``report_versions`` holds one counter per UTC date (``key`` ``YYYY-MM-DD``) and one for all
(``all``); the triggers of this revision raise them whenever a row a period report reads
changes. ``report_cache`` holds the report's sums of a local day or month computed by the app
(``app.services.period_cache``) with the counters' total at that moment: a cached row is used
only while that total is unchanged, so a write anywhere in its days makes it stale.

What raises what (the UTC date of each instant; a NULL instant raises nothing):

- ``sessions`` inserted, updated or deleted: its ``started_at`` (before and after) and those
  of the other sessions of its case;
- ``session_events`` inserted: its session's ``started_at``;
- ``receipts`` inserted or updated (cancelled): its session's ``started_at``, its
  ``issued_at`` and ``cancelled_at``; ``receipt_lines`` inserted: the receipt's session's;
- ``payments``: its ``received_at`` and its receipt's ``issued_at`` and ``cancelled_at``;
- ``cases``: the ``started_at`` of each of its sessions and its ``opened_at``; and when the
  client holds a policy and the case is new, deleted, or its opening, modality, device, number
  or client changes (what the month's allowance counts), every session of every case of the
  client — a new case uses up the allowance left for the others;
- ``policies``, ``policy_versions``, ``policy_devices``: every session of every case of the
  client concerned;
- ``repairs``: its ``decided_at`` (before and after);
- ``tariff_versions``: the ``all`` counter.

The triggers run in the writer's own transaction, so a report that reads the counters before
its sums never keeps sums older than the counters it stored. Counters only go up; a date's row
is made by its first raise (``INSERT … ON CONFLICT … DO UPDATE``). On PostgreSQL each trigger's
function runs as its owner (``SECURITY DEFINER``), like revision 0010's: the app's role needs
only ``SELECT`` on ``report_versions``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Raise(NamedTuple):
    """One trigger: on ``event`` of ``table``, raise the UTC dates of the instants ``sources``
    select (``t``, written with ``{row}`` for the row: NEW, OLD, or both on an update), or the
    ``all`` counter when ``sources`` is empty; only when one of ``changed`` changed, if any."""

    name: str
    table: str
    event: str
    sources: tuple[str, ...]
    changed: tuple[str, ...] = ()


def _client_sessions(client: str) -> str:
    """The start of every session of every case of ``client`` (an SQL expression)."""
    return (
        "SELECT s.started_at AS t FROM cases c JOIN sessions s ON s.case_id = c.id"
        f" WHERE c.client_id = ({client})"
    )


_SESSION = "SELECT s.started_at AS t FROM sessions s WHERE s.id = {row}.session_id"
_RECEIPT = "SELECT r.{col} AS t FROM receipts r WHERE r.id = {{row}}.receipt_id"
_CASE_SESSIONS = "SELECT s.started_at AS t FROM sessions s WHERE s.case_id = {row}.id"
_SAME_CASE = "SELECT s.started_at AS t FROM sessions s WHERE s.case_id = {row}.case_id"
_POLICY_CLIENT = (
    _client_sessions("{row}.client_id")
    + " AND EXISTS (SELECT 1 FROM policies p WHERE p.client_id = {row}.client_id)"
)
#: the columns of a case the policy allowance reads (``billing_inputs.case_openings``)
_ALLOWANCE = ("opened_at", "modality", "device_id", "client_id", "number")

_SOURCES: dict[str, tuple[str, ...]] = {
    # and the other sessions of its case: a case reaching past a stored day or month is
    # counted once over a period by what each of its days knows (``period_cache`` edges)
    "sessions": ("SELECT {row}.started_at AS t", _SAME_CASE),
    "session_events": (_SESSION,),
    "receipts": (_SESSION, "SELECT {row}.issued_at AS t", "SELECT {row}.cancelled_at AS t"),
    "receipt_lines": (
        "SELECT s.started_at AS t FROM receipts r JOIN sessions s ON s.id = r.session_id"
        " WHERE r.id = {row}.receipt_id",
    ),
    "payments": (
        "SELECT {row}.received_at AS t",
        _RECEIPT.format(col="issued_at"),
        _RECEIPT.format(col="cancelled_at"),
    ),
    "policies": (_client_sessions("{row}.client_id"),),
    "policy_versions": (
        _client_sessions("SELECT p.client_id FROM policies p WHERE p.id = {row}.policy_id"),
    ),
    "policy_devices": (
        _client_sessions(
            "SELECT p.client_id FROM policy_versions v JOIN policies p ON p.id = v.policy_id"
            " WHERE v.id = {row}.version_id"
        ),
    ),
    "repairs": ("SELECT {row}.decided_at AS t",),
    "tariff_versions": (),
}
_ALL = ("INSERT", "UPDATE", "DELETE")
_EVENTS: dict[str, tuple[str, ...]] = {
    "sessions": _ALL,
    "session_events": ("INSERT",),  # append-only (revisions 0003, 0005)
    "receipts": ("INSERT", "UPDATE"),  # never deleted (0003)
    "receipt_lines": ("INSERT",),  # append-only
    "payments": _ALL,  # append-only (0005); raised anyway should that ever change
    "policies": _ALL,
    "policy_versions": _ALL,
    "policy_devices": _ALL,
    "repairs": _ALL,
    "tariff_versions": _ALL,
}
_CASE = (_CASE_SESSIONS, "SELECT {row}.opened_at AS t")

RAISES: tuple[Raise, ...] = (
    *(
        Raise(f"{table}_{event.lower()}", table, event, _SOURCES[table])
        for table, events in _EVENTS.items()
        for event in events
    ),
    Raise("cases_insert", "cases", "INSERT", (*_CASE, _POLICY_CLIENT)),
    Raise("cases_update", "cases", "UPDATE", _CASE),
    Raise("cases_allowance", "cases", "UPDATE", (_POLICY_CLIENT,), _ALLOWANCE),
    Raise("cases_delete", "cases", "DELETE", (*_CASE, _POLICY_CLIENT)),
)


def _instants(r: Raise) -> str:
    """The union of the instants ``r`` raises, for the rows of its event."""
    rows = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[r.event]
    return " UNION ALL ".join(s.format(row=row) for row in rows for s in r.sources)


def _upsert(r: Raise, day: str, counter: str, *, once: bool) -> str:
    """The statement that raises ``r``'s counters (``day`` turns ``x.t`` into its key).
    ``once``: each key once, in key order (PostgreSQL: an upsert may not touch a row twice,
    and rows locked in one order cannot deadlock within the statement); SQLite takes the rows
    one by one under its single writer, so a date that comes twice is simply raised twice."""
    bump = f" ON CONFLICT (key) DO UPDATE SET n = {counter}.n + 1"
    if not r.sources:
        return f"INSERT INTO report_versions (key, n) VALUES ('all', 1){bump}"
    distinct, order = (" DISTINCT", " ORDER BY 1") if once else ("", "")
    return (
        f"INSERT INTO report_versions (key, n) SELECT{distinct} {day}, 1"
        f" FROM ({_instants(r)}) x WHERE x.t IS NOT NULL{order}{bump}"
    )


_SQLITE_DAY = "COALESCE(date(x.t), substr(x.t, 1, 10))"


def sqlite_statements() -> list[str]:
    """One trigger per raise. SQLite keeps instants as UTC text: ``date`` takes its day (and
    turns one written with an offset to UTC); text it cannot read (an offset such as ``+00``)
    gives its first ten characters, so a counter never refuses the writer's row."""
    out = []
    for r in RAISES:
        when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in r.changed)
        out.append(
            f"CREATE TRIGGER report_versions_{r.name} AFTER {r.event} ON {r.table}"
            + (f" WHEN {when}" if when else "")
            + f" BEGIN {_upsert(r, _SQLITE_DAY, 'report_versions', once=False)}; END"
        )
    return out


_PG_DAY = "to_char(x.t AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def postgres_statements() -> list[str]:
    """A function and a row trigger per raise; the functions run as their owner."""
    out = []
    for r in RAISES:
        when = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in r.changed)
        upsert = _upsert(r, _PG_DAY, "v", once=True).replace(
            "report_versions (", "report_versions AS v ("
        )
        out += [
            f"CREATE FUNCTION appleuse_report_{r.name}() RETURNS trigger LANGUAGE plpgsql"
            " SECURITY DEFINER SET search_path FROM CURRENT AS $$"
            f" BEGIN {upsert}; RETURN NULL; END $$",
            f"CREATE TRIGGER report_versions_{r.name} AFTER {r.event} ON {r.table}"
            f" FOR EACH ROW{f' WHEN ({when})' if when else ''}"
            f" EXECUTE FUNCTION appleuse_report_{r.name}()",
        ]
    return out


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("key", sa.String(10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "report_cache",
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("build", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "first", "advisor_id"),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in sqlite_statements() if sqlite else postgres_statements():
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for r in reversed(RAISES):
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS report_versions_{r.name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS report_versions_{r.name} ON {r.table}")
            op.execute(f"DROP FUNCTION IF EXISTS appleuse_report_{r.name}()")
    op.drop_table("report_cache")
    op.drop_table("report_versions")
