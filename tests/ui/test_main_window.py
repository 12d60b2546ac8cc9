"""Drive the window as an advisor would: find a client, run a remote session with consent and a
disconnection, end it as pending, issue the receipt; bad input is refused next to the field."""

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from app.kernel.enums import CaseState, DeviceKind
from app.kernel.errors import DomainError
from app.services.data import ClientData, DeviceData
from tests.ui.helpers import when_modal


def add_client(window, name, city="Xalapa", phone="(228) 833 4045", rfc=None):
    client = window.services.clients.create_client(
        ClientData(name=name, phone=phone, city=city, rfc=rfc)
    )
    window.load_clients()
    return client


def pick(window, qtbot, query):
    window.clientSearch.clear()
    qtbot.keyClicks(window.clientSearch, query)
    assert window.clientModel.rowCount() >= 1
    window.clientTable.selectRow(0)
    return window.selected_client_id()


def test_search_ignores_case_and_accents_and_finds_phones(window, qtbot):
    add_client(window, "María José López Hernández", phone="(228) 824 3985")
    add_client(window, "Óscar Peña", city="Coatepec", phone="228 812 0353")
    add_client(window, "Lucía Ramírez", city="Veracruz", rfc="GODE561231GR8")
    model = window.clientModel

    def names(query):
        window.clientSearch.clear()
        qtbot.keyClicks(window.clientSearch, query)
        return sorted(model.data(model.index(r, 0), Qt.ItemDataRole.DisplayRole)
                      for r in range(model.rowCount()))  # fmt: skip

    assert names("lopez") == ["María José López Hernández"]
    assert names("PENA") == ["Óscar Peña"]
    assert names("coatepec") == ["Óscar Peña"]
    assert names("2288120353") == ["Óscar Peña"]
    assert names("824 3985") == ["María José López Hernández"]
    assert names("gode561231") == ["Lucía Ramírez"]
    assert names("maria hernandez") == ["María José López Hernández"]
    assert names("nadie") == []
    assert window.clientCountLabel.text() == "0 de 3 clientes"
    assert len(names("")) == 3


def test_client_list_sorts_by_column_ignoring_accents(window, qtbot):
    for name in ("Zoe", "Álvaro", "beatriz"):
        add_client(window, name)
    model = window.clientModel
    window.clientTable.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["Álvaro", "beatriz", "Zoe"]
    window.clientTable.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["Zoe", "beatriz", "Álvaro"]


