"""The documents' values from the database: a stored receipt as a ``ReceiptDocument`` and a
local date's ``DaySummary`` (RULES §10, §11)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents import data as doc
from app.kernel.clock import Clock
from app.kernel.errors import NotFoundError
from app.kernel.limits import check_day
from app.models import Advisor, Receipt
from app.services.day_summary import build_day_summary
from app.services.loading import get_or_fail
from app.services.receipt_documents import receipt_document
from app.services.uow import Database, session_execute


class DocumentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def receipt(self, receipt_id: int) -> doc.ReceiptDocument:
        def work(s: Session) -> doc.ReceiptDocument:
            row = s.get(Receipt, receipt_id)
            if row is None:
                raise NotFoundError(f"El recibo {receipt_id} no existe.")
            return receipt_document(s, row)

        return self.db.read(work)

    def receipt_by_folio(self, folio: str) -> doc.ReceiptDocument:
        def work(s: Session) -> doc.ReceiptDocument:
            wanted = folio.strip().upper()
            row = s.scalars(select(Receipt).where(Receipt.folio == wanted)).first()
            if row is None:
                raise NotFoundError(f"El recibo {folio.strip()} no existe.")
            return receipt_document(s, row)

        return self.db.read(work)

    def day_summary(self, day: date, advisor_id: int | None = None) -> doc.DaySummary:
        """The corte del día for a local date, one advisor or all (``None``)."""
        check_day(day)

        def work(s: Session) -> doc.DaySummary:
            if advisor_id is not None:
                get_or_fail(s, Advisor, advisor_id)
            return build_day_summary(session_execute(s), day, advisor_id, self.clock())

        return self.db.read(work)
