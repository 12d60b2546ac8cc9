"""Policies (pólizas, RULES §6): contracts with versions, the month's allowance, the terms a
session's bill gets automatically, and the quarterly review.

Interpretations:
- A version is in force from its ``valid_from`` (a local date, Mexico City) until the next one;
  a change is a new version from today or a later date, never an earlier one, so bills already
  priced keep the version they used. A policy covers nothing from ``ended_on`` on.
- A session gets the terms of the version in force when it started (discount, 24×7).
- Allowance: each case opened in a calendar month (local) while a policy is in force consumes
  one expected event of its class (remote, or in person = office + onsite). The k-th case of a
  class in the month is covered when k ≤ the expected events of the version in force when it
  was opened; then its first session's first ``hours_per_event`` billable hours are covered.
  Later sessions of a case are follow-ups (free anyway), so a case consumes one event.
- Covered devices: a version that lists devices applies (allowance, discount, 24×7) only to
  cases about those devices or with no device recorded; a version listing none covers all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.billing import Band, BillingError, LineKind, Modality, PolicyTerms, Tariff, round_money
from app.billing.policy import (
    MONTHS_ES,
    AllowanceLevel,
    EventClass,
    add_months,
    allowance_level,
    event_class,
    monthly_fee,
    period_label,
    quarter_periods,
    review_due_date,
    suggest_expected,
    validate_events,
)
from app.clock import Clock
from app.models import (
    Case,
    Client,
    Device,
    Policy,
    PolicyBenefit,
    PolicyDevice,
    PolicyVersion,
    WorkSession,
)
from app.services.common import get_or_fail, tariff_at
from app.services.errors import NotFoundError, RuleError
from app.services.uow import Database

ZONE = "America/Mexico_City"


# -- values ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolicyData:
    """What the policy form edits. ``discount`` is a fraction: 0.20 is 20 %."""

    expected_remote: int
    expected_in_person: int
    discount: Decimal = Decimal("0")
    is_24x7: bool = False
    device_ids: tuple[int, ...] = ()
    benefits: tuple[PolicyBenefit, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class PolicyVersionView:
    id: int
    policy_id: int
    version: int
    valid_from: date
    expected_remote: int
    expected_in_person: int
    discount: Decimal
    is_24x7: bool
    device_ids: tuple[int, ...]
    benefits: tuple[PolicyBenefit, ...]
    review_date: date | None
    note: str
    monthly_fee: Decimal

    @property
    def discount_percent(self) -> str:
        """``"20"`` for 0.2000."""
        return f"{(self.discount * 100).normalize():f}"

    @property
    def benefit_labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.benefits)

    def expected(self, cls: EventClass) -> int:
        return self.expected_remote if cls is EventClass.REMOTE else self.expected_in_person


@dataclass(frozen=True)
class PolicyView:
    id: int
    client_id: int
    client_name: str
    start_date: date
    ended_on: date | None
    versions: tuple[PolicyVersionView, ...]  # by valid_from
    current: PolicyVersionView | None  # in force on the day asked (None: not yet / ended)
    next_review: date | None

    @property
    def label(self) -> str:
        return f"P-{self.id:06d}"


@dataclass(frozen=True)
class ClassAllowance:
    event_class: EventClass
    used: int  # cases opened this month under the policy
    expected: int
    level: AllowanceLevel
    text: str  # "Póliza: 1 de 2 eventos a distancia usados en noviembre"
    warning: str  # "" below 80 %

    @property
    def remaining(self) -> int:
        return max(0, self.expected - self.used)

    @property
    def next_covered(self) -> bool:
        """Would a case opened now have its first hours covered?"""
        return self.used < self.expected


@dataclass(frozen=True)
class Allowance:
    policy_id: int
    version: int
    month: date  # first day of the local month
    month_name: str  # "noviembre"
    remote: ClassAllowance
    in_person: ClassAllowance
    discount: Decimal
    is_24x7: bool

    def for_modality(self, modality: Modality) -> ClassAllowance:
        return self.remote if event_class(modality) is EventClass.REMOTE else self.in_person

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in (self.remote, self.in_person) if c.expected or c.used)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(c.warning for c in (self.remote, self.in_person) if c.warning)


@dataclass(frozen=True)
class ReviewMonth:
    start: date
    end: date  # exclusive
    label: str  # "noviembre 2026"
    expected_remote: int
    expected_in_person: int
    actual_remote: int
    actual_in_person: int
    worked_minutes: int
    billable_hours: int
    covered_hours: int
    covered_value: Decimal  # what the covered hours cost at the list rates, before IVA
    charged: Decimal  # the sessions' bills before IVA (after discount and credits)

    @property
    def worked_hours(self) -> Decimal:
        return round_money(Decimal(self.worked_minutes) / 60)


@dataclass(frozen=True)
class PolicyReview:
    policy_id: int
    client_id: int
    client_name: str
    review_date: date
    months: tuple[ReviewMonth, ...]
    current: PolicyVersionView
    suggested_remote: int
    suggested_in_person: int
    suggested_fee: Decimal
    accepted: bool  # a version answering this review exists

    @property
    def totals(self) -> ReviewMonth:
        m = self.months
        return ReviewMonth(
            self.months[0].start, self.months[-1].end, "Trimestre",
            sum(x.expected_remote for x in m), sum(x.expected_in_person for x in m),
            sum(x.actual_remote for x in m), sum(x.actual_in_person for x in m),
            sum(x.worked_minutes for x in m), sum(x.billable_hours for x in m),
            sum(x.covered_hours for x in m), sum((x.covered_value for x in m), Decimal("0.00")),
            sum((x.charged for x in m), Decimal("0.00")),
        )  # fmt: skip


@dataclass(frozen=True)
class ReviewDue:
    policy_id: int
    client_id: int
    client_name: str
    review_date: date


# -- pure helpers on loaded rows ----------------------------------------------------------------
@dataclass
class _ClientPolicies:
    """All policies of one client with their versions, to answer "what was in force when"."""

    policies: list[Policy] = field(default_factory=list)

    def version_on(self, day: date) -> PolicyVersion | None:
        for policy in self.policies:
            if day < policy.start_date or (policy.ended_on is not None and day >= policy.ended_on):
                continue
            found = None
            for v in policy.versions:  # ordered by valid_from
                if v.valid_from <= day:
                    found = v
            if found is not None:
                return found
        return None

    def covers(self, day: date, device_id: int | None) -> PolicyVersion | None:
        """The version in force on ``day`` if it covers the device: a version that lists
        devices covers only those (a case with no device recorded is covered)."""
        version = self.version_on(day)
        if version is None or device_id is None or not version.devices:
            return version
        return version if any(d.device_id == device_id for d in version.devices) else None


def _zone(tariff: Tariff | None = None) -> ZoneInfo:
    return ZoneInfo(tariff.timezone if tariff else ZONE)


def local_date(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time(0), tzinfo=zone)


_CACHE = "appleuse_policies"


def _load(s: Session, client_id: int) -> _ClientPolicies:
    """The client's policies, remembered for the rest of the unit of work: pricing a day of
    sessions asks once which clients hold a policy, then once per such client."""
    cache = s.info.get(_CACHE)
    if cache is None:
        found: set[int] = set(s.scalars(select(Policy.client_id).distinct()))
        empty: dict[int, _ClientPolicies] = {}
        cache = s.info[_CACHE] = (found, empty)
    holders: set[int] = cache[0]
    loaded: dict[int, _ClientPolicies] = cache[1]
    if client_id not in holders:
        return _ClientPolicies()
    if client_id not in loaded:
        rows = s.scalars(
            select(Policy)
            .where(Policy.client_id == client_id)
            .order_by(Policy.start_date)
            .options(selectinload(Policy.versions).selectinload(PolicyVersion.devices))
        ).all()
        loaded[client_id] = _ClientPolicies(list(rows))
    return loaded[client_id]


def _forget(s: Session) -> None:
    s.info.pop(_CACHE, None)


def _cases_in(
    s: Session, client_id: int, start: datetime, end: datetime
) -> list[tuple[int, datetime, Modality, int | None]]:
    return [
        (r.id, r.opened_at, r.modality, r.device_id)
        for r in s.execute(
            select(Case.id, Case.opened_at, Case.modality, Case.device_id)
            .where(Case.client_id == client_id, Case.opened_at >= start, Case.opened_at < end)
            .order_by(Case.opened_at, Case.number)
        )
    ]


def _month_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    return day_start(first, zone), day_start(add_months(first, 1), zone)


def version_in_force(
    s: Session, client_id: int, at: datetime, tariff: Tariff | None = None
) -> PolicyVersion | None:
    """The client's policy version in force at the instant ``at`` (None: no policy)."""
    return _load(s, client_id).version_on(local_date(at, _zone(tariff)))