def test_a_remote_session_with_consent_and_a_disconnection_ending_pending(window, qtbot, ui_clock):
    client = add_client(window, "Ana López", city="Xalapa")
    device = window.services.clients.add_device(
        client.id, DeviceData(DeviceKind.MAC, model="MacBook Air M2", serial="C02XK1")
    )
    pick(window, qtbot, "lopez")
    panel, billing = window.sessionPanel, window.billingPanel
    assert panel.startSessionButton.isEnabled()
    assert not panel.pauseButton.isEnabled() and not panel.endSessionButton.isEnabled()

    def fill_start(dialog):
        assert dialog.objectName() == "startSessionDialog"
        dialog.remoteRadio.setChecked(True)
        dialog.channelCombo.setCurrentIndex(0)  # escritorio remoto
        dialog.deviceCombo.setCurrentIndex(dialog.deviceCombo.findData(device.id))
        dialog.buttons.accepted.emit()  # checklist empty: refused next to it, dialog stays
        assert "pago" in dialog.errorLabel.text().lower() and dialog.isVisible()
        dialog.paymentCombo.setCurrentIndex(1)
        dialog.internetCheck.setChecked(True)
        dialog.macosCheck.setChecked(True)
        dialog.toolCombo.setCurrentIndex(2)  # TeamViewer
        dialog.summaryEdit.setText("Mail no sincroniza")
        dialog.buttons.accepted.emit()

    when_modal(fill_start)
    qtbot.mouseClick(panel.startSessionButton, Qt.MouseButton.LeftButton)
    session = window.session
    assert session is not None and session.running
    assert panel.stateLabel.text() == "En curso"
    assert panel.stopwatchLabel.text() == "00:00:00"
    assert panel.bandLabel.text() == "Horario laboral"

    ui_clock.advance(minutes=10)
    window.tick()
    assert panel.stopwatchLabel.text() == "00:10:00"

    # Remote control: not startable before consent; the dialog needs the backup notice.
    assert not panel.startRemoteButton.isEnabled()

    def consent(dialog):
        assert dialog.objectName() == "consentDialog"
        assert not dialog.acceptButton.isEnabled()
        dialog.backupCheck.setChecked(True)
        assert dialog.acceptButton.isEnabled()
        dialog.acceptButton.click()

    when_modal(consent)
    qtbot.mouseClick(panel.requestRemoteButton, Qt.MouseButton.LeftButton)
    assert panel.startRemoteButton.isEnabled()
    qtbot.mouseClick(panel.startRemoteButton, Qt.MouseButton.LeftButton)
    assert panel.stateLabel.text() == "Control remoto activo"
    assert panel.stopRemoteClientButton.isEnabled()

    ui_clock.advance(minutes=5)
    qtbot.mouseClick(panel.disconnectButton, Qt.MouseButton.LeftButton)
    assert panel.stateLabel.text() == "Desconectado"
    assert panel.reconnectButton.isEnabled() and not panel.pauseButton.isEnabled()
    ui_clock.advance(minutes=20)  # not worked
    window.tick()
    assert panel.stopwatchLabel.text() == "00:15:00"
    qtbot.mouseClick(panel.reconnectButton, Qt.MouseButton.LeftButton)
    # the disconnection stopped remote control: it needs a new request, not a restart
    assert not panel.startRemoteButton.isEnabled()
    assert panel.requestRemoteButton.isEnabled()

    ui_clock.advance(minutes=30)
    window.tick()
    assert panel.stopwatchLabel.text() == "00:45:00"
    assert billing.billTotalLabel.text() == "$232.00 MXN"
    assert "45 min" in billing.workedLabel.text()
    assert not billing.issueReceiptButton.isEnabled()  # only after the session ends

    timeline = [panel.timelineList.item(i).text() for i in range(panel.timelineList.count())]
    assert any("Control remoto autorizado (aviso de respaldo aceptado)" in t for t in timeline)
    assert any("Desconexión" in t for t in timeline)
    assert not (panel.timelineList.item(0).flags() & Qt.ItemFlag.ItemIsEditable)

    def end_interrupted(dialog):
        assert dialog.objectName() == "endSessionDialog"
        dialog.radios[next(o for o in dialog.radios if o.value == "interrupted")].setChecked(True)
        dialog.buttons.accepted.emit()

    when_modal(end_interrupted)
    qtbot.mouseClick(panel.endSessionButton, Qt.MouseButton.LeftButton)
    assert not window.session.running
    assert window.session.case.state is CaseState.PENDING
    assert panel.startSessionButton.isEnabled() and not panel.pauseButton.isEnabled()
    table = window.pendingCasesTable
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == "Ana López"
    assert table.item(0, 2).text() == "01/12/2026 11:05"  # 7 days after it became pending
    assert "hasta 01/12/2026 11:05" in panel.stateLabel.text()
    assert billing.kindLabel.text() == "Cuenta final"
    assert billing.billTotalLabel.text() == "$232.00 MXN"

    assert billing.issueReceiptButton.isEnabled()
    qtbot.mouseClick(billing.issueReceiptButton, Qt.MouseButton.LeftButton)
    assert billing.receiptLabel.text() == "Recibo emitido: A-000001 · Por cobrar $232.00 MXN"
    assert not billing.issueReceiptButton.isEnabled()
    receipt = window.services.receipts.by_folio("A-000001")
    assert receipt.total == Decimal("232.00") and receipt.client_name == "Ana López"


def test_bad_client_input_is_refused_next_to_the_field(window, qtbot):
    before = len(window.services.clients.clients())

    def bad_then_good(dialog):
        assert dialog.objectName() == "clientDialog"
        dialog.rfcEdit.setText("NO-ES-RFC")
        dialog.buttons.accepted.emit()
        assert dialog.isVisible()
        assert dialog.nameError.isVisibleTo(dialog) and "obligatorio" in dialog.nameError.text()
        assert dialog.rfcError.isVisibleTo(dialog) and "RFC" in dialog.rfcError.text()
        assert len(window.services.clients.clients()) == before  # nothing saved
        dialog.nameEdit.setText("Jorge Domínguez")
        dialog.rfcEdit.setText("GODE561231GR8")
        dialog.emailEdit.setText("jorge@")
        dialog.buttons.accepted.emit()
        assert dialog.isVisible() and "correo" in dialog.emailError.text().lower()
        dialog.emailEdit.setText("jorge@example.mx")
        dialog.buttons.accepted.emit()

    when_modal(bad_then_good)
    qtbot.mouseClick(window.newClientButton, Qt.MouseButton.LeftButton)
    clients = window.services.clients.clients()
    assert len(clients) == before + 1
    assert clients[-1].rfc == "GODE561231GR8"
    assert window.clientModel.total == before + 1
    assert window.selected_client_id() == clients[-1].id


