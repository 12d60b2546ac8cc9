"""Ajustes, driven as the business owner would: a new rate applies to sessions started after
saving (earlier ones keep theirs), a bad value is explained next to its field and nothing is
saved, the business profile is stored and read back, advisors are added and retired."""

from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from app.billing import Tariff
from app.kernel.enums import Modality, Outcome
from app.services.data import BusinessProfile, ClientData
from app.ui.settings_dialog import TARIFF_NOTE, SettingsDialog
from tests.ui.helpers import when_modal


def open_settings(window, qtbot):
    dialog = SettingsDialog(window.services, window, current_advisor_id=window.advisor.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def below(field: QWidget, label: QWidget, dialog: QWidget) -> bool:
    """The message sits right under its field (same column, within a line's height)."""
    field_bottom = field.mapTo(dialog, QPoint(0, field.height()))
    top = label.mapTo(dialog, QPoint(0, 0))
    return 0 <= top.y() - field_bottom.y() < 20 and abs(top.x() - field_bottom.x()) < 10


def test_a_new_rate_applies_to_sessions_started_after_saving(window, qtbot, ui_clock):
    sv = window.services
    ana = sv.clients.create_advisor("Ana Martínez")
    lucia = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa"))
    ramon = sv.clients.create_client(ClientData("Ramón Sánchez", city="Coatepec"))
    before = sv.sessions.start(ana.id, lucia.id, Modality.OFFICE)  # Tuesday 10:00
    ui_clock.advance(minutes=5)

    dialog = open_settings(window, qtbot)
    dialog.tabs.setCurrentWidget(dialog.tariffTab)
    note = dialog.tariffTab.findChild(QWidget, "tariffNote")
    assert note.text() == TARIFF_NOTE and note.isVisible()
    assert "valores iniciales" in dialog.tariffTab.validFromLabel.text()
    assert dialog.tariffTab.onsiteBusinessLabel.text() == "$360.00 MXN"
    assert dialog.tariffTab.onsiteOutsideLabel.text() == "$540.00 MXN"
    rate = dialog.tariffTab.rateEdits["office_business_rate"]
    rate.clear()
    qtbot.keyClicks(rate, "350")
    assert dialog.tariffTab.onsiteBusinessLabel.text() == "$420.00 MXN"  # office × 1.20, live
    click(qtbot, dialog.saveButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.tariff_version is not None and dialog.profile_saved is None

    versions = sv.settings.tariff_versions()
    assert len(versions) == 1
    assert versions[0][1] == ui_clock()
    assert versions[0][2] == Tariff(office_business_rate=Decimal("350.00"))

    ui_clock.advance(minutes=1)
    after = sv.sessions.start(window.advisor.id, ramon.id, Modality.OFFICE)  # 10:06
    window.set_session(after)
    ui_clock.advance(minutes=50)
    old_bill = sv.sessions.live_bill(before.id)
    assert [line.amount for line in old_bill.lines] == [Decimal("300.00")]
    assert old_bill.total == Decimal("348.00")
    new_bill = sv.sessions.live_bill(after.id)
    assert [line.amount for line in new_bill.lines] == [Decimal("350.00")]
    window.refresh_bill()
    assert window.billingPanel.billTotalLabel.text() == "$406.00 MXN"

    again = open_settings(window, qtbot)
    assert again.tariffTab.rateEdits["office_business_rate"].text() == "350.00"
    assert (
        again.tariffTab.validFromLabel.text() == "Tarifa vigente desde el martes 24/11/2026 10:05."
    )


def test_saving_without_changes_stores_nothing(window, qtbot):
    sv = window.services
    dialog = open_settings(window, qtbot)
    assert dialog.try_save()
    assert dialog.tariff_version is None and dialog.profile_saved is None
    assert sv.settings.tariff_versions() == []
    # a value typed differently but equal ("16.0" % is 16 %) is no change either
    dialog = open_settings(window, qtbot)
    dialog.tariffTab.percentEdits["iva_rate"].setText("16.0")
    dialog.tariffTab.rateEdits["remote_business_rate"].setText("$200")
    assert dialog.try_save()
    assert sv.settings.tariff_versions() == []


def test_every_tariff_value_is_editable(window, qtbot):
    sv = window.services
    d = open_settings(window, qtbot)
    d.tabs.setCurrentWidget(d.tariffTab)
    for key, text in {
        "remote_business_rate": "250",
        "remote_outside_rate": "1,350.50",
        "office_business_rate": "320.00",
        "office_outside_rate": "$480",
    }.items():
        d.tariffTab.rateEdits[key].setText(text)
    d.tariffTab.percentEdits["onsite_surcharge"].setText("25")
    d.tariffTab.citiesEdit.setText("Xalapa,  Coatepec, Banderilla, xalapa")
    d.tariffTab.window1Start.setTime(QTime(8, 30))
    d.tariffTab.window1End.setTime(QTime(13, 30))
    d.tariffTab.window2Start.setTime(QTime(15, 0))
    d.tariffTab.window2End.setTime(QTime(18, 0))
    d.tariffTab.weekdayChecks[5].setChecked(True)  # sábado
    d.tariffTab.weekdayChecks[0].setChecked(False)  # lunes
    d.tariffTab.holidaysCheck.setChecked(False)
    d.tariffTab.intSpins["minimum_hours"].setValue(2)
    d.tariffTab.intSpins["fraction_threshold_minutes"].setValue(15)
    d.tariffTab.percentEdits["max_policy_discount"].setText("12.5")
    d.tariffTab.intSpins["hours_per_event"].setValue(2)
    d.tariffTab.deviceFeeEdit.setText("99.90")
    d.tariffTab.percentEdits["iva_rate"].setText("8 %")
    d.tariffTab.intSpins["pending_days"].setValue(10)
    d.tariffTab.intSpins["instructions_cap_minutes"].setValue(20)
    assert d.tariffTab.onsiteBusinessLabel.text() == "$400.00 MXN"
    click(qtbot, d.saveButton)
    assert d.result() == QDialog.DialogCode.Accepted
    assert sv.settings.tariff() == Tariff(
        remote_business_rate=Decimal("250.00"),
        remote_outside_rate=Decimal("1350.50"),
        office_business_rate=Decimal("320.00"),
        office_outside_rate=Decimal("480.00"),
        onsite_surcharge=Decimal("0.25"),
        onsite_cities=("Xalapa", "Coatepec", "Banderilla"),
        business_weekdays=(1, 2, 3, 4, 5),
        business_windows=((time(8, 30), time(13, 30)), (time(15, 0), time(18, 0))),
        holidays_enabled=False,
        minimum_hours=2,
        fraction_threshold_minutes=15,
        max_policy_discount=Decimal("0.125"),
        hours_per_event=2,
        device_fee=Decimal("99.90"),
        iva_rate=Decimal("0.08"),
        pending_days=10,
        instructions_cap_minutes=20,
    )
    stored = sv.settings.tariff_versions()[-1][2].to_dict()
    assert stored["iva_rate"] == "0.08" and stored["max_policy_discount"] == "0.1250"

    # one window only (horario corrido)
    d = open_settings(window, qtbot)
    assert d.tariffTab.percentEdits["max_policy_discount"].text() == "12.5"
    assert d.tariffTab.citiesEdit.text() == "Xalapa, Coatepec, Banderilla"
    d.tariffTab.secondWindowCheck.setChecked(False)
    d.tariffTab.window1End.setTime(QTime(17, 0))
    assert d.try_save()
    assert sv.settings.tariff().business_windows == ((time(8, 30), time(17, 0)),)
    assert not open_settings(window, qtbot).tariffTab.window2Start.isEnabled()


def _set_rate(text):
    return lambda d: d.tariffTab.rateEdits["remote_business_rate"].setText(text)


def _set_percent(key, text):
    return lambda d: d.tariffTab.percentEdits[key].setText(text)


def _set_time(name, hh, mm):
    return lambda d: getattr(d.tariffTab, name).setTime(QTime(hh, mm))


def _no_weekdays(d):
    for check in d.tariffTab.weekdayChecks:
        check.setChecked(False)


BAD_VALUES = [
    (
        "negative rate",
        _set_rate("-200"),
        "remoteBusinessRateEdit",
        "remoteBusinessRateError",
        "El importe no puede ser negativo (-200).",
    ),
    (
        "rate not a number",
        _set_rate("doscientos"),
        "remoteBusinessRateEdit",
        "remoteBusinessRateError",
        "El importe «doscientos» no es una cantidad válida.",
    ),
    (
        "rate with three decimals",
        _set_rate("200.005"),
        "remoteBusinessRateEdit",
        "remoteBusinessRateError",
        "El importe «200.005» tiene más de dos decimales.",
    ),
    (
        "empty rate",
        _set_rate(""),
        "remoteBusinessRateEdit",
        "remoteBusinessRateError",
        "Escriba un importe.",
    ),
    (
        "IVA 150 %",
        _set_percent("iva_rate", "150"),
        "ivaRateEdit",
        "ivaRateError",
        "Debe ser de 0 % a menos de 100 %.",
    ),
    (
        "IVA 100 %",
        _set_percent("iva_rate", "100"),
        "ivaRateEdit",
        "ivaRateError",
        "Debe ser de 0 % a menos de 100 %.",
    ),
    (
        "discount 40 %",
        _set_percent("max_policy_discount", "40"),
        "maxPolicyDiscountEdit",
        "maxPolicyDiscountError",
        "Debe estar entre 0 % y 25 %.",
    ),
    (
        "negative surcharge",
        _set_percent("onsite_surcharge", "-5"),
        "onsiteSurchargeEdit",
        "onsiteSurchargeError",
        "Debe estar entre 0 % y 100 %.",
    ),
    (
        "percent not a number",
        _set_percent("onsite_surcharge", "veinte"),
        "onsiteSurchargeEdit",
        "onsiteSurchargeError",
        "«veinte» no es un porcentaje válido.",
    ),
    (
        "window ends before it starts",
        _set_time("window1End", 8, 0),
        "window1Start",
        "window1Error",
        "La franja debe terminar después de empezar.",
    ),
    (
        "empty window",
        _set_time("window2End", 16, 0),
        "window2Start",
        "window2Error",
        "La franja debe terminar después de empezar.",
    ),
    (
        "windows overlap",
        _set_time("window2Start", 13, 0),
        "window2Start",
        "window2Error",
        "Debe empezar al terminar la primera o después.",
    ),
    (
        "no business day",
        _no_weekdays,
        "weekday0Check",
        "weekdaysError",
        "Elija al menos un día laborable.",
    ),
    (
        "bad device fee",
        lambda d: d.tariffTab.deviceFeeEdit.setText("-1"),
        "deviceFeeEdit",
        "deviceFeeError",
        "El importe no puede ser negativo (-1).",
    ),
    (
        "empty series",
        lambda d: d.businessTab.seriesEdit.setText(""),
        "seriesEdit",
        "seriesError",
        "La serie de recibos debe tener de 1 a 3 letras mayúsculas (A–Z).",
    ),
    (
        "series with a digit",
        lambda d: d.businessTab.seriesEdit.setText("A1"),
        "seriesEdit",
        "seriesError",
        "La serie de recibos debe tener de 1 a 3 letras mayúsculas (A–Z).",
    ),
    (
        "empty business name",
        lambda d: d.businessTab.businessNameEdit.setText("   "),
        "businessNameEdit",
        "businessNameError",
        "El nombre es obligatorio.",
    ),
    (
        "bad email",
        lambda d: d.businessTab.businessEmailEdit.setText("soporte.appleuse.mx"),
        "businessEmailEdit",
        "businessEmailError",
        "El correo no es válido.",
    ),
    (
        "phone without digits",
        lambda d: d.businessTab.phonesEdit.setPlainText("228 833 4045\nsin número"),
        "phonesEdit",
        "phonesError",
        "El teléfono «sin número» no es válido.",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "error", "message"),
    [case[1:] for case in BAD_VALUES],
    ids=[case[0] for case in BAD_VALUES],
)
def test_a_bad_value_is_explained_next_to_its_field_and_nothing_is_saved(
    window, qtbot, change, field, error, message
):
    sv = window.services
    profile = sv.settings.profile()
    dialog = open_settings(window, qtbot)
    dialog.tariffTab.rateEdits["office_business_rate"].setText(
        "999"
    )  # a good change, not saved either
    change(dialog)
    click(qtbot, dialog.saveButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    field_widget = dialog.findChild(QWidget, field)
    label = dialog.findChild(QWidget, error)
    assert label.text() == message and label.isVisible()
    tab = dialog.businessTab if dialog.businessTab.isAncestorOf(label) else dialog.tariffTab
    assert dialog.tabs.currentWidget() is tab and tab.isAncestorOf(field_widget)
    assert dialog.tabs.tabBar().tabTextColor(dialog.tabs.indexOf(tab)) == QColor("#b00020")
    assert below(field_widget, label, dialog)
    assert "no se guardó nada" in dialog.formError.text()
    assert sv.settings.tariff_versions() == []
    assert sv.settings.profile() == profile


def test_after_correcting_the_value_it_saves(window, qtbot):
    sv = window.services
    dialog = open_settings(window, qtbot)
    dialog.tariffTab.percentEdits["iva_rate"].setText("150")
    assert not dialog.try_save()
    assert dialog.tariffTab.percentErrors["iva_rate"].isVisible()
    dialog.tariffTab.percentEdits["iva_rate"].setText("16")
    dialog.tariffTab.percentEdits["max_policy_discount"].setText("20")
    assert dialog.try_save()
    assert (
        not dialog.tariffTab.percentErrors["iva_rate"].isVisible()
        and not dialog.formError.isVisible()
    )
    assert sv.settings.tariff() == Tariff(max_policy_discount=Decimal("0.20"))


def _logo(tmp_path: Path) -> Path:
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#0b5cad"))
    path = tmp_path / "logo.png"
    assert image.save(str(path))
    return path


def test_profile_saved_and_read_back(window, qtbot, tmp_path, ui_clock):
    sv = window.services
    logo = _logo(tmp_path)
    d = open_settings(window, qtbot)
    assert d.tabs.currentWidget() is d.businessTab
    d.businessTab.businessNameEdit.setText("  AppleUse   Xalapa ")
    d.businessTab.phonesEdit.setPlainText("(228) 833 4045, 228 812 0353\n\n 228 100 2000 ")
    d.businessTab.addressEdit.setText("Av. Ávila Camacho 123, Xalapa, Veracruz")
    d.businessTab.businessEmailEdit.setText("soporte@appleuse.mx")
    d.businessTab.websiteEdit.setText("www.appleuse.mx")
    d.businessTab.set_logo(str(logo))
    assert (
        not d.businessTab.logoPreview.pixmap().isNull()
        and d.businessTab.clearLogoButton.isEnabled()
    )
    d.businessTab.seriesEdit.clear()
    qtbot.keyClicks(d.businessTab.seriesEdit, "bxz")
    assert d.businessTab.seriesEdit.text() == "BXZ"  # capitals as it is typed
    click(qtbot, d.saveButton)
    assert d.result() == QDialog.DialogCode.Accepted
    expected = BusinessProfile(
        name="AppleUse Xalapa",
        phones=("(228) 833 4045", "228 812 0353", "228 100 2000"),
        address="Av. Ávila Camacho 123, Xalapa, Veracruz",
        receipt_series="BXZ",
        email="soporte@appleuse.mx",
        website="www.appleuse.mx",
        logo_path=str(logo),
    )
    assert d.profile_saved == expected and sv.settings.profile() == expected
    assert sv.settings.tariff_versions() == []  # the tariff did not change
    # receipts print it: the logo reaches the document header, the series the folio
    header = sv.settings.profile().document_header()
    assert header.logo_path == logo and header.phones == expected.phones
    advisor = window.advisor.id
    client = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa"))
    session = sv.sessions.start(advisor, client.id, Modality.OFFICE)
    ui_clock.advance(minutes=40)
    sv.sessions.end(session.id, Outcome.RESOLVED)
    assert sv.receipts.issue_for_session(session.id, advisor_id=advisor).folio == "BXZ-000001"

    again = open_settings(window, qtbot)
    assert again.businessTab.businessNameEdit.text() == "AppleUse Xalapa"
    assert (
        again.businessTab.phonesEdit.toPlainText() == "(228) 833 4045\n228 812 0353\n228 100 2000"
    )
    assert again.businessTab.seriesEdit.text() == "BXZ"
    assert again.businessTab.logoPathLabel.toolTip() == str(logo)
    click(qtbot, again.businessTab.clearLogoButton)
    assert (
        again.businessTab.logoPreview.text() == "Sin logo"
        and not again.businessTab.clearLogoButton.isEnabled()
    )
    assert again.try_save()
    assert sv.settings.profile().logo_path == ""
    assert sv.settings.profile().document_header().logo_path is None


def test_a_logo_that_is_not_an_image_is_refused(window, qtbot, tmp_path):
    sv = window.services
    fake = tmp_path / "logo.png"
    fake.write_text("no soy una imagen")
    d = open_settings(window, qtbot)
    d.businessTab.set_logo(str(fake))
    assert d.businessTab.logoPreview.text() == "?"
    assert not d.try_save()
    assert d.businessTab.logoError.text() == "El logotipo debe ser una imagen PNG o JPG."
    d.businessTab.set_logo(str(tmp_path / "no-existe.png"))
    assert not d.try_save()
    assert d.businessTab.logoError.text() == "No se encuentra la imagen del logotipo."
    assert sv.settings.profile() == BusinessProfile()


def test_an_advisor_is_added_retired_and_reactivated(window, qtbot, ui_clock):
    sv = window.services
    d = open_settings(window, qtbot)
    d.tabs.setCurrentWidget(d.advisorsTab)
    table = d.advisorsTab.advisorTable

    def rows():
        return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]

    assert rows() == [("Benjamín Carrillo (usted)", "Activo")]
    d.advisorsTab.select_advisor(window.advisor.id)
    assert not d.advisorsTab.retireAdvisorButton.isEnabled()  # not yourself
    assert not d.advisorsTab.reactivateAdvisorButton.isEnabled()

    def empty_then_named(dialog):
        assert dialog.objectName() == "newAdvisorDialog"
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
        assert dialog.errorLabel.text() == "Escriba el nombre del asesor."
        qtbot.keyClicks(dialog.nameEdit, "  Carmen   Ruiz ")
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))

    when_modal(empty_then_named)
    click(qtbot, d.advisorsTab.addAdvisorButton)
    assert rows() == [("Benjamín Carrillo (usted)", "Activo"), ("Carmen Ruiz", "Activo")]
    carmen = d.advisorsTab.selected_advisor()
    assert carmen is not None and carmen.name == "Carmen Ruiz"
    assert (
        d.advisorsTab.retireAdvisorButton.isEnabled()
        and not d.advisorsTab.reactivateAdvisorButton.isEnabled()
    )

    # while Carmen has a session running she cannot be retired
    client = sv.clients.create_client(ClientData("Lucía Pérez", city="Xalapa"))
    session = sv.sessions.start(carmen.id, client.id, Modality.OFFICE)
    click(qtbot, d.advisorsTab.retireAdvisorButton)
    assert d.advisorsTab.advisorError.isVisible()
    assert d.advisorsTab.advisorError.text().startswith(
        "Carmen Ruiz tiene una sesión en curso (caso C-"
    )
    assert rows()[1] == ("Carmen Ruiz", "Activo")
    ui_clock.advance(minutes=30)
    sv.sessions.end(session.id, Outcome.RESOLVED)

    click(qtbot, d.advisorsTab.retireAdvisorButton)
    assert not d.advisorsTab.advisorError.isVisible()
    assert rows()[1] == ("Carmen Ruiz", "Dado de baja")
    assert [a.name for a in sv.clients.advisors()] == ["Benjamín Carrillo"]
    assert (
        not d.advisorsTab.retireAdvisorButton.isEnabled()
        and d.advisorsTab.reactivateAdvisorButton.isEnabled()
    )
    click(qtbot, d.advisorsTab.reactivateAdvisorButton)
    assert rows()[1] == ("Carmen Ruiz", "Activo")
    assert [a.name for a in sv.clients.advisors()] == ["Benjamín Carrillo", "Carmen Ruiz"]
    assert d.advisors_changed


