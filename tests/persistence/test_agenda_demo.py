"""The demo's week of citas (issue 13): both advisors (all of them), a pending case's free
follow-up, a policy's maintenance visit, confirmed ones, a cancelled one with its reason and a
Saturday emergency — booked through the service, so every rule held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.commands.demo import fill
from app.kernel.clock import FakeClock
from app.kernel.enums import AppointmentPurpose, AppointmentState
from app.services.facade import Services

#: a Tuesday morning in Xalapa (09:00): the test does not depend on the day it runs
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_demo_week_of_citas(engine: Engine) -> None:
    summary = fill(engine, NOW.date(), weeks=1, seed=5, now=NOW)  # books the citas too
    sv = Services.create(engine, FakeClock(NOW))
    now = sv.clock()
    citas = sv.agenda.appointments(now - timedelta(days=1), now + timedelta(days=21))
    assert len(citas) >= 10 and f"{len(citas)} citas" in summary
    assert {a.advisor_id for a in citas} == {a.id for a in sv.clients.advisors()}
    purposes = {a.purpose for a in citas}
    assert {AppointmentPurpose.FOLLOW_UP, AppointmentPurpose.MAINTENANCE} <= purposes
    states = [a.state for a in citas]
    assert AppointmentState.CONFIRMED in states and AppointmentState.CANCELLED in states
    assert all(a.cancel_reason for a in citas if a.state is AppointmentState.CANCELLED)
    assert any(a.emergency for a in citas)
    follow = next(a for a in citas if a.purpose is AppointmentPurpose.FOLLOW_UP)
    assert follow.price_total is not None and follow.price_total == 0
