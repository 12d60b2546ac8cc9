"""The billing rules' inputs from plain SQL: the tariff versions, a client's policies, the
cases a month's allowance counts, and the bills of stored sessions. Every service and read
model that prices a stored session comes through :func:`price_sessions`, which calls
``app.billing`` (``policy_terms``, ``bill_session``) — no rule is re-derived here or in the
SQL. Standard library only (the seam of :mod:`app.services.sql`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from app.billing.policy import (
    DISCOUNT_PLACES,
    CaseOpening,
    ClientPolicies,
    PolicyContract,
    PolicyVersionTerms,
    local_day,
    month_bounds,
    policy_terms,
)
from app.billing.pricing import Bill, PolicyTerms, StoredSession, bill_session
from app.billing.tariff import TariffHistory
from app.kernel.enums import Modality
from app.kernel.errors import BillingError
from app.kernel.records import field, record
from app.kernel.timeline import EventLike, derive_status
from app.services.sql import (
    Execute,
    calendar_day,
    fraction,
    in_list,
    instant,
    json_value,
    maybe_day,
    maybe_int,
)

_TARIFFS = "SELECT id, valid_from, data FROM tariff_versions ORDER BY valid_from, id"
_POLICIES = """
SELECT p.id, p.client_id, p.start_date, p.ended_on
FROM policies p WHERE p.client_id IN ({ids})
ORDER BY p.start_date, p.id
"""
_POLICY_VERSIONS = """
SELECT v.id, v.policy_id, v.version, v.valid_from, v.expected_remote, v.expected_in_person,
       v.discount, v.is_24x7
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


def tariff_history(execute: Execute) -> TariffHistory:
    """Every stored tariff version (a handful of rows), parsed when first asked for."""
    return TariffHistory(
        (instant(at), int(ident), json_value(data)) for ident, at, data in execute(_TARIFFS, {})
    )


def client_policies(execute: Execute, client_ids: Iterable[int]) -> dict[int, ClientPolicies]:
    """Each client's policies with their versions and covered devices (absent: no policy)."""
    ids, params = in_list("c", sorted(set(client_ids)))
    if not params:
        return {}
    policy_rows = execute(_POLICIES.format(ids=ids), params)
    if not policy_rows:
        return {}
    devices: dict[int, set[int]] = defaultdict(set)
    for version_id, device_id in execute(_POLICY_DEVICES.format(ids=ids), params):
        devices[int(version_id)].add(int(device_id))
    versions: dict[int, list[PolicyVersionTerms]] = defaultdict(list)
    for r in execute(_POLICY_VERSIONS.format(ids=ids), params):
        versions[int(r[1])].append(
            PolicyVersionTerms(
                valid_from=calendar_day(r[3]),
                expected_remote=int(r[4]),
                expected_in_person=int(r[5]),
                discount=fraction(r[6], DISCOUNT_PLACES),
                is_24x7=bool(r[7]),
                devices=frozenset(devices.get(int(r[0]), ())),
                policy_id=int(r[1]),
                version=int(r[2]),
            )
        )
    contracts: dict[int, list[PolicyContract]] = defaultdict(list)
    for ident, client_id, start, ended in policy_rows:
        contracts[int(client_id)].append(
            PolicyContract(
                int(ident), calendar_day(start), maybe_day(ended), tuple(versions[int(ident)])
            )
        )
    return {client: ClientPolicies(tuple(found)) for client, found in contracts.items()}


def case_openings(
    execute: Execute, client_ids: Iterable[int], low: datetime, high: datetime
) -> dict[int, list[CaseOpening]]:
    """Each client's cases opened in [low, high), in the order they were opened."""
    ids, params = in_list("c", sorted(set(client_ids)))
    out: dict[int, list[CaseOpening]] = defaultdict(list)
    if not params:
        return out
    for r in execute(_MONTH_CASES.format(ids=ids), {**params, "low": low, "high": high}):
        out[int(r[1])].append(
            CaseOpening(int(r[0]), instant(r[2]), Modality(r[3]), maybe_int(r[4]))
        )
    return out


@record
class SessionFacts:
    """A stored session as pricing sees it, from an ORM row or a SQL row alike."""

    id: int
    client_id: int
    stored: StoredSession
    case: CaseOpening


def policy_terms_of(
    execute: Execute, sessions: Sequence[SessionFacts], tariffs: TariffHistory
) -> dict[int, PolicyTerms | None]:
    """The policy terms of each session (by id), from ``app.billing.policy.policy_terms``:
    one query for the clients' policies, one for the cases their months' allowances count."""
    out: dict[int, PolicyTerms | None] = {x.id: None for x in sessions}
    holders = client_policies(execute, (x.client_id for x in sessions))
    covered = [x for x in sessions if x.client_id in holders]
    if not covered:
        return out
    bounds = []
    for x in covered:
        tariff = tariffs.at(x.stored.started_at)
        bounds.append(month_bounds(local_day(x.case.opened_at, tariff), tariff))
    low, high = min(b[0] for b in bounds), max(b[1] for b in bounds)
    months = case_openings(execute, {x.client_id for x in covered}, low, high)
    for x in covered:
        out[x.id] = policy_terms(
            holders[x.client_id],
            started_at=x.stored.started_at,
            case=x.case,
            follow_up=x.stored.follow_up,
            month_cases=months[x.client_id],
            tariff=tariffs.at(x.stored.started_at),
        )
    return out


@record
class Priced:
    """Bills by session id; ``refused`` holds the engine's message for any it could not price."""

    bills: dict[int, Bill] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)
    terms: dict[int, PolicyTerms | None] = field(default_factory=dict)


def price_sessions(
    execute: Execute,
    sessions: Sequence[SessionFacts],
    events: Mapping[int, Sequence[EventLike]],
    tariffs: TariffHistory,
    now: datetime,
) -> Priced:
    """Each session's bill: to ``now`` while it runs, final once ended, with the tariff in
    force when it started and its client's policy terms. ``events``: each session's stored
    events; ``derive_status`` applies their corrections (``effective_timeline``)."""
    terms = policy_terms_of(execute, sessions, tariffs)
    out = Priced(terms=terms)
    for x in sessions:
        status = derive_status(events.get(x.id, ()))
        try:
            out.bills[x.id] = bill_session(
                x.stored, status, now, tariffs.at(x.stored.started_at), terms[x.id]
            )
        except BillingError as exc:
            out.refused[x.id] = str(exc)
    return out


def all_client_policies(execute: Execute) -> list[ClientPolicies]:
    """Every client's policies (for checks across all policies, such as a new tariff's
    maximum discount)."""
    ids = [int(r[0]) for r in execute("SELECT DISTINCT client_id FROM policies", {})]
    return list(client_policies(execute, ids).values())