def test_cancelling_the_new_advisor_adds_nobody(window, qtbot):
    d = open_settings(window, qtbot)
    when_modal(
        lambda dialog: click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    )
    assert d.advisorsTab.add_advisor() is None
    assert not d.advisors_changed and d.advisorsTab.advisorTable.rowCount() == 1


def test_run_modally_from_the_window(window, qtbot, ui_clock):
    """As the window's "Ajustes…" action runs it: exec(), then the window reads the tariff."""
    sv = window.services

    def change_and_save(dialog):
        assert dialog.objectName() == "settingsDialog"
        dialog.tariffTab.rateEdits["remote_business_rate"].setText("220")
        click(qtbot, dialog.saveButton)

    when_modal(change_and_save)
    dialog = SettingsDialog(sv, window, current_advisor_id=window.advisor.id)
    qtbot.addWidget(dialog)
    assert dialog.exec() == QDialog.DialogCode.Accepted
    assert sv.settings.tariff().remote_business_rate == Decimal("220.00")
    when_modal(lambda d: click(qtbot, d.closeButton))
    closing = SettingsDialog(sv, window)
    qtbot.addWidget(closing)
    assert closing.exec() == QDialog.DialogCode.Rejected
    assert len(sv.settings.tariff_versions()) == 1
    assert sv.settings.tariff(ui_clock() - timedelta(seconds=1)) == Tariff()


