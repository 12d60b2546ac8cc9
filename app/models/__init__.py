"""SQLAlchemy 2 declarative models; nothing else."""

from app.models.base import Base
from app.models.enums import (
    CaseState,
    Channel,
    DeviceKind,
    EventKind,
    Outcome,
    PaymentArrangement,
    PaymentMethod,
    ReceiptStatus,
    RemoteTool,
)
from app.models.ledger import (
    BusinessSetting,
    FolioCounter,
    Payment,
    Receipt,
    ReceiptLine,
    TariffVersion,
)
from app.models.people import Advisor, Client, Device
from app.models.policy import (
    BENEFIT_LABELS,
    Policy,
    PolicyBenefit,
    PolicyDevice,
    PolicyVersion,
    Repair,
    RepairPartRow,
    RepairStatus,
)
from app.models.work import AppendOnlyError, Case, SessionEvent, WorkSession

__all__ = [
    "BENEFIT_LABELS",
    "Advisor",
    "AppendOnlyError",
    "Base",
    "BusinessSetting",
    "Case",
    "CaseState",
    "Channel",
    "Client",
    "Device",
    "DeviceKind",
    "EventKind",
    "FolioCounter",
    "Outcome",
    "Payment",
    "PaymentArrangement",
    "PaymentMethod",
    "Policy",
    "PolicyBenefit",
    "PolicyDevice",
    "PolicyVersion",
    "Receipt",
    "ReceiptLine",
    "ReceiptStatus",
    "RemoteTool",
    "Repair",
    "RepairPartRow",
    "RepairStatus",
    "SessionEvent",
    "TariffVersion",
    "WorkSession",
]
