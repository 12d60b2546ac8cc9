"""The models layer: SQLAlchemy 2 declarative models (one table each), the engine
(``engine``: SQLite and PostgreSQL tuning, Alembic migrations in ``migrations``), the schema
revisions this release knows (``revisions``, standard library only) and column types
(``types``). Nothing here knows a service, a document or a widget.

The model classes load on first use (``from app.models import Client``), so the standard-library
modules of this package can be imported without SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for the type checker; at run time __getattr__ loads them
    from app.models.agenda import AdvisorHours as AdvisorHours
    from app.models.agenda import Appointment as Appointment
    from app.models.agenda import AppointmentChange as AppointmentChange
    from app.models.agenda import BlockedPeriod as BlockedPeriod
    from app.models.base import Base as Base
    from app.models.ledger import BalanceTotal as BalanceTotal
    from app.models.ledger import BusinessSetting as BusinessSetting
    from app.models.ledger import FolioCounter as FolioCounter
    from app.models.ledger import Payment as Payment
    from app.models.ledger import Receipt as Receipt
    from app.models.ledger import ReceiptLine as ReceiptLine
    from app.models.ledger import TariffVersion as TariffVersion
    from app.models.people import Advisor as Advisor
    from app.models.people import Client as Client
    from app.models.people import Device as Device
    from app.models.policy import Policy as Policy
    from app.models.policy import PolicyDevice as PolicyDevice
    from app.models.policy import PolicyVersion as PolicyVersion
    from app.models.policy import Repair as Repair
    from app.models.policy import RepairPartRow as RepairPartRow
    from app.models.work import AppendOnlyError as AppendOnlyError
    from app.models.work import Case as Case
    from app.models.work import SessionEvent as SessionEvent
    from app.models.work import WorkSession as WorkSession

_HOMES = {
    "AdvisorHours": "agenda",
    "Appointment": "agenda",
    "AppointmentChange": "agenda",
    "BlockedPeriod": "agenda",
    "Base": "base",
    "BalanceTotal": "ledger",
    "BusinessSetting": "ledger",
    "FolioCounter": "ledger",
    "Payment": "ledger",
    "Receipt": "ledger",
    "ReceiptLine": "ledger",
    "TariffVersion": "ledger",
    "Advisor": "people",
    "Client": "people",
    "Device": "people",
    "Policy": "policy",
    "PolicyDevice": "policy",
    "PolicyVersion": "policy",
    "Repair": "policy",
    "RepairPartRow": "policy",
    "AppendOnlyError": "work",
    "Case": "work",
    "SessionEvent": "work",
    "WorkSession": "work",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'app.models' has no attribute {name!r}")
    for module in ("ledger", "people", "policy", "work", "agenda", "reporting"):  # every table
        import_module(f"app.models.{module}")
    return getattr(import_module(f"app.models.{home}"), name)
