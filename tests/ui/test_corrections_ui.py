"""Notes, time corrections and past sessions by hand from the window; a declined remote
control stays the outcome offered, and the instructions-cap warning clears at the end."""

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.billing.session_rules import Checklist
from app.kernel.enums import (
    Channel,
    DeviceKind,
    EventKind,
    Modality,
    Outcome,
    PaymentArrangement,
    RemoteTool,
)
from app.services.data import ClientData, DeviceData
from app.ui.kit.moments import set_moment

MX = ZoneInfo("America/Mexico_City")


FAILURES = []


def when_shown(name, fn):
    """Answer the modal dialog named ``name`` once it is the active one; a failed check
    closes it (and is raised by :func:`check_answered`) instead of leaving it open."""

    def handler():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != name or not dialog.isVisible():
            QTimer.singleShot(5, handler)
            return
        try:
            fn(dialog)
        except Exception as exc:  # handed to the test by check_answered
            FAILURES.append(exc)
            dialog.reject()

    QTimer.singleShot(0, handler)


def check_answered():
    if FAILURES:
        raise FAILURES.pop()


def timeline(panel):
    return [panel.timelineList.item(i).text() for i in range(panel.timelineList.count())]


def lucia(window):
    client = window.services.clients.create_client(ClientData("Lucía Pérez", city="Xalapa"))
    window.load_clients()
    return client


def test_a_note_is_written_while_the_session_runs(window, qtbot, ui_clock):
    client = lucia(window)
    window.set_session(window.services.sessions.start(window.advisor.id, client.id, "office"))
    panel = window.sessionPanel
    assert panel.noteButton.isEnabled()
    ui_clock.advance(minutes=5)
    seen = []

    def write(dialog):
        assert dialog.objectName() == "noteDialog"
        dialog.try_save()  # empty: refused in place, the dialog stays
        seen.append(dialog.errorLabel.text())
        dialog.noteEdit.setPlainText("El cliente reinstaló macOS ayer")
        dialog.try_save()

    when_shown("noteDialog", write)
    qtbot.mouseClick(panel.noteButton, Qt.MouseButton.LeftButton)
    check_answered()
    assert seen == ["Escriba la nota."]
    note = "10:05  Nota — El cliente reinstaló macOS ayer (Benjamín Carrillo)"
    assert timeline(panel)[-1] == note
    assert window.session.status.paused is False
    window.services.sessions.end(window.session.id, Outcome.RESOLVED)
    window.set_session(window.services.sessions.session(window.session.id))
    assert not panel.noteButton.isEnabled()  # only while it runs


def test_a_forgotten_timer_is_corrected_and_the_bill_follows(window, qtbot, ui_clock):
    client = lucia(window)
    s = window.services.sessions
    sid = s.start(window.advisor.id, client.id, "office").id
    ui_clock.advance(hours=8)
    window.set_session(s.end(sid, Outcome.RESOLVED))
    panel, billing = window.sessionPanel, window.billingPanel
    assert billing.billTotalLabel.text() == "$3,132.00 MXN"  # 6 h × $300 + 2 h × $450 + IVA
    seen = []

    def correct(dialog):
        assert dialog.objectName() == "correctionDialog"
        dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findData(EventKind.END_CORRECTED))
        set_moment(dialog.fromEdit, datetime(2026, 11, 24, 9, 0, tzinfo=MX))
        dialog.reasonEdit.setText("Olvidé detener el cronómetro")
        dialog.try_save()  # before the start: refused in place
        seen.append(dialog.errorLabel.text())
        set_moment(dialog.fromEdit, datetime(2026, 11, 24, 11, 0, tzinfo=MX))
        dialog.try_save()

    when_shown("correctionDialog", correct)
    qtbot.mouseClick(panel.correctButton, Qt.MouseButton.LeftButton)
    check_answered()
    assert "posterior al inicio" in seen[0]
    assert billing.billTotalLabel.text() == "$348.00 MXN"  # 1 h × $300 + IVA
    last = panel.timelineList.item(panel.timelineList.count() - 1)
    assert last.text() == (
        "18:00  Corrección: fin → 11:00 — Olvidé detener el cronómetro (Benjamín Carrillo)"
    )
    assert last.font().italic()
    assert "horario corregido" in panel.detailLabel.text()
    assert "Corrección registrada" in window.noticeBanner.text()


