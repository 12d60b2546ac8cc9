"""The end-of-day summary (corte del día, RULES §11) from SQL: no SQLAlchemy, no Qt.

One builder, two drivers. :func:`build_day_summary` runs a few portable SQL statements (named
parameters, valid both for SQLAlchemy ``text()`` and for the standard library's ``sqlite3``)
through a tiny seam, ``execute(sql, params) -> rows``, and assembles
``app.documents.data.DaySummary`` in plain Python:

- ``DocumentService.day_summary`` (the window, the PDF; SQLite and PostgreSQL) passes its
  SQLAlchemy session's connection;
- ``appleuse summary -o día.csv`` on a plain ``sqlite:///archivo`` passes
  :func:`sqlite_execute` over a read-only ``sqlite3`` connection (:func:`summary_from_sqlite`),
  so SQLAlchemy is never imported.

Both see the same statements and the same assembly, so they cannot disagree.

Figures of a session:
- with an issued receipt: the receipt's stored figures (worked minutes, billable hours, hours
  by band, its charge lines, base), never priced again — a later tariff change does not alter
  them (RULES §10);
- without one: priced by ``app.billing`` as ``SessionService.bill_for`` does, with the tariff
  version in force when it started (every version read once), its gaps from its events and
  the client's policy terms as ``app.services.policies.policy_terms_for`` derives them
  (:func:`_policy_terms`; ``tests/documents/test_day_summary_sql.py`` checks both agree).

Values are normalized here, whatever the driver: instants come from SQLite as UTC text
(``YYYY-MM-DD HH:MM:SS.ffffff``) and from PostgreSQL as aware datetimes; money from SQLite as
int/float and from PostgreSQL as ``Decimal``; booleans as 0/1 or bool; dates as text or
``date``; JSON as text or already parsed. Parameters: aware instants, turned into SQLite's
stored text by :func:`sqlite_params` for either driver on SQLite.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from app.billing import (
    ZERO,
    Band,
    Bill,
    BillingError,
    LineKind,
    Modality,
    PolicyTerms,
    SessionCharge,
    Tariff,
    price_session,
)
from app.billing.policy import EventClass, add_months, event_class
from app.documents import data as doc
from app.enums import CaseState, EventKind, Outcome, ReceiptStatus
from app.errors import DomainError
from app.fmt import LOCAL_ZONE, case_label
from app.timeline import derive_status

__all__ = [
    "Execute",
    "build_day_summary",
    "consent_records",
    "disconnections",
    "local_day_bounds",
    "profile_document",
    "sqlite_execute",
    "sqlite_params",
    "summary_from_sqlite",
]

Row = Sequence[Any]
#: The seam: run one statement with named parameters, return its rows.
Execute = Callable[[str, Mapping[str, Any]], Sequence[Row]]

PROFILE_KEY = "business_profile"
_CENT = Decimal("0.01")
_FRACTION = Decimal("0.0001")
_SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite
_PENDING_OUTCOMES = (Outcome.FOLLOW_UP, Outcome.INTERRUPTED)
_STOPS = {
    EventKind.REMOTE_STOPPED_BY_CLIENT,
    EventKind.REMOTE_STOPPED_BY_ADVISOR,
    EventKind.DISCONNECTED,
    EventKind.ENDED,
}


# -- normalizing what a driver returns --------------------------------------------------------


def instant(value: Any) -> datetime:
    """An aware UTC datetime from SQLite's UTC text or a driver's datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"no es un instante: {value!r}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def maybe_instant(value: Any) -> datetime | None:
    return None if value is None else instant(value)


def money(value: Any) -> Decimal:
    """MXN with 2 places from an int, float, text or Decimal (half-up)."""
    return Decimal(str(value)).quantize(_CENT, ROUND_HALF_UP)


def maybe_money(value: Any) -> Decimal | None:
    return None if value is None else money(value)


def calendar_day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"no es una fecha: {value!r}")


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def sqlite_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as SQLite stores them: aware instants as UTC text, dates as ISO text."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"El parámetro {key} necesita zona horaria.")
            value = value.astimezone(UTC).strftime(_SQLITE_INSTANT)
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def sqlite_execute(conn: sqlite3.Connection) -> Execute:
    """The seam over a standard-library ``sqlite3`` connection."""

    def execute(sql: str, params: Mapping[str, Any]) -> Sequence[Row]:
        return conn.execute(sql, sqlite_params(params)).fetchall()

    return execute


