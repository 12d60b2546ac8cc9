"""The policy dialogs driven as an advisor would, on the real window's services and fake clock:
creating a policy with its fee shown live (RULES §6), a discount above 25 % refused next to its
field, a change as a new version from its date, ending a policy, and the quarterly review with
its figures, the accepted suggestion and the "Reporte de estado de póliza"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.billing.session_rules import Checklist
from app.kernel.enums import (
    Channel,
    DeviceKind,
    Modality,
    Outcome,
    PaymentArrangement,
    PolicyBenefit,
)
from app.services.data import ClientData, DeviceData, PolicyData
from app.ui.policy_dialog import PolicyDialog, parse_percent
from app.ui.policy_review_dialog import PolicyReviewDialog
from app.ui.reviews_due_dialog import ReviewsDueDialog
from tests.ui.helpers import when_modal

MX = ZoneInfo("America/Mexico_City")
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MX)


def click(qtbot: Any, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: Any, edit: Any, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def set_spin(qtbot: Any, spin: Any, value: int) -> None:
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))
    assert spin.value() == value


def below(field: QWidget, label: QWidget, dialog: QWidget) -> bool:
    """The message sits right under its field (same column, within a line's height)."""
    field_bottom = field.mapTo(dialog, QPoint(0, field.height()))
    top = label.mapTo(dialog, QPoint(0, 0))
    return 0 <= top.y() - field_bottom.y() < 20 and abs(top.x() - field_bottom.x()) < 10


def cells(table: Any) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


@pytest.fixture
def lucia(window: Any) -> Any:
    sv = window.services
    client = sv.clients.create_client(ClientData("Lucía Pérez Domínguez", city="Xalapa"))
    sv.clients.add_device(client.id, DeviceData(DeviceKind.MAC, "MacBook Air M2", "C02XK1"))
    sv.clients.add_device(client.id, DeviceData(DeviceKind.IPHONE, "iPhone 15", "F2LX9"))
    return client


def open_policy(window: Any, qtbot: Any, client_id: int) -> PolicyDialog:
    dialog = PolicyDialog(window.services, client_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


# -- the policy form -----------------------------------------------------------------------------
def test_create_a_policy_with_the_fee_shown_while_editing(window, qtbot, lucia):
    dialog = open_policy(window, qtbot, lucia.id)
    assert dialog.windowTitle() == "Nueva póliza — Lucía Pérez Domínguez"
    assert dialog.findChild(QWidget, "policyFeeLabel").text() == "$0.00 MXN"
    set_spin(qtbot, dialog.findChild(QWidget, "policyRemoteSpin"), 2)
    assert dialog.feeLabel.text() == "$400.00 MXN"  # 2 × 200, live
    set_spin(qtbot, dialog.findChild(QWidget, "policyInPersonSpin"), 1)
    assert dialog.feeLabel.text() == "$700.00 MXN"
    type_into(qtbot, dialog.findChild(QWidget, "policyDiscountEdit"), "20")
    # RULES §6: (2 × 200 + 1 × 300) × 1 × (1 − 0.20) = 560.00
    assert dialog.feeLabel.text() == "$560.00 MXN"
    assert dialog.feeDetail.text() == (
        "(2 × $200.00 + 1 × $300.00) × 1 h − 20 %\nmás IVA, cada mes"
    )
    click(qtbot, dialog.findChild(QWidget, "policy24x7Check"))
    assert dialog.allHoursCheck.text() == "Cobertura 7x24/365" and dialog.allHoursCheck.isChecked()
    mac = dialog.devicesList.item(0)
    assert mac.text() == "Mac · MacBook Air M2 · serie C02XK1"
    mac.setCheckState(Qt.CheckState.Checked)
    dialog.benefitChecks[PolicyBenefit.UPDATE_REVIEWS].setChecked(False)
    dialog.noteEdit.setText("Acordado por teléfono")
    assert not dialog.endButton.isVisible() and not dialog.historyBox.isVisible()

    click(qtbot, dialog.findChild(QWidget, "policySaveButton"))
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved
    assert saved is not None and dialog.ended is None
    assert saved.client_id == lucia.id and saved.start_date == date(2026, 11, 24)
    v = saved.current
    assert v is not None and v.version == 1
    assert (v.expected_remote, v.expected_in_person, v.discount, v.is_24x7) == (
        2, 1, D("0.2000"), True,
    )  # fmt: skip
    assert v.monthly_fee == D("560.00") and v.note == "Acordado por teléfono"
    assert v.device_ids == (window.services.clients.devices(lucia.id)[0].id,)
    assert PolicyBenefit.UPDATE_REVIEWS not in v.benefits
    assert PolicyBenefit.STATUS_REPORTS in v.benefits
    assert window.services.policies.policy_of(lucia.id) == saved


def test_a_discount_above_25_percent_is_refused_next_to_the_field(window, qtbot, lucia):
    dialog = open_policy(window, qtbot, lucia.id)
    set_spin(qtbot, dialog.remoteSpin, 2)
    set_spin(qtbot, dialog.inPersonSpin, 1)
    type_into(qtbot, dialog.discountEdit, "30")
    error = dialog.findChild(QWidget, "policyDiscountError")
    assert error.isVisible() and error.text() == "El descuento de póliza debe estar entre 0 y 25 %."
    assert below(dialog.discountEdit, error, dialog)
    assert dialog.feeLabel.text() == "—"
    click(qtbot, dialog.saveButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.saved is None and error.isVisible()
    assert window.services.policies.policies() == []
    # 25 % is the most the page promises, and is accepted
    type_into(qtbot, dialog.discountEdit, "25")
    assert not error.isVisible() and dialog.feeLabel.text() == "$525.00 MXN"
    type_into(qtbot, dialog.discountEdit, "abc")
    assert error.text() == "Escriba el descuento como un número de 0 a 25 %."
    type_into(qtbot, dialog.discountEdit, "12.345")
    assert error.text() == "El descuento admite a lo más dos decimales."


def test_parse_percent_accepts_the_ways_people_write_it():
    from app.billing import Tariff

    top = Tariff()  # its maximum: 25 %
    assert parse_percent("20", top) == D("0.2")
    assert parse_percent(" 12,5 % ", top) == D("0.125")
    assert parse_percent("", top) == D("0")
    assert parse_percent("25", top) == D("0.25")
    with pytest.raises(ValueError, match="entre 0 y 25 %"):
        parse_percent("25.01", top)
    with pytest.raises(ValueError, match="entre 0 y 25 %"):
        parse_percent("-1", top)


def test_a_change_is_version_2_from_its_date_and_version_1_stays(window, qtbot, ui_clock, lucia):
    sv = window.services
    terms = PolicyData(2, 1, D("0.20"), True, benefits=(PolicyBenefit.STATUS_REPORTS,))
    created = sv.policies.create(lucia.id, terms)
    ui_clock.advance(days=1)  # Wed 25/11/2026

    dialog = open_policy(window, qtbot, lucia.id)
    assert dialog.windowTitle() == f"Póliza {created.label} — Lucía Pérez Domínguez"
    # the form starts from the version in force
    assert (dialog.remoteSpin.value(), dialog.inPersonSpin.value()) == (2, 1)
    assert dialog.discountEdit.text() == "20" and dialog.allHoursCheck.isChecked()
    assert dialog.feeLabel.text() == "$560.00 MXN"
    assert dialog.validFromEdit.date() == QDate(2026, 11, 25)  # today by default
    assert cells(dialog.historyTable) == [
        ["1 (vigente)", "24/11/2026", "2", "1", "20 %", "sí", "todos", "$560.00 MXN", "—"],
    ]
    set_spin(qtbot, dialog.remoteSpin, 3)
    assert dialog.feeLabel.text() == "$720.00 MXN"  # (3 × 200 + 300) × 0.8
    dialog.validFromEdit.setDate(QDate(2026, 12, 1))
    click(qtbot, dialog.saveButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.saved
    assert saved is not None and saved.id == created.id
    assert [(v.version, v.valid_from, v.expected_remote) for v in saved.versions] == [
        (1, date(2026, 11, 24), 2),
        (2, date(2026, 12, 1), 3),
    ]
    assert saved.current is not None and saved.current.version == 1  # until December

    again = open_policy(window, qtbot, lucia.id)
    assert (again.remoteSpin.value(), again.feeLabel.text()) == (3, "$720.00 MXN")
    assert again.validFromEdit.date() == QDate(2026, 12, 2)  # after the latest version
    assert "rige desde el 01/12/2026" in again.validFromHint.text()
    assert cells(again.historyTable) == [
        ["1 (vigente)", "24/11/2026", "2", "1", "20 %", "sí", "todos", "$560.00 MXN", "—"],
        ["2", "01/12/2026", "3", "1", "20 %", "sí", "todos", "$720.00 MXN", "—"],
    ]


def test_a_change_on_the_day_it_was_created_starts_tomorrow(window, qtbot, lucia):
    sv = window.services
    sv.policies.create(lucia.id, PolicyData(1, 0))
    dialog = open_policy(window, qtbot, lucia.id)
    assert dialog.validFromEdit.date() == QDate(2026, 11, 25)
    assert dialog.validFromEdit.minimumDate() == QDate(2026, 11, 25)
    set_spin(qtbot, dialog.inPersonSpin, 1)
    click(qtbot, dialog.saveButton)
    assert dialog.saved is not None and len(dialog.saved.versions) == 2


def test_ending_a_policy_asks_first(window, qtbot, lucia):
    sv = window.services
    created = sv.policies.create(lucia.id, PolicyData(2, 1, D("0.10")))
    dialog = open_policy(window, qtbot, lucia.id)
    end = dialog.findChild(QWidget, "policyEndButton")
    assert end.isVisible() and end.text() == "Terminar póliza…"

    def cancel(box: Any) -> None:
        assert isinstance(box, QMessageBox) and "24/11/2026" in box.text()
        next(b for b in box.buttons() if b.text() == "Cancelar").click()

    when_modal(cancel)
    click(qtbot, end)
    assert dialog.ended is None and sv.policies.policy(created.id).ended_on is None

    when_modal(lambda box: next(b for b in box.buttons() if b.text() == "Terminar póliza").click())
    click(qtbot, end)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved is None
    assert dialog.ended is not None and dialog.ended.ended_on == date(2026, 11, 24)
    assert sv.policies.policy_of(lucia.id) is None
    # a new policy can be created afterwards
    fresh = open_policy(window, qtbot, lucia.id)
    assert fresh.windowTitle().startswith("Nueva póliza")


# -- the quarterly review ------------------------------------------------------------------------
R, OF = Modality.REMOTE, Modality.OFFICE
#: (local start, minutes, modality): Sep 3 remote (one beyond) + 1 office; Oct 2 + 1;
#: Nov 1 remote + 2 office (one beyond). Policy: 2 remote + 1 in person, 20 %, 24×7.
QUARTER = [
    ("2026-09-01 10:00", 91, R), ("2026-09-02 10:00", 30, R), ("2026-09-03 10:00", 30, R),
    ("2026-09-08 10:00", 30, OF),
    ("2026-10-06 10:00", 30, R), ("2026-10-07 10:00", 30, R), ("2026-10-08 10:00", 30, OF),
    ("2026-11-03 10:00", 30, R), ("2026-11-04 10:00", 30, OF), ("2026-11-05 10:00", 30, OF),
]  # fmt: skip


@pytest.fixture
def quarter(window: Any, ui_clock: Any, lucia: Any) -> int:
    """A policy from Sep 1 with a quarter of sessions; the clock on its review day, Dec 1."""
    sv = window.services
    ui_clock.set(at("2026-09-01 09:00"))
    terms = PolicyData(2, 1, D("0.20"), True, benefits=(PolicyBenefit.STATUS_REPORTS,))
    policy = sv.policies.create(lucia.id, terms)
    for start, minutes, modality in QUARTER:
        ui_clock.set(at(start))
        if modality is R:
            checklist = Checklist(PaymentArrangement.PREPAID, internet=True)
            sid = sv.sessions.start(
                window.advisor.id, lucia.id, R, channel=Channel.PHONE, checklist=checklist
            ).id
        else:
            sid = sv.sessions.start(window.advisor.id, lucia.id, modality).id
        ui_clock.advance(minutes=minutes)
        sv.sessions.end(sid, Outcome.RESOLVED)
    ui_clock.set(at("2026-12-01 09:00"))
    return int(policy.id)


def open_review(window: Any, qtbot: Any, policy_id: int) -> PolicyReviewDialog:
    dialog = PolicyReviewDialog(window.services, policy_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_review_shows_the_quarter_and_accepting_makes_the_next_version(window, qtbot, quarter):
    sv = window.services
    dialog = open_review(window, qtbot, quarter)
    assert "revisión del martes 1 de diciembre de 2026" in dialog.titleLabel.text()
    assert dialog.termsLabel.text().startswith(
        "Versión 1 vigente: 2 a distancia y 1 presencial por mes, descuento 20 %"
    )
    # month, remote expected/actual, in person expected/actual, worked, billable, covered,
    # covered value, charged before IVA
    assert cells(dialog.table) == [
        ["septiembre 2026", "2", "3", "1", "1", "3 h 1 min", "5 h", "3 h", "$700.00 MXN",
         "$320.00 MXN"],
        ["octubre 2026", "2", "2", "1", "1", "1 h 30 min", "3 h", "3 h", "$700.00 MXN",
         "$0.00 MXN"],
        ["noviembre 2026", "2", "1", "1", "2", "1 h 30 min", "3 h", "2 h", "$500.00 MXN",
         "$240.00 MXN"],
        ["Trimestre", "6", "6", "3", "4", "6 h 1 min", "11 h", "8 h", "$1,900.00 MXN",
         "$560.00 MXN"],
    ]  # fmt: skip
    assert dialog.table.item(3, 0).font().bold()
    # suggestion: ceil(6 / 3) = 2 remote, ceil(4 / 3) = 2 in person; (2×200 + 2×300) × 0.8
    assert (dialog.remoteSpin.value(), dialog.inPersonSpin.value()) == (2, 2)
    assert dialog.feeLabel.text() == "$800.00 MXN"
    assert dialog.currentFeeLabel.text() == "Cuota actual: $560.00 MXN más IVA"
    set_spin(qtbot, dialog.remoteSpin, 3)
    assert dialog.feeLabel.text() == "$960.00 MXN"
    set_spin(qtbot, dialog.remoteSpin, 2)
    assert dialog.feeLabel.text() == "$800.00 MXN"

    click(qtbot, dialog.acceptButton)
    view = dialog.accepted_view
    assert view is not None
    v2 = view.versions[-1]
    assert (v2.version, v2.valid_from, v2.review_date) == (
        2, date(2026, 12, 1), date(2026, 12, 1),
    )  # fmt: skip
    assert (v2.expected_remote, v2.expected_in_person, v2.discount, v2.is_24x7) == (
        2, 2, D("0.2000"), True,
    )  # fmt: skip
    assert v2.monthly_fee == D("800.00")
    assert view.versions[0].expected_in_person == 1  # version 1 stays for past bills
    # the dialog stays open, marked as answered
    assert dialog.isVisible() and not dialog.acceptButton.isEnabled()
    assert dialog.doneLabel.isVisible()
    assert dialog.doneLabel.text() == (
        "Revisión atendida: versión 2 de la póliza, vigente desde el 01/12/2026, "
        "con 2 a distancia y 2 presenciales por mes."
    )
    assert sv.policies.due_for_review() == []


def test_the_review_can_take_other_numbers_than_the_suggestion(window, qtbot, quarter):
    dialog = open_review(window, qtbot, quarter)
    set_spin(qtbot, dialog.remoteSpin, 3)
    set_spin(qtbot, dialog.inPersonSpin, 1)
    click(qtbot, dialog.acceptButton)
    assert dialog.accepted_view is not None
    v2 = dialog.accepted_view.versions[-1]
    assert (v2.expected_remote, v2.expected_in_person, v2.monthly_fee) == (3, 1, D("720.00"))


def test_the_review_report_previews_and_saves_as_pdf(window, qtbot, quarter, tmp_path: Path):
    dialog = open_review(window, qtbot, quarter)
    seen: list[str] = []

    def close(d: Any) -> None:
        seen.append(d.windowTitle())
        d.reject()

    when_modal(close)
    with qtbot.waitSignal(dialog.pdfActions.finished):  # the PDF is made off the GUI thread
        click(qtbot, dialog.previewButton)
    assert seen == [f"Vista previa — Reporte de póliza P-{quarter:06d} 2026-12-01"]

    target = tmp_path / "reporte.pdf"

    def save(d: Any) -> None:
        assert isinstance(d, QFileDialog)
        d.selectFile(str(target))
        d.accept()

    when_modal(save)
    with qtbot.waitSignal(dialog.pdfActions.saved):
        click(qtbot, dialog.saveButton)
    assert dialog.saved_path == target and target.read_bytes().startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    for expected in ("Reporte de estado de póliza", "Lucía Pérez Domínguez", "septiembre 2026"):
        assert expected in text


def test_a_review_not_yet_due_explains_when_it_is(window, qtbot, lucia):
    sv = window.services
    policy = sv.policies.create(lucia.id, PolicyData(2, 1))
    dialog = open_review(window, qtbot, policy.id)
    assert dialog.review is None
    assert dialog.errorLabel.isVisible()
    assert dialog.errorLabel.text() == (
        "La primera revisión trimestral de la póliza es el 24/02/2027."
    )
    assert not dialog.acceptButton.isEnabled() and not dialog.saveButton.isEnabled()
    assert not dialog.table.isVisible()


def test_reviews_due_lists_policies_and_opens_their_review(window, qtbot, quarter):
    dialog = ReviewsDueDialog(window.services, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert cells(dialog.table) == [["Lucía Pérez Domínguez", f"P-{quarter:06d}", "01/12/2026"]]
    assert dialog.reviewButton.isEnabled() and not dialog.emptyLabel.isVisible()
    seen: list[Any] = []

    def review(d: Any) -> None:
        assert isinstance(d, PolicyReviewDialog)
        seen.append((d.remoteSpin.value(), d.inPersonSpin.value()))
        d.acceptButton.click()
        d.reject()

    when_modal(review)
    click(qtbot, dialog.reviewButton)
    assert seen == [(2, 2)]
    assert len(dialog.accepted_views) == 1
    assert dialog.accepted_views[0].versions[-1].expected_in_person == 2
    # answered: the list is empty now
    assert dialog.table.rowCount() == 0 and dialog.emptyLabel.isVisible()
    assert not dialog.reviewButton.isEnabled()