def test_onsite_outside_the_cities_asks_for_a_quote_before_the_receipt(window, qtbot, ui_clock):
    client = add_client(window, "Hotel Mocambo", city="Boca del Río")
    pick(window, qtbot, "mocambo")
    view = window.services.sessions.start(
        window.advisor.id, client.id, "onsite", city="Boca del Río"
    )
    window.set_session(view)
    ui_clock.advance(minutes=95)
    window.tick()
    billing = window.billingPanel
    assert billing.billTotalLabel.text() == "Requiere cotización"
    assert billing.quoteBox.isVisibleTo(billing)
    billing.quoteEdit.setText("mil")
    billing.quoteButton.click()
    assert "no es una cantidad" in billing.quoteError.text()
    billing.quoteKind.setCurrentIndex(billing.quoteKind.findData("amount"))
    billing.quoteEdit.setText("1,500")
    billing.quoteButton.click()
    assert billing.billTotalLabel.text() == "$1,740.00 MXN"
    assert billing.quoteBox.isVisibleTo(billing)  # editable until the receipt is issued
    assert billing.quoteEdit.text() == "$1,500.00"


def test_a_refused_action_shows_its_message_and_changes_nothing(window, qtbot):
    client = add_client(window, "Ana López")
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    window.set_session(view)
    window.services.sessions.pause(view.id)  # e.g. another window paused it meanwhile
    events = len(window.services.sessions.session(view.id).events)
    window.sessionPanel.pauseRequested.emit()
    assert window.errorBanner.isVisibleTo(window)
    assert "pausa" in window.errorBanner.text()
    assert len(window.services.sessions.session(view.id).events) == events


def test_chat_instructions_show_a_countdown_and_warn_at_the_cap(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    window.set_session(view)
    panel = window.sessionPanel
    qtbot.mouseClick(panel.instructionsButton, Qt.MouseButton.LeftButton)
    assert panel.instructionsButton.text() == "Terminar instrucciones"
    ui_clock.advance(minutes=5)
    window.tick()
    assert panel.instructionsLabel.text() == "Instrucciones por chat: quedan 10:00 de 15 min"
    ui_clock.advance(minutes=10)
    window.tick()
    assert panel.instructionsLabel.text() == "¡Tope de 15 min de instrucciones alcanzado!"
    assert panel.instructionsLabel.property("over") is True


def test_a_running_session_is_restored_after_a_restart(open_window, qtbot, ui_clock, db_file):
    first = open_window()
    client = add_client(first, "Ana López")
    view = first.services.sessions.start(first.advisor.id, client.id, "office")
    first.services.sessions.pause(view.id)
    ui_clock.advance(minutes=10)
    first.services.sessions.resume(view.id)
    ui_clock.advance(minutes=50)

    with pytest.raises(DomainError, match="ya está abierto"):
        open_window()  # a second instance on the same database is refused

    first.close()
    first._db_lock.unlock()
    second = open_window()
    assert second.session is not None and second.session.id == view.id
    assert second.sessionPanel.stopwatchLabel.text() == "00:50:00"
    assert second.sessionPanel.stateLabel.text() == "En curso"
    assert "Se recuperó la sesión en curso de Ana López" in second.noticeBanner.text()


def test_a_session_running_over_four_hours_gets_a_notice(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    window.set_session(window.services.sessions.start(window.advisor.id, client.id, "office"))
    ui_clock.advance(timedelta(hours=4, minutes=1))
    window.tick()
    assert "más de 4 horas" in window.noticeBanner.text()


def test_devices_are_added_and_edited_from_the_client_dialog(window, qtbot):
    client = add_client(window, "Café Finca La Orduña", city="Coatepec")
    pick(window, qtbot, "orduna")

    def fill_device(dialog):
        assert dialog.objectName() == "deviceDialog"
        dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findText("iPad"))
        dialog.modelEdit.setText("iPad Air M2")
        dialog.serialEdit.setText("DMPX77")
        dialog.try_save()

    def in_client_dialog(dialog):
        assert dialog.objectName() == "clientDialog"
        assert dialog.devicesList.count() == 0
        when_modal(fill_device)
        dialog.addDeviceButton.click()
        assert dialog.devicesList.count() == 1
        assert "iPad Air M2" in dialog.devicesList.item(0).text()
        dialog.buttons.accepted.emit()

    when_modal(in_client_dialog)
    qtbot.mouseClick(window.editClientButton, Qt.MouseButton.LeftButton)
    devices = window.services.clients.devices(client.id)
    assert [(d.kind, d.model, d.serial) for d in devices] == [
        (DeviceKind.IPAD, "iPad Air M2", "DMPX77")
    ]


def test_the_issued_receipt_can_be_previewed_and_saved(window, qtbot, ui_clock, tmp_path):
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    client = add_client(window, "Ana López")
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    ui_clock.advance(minutes=50)
    window.set_session(window.services.sessions.end(view.id, "resolved"))
    folio = window.session_actions.issue_receipt()
    billing = window.billingPanel
    assert billing.receiptButtons.isVisibleTo(billing)

    target = tmp_path / "recibo.pdf"

    def save(dialog):
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(target))
        dialog.accept()

    when_modal(save)
    with qtbot.waitSignal(billing.receiptButtons.saved):  # the PDF is made off the GUI thread
        billing.saveReceiptButton.click()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert folio in text and "Ana López" in text and "348.00" in text