def case_is_covered(s: Session, case: Case, tariff: Tariff) -> bool:
    """Whether the case consumed one of its month's expected events (see the module doc)."""
    zone = _zone(tariff)
    pol = _load(s, case.client_id)
    opened = local_date(case.opened_at, zone)
    version = pol.covers(opened, case.device_id)
    if version is None:
        return False
    cls = event_class(case.modality)
    rank = 0
    for ident, at, modality, device in _cases_in(s, case.client_id, *_month_bounds(opened, zone)):
        if event_class(modality) is not cls or pol.covers(local_date(at, zone), device) is None:
            continue
        rank += 1
        if ident == case.id:
            break
    expected = version.expected_remote if cls is EventClass.REMOTE else version.expected_in_person
    return rank <= expected


def policy_terms_for(
    s: Session, row: WorkSession, case: Case, tariff: Tariff
) -> PolicyTerms | None:
    """What the client's policy changes on this session's bill (None: no policy in force when
    the session started). Called by ``SessionService.bill_for``."""
    zone = _zone(tariff)
    version = _load(s, case.client_id).covers(local_date(row.started_at, zone), case.device_id)
    if version is None:
        return None
    covered = 0
    if not row.follow_up and case_is_covered(s, case, tariff):
        covered = tariff.hours_per_event
    # A later tariff may lower the maximum discount below an agreed one: the session is billed
    # with the maximum in force rather than refusing to price it.
    discount = min(Decimal(version.discount), tariff.max_policy_discount)
    return PolicyTerms(discount, bool(version.is_24x7), covered)


