"""Policies (pólizas, RULES §6) as pure rules — the one home of every policy rule.

Values (built by the services from ORM rows or from SQL rows, never re-derived elsewhere):
:class:`PolicyVersionTerms` (one version's numbers), :class:`PolicyContract` (a policy with its
versions), :class:`ClientPolicies` (all of a client's policies) and :class:`CaseOpening` (a case
as the month's allowance counts it).

Rules:
- which version is in force on a local date (:meth:`ClientPolicies.version_on`) and whether it
  covers a case's device (:meth:`ClientPolicies.covering`): a version that lists devices covers
  only those (a case with no device recorded is covered); a version listing none covers all;
- a policy covers nothing from ``ended_on`` on;
- remote and in-person (office + onsite) events are counted apart (:func:`event_class`);
- the month's allowance: each case opened in a local calendar month while a version covers it
  consumes one expected event of its class; the k-th such case is covered when k ≤ the events
  expected by the version in force when it was opened (:func:`case_is_covered`), and then its
  first session's first ``hours_per_event`` billable hours are covered (:func:`policy_terms`);
  later sessions of a case are follow-ups (free anyway), so a case consumes one event;
- a session gets the terms of the version in force when it started (discount, 24×7), with the
  discount no higher than the tariff's maximum (:func:`applicable_discount`);
- the monthly fee (:func:`monthly_fee`) of a version, priced by the tariff in force on
  :func:`fee_day`;
- the warning levels of a month's allowance (:func:`allowance_level`) and their texts;
- quarterly reviews: :func:`add_months`, :func:`review_due_date`, :func:`quarter_periods`,
  :func:`suggest_expected` (the monthly average of actual events, rounded up).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.billing.money import round_money
from app.billing.pricing import Bill, PolicyTerms, validate_discount
from app.billing.tariff import Tariff
from app.kernel.enums import AllowanceLevel, Band, EventClass, LineKind, Modality
from app.kernel.errors import BillingError
from app.kernel.fmt import MONTHS
from app.kernel.records import record

#: A month's allowance warns from this share on (RULES §6, issue 6: 80 % and 100 %).
WARNING_SHARE = Decimal("0.8")
REVIEW_MONTHS = 3
#: A policy discount is stored with four decimals (two in the percentage).
DISCOUNT_PLACES = Decimal("0.0001")


# -- values ------------------------------------------------------------------------------------
@record
class PolicyVersionTerms:
    """The numbers of one policy version, in force from ``valid_from`` (a local date)."""

    valid_from: date
    expected_remote: int
    expected_in_person: int
    discount: Decimal
    is_24x7: bool
    devices: frozenset[int] = frozenset()
    policy_id: int = 0
    version: int = 0

    def expected(self, cls: EventClass) -> int:
        return self.expected_remote if cls is EventClass.REMOTE else self.expected_in_person

    def covers_device(self, device_id: int | None) -> bool:
        return device_id is None or not self.devices or device_id in self.devices


@record
class PolicyContract:
    """One policy: its start, its end (exclusive, None: open) and its versions by date."""

    id: int
    start_date: date
    ended_on: date | None
    versions: tuple[PolicyVersionTerms, ...]

    def in_force_on(self, day: date) -> bool:
        return self.start_date <= day and (self.ended_on is None or day < self.ended_on)

    def version_on(self, day: date) -> PolicyVersionTerms | None:
        """The version in force on ``day`` (None: the policy is not in force then)."""
        if not self.in_force_on(day):
            return None
        found = None
        for v in self.versions:
            if v.valid_from <= day:
                found = v
        return found

    def last_day(self, version: PolicyVersionTerms) -> date | None:
        """The last day ``version`` is in force (None: open-ended)."""
        ends = [v.valid_from for v in self.versions if v.valid_from > version.valid_from]
        if self.ended_on is not None:
            ends.append(self.ended_on)
        return min(ends) - timedelta(days=1) if ends else None


@record
class ClientPolicies:
    """All of one client's policies (normally one at a time)."""

    contracts: tuple[PolicyContract, ...] = ()

    def version_on(self, day: date) -> PolicyVersionTerms | None:
        for contract in self.contracts:
            found = contract.version_on(day)
            if found is not None:
                return found
        return None

    def covering(self, day: date, device_id: int | None) -> PolicyVersionTerms | None:
        """The version in force on ``day`` if it covers the device."""
        version = self.version_on(day)
        return version if version is not None and version.covers_device(device_id) else None


