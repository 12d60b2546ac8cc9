"""Policies (pólizas, RULES §6): contracts with versions, the month's allowance and the
policies due for their quarterly review (the review itself: ``policy_reviews``).

Every rule — which version is in force, which devices it covers, how a month's allowance is
used, the maximum discount, the monthly fee and which tariff prices it — is
``app.billing.policy``; this module loads the rows, builds its values and stores versions.
A change is a new version from today or a later date, never an earlier one, so bills already
priced keep the version they used.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.billing.money import ZERO
from app.billing.policy import (
    ClientPolicies,
    PolicyContract,
    PolicyVersionTerms,
    allowance_level,
    allowance_text,
    allowance_warning,
    cases_used,
    fee_day,
    local_day,
    month_bounds,
    monthly_fee,
    next_review,
    pending_review,
    validate_events,
    validate_policy_discount,
    version_fee,
)
from app.documents.policy_data import PolicyVersionView
from app.kernel.clock import Clock
from app.kernel.enums import EventClass, PolicyBenefit
from app.kernel.errors import NotFoundError, RuleError
from app.kernel.fmt import MONTHS, policy_label
from app.kernel.limits import check_day, check_moment
from app.models import Client, Device, Policy, PolicyDevice, PolicyVersion
from app.services.billing_inputs import case_openings, client_policies
from app.services.data import PolicyData, clean_note
from app.services.loading import get_or_fail, tariff_at, tariffs
from app.services.uow import Database, session_execute
from app.services.values import Allowance, ClassAllowance, PolicyView, ReviewDue


# -- rows as the rules' values ------------------------------------------------------------------
def version_terms(v: PolicyVersion) -> PolicyVersionTerms:
    return PolicyVersionTerms(
        valid_from=v.valid_from,
        expected_remote=v.expected_remote,
        expected_in_person=v.expected_in_person,
        discount=Decimal(v.discount),
        is_24x7=bool(v.is_24x7),
        devices=frozenset(d.device_id for d in v.devices),
        policy_id=v.policy_id,
        version=v.version,
    )


def contract_of(p: Policy) -> PolicyContract:
    return PolicyContract(
        p.id, p.start_date, p.ended_on, tuple(version_terms(v) for v in p.versions)
    )


def version_view(
    s: Session, v: PolicyVersion, contract: PolicyContract, now: datetime
) -> PolicyVersionView:
    """A version with its monthly fee priced by the tariff in force on ``fee_day`` (at ``now``
    itself while the version is in force): the same fee in the policy's window, its history,
    the quarterly review and the report."""
    terms = version_terms(v)
    today = local_day(now, tariff_at(s, now))
    day = fee_day(terms.valid_from, contract.last_day(terms), today)
    tariff = tariff_at(s, now) if day == today else tariffs(s).on(day)
    return PolicyVersionView(
        id=v.id,
        policy_id=v.policy_id,
        version=v.version,
        valid_from=v.valid_from,
        expected_remote=v.expected_remote,
        expected_in_person=v.expected_in_person,
        discount=terms.discount,
        is_24x7=terms.is_24x7,
        device_ids=tuple(sorted(terms.devices)),
        benefits=tuple(PolicyBenefit(b) for b in v.benefits),
        review_date=v.review_date,
        note=v.note,
        monthly_fee=version_fee(terms, tariff),
    )


def policy_view(s: Session, p: Policy, now: datetime) -> PolicyView:
    """The policy as it stands at ``now``."""
    contract = contract_of(p)
    client = get_or_fail(s, Client, p.client_id)
    today = local_day(now, tariff_at(s, now))
    versions = tuple(version_view(s, v, contract, now) for v in p.versions)
    in_force = contract.version_on(today)
    current = next((v for v in versions if in_force and v.version == in_force.version), None)
    answered = [v.review_date for v in p.versions if v.review_date is not None]
    return PolicyView(
        p.id, client.id, client.name, p.start_date, p.ended_on, versions, current,
        next_review(p.start_date, p.ended_on, today, answered),
    )  # fmt: skip


class PolicyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def today(self, s: Session) -> date:
        now = self.clock()
        return local_day(now, tariff_at(s, now))

    # -- contracts ---------------------------------------------------------------------------
    def fee(self, data: PolicyData, at: datetime | None = None) -> Decimal:
        """The monthly fee of these numbers (RULES §6), for the form while it is edited."""

        def work(s: Session) -> Decimal:
            tariff = tariff_at(s, at or self.clock())
            return monthly_fee(
                data.expected_remote, data.expected_in_person, Decimal(data.discount),
                len(set(data.device_ids)), tariff,
            )  # fmt: skip

        return self.db.read(work)

    def create(self, client_id: int, data: PolicyData, start: date | None = None) -> PolicyView:
        """A client's new policy, in force from ``start`` (today by default, never earlier)."""

        def work(s: Session) -> PolicyView:
            today = self.today(s)
            day = check_day(start or today)
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
            for other in _client_rows(s, client_id):
                if other.ended_on is None or other.ended_on > day:
                    raise RuleError(
                        f"{client.name} ya tiene la póliza {policy_label(other.id)}; "
                        "cámbiela o termínela antes de crear otra."
                    )
            clean = _clean(s, client_id, data, day)
            policy = Policy(client_id=client_id, start_date=day, created_at=self.clock())
            s.add(policy)
            _new_version(policy, 1, day, clean, self.clock())
            s.flush()
            return policy_view(s, policy, self.clock())

        return self.db.write(work)

    def change(
        self, policy_id: int, data: PolicyData, valid_from: date | None = None
    ) -> PolicyView:
        """A new version of the policy from ``valid_from`` (today by default)."""
        return self.db.write(lambda s: self.add_version(s, policy_id, data, valid_from, None))

    def end(self, policy_id: int, on: date | None = None) -> PolicyView:
        """The policy covers nothing from ``on`` (today by default) on."""

        def work(s: Session) -> PolicyView:
            today = self.today(s)
            day = check_day(on or today)
            p = _locked(s, policy_id)
            if p.ended_on is not None:
                raise RuleError(
                    f"La póliza {policy_label(p.id)} ya terminó el {p.ended_on:%d/%m/%Y}."
                )
            if day < today:
                raise RuleError("Una póliza termina hoy o en una fecha futura.")
            p.ended_on = max(day, p.start_date)
            s.flush()
            return policy_view(s, p, self.clock())

        return self.db.write(work)

    def policy(self, policy_id: int) -> PolicyView:
        def work(s: Session) -> PolicyView:
            return policy_view(s, get_or_fail(s, Policy, policy_id, "La póliza"), self.clock())

        return self.db.read(work)

    def policy_of(self, client_id: int, at: datetime | None = None) -> PolicyView | None:
        """The client's policy in force at ``at`` (now by default), or None."""

        def work(s: Session) -> PolicyView | None:
            moment = check_moment(at or self.clock())
            day = local_day(moment, tariff_at(s, moment))
            for p in _client_rows(s, client_id):
                if contract_of(p).version_on(day) is not None:
                    return policy_view(s, p, moment)
            return None

        return self.db.read(work)

    def policies(self) -> list[PolicyView]:
        """Every policy, by client name."""

        def work(s: Session) -> list[PolicyView]:
            now = self.clock()
            return [policy_view(s, p, now) for p in _all_rows(s)]

        return self.db.read(work)

    # -- the month's allowance ---------------------------------------------------------------
    def allowance(self, client_id: int, at: datetime | None = None) -> Allowance | None:
        """How much of this month's allowance the client has used (None: no policy)."""

        def work(s: Session) -> Allowance | None:
            moment = check_moment(at or self.clock())
            tariff = tariff_at(s, moment)
            day = local_day(moment, tariff)
            execute = session_execute(s)
            policies = client_policies(execute, [client_id]).get(client_id, ClientPolicies())
            version = policies.version_on(day)
            if version is None:
                return None
            cases = case_openings(execute, [client_id], *month_bounds(day, tariff))[client_id]
            used = cases_used(policies, cases, tariff)
            month = MONTHS[day.month - 1]

            def one(cls: EventClass) -> ClassAllowance:
                n, expected = used[cls], version.expected(cls)
                level = allowance_level(n, expected)
                return ClassAllowance(
                    cls, n, expected, level, allowance_text(cls, n, expected, month),
                    allowance_warning(cls, level, month),
                )  # fmt: skip

            return Allowance(
                version.policy_id, version.version, day.replace(day=1), month,
                one(EventClass.REMOTE), one(EventClass.IN_PERSON), version.discount,
                version.is_24x7,
            )  # fmt: skip

        return self.db.read(work)

    def due_for_review(self, at: datetime | None = None) -> list[ReviewDue]:
        """Policies in force whose latest quarterly review date has come and is not answered."""

        def work(s: Session) -> list[ReviewDue]:
            moment = check_moment(at or self.clock())
            today = local_day(moment, tariff_at(s, moment))
            out = []
            for p in _all_rows(s):
                answered = [v.review_date for v in p.versions if v.review_date is not None]
                due = pending_review(p.start_date, p.ended_on, today, answered)
                if due is not None:
                    client = get_or_fail(s, Client, p.client_id)
                    out.append(ReviewDue(p.id, client.id, client.name, due))
            return out

        return self.db.read(work)

    # -- versions ----------------------------------------------------------------------------
    def add_version(
        self,
        s: Session,
        policy_id: int,
        data: PolicyData,
        valid_from: date | None,
        review: date | None,
    ) -> PolicyView:
        """Store a new version of the policy from ``valid_from`` (today by default);
        ``review``: the quarterly review it answers."""
        today = self.today(s)
        day = check_day(valid_from or today)
        p = _locked(s, policy_id)
        if p.ended_on is not None and p.ended_on <= max(day, today):
            raise RuleError(f"La póliza {policy_label(p.id)} terminó; no admite cambios.")
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
        clean = _clean(s, p.client_id, data, day)
        number = max(v.version for v in p.versions) + 1
        _new_version(p, number, day, clean, self.clock(), review)
        s.flush()
        s.refresh(p)
        return policy_view(s, p, self.clock())