def _version_view(v: PolicyVersion, tariff: Tariff) -> PolicyVersionView:
    devices = tuple(sorted(d.device_id for d in v.devices))
    fee = monthly_fee(
        v.expected_remote, v.expected_in_person, Decimal(v.discount), len(devices), tariff
    )
    return PolicyVersionView(
        id=v.id,
        policy_id=v.policy_id,
        version=v.version,
        valid_from=v.valid_from,
        expected_remote=v.expected_remote,
        expected_in_person=v.expected_in_person,
        discount=Decimal(v.discount),
        is_24x7=v.is_24x7,
        device_ids=devices,
        benefits=tuple(PolicyBenefit(b) for b in v.benefits),
        review_date=v.review_date,
        note=v.note,
        monthly_fee=fee,
    )


def _policy_view(s: Session, p: Policy, today: date) -> PolicyView:
    zone = _zone()
    client = get_or_fail(s, Client, p.client_id)
    versions = tuple(
        _version_view(v, tariff_at(s, day_start(v.valid_from, zone))) for v in p.versions
    )
    current = None
    active = today >= p.start_date and (p.ended_on is None or today < p.ended_on)
    if active:
        for v in versions:
            if v.valid_from <= today:
                current = v
    next_review = None
    if p.ended_on is None or today < p.ended_on:
        k = 1
        while (next_review := add_months(p.start_date, 3 * k)) <= today:
            k += 1
        due = review_due_date(p.start_date, today)
        if due is not None and not any(v.review_date == due for v in versions):
            next_review = due  # overdue: still the one to do
    return PolicyView(p.id, client.id, client.name, p.start_date, p.ended_on, versions, current,
                      next_review)  # fmt: skip