def test_a_pause_is_added_to_a_running_session(window, qtbot, ui_clock):
    client = lucia(window)
    window.set_session(window.services.sessions.start(window.advisor.id, client.id, "office"))
    ui_clock.advance(minutes=50)
    window.tick()
    panel = window.sessionPanel

    def add_pause(dialog):
        assert dialog.kindCombo.findData(EventKind.END_CORRECTED) == -1  # it still runs
        assert dialog.kindCombo.findData(EventKind.DISCONNECTION_ADDED) == -1  # not remote
        dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findData(EventKind.PAUSE_ADDED))
        assert dialog.toEdit.isVisibleTo(dialog)
        set_moment(dialog.fromEdit, datetime(2026, 11, 24, 10, 10, tzinfo=MX))
        set_moment(dialog.toEdit, datetime(2026, 11, 24, 10, 30, tzinfo=MX))
        dialog.reasonEdit.setText("El cliente salió a comer")
        dialog.try_save()

    when_shown("correctionDialog", add_pause)
    qtbot.mouseClick(panel.correctButton, Qt.MouseButton.LeftButton)
    check_answered()
    assert panel.stopwatchLabel.text() == "00:30:00"
    assert timeline(panel)[-1].startswith("10:50  Corrección: pausa agregada 10:10–10:30")


def test_a_past_session_is_entered_by_hand(window, qtbot, ui_clock):
    client = lucia(window)
    window.clientTable.selectRow(0)
    panel = window.sessionPanel
    assert panel.manualSessionButton.isEnabled()

    def fill(dialog):
        assert dialog.objectName() == "manualSessionDialog"
        dialog.modalityCombo.setCurrentIndex(dialog.modalityCombo.findData(Modality.REMOTE))
        assert dialog.channelCombo.isEnabled()
        dialog.channelCombo.setCurrentIndex(dialog.channelCombo.findData(Channel.PHONE))
        set_moment(dialog.startEdit, datetime(2026, 11, 23, 16, 0, tzinfo=MX))
        set_moment(dialog.endEdit, datetime(2026, 11, 23, 16, 45, tzinfo=MX))
        dialog.summaryEdit.setText("Correo no sincroniza")
        dialog.try_save()  # no reason: refused in place
        assert "motivo" in dialog.errorLabel.text() and dialog.isVisible()
        dialog.reasonEdit.setText("Llamada atendida sin la app")
        dialog.try_save()

    when_shown("manualSessionDialog", fill)
    qtbot.mouseClick(panel.manualSessionButton, Qt.MouseButton.LeftButton)
    check_answered()
    view = window.session
    assert view is not None and view.manual and not view.running
    assert view.client_id == client.id
    assert "registrada a mano" in panel.detailLabel.text()
    assert window.billingPanel.billTotalLabel.text() == "$232.00 MXN"
    assert window.billingPanel.issueReceiptButton.isEnabled()
    # recorded today; the session's own day needs no date
    assert timeline(panel)[-1] == (
        "24/11/2026 10:00  Registrada a mano 16:00–16:45 — Llamada atendida sin la app"
        " (Benjamín Carrillo)"
    )


def test_declined_remote_stays_the_outcome_and_the_cap_warning_clears(window, qtbot, ui_clock):
    client = lucia(window)
    mac = window.services.clients.add_device(client.id, DeviceData(DeviceKind.MAC, "iMac"))
    ok = Checklist(PaymentArrangement.PREPAID, True, True, RemoteTool.TEAMVIEWER)
    view = window.services.sessions.start(
        window.advisor.id, client.id, "remote", device_id=mac.id,
        channel=Channel.REMOTE_DESKTOP, checklist=ok,
    )  # fmt: skip
    window.set_session(view)
    panel = window.sessionPanel
    offered = []

    def decline(dialog):
        when_shown("endSessionDialog", continue_with_chat)
        dialog.declineButton.click()

    def continue_with_chat(dialog):
        offered.append(dialog.radios[Outcome.DECLINED_REMOTE].isChecked())
        dialog.reject()  # the advisor first sends instructions by chat

    when_shown("consentDialog", decline)
    qtbot.mouseClick(panel.requestRemoteButton, Qt.MouseButton.LeftButton)
    check_answered()
    assert offered == [True] and window.session.running
    assert "rechazó el control remoto" in window.noticeBanner.text()
    qtbot.mouseClick(panel.instructionsButton, Qt.MouseButton.LeftButton)
    ui_clock.advance(minutes=16)
    window.tick()
    assert panel.instructionsLabel.isVisibleTo(panel)
    assert "Tope" in panel.instructionsLabel.text()
    qtbot.mouseClick(panel.instructionsButton, Qt.MouseButton.LeftButton)  # instructions end

    def end(dialog):
        offered.append(dialog.radios[Outcome.DECLINED_REMOTE].isChecked())
        dialog.buttons.accepted.emit()

    when_shown("endSessionDialog", end)
    qtbot.mouseClick(panel.endSessionButton, Qt.MouseButton.LeftButton)
    check_answered()
    assert offered == [True, True]
    assert window.session.outcome is Outcome.DECLINED_REMOTE
    assert not panel.instructionsLabel.isVisibleTo(panel)
    assert not window.noticeBanner.isVisibleTo(window)
