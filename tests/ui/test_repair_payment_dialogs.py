"""The repair of an escalated case, payments and the client's statement, driven through the
dialogs offscreen on the real window's database (real services, the fake clock)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.billing import Modality
from app.models import CaseState, Outcome, RepairStatus
from app.services.clients import ClientData
from app.services.values import ReceiptView
from app.ui.repair_dialog import RepairDialog
from tests.ui.helpers import when_modal

D = Decimal


@dataclass(frozen=True)
class Escalated:
    client_id: int
    case_id: int
    support: ReceiptView  # the escalated support session's receipt


def escalate(window: Any, clock: Any, *, minutes: int = 50) -> Escalated:
    """An in-person session at the office that ends escalated, with its support receipt."""
    sv = window.services
    client = sv.clients.create_client(
        ClientData(name="Lucía Pérez Domínguez", phone="228 111 2233", city="Xalapa")
    )
    started = sv.sessions.start(
        window.advisor.id, client.id, Modality.OFFICE, summary="La MacBook no enciende"
    )
    clock.advance(minutes=minutes)
    sv.sessions.end(started.id, Outcome.ESCALATED, "Requiere revisión de la tarjeta lógica")
    support = sv.receipts.issue_for_session(started.id)
    return Escalated(client.id, started.case.id, support)


def open_repair(qtbot: Any, window: Any, case_id: int) -> RepairDialog:
    dialog = RepairDialog(window.services, case_id, advisor_id=window.advisor.id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_quote(dialog: RepairDialog, hours: str = "2", price: str = "1,800.00") -> None:
    dialog.descriptionEdit.setText("Cambio de batería")
    dialog.hoursEdit.setText(hours)
    row = dialog.add_part()
    dialog.set_part(row, 0, "Batería A2338")
    dialog.set_part(row, 1, "1")
    dialog.set_part(row, 2, price)


def lines(dialog: RepairDialog) -> list[tuple[str, str]]:
    table = dialog.linesTable
    return [
        (table.item(r, 0).text(), table.item(r, 1).text())  # type: ignore[union-attr]
        for r in range(table.rowCount())
    ]


# -- escalation to repair -----------------------------------------------------------------------


def test_quote_accept_and_issue_the_repair_receipt(qtbot: Any, window: Any, ui_clock: Any) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    assert esc.support.base == D("300.00")  # 50 min at the office: 1 h × $300.00
    dialog = open_repair(qtbot, window, esc.case_id)
    assert dialog.repair is None and dialog.saveButton.isEnabled()
    assert not dialog.acceptButton.isEnabled() and not dialog.issueButton.isEnabled()
    assert "Sin cotización" in dialog.stateLabel.text()

    fill_quote(dialog)
    # the amounts while typing: labour at the office rate, the part, IVA
    assert lines(dialog) == [
        ("Mano de obra de reparación: 2 h × $300.00", "$600.00 MXN"),
        ("Refacción: Batería A2338", "$1,800.00 MXN"),
    ]
    assert dialog.totals["base"].text() == "$2,400.00 MXN"
    assert dialog.totals["iva"].text() == "$384.00 MXN"
    assert dialog.totals["total"].text() == "$2,784.00 MXN"

    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    assert not dialog.errorLabel.isVisible(), dialog.errorLabel.text()
    repair = dialog.repair
    assert repair is not None and repair.status is RepairStatus.QUOTED
    assert repair.labour_hours == 2 and repair.quote.total == D("2784.00")
    assert repair.parts[0].unit_price == D("1800.00")
    assert dialog.changed
    assert not dialog.saveButton.isEnabled() and dialog.descriptionEdit.isReadOnly()
    assert dialog.acceptButton.isEnabled() and dialog.declineButton.isEnabled()
    assert "en espera de la respuesta del cliente" in dialog.stateLabel.text()
    assert "recibo A-000001" in dialog.amountNote.text()
    assert dialog.quote_pdf_bytes().startswith(b"%PDF")

    qtbot.mouseClick(dialog.acceptButton, Qt.MouseButton.LeftButton)
    assert dialog.repair is not None and dialog.repair.status is RepairStatus.ACCEPTED
    assert "aceptó" in dialog.stateLabel.text()
    assert not dialog.acceptButton.isEnabled() and dialog.issueButton.isEnabled()

    qtbot.mouseClick(dialog.issueButton, Qt.MouseButton.LeftButton)
    issued = dialog.issued
    assert issued is not None and issued.folio == "A-000002"
    credit = [x for x in issued.lines if x.kind == "credit"]
    assert [(x.description, x.amount) for x in credit] == [
        ("Abono sesión de soporte, recibo A-000001", D("-300.00"))
    ]
    assert issued.credits == esc.support.base
    assert (issued.base, issued.iva, issued.total) == (D("2100.00"), D("336.00"), D("2436.00"))
    text = dialog.receiptLabel.text()
    assert "A-000002" in text
    assert "Abono sesión de soporte, recibo A-000001: -$300.00 MXN" in text
    assert not dialog.issueButton.isEnabled() and dialog.receiptPreviewButton.isEnabled()

    # a second receipt for the same repair (the support session credited again) is refused
    assert dialog.issue_receipt() is None
    assert "ya tiene el recibo A-000002" in dialog.errorLabel.text()
    assert [r.folio for r in sv.receipts.receipts()] == ["A-000001", "A-000002"]


def test_the_credit_is_capped_at_the_repair_subtotal(
    qtbot: Any, window: Any, ui_clock: Any
) -> None:
    esc = escalate(window, ui_clock, minutes=180)  # 3 h × $300.00 of support
    assert esc.support.base == D("900.00")
    dialog = open_repair(qtbot, window, esc.case_id)
    dialog.descriptionEdit.setText("Limpieza de ventilador")
    dialog.hoursEdit.setText("1")
    row = dialog.add_part()
    dialog.set_part(row, 0, "Pasta térmica")
    dialog.set_part(row, 1, "2")
    dialog.set_part(row, 2, "150")
    assert dialog.save_quote() is not None
    assert dialog.accept_repair() is not None
    issued = dialog.issue_receipt()
    assert issued is not None
    assert issued.subtotal == D("600.00") and issued.credits == D("600.00")
    assert (issued.base, issued.iva, issued.total) == (D("0.00"), D("0.00"), D("0.00"))
    assert "-$600.00 MXN" in dialog.receiptLabel.text()


@pytest.mark.parametrize(
    ("hours", "price", "field", "message"),
    [
        ("-2", "1800", "hoursError", "número entero desde 0"),
        ("1.5", "1800", "hoursError", "número entero desde 0"),
        ("2", "mil", "partsError", "Refacción 1: el precio unitario «mil» no es una cantidad"),
        ("2", "-5", "partsError", "Refacción 1: el precio unitario no puede ser negativo"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    qtbot: Any, window: Any, ui_clock: Any, hours: str, price: str, field: str, message: str
) -> None:
    esc = escalate(window, ui_clock)
    dialog = open_repair(qtbot, window, esc.case_id)
    fill_quote(dialog, hours=hours, price=price)
    assert dialog.totals["total"].text() == "—"
    qtbot.mouseClick(dialog.saveButton, Qt.MouseButton.LeftButton)
    label = getattr(dialog, field)
    assert label.isVisible() and message in label.text(), label.text()
    assert "no se guardó nada" in dialog.errorLabel.text()
    assert window.services.repairs.repairs_of_case(esc.case_id) == []
    assert dialog.repair is None and not dialog.changed
    # fixing the field clears its message as it is typed
    if field == "hoursError":
        dialog.hoursEdit.setText("2")
    else:
        dialog.set_part(0, 2, "1800")
    assert not label.isVisible()
    assert dialog.totals["total"].text() == "$2,784.00 MXN"


def test_missing_description_and_empty_quote(qtbot: Any, window: Any, ui_clock: Any) -> None:
    esc = escalate(window, ui_clock)
    dialog = open_repair(qtbot, window, esc.case_id)
    dialog.hoursEdit.setText("0")
    assert dialog.save_quote() is None
    assert dialog.descriptionError.text() == "Describa la reparación cotizada."
    dialog.descriptionEdit.setText("Diagnóstico")
    assert dialog.save_quote() is None  # no labour and no parts: the service refuses
    assert "mano de obra o refacciones" in dialog.errorLabel.text()
    assert window.services.repairs.repairs_of_case(esc.case_id) == []


def test_declined_repair_leaves_the_support_charge(qtbot: Any, window: Any, ui_clock: Any) -> None:
    sv = window.services
    esc = escalate(window, ui_clock)
    dialog = open_repair(qtbot, window, esc.case_id)
    fill_quote(dialog)
    assert dialog.save_quote() is not None
    qtbot.mouseClick(dialog.declineButton, Qt.MouseButton.LeftButton)
    assert dialog.repair is not None and dialog.repair.status is RepairStatus.DECLINED
    assert "rechazó" in dialog.stateLabel.text()
    assert not dialog.issueButton.isEnabled()
    assert dialog.saveButton.isEnabled()  # a new quote may be typed
    assert sv.receipts.receipt(esc.support.id).total == esc.support.total
    assert sv.sessions.case(esc.case_id).state is CaseState.ESCALATED


def test_quote_preview_opens_the_pdf(qtbot: Any, window: Any, ui_clock: Any) -> None:
    esc = escalate(window, ui_clock)
    dialog = open_repair(qtbot, window, esc.case_id)
    fill_quote(dialog)
    assert dialog.save_quote() is not None
    seen: list[str] = []

    def close(d: Any) -> None:
        seen.append(d.windowTitle())
        d.reject()

    when_modal(close)
    assert dialog.preview_quote() is False
    assert seen == [f"Vista previa — Cotización de reparación R-{dialog.repair.id:06d}"]  # type: ignore[union-attr]