# -- internals -------------------------------------------------------------------------------------
def _client_rows(s: Session, client_id: int) -> list[Policy]:
    query = (
        select(Policy)
        .where(Policy.client_id == client_id)
        .order_by(Policy.start_date, Policy.id)
        .options(selectinload(Policy.versions).selectinload(PolicyVersion.devices))
    )
    return list(s.scalars(query))


def _all_rows(s: Session) -> list[Policy]:
    query = (
        select(Policy)
        .join(Client, Client.id == Policy.client_id)
        .order_by(Client.name, Policy.start_date, Policy.id)
        .options(selectinload(Policy.versions).selectinload(PolicyVersion.devices))
    )
    return list(s.scalars(query))


def _locked(s: Session, policy_id: int) -> Policy:
    p = s.scalars(select(Policy).where(Policy.id == policy_id).with_for_update()).first()
    if p is None:
        raise NotFoundError(f"La póliza {policy_id} no existe.")
    return p


def _clean(s: Session, client_id: int, data: PolicyData, day: date) -> PolicyData:
    """The form's values as stored, or RuleError: events, the discount within the maximum of
    every tariff from ``day`` on (a lower maximum already scheduled refuses it now), devices
    of this client and in service, known benefits."""
    validate_events(data.expected_remote, "a distancia")
    validate_events(data.expected_in_person, "presenciales")
    discount = ZERO
    for tariff in tariffs(s).from_day(day):
        discount = validate_policy_discount(Decimal(data.discount), tariff)
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
        data.expected_remote, data.expected_in_person, discount, bool(data.is_24x7), devices,
        benefits, clean_note(data.note, "La nota de la póliza"),
    )  # fmt: skip


def _new_version(
    p: Policy,
    number: int,
    valid_from: date,
    data: PolicyData,
    now: datetime,
    review: date | None = None,
) -> PolicyVersion:
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