@record
class CaseOpening:
    """A case as the month's allowance counts it."""

    case_id: int
    opened_at: datetime
    modality: Modality
    device_id: int | None


# -- dates -------------------------------------------------------------------------------------
def local_day(at: datetime, tariff: Tariff) -> date:
    """The local date of an instant, in the business's zone."""
    return at.astimezone(ZoneInfo(tariff.timezone)).date()


def day_start(day: date, tariff: Tariff) -> datetime:
    """The instant a local day begins, in the business's zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tariff.timezone))


def month_bounds(day: date, tariff: Tariff) -> tuple[datetime, datetime]:
    """The instants [first day of the month, first day of the next) of ``day``'s local month."""
    first = day.replace(day=1)
    return day_start(first, tariff), day_start(add_months(first, 1), tariff)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# -- the month's allowance and a session's terms ----------------------------------------------
def event_class(modality: Modality) -> EventClass:
    return EventClass.REMOTE if Modality(modality) is Modality.REMOTE else EventClass.IN_PERSON


def cases_used(
    policies: ClientPolicies, cases: Iterable[CaseOpening], tariff: Tariff
) -> dict[EventClass, int]:
    """How many of ``cases`` (one month's) each class consumed: those a version covered."""
    used = {EventClass.REMOTE: 0, EventClass.IN_PERSON: 0}
    for case in cases:
        if policies.covering(local_day(case.opened_at, tariff), case.device_id) is not None:
            used[event_class(case.modality)] += 1
    return used


def case_is_covered(
    policies: ClientPolicies, case: CaseOpening, month_cases: Sequence[CaseOpening], tariff: Tariff
) -> bool:
    """Whether ``case`` consumed one of its month's expected events. ``month_cases``: the
    client's cases opened in that local month, in the order they were opened."""
    version = policies.covering(local_day(case.opened_at, tariff), case.device_id)
    if version is None:
        return False
    cls = event_class(case.modality)
    low, high = month_bounds(local_day(case.opened_at, tariff), tariff)
    rank = 0
    for other in month_cases:
        if not low <= other.opened_at < high or event_class(other.modality) is not cls:
            continue
        if policies.covering(local_day(other.opened_at, tariff), other.device_id) is None:
            continue
        rank += 1
        if other.case_id == case.case_id:
            break
    return rank <= version.expected(cls)


def applicable_discount(agreed: Decimal, tariff: Tariff) -> Decimal:
    """The policy discount a bill applies. An agreed discount above the tariff's maximum is
    refused where it would be entered (the policy form, Ajustes); one stored before that check
    existed is applied at the maximum, the same for sessions and repairs."""
    return min(Decimal(agreed), tariff.max_policy_discount)


def policy_terms(
    policies: ClientPolicies,
    *,
    started_at: datetime,
    case: CaseOpening,
    follow_up: bool,
    month_cases: Sequence[CaseOpening],
    tariff: Tariff,
) -> PolicyTerms | None:
    """What the client's policy changes on a session's bill (None: no version covered the
    case's device when the session started)."""
    version = policies.covering(local_day(started_at, tariff), case.device_id)
    if version is None:
        return None
    covered = 0
    if not follow_up and case_is_covered(policies, case, month_cases, tariff):
        covered = tariff.hours_per_event
    return PolicyTerms(applicable_discount(version.discount, tariff), version.is_24x7, covered)


