"""All services built once on one engine and clock (the composition root holds one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from app.clock import Clock, SystemClock
from app.services.balances import BalanceService
from app.services.clients import ClientService
from app.services.documents import DocumentService
from app.services.policies import PolicyService
from app.services.receipts import ReceiptService
from app.services.repairs import RepairService
from app.services.sessions import SessionService
from app.services.settings import SettingsService
from app.services.uow import Database


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    clients: ClientService
    sessions: SessionService
    receipts: ReceiptService
    settings: SettingsService
    documents: DocumentService
    policies: PolicyService
    repairs: RepairService
    balances: BalanceService

    @classmethod
    def create(cls, engine: Engine, clock: Clock | None = None) -> Services:
        use_clock: Clock = clock or SystemClock()
        db = Database(engine)
        return cls(
            db=db,
            clock=use_clock,
            clients=ClientService(db, use_clock),
            sessions=SessionService(db, use_clock),
            receipts=ReceiptService(db, use_clock),
            settings=SettingsService(db, use_clock),
            documents=DocumentService(db, use_clock),
            policies=PolicyService(db, use_clock),
            repairs=RepairService(db, use_clock),
            balances=BalanceService(db, use_clock),
        )
