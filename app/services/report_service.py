"""The period report and the presets for the window and the command line (issue 14): one read
transaction each, the clock injected (``today`` is the local date in Xalapa)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.documents.report_data import PeriodReport
from app.kernel.clock import Clock
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.models import Advisor
from app.services.loading import get_or_fail
from app.services.reports import Preset, build_period_report, check_period, preset_period
from app.services.uow import Database, session_execute


class ReportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return to_local(self.clock(), LOCAL_ZONE).date()

    def preset(self, preset: Preset) -> tuple[date, date]:
        """The dates of a named period (this week, month, quarter, year, last 12 months)."""
        return preset_period(Preset(preset), self.today())

    def period(
        self, first: date, last: date, advisor_id: int | None = None, *, compare: bool = True
    ) -> PeriodReport:
        """The report for local dates ``first``–``last``, one advisor or all (``None``)."""
        check_period(first, last)

        def work(s: Session) -> PeriodReport:
            if advisor_id is not None:
                get_or_fail(s, Advisor, advisor_id)
            return build_period_report(
                session_execute(s), first, last, advisor_id, self.clock(), compare=compare
            )

        return self.db.read(work)
