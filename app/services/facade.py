"""All services built once on one engine and clock (the composition root holds one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from app.kernel.clock import Clock, SystemClock
from app.kernel.search import ClientColumns
from app.services.agenda import AgendaService
from app.services.backups import BackupService
from app.services.balances import BalanceService
from app.services.client_list import client_columns
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
from app.services.uow import Database, session_execute


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    clients: ClientService
    sessions: SessionService
    corrections: CorrectionService  # time corrected afterwards, notes, sessions by hand
    receipts: ReceiptService
    settings: SettingsService
    documents: DocumentService
    policies: PolicyService
    reviews: PolicyReviewService
    repairs: RepairService
    balances: BalanceService
    backups: BackupService
    unbilled: UnbilledService
    reports: ReportService
    agenda: AgendaService

    @classmethod
    def create(cls, engine: Engine, clock: Clock | None = None) -> Services:
        use_clock: Clock = clock or SystemClock()
        db = Database(engine)
        policies = PolicyService(db, use_clock)
        return cls(
            db=db,
            clock=use_clock,
            clients=ClientService(db, use_clock),
            sessions=SessionService(db, use_clock),
            corrections=CorrectionService(db, use_clock),
            receipts=ReceiptService(db, use_clock),
            settings=SettingsService(db, use_clock),
            documents=DocumentService(db, use_clock),
            policies=policies,
            reviews=PolicyReviewService(db, use_clock, policies),
            repairs=RepairService(db, use_clock),
            balances=BalanceService(db, use_clock),
            backups=BackupService(engine, use_clock, db),
            unbilled=UnbilledService(db, use_clock),
            reports=ReportService(db, use_clock),
            agenda=AgendaService(db, use_clock),
        )

    def client_columns(self) -> ClientColumns:
        """The window's client list (the read model of :mod:`app.services.client_list`)."""
        return self.db.read(lambda s: client_columns(session_execute(s)))
