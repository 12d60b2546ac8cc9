"""No dead ends in the advisor's day (issue 10): every ended session reaches its receipt, the
quote stays editable, the keyboard, the panels follow the selection, banners and status bar,
a new client with devices, the checklist remembered, switching advisor."""

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.billing.session_rules import Checklist
from app.kernel.enums import DeviceKind, Outcome, PaymentArrangement, RemoteTool
from app.services.data import ClientData, DeviceData
from tests.ui.helpers import when_modal
from tests.ui.test_main_window import add_client, pick


def office_session(window, client):
    view = window.services.sessions.start(window.advisor.id, client.id, "office")
    window.set_session(view)
    return view


def end_with(outcome):
    def answer(dialog):
        assert dialog.objectName() == "endSessionDialog"
        dialog.radios[outcome].setChecked(True)
        if dialog.summaryEdit.isVisible():
            dialog.summaryEdit.setText("Ahora la impresora")
        dialog.buttons.accepted.emit()

    return answer


def click(box_name, text):
    def answer(dialog):
        assert dialog.objectName() == box_name, dialog.objectName()
        button = next(b for b in dialog.findChildren(QPushButton) if b.text() == text)
        button.click()

    return answer


def ok(dialog):
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def activate(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press(qtbot, widget, key):
    combination = QKeySequence(key)[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


# -- 1. every ended session can be billed ---------------------------------------------------------
def test_new_event_offers_the_ended_case_s_receipt_and_the_list_bills_it_later(
    window, qtbot, ui_clock
):
    client = add_client(window, "Ana López")
    pick(window, qtbot, "lopez")
    first = office_session(window, client)
    ui_clock.advance(minutes=50)

    when_modal(end_with(Outcome.RESOLVED))
    when_modal(click("offerReceiptPrompt", "Después"))
    window.session_actions.end_session(new_event=True)
    assert window.session.id != first.id and window.session.running
    assert "queda en «Sesiones sin recibo»" in window.noticeBanner.text()
    assert window.services.receipts.for_session(first.id) is None

    found = []

    def in_list(dialog):
        assert dialog.objectName() == "unbilledDialog"
        found.extend(i.session_id for i in dialog.items)
        dialog.table.selectRow(0)
        assert not dialog.pdfActions.button("preview").isEnabled()
        dialog.issueButton.click()
        assert dialog.table.item(0, 5).text() == "A-000001"
        assert dialog.pdfActions.button("preview").isEnabled()
        assert not dialog.issueButton.isEnabled()
        dialog.reject()

    when_modal(in_list)
    window.dialogs.open_unbilled()
    assert found == [first.id]
    receipt = window.services.receipts.for_session(first.id)
    assert receipt is not None and receipt.total == Decimal("348.00")  # 1 h office + IVA
    assert window.services.unbilled.sessions() == ()


def test_new_event_can_issue_the_ended_case_s_receipt_at_once(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    pick(window, qtbot, "lopez")
    first = office_session(window, client)
    ui_clock.advance(minutes=50)
    when_modal(end_with(Outcome.RESOLVED))
    when_modal(click("offerReceiptPrompt", "Emitir recibo"))
    window.session_actions.end_session(new_event=True)
    assert "Recibo A-000001 del caso" in window.noticeBanner.text()
    assert window.services.receipts.for_session(first.id).folio == "A-000001"


def test_leaving_an_unbilled_session_prompts_for_its_receipt(window, qtbot, ui_clock):
    ana = add_client(window, "Ana López")
    add_client(window, "Óscar Peña")
    pick(window, qtbot, "lopez")
    view = office_session(window, ana)
    ui_clock.advance(minutes=40)
    window.set_session(window.services.sessions.end(view.id, Outcome.RESOLVED))
    assert window.billingPanel.issueReceiptButton.isEnabled()

    when_modal(click("unbilledPrompt", "Emitir recibo"))
    pick(window, qtbot, "pena")
    assert window.services.receipts.for_session(view.id).folio == "A-000001"
    assert window.session is None  # the panels follow the selection


def test_the_day_s_list_shows_a_session_that_needs_its_quote_in_the_window(window, qtbot, ui_clock):
    client = add_client(window, "Hotel Mocambo", city="Boca del Río")
    view = window.services.sessions.start(
        window.advisor.id, client.id, "onsite", city="Boca del Río"
    )
    ui_clock.advance(minutes=60)
    window.services.sessions.end(view.id, Outcome.RESOLVED)

    def show(dialog):
        dialog.scopeCombo.setCurrentIndex(dialog.scopeCombo.findData("today"))
        assert dialog.table.item(0, 4).text() == "Por cotizar"
        dialog.issueButton.click()
        assert "cotización" in dialog.errorLabel.text()
        dialog.showButton.click()

    when_modal(show)
    window.dialogs.open_unbilled()
    assert window.session is not None and window.session.id == view.id
    assert window.selected_client_id() == client.id
    assert window.billingPanel.quoteBox.isVisibleTo(window.billingPanel)


def test_the_statement_issues_its_sessions_without_receipt(window, qtbot, ui_clock):
    from app.ui.statement_dialog import StatementDialog

    client = add_client(window, "Ana López")
    view = office_session(window, client)
    ui_clock.advance(minutes=50)
    window.services.sessions.end(view.id, Outcome.RESOLVED)
    dialog = StatementDialog(window.services, client.id, window, advisor_id=window.advisor.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)  # read off the GUI thread
    assert dialog.unbilledButton.isVisibleTo(dialog)

    def issue(unbilled):
        assert unbilled.objectName() == "unbilledDialog"
        assert unbilled.scopeCombo.currentData() == "client"
        unbilled.issueButton.click()
        unbilled.reject()

    when_modal(issue)
    dialog.unbilledButton.click()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.changed and not dialog.unbilledButton.isVisibleTo(dialog)
    assert [r.folio for r in dialog.statement.receipts] == ["A-000001"]


# -- 5. the quote stays editable ------------------------------------------------------------------
def test_a_quote_stays_editable_until_the_receipt_and_shows_whole(window, qtbot, ui_clock):
    client = add_client(window, "Hotel Mocambo", city="Boca del Río")
    pick(window, qtbot, "mocambo")
    view = window.services.sessions.start(
        window.advisor.id, client.id, "onsite", city="Boca del Río"
    )
    window.set_session(view)
    ui_clock.advance(minutes=95)
    window.set_session(window.services.sessions.end(view.id, Outcome.RESOLVED))
    billing = window.billingPanel
    billing.quoteKind.setCurrentIndex(billing.quoteKind.findData("amount"))
    billing.quoteEdit.setText("12500")
    billing.quoteButton.click()
    assert billing.billTotalLabel.text() == "$14,500.00 MXN"
    edit = billing.quoteEdit
    assert edit.text() == "$12,500.00"
    assert edit.fontMetrics().horizontalAdvance(edit.text()) < edit.contentsRect().width()
    assert (
        billing.quoteBox.isVisibleTo(billing) and billing.quoteButton.text() == "Cambiar cotización"
    )

    edit.setText("$10,000.00")
    billing.quoteButton.click()
    assert billing.billTotalLabel.text() == "$11,600.00 MXN"
    billing.issueReceiptButton.click()
    assert not billing.quoteBox.isVisibleTo(billing)
    assert window.services.receipts.for_session(view.id).total == Decimal("11600.00")


# -- 6. keyboard ----------------------------------------------------------------------------------
def test_no_shortcut_is_bound_twice_and_every_session_action_has_one(window):
    bound: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            bound.setdefault(sequence.toString(), []).append(action.text())
    for shortcut in window.findChildren(QShortcut):
        bound.setdefault(shortcut.key().toString(), []).append("QShortcut")
    for button in window.findChildren(QPushButton):
        if not button.shortcut().isEmpty():
            bound.setdefault(button.shortcut().toString(), []).append(button.text())
    twice = {key: names for key, names in bound.items() if len(names) > 1}
    assert twice == {}
    menu = next(m for m in window.menuBar().actions() if m.text() == "&Sesión").menu()
    entries = {a.text(): a.shortcut().toString() for a in menu.actions() if a.text()}
    for text in (
        "Iniciar sesión",
        "Finalizar",
        "Nuevo evento",
        "Desconexión",
        "Reconexión",
        "Solicitar control remoto",
        "Iniciar control remoto",
        "Control detenido por el cliente",
        "Control detenido por el asesor",
        "Instrucciones por chat",
        "Dar seguimiento sin costo",
        "Emitir recibo",
        "Registrar pago…",
        "Sesiones sin recibo…",
    ):
        assert entries.get(text), (text, entries)
    assert entries["Iniciar sesión"] != "Ctrl+N"


def test_ctrl_n_with_a_client_selected_opens_the_new_client_dialog(window, qtbot):
    add_client(window, "Ana López")
    pick(window, qtbot, "lopez")
    activate(window, qtbot)
    opened = []

    def look(dialog):
        opened.append(dialog.objectName())
        dialog.reject()

    when_modal(look)
    press(qtbot, window.clientTable, QKeySequence.StandardKey.New)
    qtbot.waitUntil(lambda: opened == ["clientDialog"])


def test_finalizar_works_from_the_search_box(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    pick(window, qtbot, "lopez")
    office_session(window, client)
    ui_clock.advance(minutes=30)
    activate(window, qtbot)
    window.clientSearch.setFocus()
    qtbot.waitUntil(window.clientSearch.hasFocus)
    when_modal(end_with(Outcome.RESOLVED))
    press(qtbot, window.clientSearch, "Ctrl+E")
    qtbot.waitUntil(lambda: not window.session.running)


def test_down_or_enter_in_the_search_box_selects_the_first_result_and_enter_starts(window, qtbot):
    add_client(window, "Ana López")
    add_client(window, "Óscar Peña")
    activate(window, qtbot)
    window.clientSearch.setFocus()
    qtbot.keyClicks(window.clientSearch, "pena")
    window.clientTable.clearSelection()
    qtbot.keyClick(window.clientSearch, Qt.Key.Key_Down)
    assert window.selected_client_id() is not None
    assert window.services.clients.client(window.selected_client_id()).name == "Óscar Peña"
    assert window.clientTable.hasFocus()

    window.clientTable.clearSelection()
    window.clientSearch.setFocus()
    qtbot.keyClick(window.clientSearch, Qt.Key.Key_Return)
    assert window.selected_client_id() is not None

    opened = []

    def look(dialog):
        opened.append(dialog.objectName())
        dialog.reject()

    when_modal(look)
    qtbot.keyClick(window.clientTable, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: opened == ["startSessionDialog"])


# -- 7. the panels follow the selection; banners; status bar ---------------------------------------
def test_the_panels_follow_the_selection_and_a_payment_shows_in_the_bill(window, qtbot, ui_clock):
    ana = add_client(window, "Ana López")
    add_client(window, "Óscar Peña")
    pick(window, qtbot, "lopez")
    view = office_session(window, ana)
    ui_clock.advance(minutes=40)
    window.set_session(window.services.sessions.end(view.id, Outcome.RESOLVED))
    billing = window.billingPanel
    billing.issueReceiptButton.click()
    assert billing.payReceiptButton.isVisibleTo(billing)

    def pay(dialog):
        dialog.amountEdit.setText("300")
        dialog.saveButton.click()

    when_modal(pay)
    billing.payReceiptButton.click()
    assert billing.receiptLabel.text() == (
        "Recibo emitido: A-000001 · Pagado $300.00 MXN · Saldo $48.00 MXN"
    )

    pick(window, qtbot, "pena")  # billed already: no prompt
    assert window.session is None
    assert billing.kindLabel.text() == "Sin sesión"
    assert not billing.payReceiptButton.isVisibleTo(billing)
    pay_action = next(a for a in window.findChildren(QAction) if a.text() == "Registrar pago…")
    assert not pay_action.isEnabled()


def test_a_running_session_stays_while_another_client_is_selected(window, qtbot):
    ana = add_client(window, "Ana López")
    add_client(window, "Óscar Peña")
    pick(window, qtbot, "lopez")
    view = office_session(window, ana)
    pick(window, qtbot, "pena")
    assert window.session is not None and window.session.id == view.id


def test_banners_stack_and_clear_with_their_subject(open_window, qtbot, ui_clock, db_file):
    first = open_window()
    client = add_client(first, "Ana López")
    view = first.services.sessions.start(first.advisor.id, client.id, "office")
    first.close()
    first._db_lock.unlock()
    ui_clock.advance(timedelta(hours=4, minutes=5))
    window = open_window()
    window.tick()
    text = window.noticeBanner.text()
    assert "Se recuperó la sesión en curso de Ana López" in text
    assert "más de 4 horas" in text

    window.session_actions.act(lambda s, i: s.sessions.end(i, Outcome.RESOLVED))
    assert not window.session.running and window.session.id == view.id
    assert "Se recuperó" not in window.noticeBanner.text()
    assert "más de 4 horas" not in window.noticeBanner.text()


def test_the_status_bar_keeps_advisor_and_database(window):
    window.statusBar().showMessage("Respaldo del día hecho", 5000)
    label = window.statusLabel
    assert label.isVisible() and label.text().startswith("Asesor: Benjamín Carrillo · SQLite:")
    window.statusBar().clearMessage()
    assert label.text().startswith("Asesor: Benjamín Carrillo")


# -- 11. a new client with devices; the checklist remembered ---------------------------------------
def test_a_new_client_with_devices_in_one_dialog_is_shown_despite_the_filter(window, qtbot):
    add_client(window, "Ana López")
    window.clientSearch.setText("lopez")

    def fill_device(dialog):
        assert dialog.objectName() == "deviceDialog"
        dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findData(DeviceKind.IPHONE))
        dialog.modelEdit.setText("iPhone 15")
        ok(dialog)

    def fill_client(dialog):
        dialog.nameEdit.setText("Óscar Peña")
        dialog.phoneEdit.setText("228 812 0353")
        when_modal(fill_device)
        dialog.addDeviceButton.click()
        assert dialog.devicesList.count() == 1
        ok(dialog)

    when_modal(fill_client)
    saved = window.dialogs.new_client()
    assert saved is not None
    devices = window.services.clients.devices(saved.id)
    assert [(d.kind, d.model) for d in devices] == [(DeviceKind.IPHONE, "iPhone 15")]
    assert window.selected_client_id() == saved.id
    assert window.clientSearch.text() == ""


def test_a_bad_device_saves_nothing(window):
    try:
        window.services.clients.create_client(
            ClientData(name="Óscar Peña", phone="228 812 0353"),
            [DeviceData(DeviceKind.MAC, model="x" * 500)],
        )
    except Exception as exc:
        assert "modelo" in str(exc)
    assert [c.name for c in window.services.clients.clients()] == []


def test_the_remote_checklist_is_prefilled_and_confirmed_each_time(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    first = window.services.sessions.start(
        window.advisor.id,
        client.id,
        "remote",
        channel="phone",
        checklist=Checklist(
            PaymentArrangement.LATER, internet=True, macos=True, remote_tool=RemoteTool.TEAMVIEWER
        ),
    )
    ui_clock.advance(minutes=20)
    window.services.sessions.end(first.id, Outcome.RESOLVED)
    pick(window, qtbot, "lopez")
    window.set_session(None)
    checked = []

    def start(dialog):
        assert dialog.paymentCombo.currentData() == PaymentArrangement.LATER
        assert dialog.internetCheck.isChecked() and dialog.macosCheck.isChecked()
        assert dialog.toolCombo.currentData() == RemoteTool.TEAMVIEWER
        assert dialog.confirmCheck.isVisibleTo(dialog)
        dialog.channelCombo.setCurrentIndex(1)  # teléfono
        dialog.buttons.accepted.emit()
        checked.append(dialog.errorLabel.text())
        dialog.confirmCheck.setChecked(True)
        dialog.buttons.accepted.emit()

    when_modal(start)
    window.session_actions.start_session()
    assert "Confirme con el cliente" in checked[0]
    assert window.session is not None and window.session.running
    assert window.session.payment_arrangement is PaymentArrangement.LATER


# -- 12. switch advisor ---------------------------------------------------------------------------
def test_switch_advisor_is_refused_while_a_session_runs_then_works(window, qtbot, ui_clock):
    client = add_client(window, "Ana López")
    pick(window, qtbot, "lopez")
    view = office_session(window, client)
    window.dialogs.switch_advisor()
    assert "Finalice la sesión en curso" in window.errorBanner.text()
    assert window.advisor.name == "Benjamín Carrillo"

    ui_clock.advance(minutes=30)
    window.set_session(window.services.sessions.end(view.id, Outcome.RESOLVED))
    window.billingPanel.issueReceiptButton.click()

    def choose(dialog):
        assert dialog.objectName() == "advisorDialog"
        assert dialog.combo.currentText() == "Benjamín Carrillo"
        dialog.nameEdit.setText("Rosa Hernández")
        ok(dialog)

    when_modal(choose)
    window.dialogs.switch_advisor()
    assert window.advisor.name == "Rosa Hernández"
    assert window.statusLabel.text().startswith("Asesor: Rosa Hernández")
    assert window.windowTitle() == "AppleUse Soporte — Rosa Hernández"
    assert str(QSettings().value("advisor/id")) == str(window.advisor.id)
    assert window.session is None


def test_menus_list_the_new_entries(window):
    texts = {a.text() for a in window.findChildren(QAction)}
    wanted = {"Cambiar de asesor…", "Sesiones sin recibo…", "Sesiones sin recibo del cliente…"}
    assert wanted <= texts