def versions_from(contract: PolicyContract, day: date) -> list[PolicyVersionTerms]:
    """The versions of ``contract`` in force on ``day`` or on any later day."""
    if contract.ended_on is not None and contract.ended_on <= day:
        return []
    out = []
    for v in contract.versions:
        last = contract.last_day(v)
        if last is None or last >= day:
            out.append(v)
    return out


def discount_conflicts(
    policies: Iterable[ClientPolicies], day: date, maximum: Decimal
) -> list[PolicyVersionTerms]:
    """The policy versions in force on ``day`` or later whose agreed discount is above
    ``maximum``: a tariff with that maximum from ``day`` on would contradict them."""
    return [
        v
        for client in policies
        for contract in client.contracts
        for v in versions_from(contract, day)
        if v.discount > maximum
    ]


def covered_value(bill: Bill, terms: PolicyTerms | None, tariff: Tariff) -> Decimal:
    """What a bill's covered hours would have cost at the list rates, before IVA (a 24×7
    policy's outside hours at the business rate, as it bills them)."""
    value = Decimal(0)
    for line in bill.lines:
        if line.kind is LineKind.COVERED and line.hours and line.band is not None:
            band = Band.BUSINESS if terms is not None and terms.is_24x7 else line.band
            value += tariff.hourly_rate(bill.modality, band) * line.hours
    return round_money(value)