def _clean(s: Session, client_id: int, data: PolicyData, tariff: Tariff) -> PolicyData:
    try:
        validate_events(data.expected_remote, "a distancia")
        validate_events(data.expected_in_person, "presenciales")
        discount = Decimal(data.discount)
        monthly_fee(
            data.expected_remote, data.expected_in_person, discount, len(data.device_ids), tariff
        )
    except BillingError as exc:
        raise RuleError(str(exc)) from exc
    if discount != discount.quantize(Decimal("0.0001")):
        raise RuleError("El descuento de póliza admite a lo más dos decimales en el porcentaje.")
    devices = tuple(dict.fromkeys(data.device_ids))
    for ident in devices:
        device = get_or_fail(s, Device, ident)
        if device.client_id != client_id:
            raise RuleError(f"El equipo {ident} no pertenece a este cliente.")
        if not device.active:
            raise RuleError(f"El equipo {ident} está dado de baja; no puede cubrirse.")
    try:
        benefits = tuple(dict.fromkeys(PolicyBenefit(b) for b in data.benefits))
    except ValueError:
        raise RuleError("Beneficio de póliza desconocido.") from None
    return PolicyData(
        data.expected_remote, data.expected_in_person, discount.quantize(Decimal("0.0001")),
        bool(data.is_24x7), devices, benefits, data.note.strip(),
    )  # fmt: skip


def _new_version(
    p: Policy, number: int, valid_from: date, data: PolicyData, now: datetime,
    review: date | None = None,
) -> PolicyVersion:  # fmt: skip
    v = PolicyVersion(
        version=number,
        valid_from=valid_from,
        expected_remote=data.expected_remote,
        expected_in_person=data.expected_in_person,
        discount=data.discount,
        is_24x7=data.is_24x7,
        benefits=[b.value for b in data.benefits],
        review_date=review,
        note=data.note,
        created_at=now,
    )
    v.devices = [PolicyDevice(device_id=d) for d in data.device_ids]
    p.versions.append(v)
    return v


