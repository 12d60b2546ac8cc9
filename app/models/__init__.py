"""The models layer: SQLAlchemy 2 declarative models (one table each), the engine
(``engine``: SQLite and PostgreSQL tuning, Alembic migrations in ``migrations``) and column
types (``types``). Nothing here knows a service, a document or a widget."""

from app.models.base import Base
from app.models.ledger import (
    BusinessSetting,
    FolioCounter,
    Payment,
    Receipt,
    ReceiptLine,
    TariffVersion,
)
from app.models.people import Advisor, Client, Device
from app.models.policy import Policy, PolicyDevice, PolicyVersion, Repair, RepairPartRow
from app.models.work import AppendOnlyError, Case, SessionEvent, WorkSession

__all__ = [
    "Advisor",
    "AppendOnlyError",
    "Base",
    "BusinessSetting",
    "Case",
    "Client",
    "Device",
    "FolioCounter",
    "Payment",
    "Policy",
    "PolicyDevice",
    "PolicyVersion",
    "Receipt",
    "ReceiptLine",
    "Repair",
    "RepairPartRow",
    "SessionEvent",
    "TariffVersion",
    "WorkSession",
]
