"""Use cases (services): one unit of work each, clock injected, plain values out.

Build them once in the composition root::

    services = Services.create(engine, clock)
    view = services.sessions.start(advisor_id, client_id, Modality.OFFICE)

Every refused action raises :class:`app.errors.DomainError` (Spanish message) and changes nothing.
"""

from app.services.balances import (
    BalanceService,
    ClientBalance,
    ClientStatement,
    Outstanding,
    ReceiptBalance,
    StatementEntry,
)
from app.services.clients import ClientData, ClientService, DeviceData
from app.services.documents import DocumentService
from app.services.errors import ConflictError, NotFoundError, RuleError
from app.services.facade import Services
from app.services.policies import (
    Allowance,
    ClassAllowance,
    PolicyData,
    PolicyReview,
    PolicyService,
    PolicyVersionView,
    PolicyView,
    ReviewDue,
    ReviewMonth,
)
from app.services.receipts import ReceiptService
from app.services.repairs import PartData, RepairService, RepairView
from app.services.sessions import Checklist, SessionService
from app.services.settings import BusinessProfile, SettingsService
from app.services.timeline import RemoteState, SessionStatus, derive_status
from app.services.uow import Database
from app.services.values import (
    AdvisorView,
    CaseView,
    ClientView,
    DeviceView,
    EventView,
    PaymentView,
    ReceiptLineView,
    ReceiptView,
    SessionView,
)

__all__ = [
    "AdvisorView",
    "Allowance",
    "BalanceService",
    "BusinessProfile",
    "CaseView",
    "Checklist",
    "ClassAllowance",
    "ClientBalance",
    "ClientData",
    "ClientService",
    "ClientStatement",
    "ClientView",
    "ConflictError",
    "Database",
    "DeviceData",
    "DeviceView",
    "DocumentService",
    "EventView",
    "NotFoundError",
    "Outstanding",
    "PartData",
    "PaymentView",
    "PolicyData",
    "PolicyReview",
    "PolicyService",
    "PolicyVersionView",
    "PolicyView",
    "ReceiptBalance",
    "ReceiptLineView",
    "ReceiptService",
    "ReceiptView",
    "RemoteState",
    "RepairService",
    "RepairView",
    "ReviewDue",
    "ReviewMonth",
    "RuleError",
    "Services",
    "SessionService",
    "SessionStatus",
    "SessionView",
    "SettingsService",
    "StatementEntry",
    "derive_status",
]
