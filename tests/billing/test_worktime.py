"""RULES.md §2–§3: worked time and "por hora o fracción mayor a 30 minutos"."""

from dataclasses import replace
from datetime import timedelta

import pytest

from app.billing.worktime import billable_hours, worked_time
from app.kernel.errors import BillingError
from app.kernel.timeline import Interval
from tests.billing.helpers import TARIFF, local


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, 1),  # minimum hours
        (1, 1),
        (20, 1),
        (30, 1),
        (31, 1),  # 31 min alone: one counted hour; the minimum is also 1
        (59, 1),
        (60, 1),  # already aligned: nothing changes
        (61, 1),
        (90, 1),  # 1 h 30 min -> 1 h
        (91, 2),  # 1 h 31 min -> 2 h
        (120, 2),
        (150, 2),
        (151, 3),
        (600, 10),
    ],
)
def test_billable_hours_table(minutes, hours):
    assert billable_hours(minutes, TARIFF) == hours


def test_threshold_and_minimum_are_settings():
    t = replace(TARIFF, minimum_hours=0, fraction_threshold_minutes=15)
    assert billable_hours(0, t) == 0
    assert billable_hours(15, t) == 0
    assert billable_hours(16, t) == 1
    assert billable_hours(75, t) == 1
    assert billable_hours(76, t) == 2
    assert billable_hours(20, replace(TARIFF, minimum_hours=2)) == 2


def test_seconds_are_dropped():
    w = worked_time(local("2026-11-24 10:00:00"), local("2026-11-24 11:30:59"))
    assert w.minutes == 90
    w = worked_time(local("2026-11-24 10:00:00"), local("2026-11-24 11:31:00"))
    assert w.minutes == 91
    w = worked_time(local("2026-11-24 10:00:30"), local("2026-11-24 10:01:29"))
    assert w.minutes == 0


def test_gaps_are_not_worked():
    w = worked_time(
        local("2026-11-24 10:00"),
        local("2026-11-24 12:00"),
        [
            Interval(local("2026-11-24 11:00"), local("2026-11-24 11:15")),
            Interval(local("2026-11-24 10:10"), local("2026-11-24 10:20")),
        ],
    )
    assert w.worked == timedelta(minutes=95)
    assert w.minutes == 95
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in w.segments] == [
        ("10:00", "10:10"),
        ("10:20", "11:00"),
        ("11:15", "12:00"),
    ]


def test_touching_gaps_and_gaps_at_the_edges_are_fine():
    w = worked_time(
        local("2026-11-24 10:00"),
        local("2026-11-24 11:00"),
        [
            Interval(local("2026-11-24 10:00"), local("2026-11-24 10:10")),
            Interval(local("2026-11-24 10:10"), local("2026-11-24 10:20")),
            Interval(local("2026-11-24 10:50"), local("2026-11-24 11:00")),
        ],
    )
    assert w.minutes == 30


@pytest.mark.parametrize(
    ("start", "end", "gaps", "message"),
    [
        ("10:00", "10:00", [], "posterior"),
        ("10:00", "09:00", [], "posterior"),
        ("10:00", "11:00", [("09:50", "10:10")], "fuera de la sesión"),
        ("10:00", "11:00", [("10:50", "11:10")], "fuera de la sesión"),
        ("10:00", "11:00", [("10:20", "10:20")], "terminar después"),
        ("10:00", "11:00", [("10:30", "10:20")], "terminar después"),
        ("10:00", "11:00", [("10:10", "10:30"), ("10:20", "10:40")], "traslapan"),
    ],
)
def test_bad_sessions_are_refused(start, end, gaps, message):
    day = "2026-11-24 "
    with pytest.raises(BillingError, match=message):
        worked_time(
            local(day + start),
            local(day + end),
            [Interval(local(day + a), local(day + b)) for a, b in gaps],
        )