# -- the fee -----------------------------------------------------------------------------------
def validate_events(count: int, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BillingError(f"Los eventos {what} por mes deben ser un número entero desde 0.")
    if count > 999:
        raise BillingError(f"Los eventos {what} por mes no pueden pasar de 999.")
    return count


def validate_policy_discount(discount: Decimal, tariff: Tariff) -> Decimal:
    """A discount as typed for a policy: within the maximum, at most two decimals in the
    percentage; returned with four places."""
    value = validate_discount(Decimal(discount), tariff)
    if value != value.quantize(DISCOUNT_PLACES):
        raise BillingError("El descuento de póliza admite a lo más dos decimales en el porcentaje.")
    return value.quantize(DISCOUNT_PLACES)


def monthly_fee(
    remote_events: int,
    in_person_events: int,
    discount: Decimal,
    devices: int,
    tariff: Tariff,
) -> Decimal:
    """RULES §6: (remote × remote business rate + in-person × office business rate)
    × hours_per_event × (1 − d) + devices × device_fee, rounded half-up to the cent."""
    validate_events(remote_events, "a distancia")
    validate_events(in_person_events, "presenciales")
    validate_discount(discount, tariff)
    if devices < 0:
        raise BillingError("El número de equipos no puede ser negativo.")
    events = (
        remote_events * tariff.remote_business_rate + in_person_events * tariff.office_business_rate
    )
    fee = events * tariff.hours_per_event * (1 - discount) + devices * tariff.device_fee
    return round_money(fee)


def version_fee(version: PolicyVersionTerms, tariff: Tariff) -> Decimal:
    """A version's monthly fee with ``tariff`` (the one in force on :func:`fee_day`)."""
    return monthly_fee(
        version.expected_remote,
        version.expected_in_person,
        applicable_discount(version.discount, tariff),
        len(version.devices),
        tariff,
    )


def fee_day(valid_from: date, last_day: date | None, today: date) -> date:
    """The day whose tariff prices a version's fee: today while the version is in force, its
    first day before it starts, its last day once it has ended. So the fee shown for the
    version in force always follows the tariff of today — in the policy's window, its history,
    the quarterly review and its report alike."""
    if today < valid_from:
        return valid_from
    if last_day is not None and today > last_day:
        return last_day
    return today


# -- allowance levels and texts ------------------------------------------------------------------
def allowance_level(used: int, expected: int) -> AllowanceLevel:
    if used < 0 or expected < 0:
        raise BillingError("Los eventos no pueden ser negativos.")
    if expected == 0:
        return AllowanceLevel.NONE
    if used > expected:
        return AllowanceLevel.OVER
    if used == expected:
        return AllowanceLevel.FULL
    if Decimal(used) >= WARNING_SHARE * expected:
        return AllowanceLevel.WARNING
    return AllowanceLevel.OK


# -- quarterly review --------------------------------------------------------------------------
def review_due_date(start: date, today: date) -> date | None:
    """The latest review date (start + 3k months, k ≥ 1) on or before ``today``."""
    due = None
    k = 1
    while (candidate := add_months(start, REVIEW_MONTHS * k)) <= today:
        due = candidate
        k += 1
    return due


def quarter_periods(review_date: date) -> tuple[tuple[date, date], ...]:
    """The three policy months [from, to) reviewed on ``review_date``.

    A policy starting on the 1st has calendar months; one starting on the 15th has months
    from the 15th to the 14th.
    """
    first = add_months(review_date, -REVIEW_MONTHS)
    return tuple((add_months(first, i), add_months(first, i + 1)) for i in range(REVIEW_MONTHS))


def suggest_expected(actual_per_month: Sequence[int]) -> int:
    """The monthly average of actual events, rounded up (0 for no months)."""
    if any(n < 0 for n in actual_per_month):
        raise BillingError("Los eventos no pueden ser negativos.")
    if not actual_per_month:
        return 0
    return -(-sum(actual_per_month) // len(actual_per_month))


def period_label(start: date, end: date) -> str:
    """ "noviembre 2026" for a calendar month, else "15 nov 2026 – 14 dic 2026"."""
    if start.day == 1 and end == add_months(start, 1):
        return f"{MONTHS[start.month - 1]} {start.year}"
    last = end - timedelta(days=1)

    def short(d: date) -> str:
        return f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"

    return f"{short(start)} – {short(last)}"


def pending_review(
    start: date, ended_on: date | None, today: date, answered: Iterable[date]
) -> date | None:
    """The quarterly review due and not yet answered by a version on ``today`` (None: none)."""
    if ended_on is not None and ended_on <= today:
        return None
    due = review_due_date(start, today)
    return None if due is None or due in set(answered) else due


def next_review(
    start: date, ended_on: date | None, today: date, answered: Iterable[date]
) -> date | None:
    """The review to do next: an overdue one still unanswered, else the next date to come."""
    if ended_on is not None and today >= ended_on:
        return None
    overdue = pending_review(start, ended_on, today, answered)
    if overdue is not None:
        return overdue
    k = 1
    while (upcoming := add_months(start, REVIEW_MONTHS * k)) <= today:
        k += 1
    return upcoming


# -- the allowance as the advisor reads it ---------------------------------------------------------
def _noun(cls: EventClass, n: int) -> str:
    if n == 1:
        return "evento a distancia" if cls is EventClass.REMOTE else "evento presencial"
    return f"eventos {cls.label}"


def allowance_text(cls: EventClass, used: int, expected: int, month: str) -> str:
    """ "Póliza: 1 de 2 eventos a distancia usados en noviembre"."""
    if expected == 0:
        extra = f"{used} {_noun(cls, used)}" if used else f"sin {_noun(cls, 2)}"
        return f"Póliza: no incluye {_noun(cls, 2)} ({extra} en {month}, con costo)"
    used_word = "usado" if expected == 1 else "usados"
    text = f"Póliza: {used} de {expected} {_noun(cls, expected)} {used_word} en {month}"
    if used > expected:
        text += f" ({used - expected} fuera de la póliza, con costo)"
    return text


def allowance_warning(cls: EventClass, level: AllowanceLevel, month: str) -> str:
    what = _noun(cls, 2)
    if level is AllowanceLevel.WARNING:
        return f"Atención: ya se usó el 80 % o más de los {what} de la póliza en {month}."
    if level in (AllowanceLevel.FULL, AllowanceLevel.OVER):
        return (
            f"Se agotaron los {what} de la póliza en {month}: el siguiente caso se cobra "
            "con las tarifas normales y el descuento de la póliza."
        )
    return ""
