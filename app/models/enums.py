"""The enumerations live in :mod:`app.enums` (standard library only, so the fast CSV summary
can use them without SQLAlchemy); re-exported here for the models and older imports."""

from app.enums import (
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

__all__ = [
    "CaseState",
    "Channel",
    "DeviceKind",
    "EventKind",
    "Outcome",
    "PaymentArrangement",
    "PaymentMethod",
    "ReceiptStatus",
    "RemoteTool",
]