# -- the service -------------------------------------------------------------------------------
class PolicyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _today(self) -> date:
        return local_date(self.clock(), _zone())

    # -- contracts ---------------------------------------------------------------------------
    def fee(self, data: PolicyData, at: datetime | None = None) -> Decimal:
        """The monthly fee of these numbers (RULES §6), for the form while it is edited."""

        def work(s: Session) -> Decimal:
            tariff = tariff_at(s, at or self.clock())
            try:
                return monthly_fee(
                    data.expected_remote, data.expected_in_person, Decimal(data.discount),
                    len(set(data.device_ids)), tariff,
                )  # fmt: skip
            except BillingError as exc:
                raise RuleError(str(exc)) from exc

        return self.db.read(work)

    def create(self, client_id: int, data: PolicyData, start: date | None = None) -> PolicyView:
        """A client's new policy, in force from ``start`` (today by default, never earlier)."""

        def work(s: Session) -> PolicyView:
            now = self.clock()
            today = local_date(now, _zone())
            day = start or today
            if day < today:
                raise RuleError(
                    "Una póliza rige desde hoy o una fecha futura; los cobros pasados no cambian."
                )
            client = s.scalars(
                select(Client).where(Client.id == client_id).with_for_update()
            ).first()
            if client is None:
                raise NotFoundError(f"El cliente {client_id} no existe.")
            if not client.active:
                raise RuleError(f"El cliente «{client.name}» está dado de baja.")
            for other in _load(s, client_id).policies:
                if other.ended_on is None or other.ended_on > day:
                    raise RuleError(
                        f"{client.name} ya tiene la póliza P-{other.id:06d}; "
                        "cámbiela o termínela antes de crear otra."
                    )
            clean = _clean(s, client_id, data, tariff_at(s, day_start(day, _zone())))
            policy = Policy(client_id=client_id, start_date=day, created_at=now)
            s.add(policy)
            _new_version(policy, 1, day, clean, now)
            s.flush()
            _forget(s)
            return _policy_view(s, policy, today)

        return self.db.write(work)

    def change(
        self, policy_id: int, data: PolicyData, valid_from: date | None = None
    ) -> PolicyView:
        """A new version of the policy from ``valid_from`` (today by default)."""
        return self._add_version(policy_id, data, valid_from, None)

    def end(self, policy_id: int, on: date | None = None) -> PolicyView:
        """The policy covers nothing from ``on`` (today by default) on."""

        def work(s: Session) -> PolicyView:
            today = self._today()
            day = on or today
            p = self._locked(s, policy_id)
            if p.ended_on is not None:
                raise RuleError(f"La póliza P-{p.id:06d} ya terminó el {p.ended_on:%d/%m/%Y}.")
            if day < today:
                raise RuleError("Una póliza termina hoy o en una fecha futura.")
            p.ended_on = max(day, p.start_date)
            s.flush()
            _forget(s)
            return _policy_view(s, p, today)

        return self.db.write(work)

    def policy(self, policy_id: int) -> PolicyView:
        return self.db.read(
            lambda s: _policy_view(s, get_or_fail(s, Policy, policy_id, "La póliza"), self._today())
        )

    def policy_of(self, client_id: int, at: datetime | None = None) -> PolicyView | None:
        """The client's policy in force at ``at`` (now by default), or None."""

        def work(s: Session) -> PolicyView | None:
            day = local_date(at or self.clock(), _zone())
            pol = _load(s, client_id)
            version = pol.version_on(day)
            if version is None:
                return None
            p = get_or_fail(s, Policy, version.policy_id, "La póliza")
            return _policy_view(s, p, day)

        return self.db.read(work)

    def policies(self) -> list[PolicyView]:
        """Every policy, by client name."""

        def work(s: Session) -> list[PolicyView]:
            today = self._today()
            rows = s.scalars(
                select(Policy).join(Client, Client.id == Policy.client_id)
                .order_by(Client.name, Policy.start_date)
            ).all()  # fmt: skip
            return [_policy_view(s, p, today) for p in rows]

        return self.db.read(work)

    # -- the month's allowance ---------------------------------------------------------------
    def allowance(self, client_id: int, at: datetime | None = None) -> Allowance | None:
        """How much of this month's allowance the client has used (None: no policy)."""

        def work(s: Session) -> Allowance | None:
            moment = at or self.clock()
            tariff = tariff_at(s, moment)
            zone = _zone(tariff)
            day = local_date(moment, zone)
            pol = _load(s, client_id)
            version = pol.version_on(day)
            if version is None:
                return None
            used = {EventClass.REMOTE: 0, EventClass.IN_PERSON: 0}
            for _, opened, modality, device in _cases_in(s, client_id, *_month_bounds(day, zone)):
                if pol.covers(local_date(opened, zone), device) is not None:
                    used[event_class(modality)] += 1
            month = MONTHS_ES[day.month - 1]

            def one(cls: EventClass) -> ClassAllowance:
                expected = (
                    version.expected_remote
                    if cls is EventClass.REMOTE
                    else version.expected_in_person
                )
                n = used[cls]
                level = allowance_level(n, expected)
                return ClassAllowance(
                    cls, n, expected, level, allowance_text(cls, n, expected, month),
                    allowance_warning(cls, level, month),
                )  # fmt: skip

            return Allowance(
                version.policy_id, version.version, day.replace(day=1), month,
                one(EventClass.REMOTE), one(EventClass.IN_PERSON),
                Decimal(version.discount), version.is_24x7,
            )  # fmt: skip

        return self.db.read(work)

    # -- quarterly review --------------------------------------------------------------------
    def due_for_review(self, at: datetime | None = None) -> list[ReviewDue]:
        """Policies in force whose latest quarterly review date has come and is not answered."""

        def work(s: Session) -> list[ReviewDue]:
            today = local_date(at or self.clock(), _zone())
            out = []
            rows = s.scalars(
                select(Policy).join(Client, Client.id == Policy.client_id)
                .order_by(Client.name, Policy.id)
            ).all()  # fmt: skip
            for p in rows:
                if p.ended_on is not None and p.ended_on <= today:
                    continue
                due = review_due_date(p.start_date, today)
                if due is None or any(v.review_date == due for v in p.versions):
                    continue
                client = get_or_fail(s, Client, p.client_id)
                out.append(ReviewDue(p.id, client.id, client.name, due))
            return out

        return self.db.read(work)

    def review(self, policy_id: int, review_date: date | None = None) -> PolicyReview:
        """The quarter ending on ``review_date`` (the latest one due by default)."""
        return self.db.read(lambda s: self._review(s, policy_id, review_date))

    def accept_review(
        self,
        policy_id: int,
        review_date: date | None = None,
        *,
        expected_remote: int | None = None,
        expected_in_person: int | None = None,
    ) -> PolicyView:
        """Answer a review with a new version (the suggested numbers unless others are given),
        in force from the review date or today, whichever is later."""

        def work(s: Session) -> PolicyView:
            review = self._review(s, policy_id, review_date)
            if review.accepted:
                raise RuleError(f"La revisión del {review.review_date:%d/%m/%Y} ya fue atendida.")
            cur = review.current
            data = PolicyData(
                review.suggested_remote if expected_remote is None else expected_remote,
                review.suggested_in_person if expected_in_person is None else expected_in_person,
                cur.discount, cur.is_24x7, cur.device_ids, cur.benefits,
                f"Revisión trimestral del {review.review_date:%d/%m/%Y}",
            )  # fmt: skip
            start = max(review.review_date, self._today())
            return self._version_in(s, policy_id, data, start, review.review_date)

        return self.db.write(work)

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _locked(s: Session, policy_id: int) -> Policy:
        p = s.scalars(select(Policy).where(Policy.id == policy_id).with_for_update()).first()
        if p is None:
            raise NotFoundError(f"La póliza {policy_id} no existe.")
        return p

    def _add_version(
        self, policy_id: int, data: PolicyData, valid_from: date | None, review: date | None
    ) -> PolicyView:
        return self.db.write(
            lambda s: self._version_in(s, policy_id, data, valid_from or self._today(), review)
        )

    def _version_in(
        self, s: Session, policy_id: int, data: PolicyData, day: date, review: date | None
    ) -> PolicyView:
        now = self.clock()
        today = local_date(now, _zone())
        p = self._locked(s, policy_id)
        if p.ended_on is not None and p.ended_on <= max(day, today):
            raise RuleError(f"La póliza P-{p.id:06d} terminó; no admite cambios.")
        if day < today:
            raise RuleError(
                "Un cambio de póliza rige desde hoy o una fecha futura: "
                "los cobros pasados conservan su versión."
            )
        last = p.versions[-1]
        if day <= last.valid_from:
            raise RuleError(
                f"La póliza ya tiene una versión vigente desde el {last.valid_from:%d/%m/%Y}; "
                "el cambio debe regir después de esa fecha."
            )
        clean = _clean(s, p.client_id, data, tariff_at(s, day_start(day, _zone())))
        number = max(v.version for v in p.versions) + 1
        _new_version(p, number, day, clean, now, review)
        s.flush()
        _forget(s)
        s.refresh(p)
        return _policy_view(s, p, today)

    def _review(self, s: Session, policy_id: int, review_date: date | None) -> PolicyReview:
        from app.services.sessions import SessionService
        from app.services.timeline import derive_status

        p = get_or_fail(s, Policy, policy_id, "La póliza")
        today = self._today()
        day = review_date or review_due_date(p.start_date, today)
        if day is None:
            first = add_months(p.start_date, 3)
            raise RuleError(f"La primera revisión trimestral de la póliza es el {first:%d/%m/%Y}.")
        if review_due_date(p.start_date, day) != day:
            raise RuleError(f"El {day:%d/%m/%Y} no es fecha de revisión de esta póliza.")
        zone = _zone()
        pol = _load(s, p.client_id)
        client = get_or_fail(s, Client, p.client_id)
        months = []
        from app.models import SessionEvent

        for start, end in quarter_periods(day):
            version = None
            for v in p.versions:
                if v.valid_from <= max(start, p.start_date):
                    version = v
            actual = {EventClass.REMOTE: 0, EventClass.IN_PERSON: 0}
            t0, t1 = day_start(start, zone), day_start(end, zone)
            for _, opened, modality, device in _cases_in(s, p.client_id, t0, t1):
                if pol.covers(local_date(opened, zone), device) is not None:
                    actual[event_class(modality)] += 1
            rows = s.scalars(
                select(WorkSession)
                .join(Case, Case.id == WorkSession.case_id)
                .where(
                    Case.client_id == p.client_id,
                    WorkSession.started_at >= t0,
                    WorkSession.started_at < t1,
                    WorkSession.ended_at.is_not(None),
                )
                .order_by(WorkSession.started_at, WorkSession.id)
            ).all()
            minutes = hours = covered = 0
            covered_value = charged = Decimal("0.00")
            for row in rows:
                events = s.scalars(
                    select(SessionEvent)
                    .where(SessionEvent.session_id == row.id)
                    .order_by(SessionEvent.seq)
                ).all()
                status = derive_status((e.kind, e.at) for e in events)
                assert row.ended_at is not None
                bill = SessionService.bill_for(s, row, status, row.ended_at)
                tariff = tariff_at(s, row.started_at)
                terms = policy_terms_for(s, row, get_or_fail(s, Case, row.case_id), tariff)
                minutes += bill.worked_minutes
                hours += bill.billable_hours
                for line in bill.lines:
                    if line.kind is LineKind.COVERED and line.hours and line.band is not None:
                        covered += line.hours
                        band = Band.BUSINESS if terms and terms.is_24x7 else line.band
                        covered_value += tariff.hourly_rate(bill.modality, band) * line.hours
                charged += bill.base or Decimal("0.00")
            month = ReviewMonth(
                start, end, period_label(start, end),
                version.expected_remote if version else 0,
                version.expected_in_person if version else 0,
                actual[EventClass.REMOTE], actual[EventClass.IN_PERSON],
                minutes, hours, covered, round_money(covered_value), charged,
            )  # fmt: skip
            months.append(month)
        current = None
        for v in p.versions:
            if v.valid_from <= day:
                current = v
        assert current is not None
        tariff = tariff_at(s, day_start(day, zone))
        cur_view = _version_view(current, tariff)
        remote = suggest_expected([m.actual_remote for m in months])
        in_person = suggest_expected([m.actual_in_person for m in months])
        fee = monthly_fee(remote, in_person, cur_view.discount, len(cur_view.device_ids), tariff)
        accepted = any(v.review_date == day for v in p.versions)
        return PolicyReview(
            p.id, client.id, client.name, day, tuple(months), cur_view, remote, in_person, fee,
            accepted,
        )  # fmt: skip


# -- texts -------------------------------------------------------------------------------------
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


__all__ = [
    "Allowance",
    "ClassAllowance",
    "PolicyData",
    "PolicyReview",
    "PolicyService",
    "PolicyVersionView",
    "PolicyView",
    "ReviewDue",
    "ReviewMonth",
    "case_is_covered",
    "policy_terms_for",
    "version_in_force",
]
