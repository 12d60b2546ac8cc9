"""All services on one engine and clock (the composition root holds one).

Each service is built — and its module imported — the first time it is asked for
(``services.receipts``): the window can take its first requests once the few services its
first screen needs are there, while the others (the corte, the reports, the repairs…) load
when first used, or on a worker thread right after start-up (:mod:`app.opening`). Building
one is thread-safe (``functools.cached_property`` holds a lock)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.kernel.clock import Clock, SystemClock
from app.services.uow import Database, session_execute

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.kernel.search import ClientColumns
    from app.services.agenda import AgendaService
    from app.services.backups import BackupService
    from app.services.balances import BalanceService
    from app.services.clients import ClientService
    from app.services.corrections import CorrectionService
    from app.services.documents import DocumentService
    from app.services.policies import PolicyService
    from app.services.policy_reviews import PolicyReviewService
    from app.services.receipts import ReceiptService
    from app.services.repairs import RepairService
    from app.services.report_service import ReportService
    from app.services.sessions import SessionService
    from app.services.settings import SettingsService
    from app.services.unbilled import UnbilledService

#: every service, by attribute (what :meth:`Services.load_all` builds)
NAMES = (
    "clients", "sessions", "corrections", "receipts", "settings", "documents", "policies",
    "reviews", "repairs", "balances", "backups", "unbilled", "reports", "agenda",
)  # fmt: skip


class Services:
    """The services, each built on first use (see the module's documentation)."""

    def __init__(self, engine: Engine, db: Database, clock: Clock) -> None:
        self.engine = engine
        self.db = db
        self.clock = clock

    @classmethod
    def create(cls, engine: Engine, clock: Clock | None = None) -> Services:
        return cls(engine, Database(engine), clock or SystemClock())

    def load_all(self) -> None:
        """Build every service now (their modules imported), e.g. on a worker thread."""
        for name in NAMES:
            getattr(self, name)

    @cached_property
    def clients(self) -> ClientService:
        from app.services.clients import ClientService

        return ClientService(self.db, self.clock)

    @cached_property
    def sessions(self) -> SessionService:
        from app.services.sessions import SessionService

        return SessionService(self.db, self.clock)

    @cached_property
    def corrections(self) -> CorrectionService:  # time corrected afterwards, notes, by hand
        from app.services.corrections import CorrectionService

        return CorrectionService(self.db, self.clock)

    @cached_property
    def receipts(self) -> ReceiptService:
        from app.services.receipts import ReceiptService

        return ReceiptService(self.db, self.clock)

    @cached_property
    def settings(self) -> SettingsService:
        from app.services.settings import SettingsService

        return SettingsService(self.db, self.clock)

    @cached_property
    def documents(self) -> DocumentService:
        from app.services.documents import DocumentService

        return DocumentService(self.db, self.clock)

    @cached_property
    def policies(self) -> PolicyService:
        from app.services.policies import PolicyService

        return PolicyService(self.db, self.clock)

    @cached_property
    def reviews(self) -> PolicyReviewService:
        from app.services.policy_reviews import PolicyReviewService

        return PolicyReviewService(self.db, self.clock, self.policies)

    @cached_property
    def repairs(self) -> RepairService:
        from app.services.repairs import RepairService

        return RepairService(self.db, self.clock)

    @cached_property
    def balances(self) -> BalanceService:
        from app.services.balances import BalanceService

        return BalanceService(self.db, self.clock)

    @cached_property
    def backups(self) -> BackupService:
        from app.services.backups import BackupService

        return BackupService(self.engine, self.clock, self.db)

    @cached_property
    def unbilled(self) -> UnbilledService:
        from app.services.unbilled import UnbilledService

        return UnbilledService(self.db, self.clock)

    @cached_property
    def reports(self) -> ReportService:
        from app.services.report_service import ReportService

        return ReportService(self.db, self.clock)

    @cached_property
    def agenda(self) -> AgendaService:
        from app.services.agenda import AgendaService

        return AgendaService(self.db, self.clock)

    def client_columns(self) -> ClientColumns:
        """The window's client list (the read model of :mod:`app.services.client_list`)."""
        from app.services.client_list import client_columns

        return self.db.read(lambda s: client_columns(session_execute(s)))