def test_settings_and_summary_are_in_the_menu(window):
    titles = {
        action.text()
        for top in window.menuBar().actions()
        if top.menu() is not None
        for action in top.menu().actions()
    }
    assert {"Ajustes…", "Corte del día…", "Nuevo cliente…", "Finalizar"} <= titles


def test_the_policy_allowance_shows_where_the_advisor_decides(window, qtbot, ui_clock):
    from app.billing.session_rules import Checklist
    from app.kernel.enums import Channel, PaymentArrangement
    from app.services.data import PolicyData

    client = add_client(window, "Despacho Landa", city="Xalapa")
    window.services.policies.create(client.id, PolicyData(2, 1, Decimal("0.20"), True))
    pick(window, qtbot, "landa")
    label = window.policyLabel
    assert label.isVisibleTo(window)
    assert "Póliza: 0 de 2 eventos a distancia usados en noviembre" in label.text()
    assert "descuento 20 %" in label.text() and "7x24/365" in label.text()
    # two remote cases this month use the whole allowance: a warning appears
    sessions = window.services.sessions
    checklist = Checklist(PaymentArrangement.PREPAID, internet=True)
    for _ in range(2):
        view = sessions.start(
            window.advisor.id, client.id, "remote", channel=Channel.PHONE, checklist=checklist
        )
        sessions.end(view.id, "resolved")
    window.show_policy(client.id)
    assert "2 de 2 eventos a distancia" in label.text()
    assert label.property("warn") is True


def test_key_widgets_carry_their_object_names(window):
    from PySide6.QtWidgets import QWidget

    names = [
        "clientTable", "clientSearch", "stopwatchLabel", "startSessionButton", "pauseButton",
        "disconnectButton", "reconnectButton", "requestRemoteButton", "endSessionButton",
        "newEventButton", "billingPanel", "billTotalLabel", "issueReceiptButton",
        "pendingCasesTable",
    ]  # fmt: skip
    missing = [n for n in names if window.findChild(QWidget, n) is None]
    assert missing == []


def test_the_policy_dialog_opens_for_the_selected_client(window, qtbot):
    add_client(window, "Despacho Landa")
    pick(window, qtbot, "landa")
    seen = []

    def look(dialog):
        seen.append(dialog.objectName())
        dialog.reject()

    when_modal(look)
    qtbot.mouseClick(window.policyButton, Qt.MouseButton.LeftButton)
    assert seen == ["policyDialog"]


def test_a_payment_is_recorded_from_the_issued_receipt(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    ui_clock.advance(minutes=50)
    window.set_session(window.services.sessions.end(view.id, "resolved"))
    folio = window.session_actions.issue_receipt()

    def pay(dialog):
        assert dialog.objectName() == "paymentDialog"
        dialog.amountEdit.setText("100.00")
        dialog.saveButton.click()

    when_modal(pay)
    window.billingPanel.payReceiptButton.click()
    receipt = window.services.receipts.by_folio(folio)
    assert (receipt.paid, receipt.balance) == (Decimal("100.00"), Decimal("248.00"))


def test_repair_and_statement_open_from_the_client_menu(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    ui_clock.advance(minutes=30)
    window.set_session(window.services.sessions.end(view.id, "escalated"))
    pick(window, qtbot, "lopez")
    seen = []

    def look(dialog):
        seen.append(dialog.objectName())
        dialog.reject()

    when_modal(look)
    window.dialogs.open_repair()
    when_modal(look)
    window.dialogs.open_statement()
    assert seen == ["repairDialog", "statementDialog"]
