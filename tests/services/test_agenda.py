"""The agenda's use cases on a real database (SQLite, and PostgreSQL when configured): booking
and its refusals (nothing saved), the edges, sessions in progress, blocked periods, the life of
a cita and its append-only history, follow-ups, free slots and items due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from app.kernel.enums import (
    AppointmentPurpose,
    AppointmentState,
    ChangeKind,
    Modality,
    Outcome,
    PolicyBenefit,
)
from app.kernel.errors import DomainError, NotFoundError, RuleError
from app.services.agenda_values import AppointmentData
from app.services.data import ClientData, PolicyData
from tests.services.conftest import Shop

TZ = ZoneInfo("America/Mexico_City")


def at(day: int, h: int, m: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, h, m, tzinfo=TZ)


def cita(shop: Shop, start: datetime, minutes: int = 60, **kw: object) -> AppointmentData:
    values: dict = {"client_id": shop.lucia, "advisor_id": shop.ana, "modality": Modality.REMOTE}
    values.update(kw)
    return AppointmentData(start=start, minutes=minutes, **values)


def count(shop: Shop) -> int:
    agenda = shop.services.agenda
    return len(agenda.appointments(at(1, 0), at(1, 0, month=12) + timedelta(days=60)))


def test_edges_fit_and_an_overlap_is_refused_with_nothing_saved(shop: Shop) -> None:
    agenda = shop.services.agenda
    first = agenda.book(cita(shop, at(25, 9), reason="Respaldo de Time Machine"))
    second = agenda.book(cita(shop, at(25, 10)))  # ends 10:00 / starts 10:00: both fit
    assert (first.end, second.start) == (at(25, 10), at(25, 10))
    assert first.state is AppointmentState.SCHEDULED and first.purpose is AppointmentPurpose.GENERAL
    with pytest.raises(RuleError, match=r"Ana Martínez ya tiene una cita con Lucía .* 09:00–10:00"):
        agenda.book(cita(shop, at(25, 9, 30), client_id=shop.ramon))
    assert count(shop) == 2
    other = agenda.book(cita(shop, at(25, 9, 30), advisor_id=shop.beto))  # another advisor
    assert other.advisor_name == "Alberto Hernández"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": at(24, 9)}, "en el pasado"),
        ({"minutes": 0}, "de 5 a 720"),
        ({"client_id": 999}, "no existe"),
        ({"advisor_id": 999}, "no existe"),
        ({"modality": "teleport"}, "no es una opción"),
        ({"start": datetime(2026, 11, 25, 10)}, "zona horaria"),
    ],
)
def test_refusals_save_nothing(shop: Shop, change: dict, message: str) -> None:
    values = {"start": at(25, 10), **change}
    with pytest.raises(DomainError, match=message):
        shop.services.agenda.book(cita(shop, **values))
    assert count(shop) == 0


def test_an_appointment_over_a_session_in_progress_is_refused(shop: Shop) -> None:
    sv = shop.services
    sv.sessions.start(shop.ana, shop.lucia, Modality.OFFICE)  # 10:00, still running
    with pytest.raises(RuleError, match="una sesión en curso"):
        sv.agenda.book(cita(shop, at(24, 10, 30), client_id=shop.ramon))
    assert sv.agenda.book(cita(shop, at(24, 11), client_id=shop.ramon)).start == at(24, 11)
    slots = sv.agenda.free_slots(60, advisor_id=shop.ana, count=1)
    assert slots[0].start == at(24, 12)  # 11:00–12:00 booked, session holds until 11:00


def test_blocked_periods(shop: Shop) -> None:
    agenda = shop.services.agenda
    agenda.book(cita(shop, at(26, 10)))
    with pytest.raises(RuleError, match="muévala o cancélela"):
        agenda.block(shop.ana, at(26, 0), at(27, 0), "Curso de Apple")
    blocked = agenda.block(shop.ana, at(27, 0), at(28, 0), "Curso de Apple")
    with pytest.raises(RuleError, match=r"periodo bloqueado \(Curso de Apple\)"):
        agenda.book(cita(shop, at(27, 12)))
    assert [b.reason for b in agenda.blocked(at(20, 0), at(30, 0))] == ["Curso de Apple"]
    agenda.unblock(blocked.id)
    assert agenda.book(cita(shop, at(27, 12))).start == at(27, 12)


def test_marks_emergencia_and_cotizacion_with_the_price_preview(shop: Shop) -> None:
    agenda = shop.services.agenda
    saturday = agenda.book(cita(shop, at(28, 10)))
    assert saturday.emergency and saturday.price_total == D("348.00")
    assert "Emergencia" in saturday.marks
    veracruz = agenda.book(cita(shop, at(25, 17), client_id=shop.ramon, modality=Modality.ONSITE))
    assert veracruz.requires_quote and veracruz.price_total is None
    assert veracruz.city == "Veracruz" and "Requiere cotización" in veracruz.marks
    preview = agenda.preview(
        cita(shop, at(25, 17), modality=Modality.ONSITE, city="Coatepec", advisor_id=shop.beto)
    )
    assert preview.refusal is None and preview.price_total == D("417.60")
    clash = agenda.preview(cita(shop, at(25, 17, 30), client_id=shop.ramon))
    assert clash.refusal is not None and "ya tiene una cita" in clash.refusal


def test_life_of_a_cita_and_its_history(shop: Shop) -> None:
    agenda, clock = shop.services.agenda, shop.clock
    a = agenda.book(cita(shop, at(25, 10), reason="Revisar batería"))
    assert agenda.confirm(a.id).state is AppointmentState.CONFIRMED
    with pytest.raises(RuleError, match="no admite"):
        agenda.confirm(a.id)
    moved = agenda.move(a.id, at(25, 12), minutes=90, advisor_id=shop.beto, note="Pidió tarde")
    assert (moved.start, moved.end, moved.advisor_id) == (at(25, 12), at(25, 13, 30), shop.beto)
    assert moved.state is AppointmentState.SCHEDULED  # a move asks for a new confirmation
    with pytest.raises(RuleError, match="después de su hora"):
        agenda.mark_done(a.id)
    clock.set(at(25, 13, 30))
    assert agenda.mark_done(a.id).state is AppointmentState.DONE
    with pytest.raises(RuleError, match="no admite"):
        agenda.cancel(a.id, "tarde")
    history = agenda.history(a.id)
    assert [h.kind for h in history] == [
        ChangeKind.BOOKED, ChangeKind.CONFIRMED, ChangeKind.MOVED, ChangeKind.DONE,
    ]  # fmt: skip
    assert history[2].advisor_name == "Alberto Hernández" and history[2].note == "Pidió tarde"
    assert history[0].start == at(25, 10) and history[3].start == at(25, 12)


def test_cancel_needs_a_reason_and_frees_the_time(shop: Shop) -> None:
    agenda = shop.services.agenda
    a = agenda.book(cita(shop, at(25, 10)))
    with pytest.raises(RuleError, match="motivo"):
        agenda.cancel(a.id, "  ")
    cancelled = agenda.cancel(a.id, "El cliente viaja")
    assert cancelled.state is AppointmentState.CANCELLED
    assert cancelled.cancel_reason == "El cliente viaja"
    assert agenda.book(cita(shop, at(25, 10), client_id=shop.ramon)).start == at(25, 10)
    with pytest.raises(NotFoundError):
        agenda.cancel(999, "x")


def test_no_show(shop: Shop) -> None:
    agenda = shop.services.agenda
    a = agenda.book(cita(shop, at(24, 11)))
    shop.clock.set(at(24, 11, 20))
    assert agenda.mark_no_show(a.id, "No contestó").state is AppointmentState.NO_SHOW


def test_history_cannot_be_rewritten_by_the_database(shop: Shop, engine: Engine) -> None:
    a = shop.services.agenda.book(cita(shop, at(25, 10)))
    for statement in (
        "UPDATE appointment_changes SET note = 'x'",
        "DELETE FROM appointment_changes",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert len(shop.services.agenda.history(a.id)) == 1


def _pending_case(shop: Shop, advisor: int) -> int:
    sv = shop.services
    sid = sv.sessions.start(advisor, shop.lucia, Modality.OFFICE).id
    shop.clock.advance(minutes=40)
    return sv.sessions.end(sid, Outcome.FOLLOW_UP).case.id  # pending since 10:40 Tuesday


def test_a_follow_up_only_before_its_deadline_with_the_same_advisor(shop: Shop) -> None:
    sv = shop.services
    case_id = _pending_case(shop, shop.beto)
    slots = sv.agenda.free_slots(60, case_id=case_id, count=200)
    assert {s.advisor_id for s in slots} == {shop.beto}
    deadline = at(24, 10, 40) + timedelta(days=7)
    assert slots[-1].start <= deadline - timedelta(hours=1) and len(slots) < 200
    f = sv.agenda.book(cita(shop, at(30, 10), case_id=case_id, advisor_id=shop.beto))
    assert f.purpose is AppointmentPurpose.FOLLOW_UP and f.price_total == D("0.00")
    assert f.case_number is not None and "Seguimiento" in f.title
    with pytest.raises(RuleError, match="plazo de seguimiento"):
        sv.agenda.book(cita(shop, at(2, 10, month=12), case_id=case_id))
    with pytest.raises(RuleError, match="no es de este cliente"):
        sv.agenda.book(cita(shop, at(30, 12), case_id=case_id, client_id=shop.ramon))


def test_own_working_hours_drive_the_free_slots(shop: Shop) -> None:
    agenda = shop.services.agenda
    assert agenda.working_hours(shop.ana) is None
    agenda.set_working_hours(shop.ana, {2: ((time(10), time(12)),), 5: ((time(9), time(11)),)})
    assert agenda.working_hours(shop.ana) == {
        2: ((time(10), time(12)),),
        5: ((time(9), time(11)),),
    }
    slots = agenda.free_slots(60, advisor_id=shop.ana, count=4)
    assert [s.start for s in slots] == [at(25, 10), at(25, 10, 30), at(25, 11), at(28, 9)]
    with pytest.raises(RuleError, match="termina antes"):
        agenda.set_working_hours(shop.ana, {0: ((time(12), time(10)),)})
    agenda.set_working_hours(shop.ana, None)
    assert agenda.free_slots(60, advisor_id=shop.ana, count=1)[0].start == at(24, 10)


def test_free_slots_of_any_advisor(shop: Shop) -> None:
    agenda = shop.services.agenda
    agenda.book(cita(shop, at(24, 10)))
    slots = agenda.free_slots(60, count=4)
    assert [(s.advisor_name, s.start) for s in slots] == [
        ("Alberto Hernández", at(24, 10)),
        ("Alberto Hernández", at(24, 10, 30)),
        ("Alberto Hernández", at(24, 11)),
        ("Ana Martínez", at(24, 11)),  # side by side, by name
    ]
    with pytest.raises(RuleError, match="de 5 a 720"):
        agenda.free_slots(1)


def test_due_items(shop: Shop) -> None:
    sv = shop.services
    shop.clock.set(at(1, 10, month=9))
    benefits = (PolicyBenefit.PREVENTIVE_MAINTENANCE, PolicyBenefit.UPDATE_REVIEWS)
    policy = sv.policies.create(shop.lucia, PolicyData(1, 1, benefits=benefits))
    shop.clock.set(at(24, 10))
    case_id = _pending_case(shop, shop.ana)
    sv.agenda.set_service_months(policy.id, 2)
    with pytest.raises(RuleError, match="de 1 a 24"):
        sv.agenda.set_service_months(policy.id, 0)
    due = sv.agenda.due(days=14)
    kinds = {(d.purpose, d.due) for d in due}
    assert (AppointmentPurpose.FOLLOW_UP, date(2026, 12, 1)) in kinds
    assert (AppointmentPurpose.POLICY_REVIEW, date(2026, 12, 1)) in kinds
    assert (AppointmentPurpose.MAINTENANCE, date(2026, 11, 1)) in kinds  # overdue
    assert (AppointmentPurpose.UPDATE_REVIEW, date(2026, 11, 1)) in kinds
    follow = next(d for d in due if d.case_id == case_id)
    assert follow.advisor_id == shop.ana and not follow.booked and "C-" in follow.text
    # booking the maintenance moves its next due date two months after the visit
    sv.agenda.book(cita(shop, at(26, 10), policy_id=policy.id, modality=Modality.ONSITE))
    sv.agenda.book(cita(shop, at(26, 12), case_id=case_id))
    after = sv.agenda.due(days=14)
    assert AppointmentPurpose.MAINTENANCE not in {d.purpose for d in after}
    assert next(d for d in after if d.case_id == case_id).booked


def test_ics_read_back(shop: Shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar

    agenda = shop.services.agenda
    a = agenda.book(cita(shop, at(25, 10), reason="Actualizar macOS"))
    b = agenda.book(cita(shop, at(25, 12), client_id=shop.ramon))
    agenda.cancel(b.id, "Reprogramará")
    folder = tmp_path / "cal"
    folder.mkdir()
    path = agenda.write_subscription(shop.ana, folder / "ana.ics")
    cal = Calendar.from_ical(path.read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"cita-{a.id}@agenda.appleuse.mx", f"cita-{b.id}@agenda.appleuse.mx"}
    ev = events[f"cita-{a.id}@agenda.appleuse.mx"]
    assert ev.decoded("dtstart") == at(25, 10) and ev.decoded("dtend") == at(25, 11)
    assert str(ev["summary"]) == "Lucía Pérez Domínguez" and "Actualizar macOS" in str(
        ev["description"]
    )
    assert str(events[f"cita-{b.id}@agenda.appleuse.mx"]["status"]) == "CANCELLED"
    assert int(ev["sequence"]) == 0 and ev.decoded("dtstamp") == at(24, 10)  # booked now
    assert int(events[f"cita-{b.id}@agenda.appleuse.mx"]["sequence"]) == 1  # then cancelled
    shop.clock.advance(minutes=5)
    agenda.move(a.id, at(25, 16))
    shop.services.clients.update_client(
        shop.lucia,
        ClientData("Lucía Pérez Domínguez", city="Xalapa-Enríquez", email="lucia@example.mx"),
    )
    invite = Calendar.from_ical(agenda.invitation_ics(a.id))
    assert str(invite["method"]) == "REQUEST"
    (moved,) = invite.walk("VEVENT")
    assert int(moved["sequence"]) == 1 and moved.decoded("dtstamp") == at(24, 10, 5)
    assert moved.decoded("dtstart") == at(25, 16)
    assert str(moved["attendee"]) == "mailto:lucia@example.mx"
    assert [p.name for p in folder.iterdir()] == ["ana.ics"]  # no temporary file left