def test_closing_with_unsaved_changes_asks_first(window, qtbot):
    sv = window.services
    d = open_settings(window, qtbot)
    click(qtbot, d.closeButton)  # nothing changed: closes at once
    assert d.result() == QDialog.DialogCode.Rejected and not d.isVisible()

    d = open_settings(window, qtbot)
    d.tariffTab.rateEdits["remote_business_rate"].setText("250")
    asked = []

    def answer(name):
        def handler(box):
            asked.append(box.text())
            click(qtbot, box.findChild(QWidget, name))

        return handler

    when_modal(answer("keepEditingButton"))
    click(qtbot, d.closeButton)
    assert asked == ["Hay cambios sin guardar en Negocio o Tarifas."]
    assert d.isVisible() and d.tariffTab.rateEdits["remote_business_rate"].text() == "250"
    when_modal(answer("keepEditingButton"))
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert len(asked) == 2 and d.isVisible()
    when_modal(answer("discardButton"))
    click(qtbot, d.closeButton)
    assert not d.isVisible() and d.result() == QDialog.DialogCode.Rejected
    assert sv.settings.tariff_versions() == []


def test_a_third_business_window_stored_elsewhere_is_kept(window, qtbot, ui_clock):
    sv = window.services
    three = ((time(9, 0), time(12, 0)), (time(13, 0), time(15, 0)), (time(17, 0), time(20, 0)))
    sv.settings.save_tariff(Tariff(business_windows=three))
    ui_clock.advance(minutes=1)
    d = open_settings(window, qtbot)
    assert d.try_save() and len(sv.settings.tariff_versions()) == 1
    d = open_settings(window, qtbot)
    d.tariffTab.rateEdits["remote_outside_rate"].setText("320")
    assert d.try_save()
    assert sv.settings.tariff() == Tariff(
        business_windows=three, remote_outside_rate=Decimal("320.00")
    )