def _in_list(prefix: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """``:p0, :p1, …`` and their values: an IN list both drivers accept."""
    params = {f"{prefix}{k}": v for k, v in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


# -- small pure pieces shared with the receipt document ---------------------------------------


def local_day_bounds(day: date, zone: str = LOCAL_ZONE) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


class _Event(Protocol):
    @property
    def kind(self) -> EventKind: ...
    @property
    def at(self) -> datetime: ...


class Event(NamedTuple):
    kind: EventKind
    at: datetime


def consent_records(events: Sequence[_Event], device: str) -> tuple[doc.ConsentRecord, ...]:
    """The remote-control requests of a session, from its events in order (RULES §8)."""
    out: list[doc.ConsentRecord] = []
    current: dict[str, Any] | None = None
    started = False
    for e in events:
        if e.kind is EventKind.REMOTE_REQUESTED:
            if current is not None:
                out.append(doc.ConsentRecord(device=device, **current))
            current, started = {"requested_at": e.at}, False
        elif current is not None and e.kind is EventKind.REMOTE_ACCEPTED:
            current.update(accepted=True, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_DECLINED:
            current.update(accepted=False, answered_at=e.at)
        elif current is not None and e.kind is EventKind.REMOTE_STARTED:
            started = True
        elif current is not None and started and e.kind in _STOPS:
            current["ended_at"] = e.at
            started = False
    if current is not None:
        out.append(doc.ConsentRecord(device=device, **current))
    return tuple(out)


def disconnections(events: Sequence[_Event]) -> tuple[doc.Disconnection, ...]:
    out: list[doc.Disconnection] = []
    since: datetime | None = None
    for e in events:
        if e.kind is EventKind.DISCONNECTED:
            since = e.at
        elif e.kind is EventKind.RECONNECTED and since is not None:
            out.append(doc.Disconnection(since, e.at))
            since = None
    if since is not None:
        out.append(doc.Disconnection(since, None))
    return tuple(out)


def profile_document(value: Any) -> doc.BusinessProfile:
    """The documents' header from the stored ``business_profile`` setting (None: defaults, as
    ``app.services.settings.BusinessProfile`` has them)."""
    data: Mapping[str, Any] = json_value(value) or {}
    logo = str(data.get("logo_path", "") or "")
    return doc.BusinessProfile(
        name=str(data.get("name", "AppleUse")),
        phones=tuple(str(p) for p in data.get("phones", ())),
        address=str(data.get("address", "Xalapa, Veracruz")),
        email=str(data.get("email", "")),
        website=str(data.get("website", "")),
        logo_path=Path(logo) if logo and Path(logo).is_file() else None,
    )


# -- the statements ---------------------------------------------------------------------------

_DAY_SESSIONS = "s.started_at >= :start AND s.started_at < :end"
_SESSIONS = """
SELECT s.id, s.advisor_id, s.modality, s.city, s.started_at, s.ended_at, s.outcome,
       s.follow_up, s.quoted_rate, s.quoted_amount,
       c.id, c.number, c.client_id, c.device_id, c.modality, c.opened_at, c.summary, cl.name
FROM sessions s
JOIN cases c ON c.id = s.case_id
JOIN clients cl ON cl.id = c.client_id
WHERE {where}
ORDER BY s.started_at, s.id
"""
_EVENTS = """
SELECT e.session_id, e.kind, e.at
FROM session_events e JOIN sessions s ON s.id = e.session_id
WHERE {where}
ORDER BY e.session_id, e.seq
"""
# ``IN (SELECT …)`` rather than a join: both engines then walk the day's sessions and the
# receipts' session index, instead of the whole receipts table.
_DAY_SESSION_IDS = "SELECT s.id FROM sessions s WHERE {where}"
_SESSION_RECEIPTS = f"""
SELECT r.session_id, r.id, r.folio, r.worked_minutes, r.billable_hours, r.business_hours,
       r.outside_hours, r.base
FROM receipts r
WHERE r.status = 'issued' AND r.session_id IN ({_DAY_SESSION_IDS})
ORDER BY r.id
"""
_SESSION_RECEIPT_LINES = f"""
SELECT l.receipt_id, l.kind, l.band, l.amount
FROM receipt_lines l
WHERE l.receipt_id IN (
    SELECT r.id FROM receipts r
    WHERE r.status = 'issued' AND r.session_id IN ({_DAY_SESSION_IDS})
)
ORDER BY l.receipt_id, l.position
"""
_ADVISORS = "SELECT id, name FROM advisors"
_PROFILE = "SELECT value FROM business_settings WHERE key = :key"
_TARIFFS = "SELECT id, valid_from, data FROM tariff_versions ORDER BY valid_from, id"
_DAY_RECEIPTS_WHERE = """r.id IN (
    SELECT x.id FROM receipts x WHERE x.issued_at >= :start AND x.issued_at < :end
    UNION ALL
    SELECT x.id FROM receipts x WHERE x.cancelled_at >= :start AND x.cancelled_at < :end
)"""
# Issued on the day through the issued_at index; there is no index on cancelled_at, so one
# scan of receipts finds those cancelled on the day. What each still owes comes from the
# payments' receipt index, receipt by receipt.
_DAY_RECEIPTS = """
SELECT r.id, r.folio, r.issued_at, cl.name, r.base, r.iva, r.total, r.status, r.cancel_reason,
       r.advisor_id, (SELECT SUM(p.amount) FROM payments p WHERE p.receipt_id = r.id)
FROM receipts r JOIN clients cl ON cl.id = r.client_id
WHERE {where}
ORDER BY r.series, r.number
"""
_RECEIVED = """
SELECT COALESCE(SUM(p.amount), 0)
FROM payments p JOIN receipts r ON r.id = p.receipt_id
WHERE p.received_at >= :start AND p.received_at < :end{advisor}
"""
# Everything still owed when the day closes: receipts in force then, less what was paid by then.
# Summed in whole cents (exact even where SQLite keeps NUMERIC amounts as floating point), with
# the condition inside the sum: one plain scan, cheaper than walking the issued_at index.
_IN_FORCE = "r.issued_at < :end AND (r.status = :issued OR r.cancelled_at >= :end){advisor}"
_CHARGED = (
    "SELECT COALESCE(SUM(CASE WHEN " + _IN_FORCE + " THEN CAST(ROUND(r.total * 100) AS BIGINT) "
    "ELSE 0 END), 0) FROM receipts r"
)
_PAID = (
    "SELECT COALESCE(SUM(CASE WHEN p.received_at < :end AND " + _IN_FORCE + " "
    "THEN CAST(ROUND(p.amount * 100) AS BIGINT) ELSE 0 END), 0) "
    "FROM payments p JOIN receipts r ON r.id = p.receipt_id"
)
_EXPIRING = """
SELECT c.number, c.pending_since, cl.name,
       (SELECT s.advisor_id FROM sessions s WHERE s.case_id = c.id
        ORDER BY s.started_at DESC LIMIT 1)
FROM cases c JOIN clients cl ON cl.id = c.client_id
WHERE c.state = :pending AND c.pending_since >= :low AND c.pending_since < :high
ORDER BY c.pending_since
"""
_POLICIES = """
SELECT p.id, p.client_id, p.start_date, p.ended_on
FROM policies p WHERE p.client_id IN ({ids})
ORDER BY p.start_date, p.id
"""
_POLICY_VERSIONS = """
SELECT v.id, v.policy_id, v.valid_from, v.expected_remote, v.expected_in_person, v.discount,
       v.is_24x7
FROM policy_versions v JOIN policies p ON p.id = v.policy_id
WHERE p.client_id IN ({ids})
ORDER BY v.policy_id, v.valid_from, v.id
"""
_POLICY_DEVICES = """
SELECT d.version_id, d.device_id
FROM policy_devices d
JOIN policy_versions v ON v.id = d.version_id
JOIN policies p ON p.id = v.policy_id
WHERE p.client_id IN ({ids})
"""
_MONTH_CASES = """
SELECT c.id, c.client_id, c.opened_at, c.modality, c.device_id
FROM cases c
WHERE c.client_id IN ({ids}) AND c.opened_at >= :low AND c.opened_at < :high
ORDER BY c.opened_at, c.number
"""


# -- rows as values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Session:
    id: int
    advisor_id: int
    modality: Modality
    city: str
    started_at: datetime
    ended_at: datetime | None
    outcome: Outcome | None
    follow_up: bool
    quoted_rate: Decimal | None
    quoted_amount: Decimal | None
    case_id: int
    case_number: int
    client_id: int
    case_device_id: int | None
    case_modality: Modality
    case_opened_at: datetime
    case_summary: str
    client: str

    @classmethod
    def of(cls, r: Row) -> _Session:
        return cls(
            id=int(r[0]), advisor_id=int(r[1]), modality=Modality(r[2]), city=r[3] or "",
            started_at=instant(r[4]), ended_at=maybe_instant(r[5]),
            outcome=Outcome(r[6]) if r[6] is not None else None, follow_up=bool(r[7]),
            quoted_rate=maybe_money(r[8]), quoted_amount=maybe_money(r[9]), case_id=int(r[10]),
            case_number=int(r[11]), client_id=int(r[12]),
            case_device_id=int(r[13]) if r[13] is not None else None,
            case_modality=Modality(r[14]), case_opened_at=instant(r[15]),
            case_summary=r[16] or "", client=r[17],
        )  # fmt: skip


@dataclass(frozen=True)
class _Figures:
    """What the summary takes from one session's bill or issued receipt."""

    worked_minutes: int
    billable_hours: int
    amount: Decimal | None  # base before IVA; None: still requires a quote
    hours: tuple[tuple[Band, int], ...]
    lines: tuple[tuple[LineKind, Band | None, Decimal], ...]
    folio: str = ""


def _bill_figures(bill: Bill) -> _Figures:
    counts = bill.hours_by_band()
    return _Figures(
        bill.worked_minutes,
        bill.billable_hours,
        bill.base,
        tuple(counts.items()),
        tuple((x.kind, x.band, x.amount) for x in bill.lines),
    )


class _Tariffs:
    """Every stored tariff version, read once; ``at`` answers as ``tariff_at`` does."""

    def __init__(self, rows: Sequence[Row]) -> None:
        ordered = sorted(((instant(r[1]), int(r[0]), r[2]) for r in rows), key=lambda x: x[:2])
        self._starts = [(at, ident) for at, ident, _ in ordered]
        self._data = [d for _, _, d in ordered]
        self._parsed: dict[int, Tariff] = {}

    def at(self, moment: datetime) -> Tariff:
        k = bisect_right(self._starts, (moment, float("inf"))) - 1
        if k < 0:
            return self._parsed.setdefault(-1, Tariff())
        if k not in self._parsed:
            self._parsed[k] = Tariff.from_dict(json_value(self._data[k]))
        return self._parsed[k]


# -- policies (RULES §6), as app.services.policies.policy_terms_for ----------------------------


@dataclass(frozen=True)
class _Version:
    valid_from: date
    expected_remote: int
    expected_in_person: int
    discount: Decimal
    is_24x7: bool
    devices: frozenset[int]


@dataclass(frozen=True)
class _Policy:
    start_date: date
    ended_on: date | None
    versions: tuple[_Version, ...]  # by valid_from


def _version_on(policies: Sequence[_Policy], day: date) -> _Version | None:
    for policy in policies:
        if day < policy.start_date or (policy.ended_on is not None and day >= policy.ended_on):
            continue
        found = None
        for v in policy.versions:
            if v.valid_from <= day:
                found = v
        if found is not None:
            return found
    return None


def _covers(policies: Sequence[_Policy], day: date, device_id: int | None) -> _Version | None:
    version = _version_on(policies, day)
    if version is None or device_id is None or not version.devices:
        return version
    return version if device_id in version.devices else None


def _month_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    start = datetime.combine(first, time(0), tzinfo=zone)
    return start, datetime.combine(add_months(first, 1), time(0), tzinfo=zone)


def _load_policies(execute: Execute, client_ids: Iterable[int]) -> dict[int, list[_Policy]]:
    ids, params = _in_list("c", sorted(set(client_ids)))
    if not params:
        return {}
    policy_rows = execute(_POLICIES.format(ids=ids), params)
    if not policy_rows:
        return {}
    devices: dict[int, set[int]] = defaultdict(set)
    for version_id, device_id in execute(_POLICY_DEVICES.format(ids=ids), params):
        devices[int(version_id)].add(int(device_id))
    versions: dict[int, list[_Version]] = defaultdict(list)
    for r in execute(_POLICY_VERSIONS.format(ids=ids), params):
        versions[int(r[1])].append(
            _Version(
                calendar_day(r[2]), int(r[3]), int(r[4]),
                Decimal(str(r[5])).quantize(_FRACTION, ROUND_HALF_UP), bool(r[6]),
                frozenset(devices.get(int(r[0]), ())),
            )
        )  # fmt: skip
    out: dict[int, list[_Policy]] = defaultdict(list)
    for r in policy_rows:
        ended = calendar_day(r[3]) if r[3] is not None else None
        found = tuple(versions.get(int(r[0]), ()))
        out[int(r[1])].append(_Policy(calendar_day(r[2]), ended, found))
    return dict(out)


def _policy_terms(
    execute: Execute, rows: Sequence[_Session], tariffs: _Tariffs
) -> dict[int, PolicyTerms | None]:
    """The policy terms of each session (by id), as ``policy_terms_for`` gives them."""
    holders = _load_policies(execute, (r.client_id for r in rows))
    out: dict[int, PolicyTerms | None] = {r.id: None for r in rows}
    found: list[tuple[_Session, Tariff, ZoneInfo, _Version]] = []
    for r in rows:
        policies = holders.get(r.client_id)
        if not policies:
            continue
        tariff = tariffs.at(r.started_at)
        zone = ZoneInfo(tariff.timezone)
        version = _covers(policies, r.started_at.astimezone(zone).date(), r.case_device_id)
        if version is not None:
            found.append((r, tariff, zone, version))
    if not found:
        return out
    # The cases each covered session's case competes with for the month's allowance.
    months = {}
    for r, _, zone, _ in found:
        if not r.follow_up:
            months[r.id] = _month_bounds(r.case_opened_at.astimezone(zone).date(), zone)
    month_cases: dict[int, list[tuple[int, datetime, Modality, int | None]]] = defaultdict(list)
    if months:
        ids, params = _in_list("c", sorted({r.client_id for r, *_ in found}))
        low = min(b[0] for b in months.values())
        high = max(b[1] for b in months.values())
        for c in execute(_MONTH_CASES.format(ids=ids), {**params, "low": low, "high": high}):
            device = int(c[4]) if c[4] is not None else None
            month_cases[int(c[1])].append((int(c[0]), instant(c[2]), Modality(c[3]), device))
    for r, tariff, zone, version in found:
        covered = 0
        if r.id in months and _case_is_covered(r, holders[r.client_id], zone, months[r.id],
                                               month_cases[r.client_id]):  # fmt: skip
            covered = tariff.hours_per_event
        discount = min(version.discount, tariff.max_policy_discount)
        out[r.id] = PolicyTerms(discount, version.is_24x7, covered)
    return out


def _case_is_covered(
    r: _Session,
    policies: Sequence[_Policy],
    zone: ZoneInfo,
    bounds: tuple[datetime, datetime],
    cases: Sequence[tuple[int, datetime, Modality, int | None]],
) -> bool:
    version = _covers(policies, r.case_opened_at.astimezone(zone).date(), r.case_device_id)
    if version is None:
        return False
    cls = event_class(r.case_modality)
    rank = 0
    for ident, at, modality, device in cases:
        if not bounds[0] <= at < bounds[1]:
            continue
        if event_class(modality) is not cls or _covers(policies, at.astimezone(zone).date(),
                                                         device) is None:  # fmt: skip
            continue
        rank += 1
        if ident == r.case_id:
            break
    expected = version.expected_remote if cls is EventClass.REMOTE else version.expected_in_person
    return rank <= expected


# -- the summary ----------------------------------------------------------------------------


def _price(
    r: _Session, events: Sequence[Event], tariff: Tariff, terms: PolicyTerms | None, now: datetime
) -> Bill | None:
    """As ``SessionService.bill_for``; None when the engine refuses to price it."""
    end = r.ended_at or now
    if end <= r.started_at:
        end = r.started_at + timedelta(microseconds=1)
    status = derive_status((e.kind, e.at) for e in events)
    charge = SessionCharge(
        modality=r.modality,
        start=r.started_at,
        end=end,
        gaps=status.all_gaps(end),
        city=r.city or None,
        quoted_rate=r.quoted_rate,
        quoted_amount=r.quoted_amount,
        follow_up=r.follow_up,
        follow_up_case=case_label(r.case_number),
        policy=terms,
    )
    try:
        return price_session(charge, tariff)
    except BillingError:
        return None


def _receipt_figures(
    execute: Execute, where: str, params: Mapping[str, Any]
) -> dict[int, _Figures]:
    """The stored figures of the issued receipt of each of the day's sessions (by session)."""
    lines: dict[int, list[tuple[LineKind, Band | None, Decimal]]] = defaultdict(list)
    for receipt_id, kind, band, amount in execute(
        _SESSION_RECEIPT_LINES.format(where=where), params
    ):
        lines[int(receipt_id)].append(
            (LineKind(kind), Band(band) if band is not None else None, money(amount))
        )
    out: dict[int, _Figures] = {}
    for r in execute(_SESSION_RECEIPTS.format(where=where), params):
        out[int(r[0])] = _Figures(
            worked_minutes=int(r[3]),
            billable_hours=int(r[4]),
            amount=money(r[7]),
            hours=((Band.BUSINESS, int(r[5])), (Band.OUTSIDE, int(r[6]))),
            lines=tuple(lines.get(int(r[1]), ())),
            folio=r[2],
        )
    return out


def build_day_summary(
    execute: Execute, day: date, advisor_id: int | None, now: datetime
) -> doc.DaySummary:
    """The corte del día for a local date, one advisor or all (``None``)."""
    start, end = local_day_bounds(day)
    names = {int(k): v for k, v in execute(_ADVISORS, {})}
    if advisor_id is not None and advisor_id not in names:
        raise DomainError(f"El asesor {advisor_id} no existe.")
    profile = execute(_PROFILE, {"key": PROFILE_KEY})
    tariffs = _Tariffs(execute(_TARIFFS, {}))
    pending_days = tariffs.at(now).pending_days

    where = _DAY_SESSIONS
    params: dict[str, Any] = {"start": start, "end": end}
    if advisor_id is not None:
        where += " AND s.advisor_id = :advisor"
        params["advisor"] = advisor_id
    rows = [_Session.of(r) for r in execute(_SESSIONS.format(where=where), params)]
    events: dict[int, list[Event]] = defaultdict(list)
    if rows:
        for sid, kind, at in execute(_EVENTS.format(where=where), params):
            events[int(sid)].append(Event(EventKind(kind), instant(at)))
    figures = _receipt_figures(execute, where, params) if rows else {}
    unbilled = [r for r in rows if r.id not in figures]
    terms = _policy_terms(execute, unbilled, tariffs) if unbilled else {}
    for r in unbilled:
        bill = _price(r, events[r.id], tariffs.at(r.started_at), terms[r.id], now)
        if bill is not None:
            figures[r.id] = _bill_figures(bill)

    sessions: list[doc.SummarySession] = []
    pending_opened: list[doc.PendingCase] = []
    escalations: list[doc.SummaryEscalation] = []
    consents: list[doc.SummaryConsent] = []
    cuts: list[doc.SummaryDisconnection] = []
    hours: list[tuple[Band, int]] = []
    lines: list[tuple[LineKind, Band | None, Decimal]] = []
    for r in rows:
        label = case_label(r.case_number)
        advisor = names.get(r.advisor_id, "")
        f = figures.get(r.id)
        if f is not None:
            hours.extend(f.hours)
            lines.extend(f.lines)
        sessions.append(
            doc.SummarySession(
                client=r.client,
                modality=r.modality,
                start=r.started_at,
                end=r.ended_at or now,
                worked_minutes=f.worked_minutes if f else 0,
                billable_hours=f.billable_hours if f else 0,
                outcome=r.outcome.label if r.outcome else "En curso",
                amount=f.amount if f else None,
                advisor=advisor,
                case_number=label,
                folio=f.folio if f else "",
            )
        )
        if r.ended_at is not None and r.outcome in _PENDING_OUTCOMES:
            deadline = r.ended_at + timedelta(days=pending_days)
            pending_opened.append(doc.PendingCase(label, r.client, r.ended_at, deadline, advisor))
        if r.ended_at is not None and r.outcome is Outcome.ESCALATED:
            escalations.append(
                doc.SummaryEscalation(label, r.client, r.ended_at, r.case_summary, advisor)
            )
        for record in consent_records(events[r.id], ""):
            consents.append(
                doc.SummaryConsent(label, r.client, record.requested_at, record.accepted)
            )
        for cut in disconnections(events[r.id]):
            cuts.append(doc.SummaryDisconnection(label, r.client, cut.start, cut.end))

    receipts, outstanding = _day_receipts(execute, start, end, advisor_id, names)
    by_advisor = " AND r.advisor_id = :advisor" if advisor_id is not None else ""
    received_sql = _RECEIVED.format(advisor=by_advisor)
    received = money(execute(received_sql, params)[0][0] or 0)
    balance_params = {**params, "issued": ReceiptStatus.ISSUED.value}
    charged = execute(_CHARGED.format(advisor=by_advisor), balance_params)[0][0]
    paid = execute(_PAID.format(advisor=by_advisor), balance_params)[0][0]
    return doc.DaySummary(
        business=profile_document(profile[0][0] if profile else None),
        day=day,
        generated_at=now,
        advisor=names[advisor_id] if advisor_id is not None else None,
        sessions=tuple(sessions),
        by_band=doc.band_totals_of(hours, lines),
        receipts=receipts,
        payments_received=received,
        outstanding=outstanding,
        balance_due=max(ZERO, Decimal(int(charged or 0) - int(paid or 0)).scaleb(-2)),
        pending_opened=tuple(pending_opened),
        pending_expiring=_expiring(execute, start, end, advisor_id, pending_days, names),
        escalations=tuple(escalations),
        consents=tuple(consents),
        disconnections=tuple(cuts),
    )


def _day_receipts(
    execute: Execute, start: datetime, end: datetime, advisor_id: int | None, names: dict[int, str]
) -> tuple[tuple[doc.SummaryReceipt, ...], Decimal]:
    """Receipts issued or cancelled on the day, and what the issued ones still owe."""
    where = _DAY_RECEIPTS_WHERE
    params: dict[str, Any] = {"start": start, "end": end}
    if advisor_id is not None:
        where += " AND r.advisor_id = :advisor"
        params["advisor"] = advisor_id
    out = []
    owed = ZERO
    rows = execute(_DAY_RECEIPTS.format(where=where), params)
    for _, folio, issued, client, base, iva, total, status, reason, advisor, paid in rows:
        issued_at = instant(issued)
        state = doc.ReceiptStatus(ReceiptStatus(status).value)
        if state is doc.ReceiptStatus.ISSUED and start <= issued_at < end:
            owed += max(ZERO, money(total) - money(paid or 0))
        out.append(
            doc.SummaryReceipt(
                folio, issued_at, client, money(base), money(iva), money(total), state,
                reason or "", names.get(int(advisor), ""),
            )
        )  # fmt: skip
    return tuple(out), owed


def _expiring(
    execute: Execute,
    start: datetime,
    end: datetime,
    advisor_id: int | None,
    pending_days: int,
    names: dict[int, str],
) -> tuple[doc.PendingCase, ...]:
    """Pending cases whose free follow-up ends from the day's start to two days after it (by
    the advisor of the case's last session when one is asked for)."""
    params = {
        "pending": CaseState.PENDING.value,
        "low": start - timedelta(days=pending_days),
        "high": end + timedelta(days=2) - timedelta(days=pending_days),
    }
    out = []
    for number, since, client, last in execute(_EXPIRING, params):
        last_id = int(last) if last is not None else None
        if advisor_id is not None and last_id != advisor_id:
            continue
        pending_since = instant(since)
        out.append(
            doc.PendingCase(
                case_label(int(number)), client, pending_since,
                pending_since + timedelta(days=pending_days), names.get(last_id or 0, ""),
            )
        )  # fmt: skip
    return tuple(out)


# -- the standard-library driver -----------------------------------------------------------------


def summary_from_sqlite(
    path: Path,
    day: date,
    now: datetime,
    pick_advisor: Callable[[Sequence[tuple[int, str]]], int | None] | None = None,
) -> doc.DaySummary:
    """The summary read from a SQLite file opened read-only with the standard library.
    ``pick_advisor`` chooses the advisor from ``(id, name)`` pairs (None: all advisors).
    ``sqlite3.Error`` goes to the caller (missing file, older schema…)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        conn.isolation_level = None
        conn.execute("BEGIN")  # one snapshot for every statement
        execute = sqlite_execute(conn)
        advisor_id = None
        if pick_advisor is not None:
            advisor_id = pick_advisor([(int(i), n) for i, n in execute(_ADVISORS, {})])
        return build_day_summary(execute, day, advisor_id, now)
    finally:
        conn.close()
