"""The agenda's pure rules (app.billing.availability) as tables: working windows, rest days,
the lunch gap, blocked periods, half-open edges, sessions in progress, marks and free slots."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from app.billing.availability import (
    AdvisorCalendar,
    Busy,
    Span,
    booking_marks,
    booking_refusal,
    change_refusal,
    free_slots,
    hours_problem,
    merge_spans,
    service_due_date,
    session_span,
    span_of,
    state_after,
    working_spans,
)
from app.billing.tariff import Tariff
from app.kernel.enums import AppointmentState as St
from app.kernel.enums import ChangeKind as Ch
from app.kernel.enums import Modality
from app.kernel.errors import BillingError

TZ = ZoneInfo("America/Mexico_City")
T = Tariff()


def at(day: int, h: int, m: int = 0, month: int = 11) -> datetime:
    """A local instant in 2026 (Tuesday 24 November is ``at(24, …)``)."""
    return datetime(2026, month, day, h, m, tzinfo=TZ)


def span(day: int, h1: int, m1: int, h2: int, m2: int) -> Span:
    return Span(at(day, h1, m1), at(day, h2, m2))


@pytest.mark.parametrize(
    ("day", "windows"),
    [
        (date(2026, 11, 24), [((9, 0), (14, 0)), ((16, 0), (19, 0))]),  # Tuesday: lunch gap
        (date(2026, 11, 28), []),  # Saturday
        (date(2026, 11, 29), []),  # Sunday
        (date(2026, 11, 16), []),  # Día de la Revolución (third Monday of November)
        (date(2026, 12, 25), []),  # Navidad, a Friday
    ],
)
def test_default_windows_are_the_business_hours(day: date, windows: list) -> None:
    got = [
        ((s.start.hour, s.start.minute), (s.end.hour, s.end.minute))
        for s in working_spans(day, None, T)
    ]
    assert got == windows


def test_own_windows_replace_the_business_hours_but_not_rest_days() -> None:
    hours = {5: ((time(10), time(13)),), 1: ((time(9), time(12)),)}
    assert working_spans(date(2026, 11, 28), hours, T) == [Span(at(28, 10), at(28, 13))]
    assert working_spans(date(2026, 11, 24), hours, T) == [Span(at(24, 9), at(24, 12))]
    assert working_spans(date(2026, 11, 25), hours, T) == []  # Wednesday: not listed
    assert working_spans(date(2026, 11, 16), {0: ((time(9), time(12)),)}, T) == []  # holiday
    no_rest = Tariff(holidays_enabled=False)
    assert len(working_spans(date(2026, 11, 16), None, no_rest)) == 2


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ({0: ((time(9), time(14)), (time(16), time(19)))}, None),
        ({0: ((time(14), time(9)),)}, "termina antes de empezar"),
        ({2: ((time(9), time(14)), (time(13), time(15)))}, "se enciman"),
        ({7: ((time(9), time(10)),)}, "no es un día"),
    ],
)
def test_hours_problem(hours: dict, problem: str | None) -> None:
    found = hours_problem(hours)
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (span(24, 9, 0, 10, 0), span(24, 10, 0, 11, 0), False),  # touching ends fit
        (span(24, 10, 0, 11, 0), span(24, 9, 0, 10, 0), False),
        (span(24, 9, 0, 10, 0), span(24, 9, 59, 11, 0), True),
        (span(24, 9, 0, 12, 0), span(24, 10, 0, 11, 0), True),  # inside
        (span(24, 9, 0, 10, 0), span(24, 9, 0, 10, 0), True),  # the same
        (span(24, 9, 0, 10, 0), span(24, 10, 1, 11, 0), False),
    ],
)
def test_half_open_overlap(a: Span, b: Span, overlap: bool) -> None:
    assert a.overlaps(b) is overlap


NOW = at(24, 8)


@pytest.mark.parametrize(
    ("wanted", "busy", "refusal"),
    [
        (span(24, 10, 0, 11, 0), [Busy(span(24, 9, 0, 10, 0), "una cita con Lucía")], None),
        (span(24, 9, 0, 10, 0), [Busy(span(24, 10, 0, 11, 0), "una cita con Lucía")], None),
        (
            span(24, 9, 30, 10, 30),
            [Busy(span(24, 9, 0, 10, 0), "una cita con Lucía")],
            "Ana ya tiene una cita con Lucía de 24/11/2026 09:00–10:00",
        ),
        (
            span(24, 11, 0, 12, 0),
            [Busy(span(24, 10, 0, 18, 0), "un periodo bloqueado (curso)")],
            "un periodo bloqueado (curso)",
        ),
        (span(24, 7, 0, 8, 0), [], "en el pasado"),
        (span(24, 9, 0, 9, 2), [], "de 5 a 720 minutos"),
    ],
)
def test_booking_refusal(wanted: Span, busy: list[Busy], refusal: str | None) -> None:
    found = booking_refusal(wanted, NOW, busy, "Ana", T)
    assert (found is None) if refusal is None else (refusal in (found or ""))


def test_a_session_in_progress_holds_at_least_its_first_hour() -> None:
    assert session_span(at(24, 9, 30), None, at(24, 9, 45), T) == span(24, 9, 30, 10, 30)
    assert session_span(at(24, 9, 30), None, at(24, 11, 0), T) == span(24, 9, 30, 11, 0)
    assert session_span(at(24, 9, 30), at(24, 9, 40), at(24, 11), T) == span(24, 9, 30, 9, 40)
    running = Busy(session_span(at(24, 9, 30), None, at(24, 9, 45), T), "una sesión en curso")
    refusal = booking_refusal(span(24, 10, 0, 11, 0), at(24, 9, 45), [running], "Ana", T)
    assert refusal is not None and "una sesión en curso" in refusal
    assert booking_refusal(span(24, 10, 30, 11, 0), at(24, 9, 45), [running], "Ana", T) is None


@pytest.mark.parametrize(
    ("wanted", "modality", "city", "emergency", "quote", "total"),
    [
        (span(24, 10, 0, 11, 0), Modality.REMOTE, "", False, False, D("232.00")),
        (span(24, 13, 30, 14, 30), Modality.REMOTE, "", True, False, D("232.00")),  # tie
        (span(24, 14, 0, 15, 0), Modality.REMOTE, "", True, False, D("348.00")),  # lunch
        (Span(at(28, 10), at(28, 11)), Modality.REMOTE, "", True, False, D("348.00")),  # Sat
        (span(24, 17, 0, 18, 0), Modality.ONSITE, "Coatepec", False, False, D("417.60")),
        (span(24, 17, 0, 18, 0), Modality.ONSITE, "Veracruz", False, True, None),
    ],
)
def test_marks_come_from_the_billing_engine(
    wanted: Span, modality: Modality, city: str, emergency: bool, quote: bool, total: D | None
) -> None:
    marks = booking_marks(wanted, modality, city, T)
    assert (marks.emergency, marks.requires_quote, marks.bill.total) == (emergency, quote, total)
    assert any("Emergencia" in n for n in marks.notes) is emergency
    assert any("cotización" in n for n in marks.notes) is quote


def test_a_follow_up_is_previewed_free() -> None:
    assert booking_marks(
        span(24, 10, 0, 11, 0), Modality.REMOTE, "", T, follow_up=True
    ).bill.total == D("0.00")


@pytest.mark.parametrize(
    ("state", "change", "after"),
    [
        (St.SCHEDULED, Ch.CONFIRMED, St.CONFIRMED),
        (St.CONFIRMED, Ch.DONE, St.DONE),
        (St.SCHEDULED, Ch.NO_SHOW, St.NO_SHOW),
        (St.CONFIRMED, Ch.MOVED, St.SCHEDULED),
        (St.CONFIRMED, Ch.CANCELLED, St.CANCELLED),
        (St.CONFIRMED, Ch.CONFIRMED, None),
        (St.CANCELLED, Ch.MOVED, None),
        (St.DONE, Ch.CANCELLED, None),
        (St.NO_SHOW, Ch.DONE, None),
    ],
)
def test_states(state: St, change: Ch, after: St | None) -> None:
    if after is None:
        with pytest.raises(BillingError, match="no admite"):
            state_after(state, change)
    else:
        assert state_after(state, change) is after


def test_done_and_no_show_only_after_the_start() -> None:
    assert "después de su hora" in (
        change_refusal(St.SCHEDULED, Ch.DONE, at(24, 10), at(24, 9)) or ""
    )
    assert change_refusal(St.SCHEDULED, Ch.DONE, at(24, 10), at(24, 10)) is None
    assert change_refusal(St.SCHEDULED, Ch.CANCELLED, at(24, 10), at(24, 9)) is None


def starts(slots: list) -> list[str]:
    return [f"{s.span.start.astimezone(TZ):%a %H:%M} {s.advisor_name}" for s in slots]


def test_free_slots_skip_lunch_busy_time_and_the_weekend() -> None:
    ana = AdvisorCalendar(1, "Ana", None, (span(24, 10, 30, 11, 0), span(24, 16, 0, 18, 0)))
    got = free_slots(at(24, 9, 5), 60, [ana], T, count=8)
    assert starts(got) == [
        "Tue 09:30 Ana",  # 09:05 rounded up to the 30-minute grid; ends 10:30 touching
        "Tue 11:00 Ana",
        "Tue 11:30 Ana",
        "Tue 12:00 Ana",
        "Tue 12:30 Ana",
        "Tue 13:00 Ana",  # 13:00–14:00 fits; 13:30 would cross into the lunch gap
        "Tue 18:00 Ana",  # after the busy afternoon; 18:00–19:00 is the last
        "Wed 09:00 Ana",
    ]
    friday = free_slots(at(27, 18, 30), 60, [ana], T, count=1)
    assert starts(friday) == ["Mon 09:00 Ana"]  # Sat/Sun skipped


def test_free_slots_of_any_advisor_side_by_side() -> None:
    ana = AdvisorCalendar(1, "Ana", None, (span(24, 9, 0, 10, 0),))
    beto = AdvisorCalendar(2, "Beto", None, ())
    assert starts(free_slots(at(24, 9), 60, [beto, ana], T, count=3)) == [
        "Tue 09:00 Beto",
        "Tue 09:30 Beto",
        "Tue 10:00 Ana",
    ]
    # a blocked week: nothing until the search ends
    vacation = AdvisorCalendar(1, "Ana", None, (Span(at(24, 0), at(1, 0, month=12)),))
    first = free_slots(at(24, 9), 60, [vacation], T, count=1)
    assert [s.span.start for s in first] == [at(1, 9, month=12)]  # Tuesday after the vacation
    assert free_slots(at(24, 9), 60, [vacation], T, count=1, until=at(30, 23)) == []


def test_free_slots_refuse_bad_input() -> None:
    with pytest.raises(BillingError, match="de 5 a 720"):
        free_slots(at(24, 9), 0, [], T)
    with pytest.raises(BillingError, match="1 o más"):
        free_slots(at(24, 9), 60, [], T, count=0)


def test_merge_spans() -> None:
    merged = merge_spans([span(24, 10, 0, 11, 0), span(24, 9, 0, 10, 0), span(24, 12, 0, 13, 0)])
    assert merged == [span(24, 9, 0, 11, 0), span(24, 12, 0, 13, 0)]


@pytest.mark.parametrize(
    ("start", "months", "last", "due"),
    [
        (date(2026, 8, 31), 3, None, date(2026, 11, 30)),
        (date(2026, 8, 15), 3, date(2026, 11, 20), date(2027, 2, 20)),
        (date(2026, 1, 1), 1, None, date(2026, 2, 1)),
    ],
)
def test_service_due_date(start: date, months: int, last: date | None, due: date) -> None:
    assert service_due_date(start, months, last) == due


def test_span_of_needs_a_zone() -> None:
    with pytest.raises(BillingError):
        span_of(datetime(2026, 11, 24, 10), 60)
    assert span_of(at(24, 10), 90).end == at(24, 11, 30) and span_of(at(24, 10), 90).minutes == 90


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("09:00-14:00, 16:00-19:00", ((time(9), time(14)), (time(16), time(19)))),
        ("9:30–13:00", ((time(9, 30), time(13)),)),
        ("9-12", ((time(9), time(12)),)),
        ("", ()),
        ("16:00-19:00; 09:00-14:00", ((time(9), time(14)), (time(16), time(19)))),
    ],
)
def test_parse_windows(text: str, windows: tuple) -> None:
    from app.billing.availability import format_windows, parse_windows

    assert parse_windows(text) == windows
    assert parse_windows(format_windows(windows)) == windows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nueve a dos", "no es válido"),
        ("14:00-09:00", "termina antes de empezar"),
        ("09:00-14:00, 13:00-15:00", "se enciman"),
        ("25:00-26:00", "no es válido"),
    ],
)
def test_parse_windows_refuses(text: str, message: str) -> None:
    from app.billing.availability import parse_windows

    with pytest.raises(BillingError, match=message):
        parse_windows(text)
