"""The Agenda window (issue 13) driven as an advisor would: the week and the day, advisors side
by side, keys, a new cita by dialog with its live preview, a clash refused in the dialog, a cita
dragged to a new hour, cancelled with a reason, an item due booked in one click, reminders, and
Archivo → Agenda… in the main window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.kernel.enums import AppointmentPurpose, AppointmentState, Modality, Outcome
from app.models.engine import make_engine, upgrade
from app.services.agenda_values import AppointmentData
from app.services.data import ClientData
from app.services.facade import Services
from app.ui.agenda_window import AgendaWindow
from tests.ui.helpers import when_modal

TZ = ZoneInfo("America/Mexico_City")


def at(day: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=TZ)


class Shop:
    """The services with the ids of two advisors and two clients."""

    def __init__(self, services: Services, **ids: int) -> None:
        self.services = services
        self.__dict__.update(ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.services, name)


@pytest.fixture
def sv(tmp_path: Any, ui_clock: Any) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'agenda.sqlite3'}")
    upgrade(engine)
    services = Services.create(engine, ui_clock)
    clients = services.clients
    yield Shop(
        services,
        ana=clients.create_advisor("Ana Martínez").id,
        beto=clients.create_advisor("Alberto Hernández").id,
        lucia=clients.create_client(ClientData("Lucía Pérez", city="Xalapa")).id,
        ramon=clients.create_client(ClientData("Ramón Sánchez", city="Veracruz")).id,
    )
    engine.dispose()


def book(sv: Any, start: datetime, advisor: int | None = None, client: int | None = None) -> Any:
    return sv.agenda.book(
        AppointmentData(client or sv.lucia, advisor or sv.ana, start, 60, Modality.REMOTE)
    )


@pytest.fixture
def agenda(qtbot: Any, sv: Any) -> AgendaWindow:
    window = AgendaWindow(sv.services, advisor_id=sv.ana)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_opening_reads_the_week_once(qtbot: Any, sv: Any) -> None:
    """At start-up the window is made on the GUI thread: one read of the week, not two."""
    book(sv, at(24, 11))
    reads: list[Any] = []
    agenda = sv.services.agenda
    original = agenda.appointments

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args)
        return original(*args, **kwargs)

    agenda.appointments = counted  # the real service, counted
    try:
        window = AgendaWindow(sv.services, advisor_id=sv.beto)
        qtbot.addWidget(window)
    finally:
        del agenda.appointments
    week = [r for r in reads if (r[1] - r[0]).days == 7]  # (today's list reads its own day)
    assert len(week) == 1 and week[0][2] == sv.beto
    assert window.advisor_id() == sv.beto


def test_week_and_day_views_and_keys(qtbot: Any, sv: Any) -> None:
    book(sv, at(24, 11))
    book(sv, at(25, 9, 30), advisor=sv.beto, client=sv.ramon)
    window = AgendaWindow(sv.services, advisor_id=sv.ana)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    view = window.view
    assert window.rangeLabel.text() == "Semana del lunes 23 de noviembre de 2026"
    assert len(view.columns) == 7 and [a.client_name for a in view.appointments] == ["Lucía Pérez"]
    assert window.todayList.count() == 1 and "11:00–12:00" in window.todayList.item(0).text()
    window.advisorCombo.setCurrentIndex(0)  # all advisors, side by side
    assert len(view.columns) == 14 and len(view.appointments) == 2
    assert {c.advisor for c in view.columns} == {"Ana Martínez", "Alberto Hernández"}
    view.setFocus()  # the advisor clicks the grid, then types
    qtbot.keyClick(view, Qt.Key.Key_D)
    assert len(view.columns) == 2 and window.rangeLabel.text() == "Martes 24 de noviembre de 2026"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.rangeLabel.text() == "Miércoles 25 de noviembre de 2026"
    assert [a.client_name for a in view.appointments] == ["Ramón Sánchez"]
    qtbot.keyClick(view, Qt.Key.Key_T)
    qtbot.keyClick(view, Qt.Key.Key_S)
    assert window.rangeLabel.text() == "Semana del lunes 23 de noviembre de 2026"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.selected_view() is not None and view.selected_view().client_name == "Lucía Pérez"
    assert "Lucía Pérez" in window.detailLabel.text() and window.confirmButton.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.selected_view().client_name == "Ramón Sánchez"


def test_a_new_cita_by_dialog_with_its_preview(qtbot: Any, agenda: AgendaWindow, sv: Any) -> None:
    book(sv, at(25, 10))

    def fill(dialog: Any) -> None:
        dialog.clientCombo.setCurrentIndex(dialog.clientCombo.findData(sv.ramon))
        dialog.modalityCombo.setCurrentIndex(dialog.modalityCombo.findData(Modality.ONSITE))
        assert "ya tiene una cita con Lucía Pérez" in dialog.previewLabel.text()
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.errorLabel.isVisible() and "ya tiene una cita" in dialog.errorLabel.text()
        dialog.startEdit.setDateTime(dialog.startEdit.dateTime().addSecs(3600))  # 11:00: fits
        assert "El horario está libre" in dialog.previewLabel.text()
        assert "Requiere cotización" in dialog.previewLabel.text()  # onsite in Veracruz
        dialog.reasonEdit.setText("Instalar impresora")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(fill)
    saved = agenda.new_appointment(at(25, 10), sv.ana)
    assert saved is not None and saved.start == at(25, 11) and saved.requires_quote
    assert saved.reason == "Instalar impresora"
    assert saved.id in {a.id for a in agenda.view.appointments}
    assert agenda.view.selected_id == saved.id


def test_drag_a_cita_to_another_hour(qtbot: Any, agenda: AgendaWindow, sv: Any) -> None:
    a = book(sv, at(25, 10))
    agenda.reload()
    view = agenda.view
    rect = view.appointment_rect(view.appointments[0])
    assert rect is not None
    start = rect.center().toPoint()
    end = start + QPoint(0, int(view._hour_height() * 2))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, start + QPoint(0, 10))
    qtbot.mouseMove(view, end)
    with qtbot.waitSignal(view.moveRequested):
        qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)
    moved = sv.agenda.appointment(a.id)
    assert moved.start == at(25, 12) and moved.end == at(25, 13)
    assert "Cita movida" in agenda.noticeLabel.text()
    # dropped on a taken hour: refused, shown, nothing moved
    book(sv, at(25, 15, 0) + timedelta(hours=1))  # 16:00
    assert not agenda.drag_move(moved, at(25, 16), sv.ana)
    assert "ya tiene una cita" in agenda.errorLabel.text()
    assert sv.agenda.appointment(a.id).start == at(25, 12)


def test_cancel_with_a_reason_by_key(qtbot: Any, agenda: AgendaWindow, sv: Any) -> None:
    a = book(sv, at(25, 10))
    agenda.reload()
    agenda.view.setFocus()
    qtbot.keyClick(agenda.view, Qt.Key.Key_Down)

    def answer(dialog: Any) -> None:
        dialog.setTextValue("El cliente viaja")
        dialog.accept()

    when_modal(answer)
    qtbot.keyClick(agenda.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: sv.agenda.appointment(a.id).state is AppointmentState.CANCELLED)
    assert sv.agenda.appointment(a.id).cancel_reason == "El cliente viaja"
    assert agenda.noticeLabel.text() == "Cita cancelada."


def test_an_item_due_is_one_click_from_booking(
    qtbot: Any, agenda: AgendaWindow, sv: Any, ui_clock: Any
) -> None:
    sid = sv.sessions.start(sv.beto, sv.lucia, Modality.OFFICE).id
    ui_clock.advance(minutes=30)
    case_id = sv.sessions.end(sid, Outcome.FOLLOW_UP).case.id
    agenda.reload()
    assert agenda.dueList.count() == 1 and "pendiente" in agenda.dueList.item(0).text()
    agenda.dueList.setCurrentRow(0)

    def accept(dialog: Any) -> None:
        assert dialog.caseCombo.currentData() == case_id
        assert "$0.00" in dialog.previewLabel.text()  # a free follow-up
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(accept)
    agenda.bookDueButton.click()
    booked = sv.agenda.appointments(at(24, 0), at(30, 0))
    assert len(booked) == 1 and booked[0].purpose is AppointmentPurpose.FOLLOW_UP
    assert booked[0].advisor_id == sv.beto  # the same advisor, at the first free slot
    assert booked[0].start == at(24, 10, 30)
    assert "ya agendada" in agenda.dueList.item(0).text()


def test_reminder_before_a_cita(qtbot: Any, agenda: AgendaWindow, sv: Any, ui_clock: Any) -> None:
    book(sv, at(24, 11))
    assert agenda.check_reminders() == []
    ui_clock.set(at(24, 10, 50))
    with qtbot.waitSignal(agenda.reminder) as signal:
        agenda.check_reminders()
    assert signal.args[0].startswith("11:00 cita: Lucía Pérez")
    assert agenda.check_reminders() == []  # once


def test_export_calendar(agenda: AgendaWindow, sv: Any, tmp_path: Any) -> None:
    from icalendar import Calendar

    book(sv, at(25, 10))
    path = agenda.export_calendar(tmp_path / "ana.ics")
    assert path is not None
    assert len(Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1
    agenda.advisorCombo.setCurrentIndex(0)
    assert agenda.export_calendar(tmp_path / "todos.ics") is None
    assert "Elija un asesor" in agenda.errorLabel.text()


def test_a_subscribed_calendar_is_rewritten_after_a_change(
    qtbot: Any, agenda: AgendaWindow, sv: Any, tmp_path: Any
) -> None:
    from icalendar import Calendar

    path = agenda.export_calendar(tmp_path / "ana.ics")
    assert path is not None and Calendar.from_ical(path.read_bytes()).walk("VEVENT") == []
    book(sv, at(25, 10))  # booked elsewhere; the window's next change rewrites the file
    agenda._dirty = True
    agenda.reload()
    qtbot.waitUntil(lambda: len(Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 1)


def test_agenda_is_in_the_main_window_menu(window: Any, qtbot: Any) -> None:
    entry = next(
        action
        for top in window.menuBar().actions()
        if top.menu() is not None
        for action in top.menu().actions()
        if action.text() == "Agenda…"
    )
    entry.trigger()
    found = window.findChild(AgendaWindow)
    assert found is not None and found.isVisible()
    entry.trigger()
    assert len(window.findChildren(AgendaWindow)) == 1


def test_starting_a_session_from_a_cita_fills_the_start_dialog(window: Any, ui_clock: Any) -> None:
    from app.kernel.enums import Channel, DeviceKind
    from app.services.data import DeviceData
    from app.ui.agenda_window import start_session_from

    sv = window.services
    client = sv.clients.create_client(ClientData("Carmen Vázquez", city="Coatepec")).id
    sv.clients.add_device(client, DeviceData(DeviceKind.MAC, "iMac 24", "c1", "14.7"))
    mac = sv.clients.add_device(client, DeviceData(DeviceKind.MAC, "MacBook Air", "c2", "15.1")).id
    window.load_clients()
    cita = sv.agenda.book(
        AppointmentData(client, window.advisor.id, at(24, 11), 60, Modality.REMOTE,
                        channel=Channel.PHONE, device_id=mac, reason="Correo no sincroniza")
    )  # fmt: skip
    seen: dict[str, Any] = {}

    def check(dialog: Any) -> None:
        seen.update(
            device=dialog.deviceCombo.currentData(), modality=dialog.modality(),
            channel=dialog.channelCombo.currentData(), summary=dialog.summaryEdit.text(),
        )  # fmt: skip
        dialog.reject()

    when_modal(check)
    assert start_session_from(window, cita) is None  # the advisor closed the dialog
    assert window.selected_client_id() == client
    assert seen == {
        "device": mac, "modality": Modality.REMOTE, "channel": Channel.PHONE,
        "summary": "Correo no sincroniza",
    }  # fmt: skip


def test_starting_a_follow_up_cita_starts_the_free_follow_up(window: Any, ui_clock: Any) -> None:
    from app.ui.agenda_window import start_session_from

    sv = window.services
    client = sv.clients.create_client(ClientData("Elena Cházaro", city="Xalapa")).id
    window.load_clients()
    sid = sv.sessions.start(window.advisor.id, client, Modality.OFFICE).id
    ui_clock.advance(minutes=30)
    case_id = sv.sessions.end(sid, Outcome.FOLLOW_UP).case.id
    window.set_session(None)
    cita = sv.agenda.book(
        AppointmentData(client, window.advisor.id, at(24, 11), 60, Modality.OFFICE, case_id=case_id)
    )
    ui_clock.set(at(24, 11))
    view = start_session_from(window, cita)
    assert view is not None and view.follow_up and view.case.id == case_id
    assert window.session is not None and window.session.id == view.id


def test_an_advisors_own_hours_and_a_blocked_period(
    qtbot: Any, agenda: AgendaWindow, sv: Any
) -> None:
    from datetime import time

    from app.ui.advisor_schedule_dialog import AdvisorScheduleDialog

    dialog = AdvisorScheduleDialog(sv.services, sv.ana, agenda)
    qtbot.addWidget(dialog)
    assert dialog.businessCheck.isChecked() and not dialog.dayEdits[0].isEnabled()
    assert dialog.dayEdits[1].text() == "09:00-14:00, 16:00-19:00"
    dialog.businessCheck.setChecked(False)
    dialog.dayEdits[1].setText("10:00-13:00")
    dialog.dayEdits[5].setText("9-12")
    dialog.dayEdits[2].setText("14:00-09:00")
    dialog.save()
    assert "termina antes de empezar" in dialog.errorLabel.text()
    assert sv.agenda.working_hours(sv.ana) is None  # nothing saved
    dialog.dayEdits[2].setText("")
    dialog.reasonEdit.setText("Curso de Apple")
    dialog.fromEdit.setDateTime(dialog.fromEdit.dateTime().addDays(2))
    dialog.blockButton.click()
    assert "debe terminar después de empezar" in dialog.errorLabel.text()
    dialog.toEdit.setDateTime(dialog.toEdit.dateTime().addDays(2))
    dialog.blockButton.click()
    assert dialog.blockedList.count() == 1 and "Curso de Apple" in dialog.blockedList.item(0).text()
    dialog.save()
    assert sv.agenda.working_hours(sv.ana) == {
        0: ((time(9), time(14)), (time(16), time(19))),
        1: ((time(10), time(13)),),
        3: ((time(9), time(14)), (time(16), time(19))),
        4: ((time(9), time(14)), (time(16), time(19))),
        5: ((time(9), time(12)),),
    }
    agenda.reload()
    saturday = agenda.view.columns[5]
    assert [(s.start.hour, s.end.hour) for s in saturday.working] == [(9, 12)]


def test_a_policys_periodic_services_from_the_due_list(
    agenda: AgendaWindow, sv: Any, ui_clock: Any
) -> None:
    from app.kernel.enums import PolicyBenefit
    from app.services.data import PolicyData

    ui_clock.set(datetime(2026, 8, 20, 10, tzinfo=TZ))
    benefits = (PolicyBenefit.PREVENTIVE_MAINTENANCE,)
    policy = sv.policies.create(sv.lucia, PolicyData(1, 0, benefits=benefits)).id
    ui_clock.set(at(24, 10))
    agenda.reload()
    texts = [agenda.dueList.item(i).text() for i in range(agenda.dueList.count())]
    assert any(
        "mantenimiento preventivo (cada 3 meses)" in t and t.startswith("20/11") for t in texts
    )
    agenda.dueList.setCurrentRow(next(i for i, t in enumerate(texts) if "mantenimiento" in t))
    assert agenda.ask_service_months(6)
    assert sv.agenda.service_months(policy) == 6
    texts = [agenda.dueList.item(i).text() for i in range(agenda.dueList.count())]
    assert not any("mantenimiento" in t for t in texts)  # next due 20/02/2027


def test_todays_notice_and_reminders_from_start_up(window: Any, ui_clock: Any) -> None:
    from app.ui.agenda_window import open_agenda, today_notice

    sv = window.services
    client = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa")).id
    assert today_notice(sv, window.advisor.id) == ""
    sv.agenda.book(AppointmentData(client, window.advisor.id, at(24, 11), 60, Modality.OFFICE))
    sv.agenda.book(AppointmentData(client, window.advisor.id, at(25, 11), 60, Modality.OFFICE))
    assert today_notice(sv, window.advisor.id) == (
        "Hoy: 1 cita (11:00 Lucía Pérez). Archivo → Agenda… para verlas."
    )
    hidden = open_agenda(window, show=False)
    assert hidden is not None and not hidden.isVisible()
    ui_clock.set(at(24, 10, 50))
    assert hidden.check_reminders() == [
        "11:00 cita: Lucía Pérez (Presencial en AppleUse, Benjamín Carrillo)"
    ]
    assert open_agenda(window) is hidden and hidden.isVisible()


def test_start_up_reminds_without_building_the_agenda_window(window: Any, ui_clock: Any) -> None:
    """Start-up runs the reminders only (the Agenda window is built when first opened); the
    window then shares them: a cita reminded already is not reminded again."""
    from app.ui.agenda_reminders import start_reminders
    from app.ui.agenda_window import open_agenda

    sv = window.services
    client = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa")).id
    sv.agenda.book(AppointmentData(client, window.advisor.id, at(24, 11), 60, Modality.OFFICE))
    sv.agenda.book(AppointmentData(client, window.advisor.id, at(24, 12), 60, Modality.OFFICE))
    reminders = start_reminders(window)
    assert reminders is not None and start_reminders(window) is reminders  # one per window
    assert getattr(window, "_agenda_window", None) is None  # nothing built yet
    assert reminders.timer.isActive() and reminders.timer.interval() == 60_000
    tray: list[str] = []
    reminders.reminder.connect(tray.append)
    ui_clock.set(at(24, 10, 50))
    assert reminders.check() == [
        "11:00 cita: Lucía Pérez (Presencial en AppleUse, Benjamín Carrillo)"
    ]
    assert tray == ["11:00 cita: Lucía Pérez (Presencial en AppleUse, Benjamín Carrillo)"]
    agenda = open_agenda(window)
    assert agenda is not None and agenda.reminders is reminders
    assert agenda.check_reminders() == []  # reminded once, by the start-up's reminders
    ui_clock.set(at(24, 11, 50))
    assert agenda.check_reminders() == [
        "12:00 cita: Lucía Pérez (Presencial en AppleUse, Benjamín Carrillo)"
    ]
    assert len(tray) == 2  # the same notices, the same tray
    agenda.reminderSpin.setValue(0)  # the window's setting is the reminders' setting
    assert reminders.minutes == 0
    from PySide6.QtCore import QSettings

    from app.ui.agenda_reminders import REMINDER_KEY

    QSettings().remove(REMINDER_KEY)


def test_the_reminder_lead_is_a_setting(agenda: AgendaWindow, sv: Any, ui_clock: Any) -> None:
    from PySide6.QtCore import QSettings

    from app.ui.agenda_window import REMINDER_KEY

    book(sv, at(24, 11))
    ui_clock.set(at(24, 10, 35))
    assert agenda.check_reminders() == []  # 25 minutes ahead, the lead is 15
    agenda.reminderSpin.setValue(30)
    assert int(QSettings().value(REMINDER_KEY)) == 30
    assert len(agenda.check_reminders()) == 1
    agenda.reminderSpin.setValue(0)
    agenda.reminded.clear()
    assert agenda.reminderSpin.text() == "Sin aviso" and agenda.check_reminders() == []
    QSettings().remove(REMINDER_KEY)
