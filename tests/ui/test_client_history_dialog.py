"""Cliente → Historial del cliente…: the history loaded off the GUI thread, newest first,
filtered by kind and text, a line with a receipt opening its PDF and a cita opening its detail
(with its changes)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from app.kernel.enums import Modality, Outcome
from app.services.agenda_values import AppointmentData
from app.ui.agenda_window import AgendaWindow
from app.ui.appointment_detail_dialog import AppointmentDetailDialog
from app.ui.client_history_dialog import ClientHistoryDialog
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import local, play
from tests.ui.helpers import when_modal

services = service_fixtures.services  # the services' fixtures, shared
shop = service_fixtures.shop


def test_history_filters_and_opens_receipts(qtbot: Any, shop: Shop, tmp_path: Any) -> None:
    play(shop)
    shown: list[tuple[str, bytes]] = []
    dialog = ClientHistoryDialog(
        shop.services, shop.ramon, show_document=lambda _, data, title: shown.append((title, data))
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.titleLabel.text() == "Historial de Ramón Sánchez"
    assert "7 sesión(es)" in dialog.summaryLabel.text()
    model = dialog.table.rows
    assert model.rowCount() == len(dialog.history.entries)  # type: ignore[union-attr]
    # newest first: Saturday's call ended (closing its case), then its receipt was issued at the
    # same instant; its disconnection before
    assert [model.text(r, 1) for r in range(3)] == ["Recibo", "Caso", "Desconexión"]
    assert model.text(1, 3).endswith(": Resuelto")
    # by kind, then by text
    dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findText("Sesión"))
    assert {model.text(r, 1) for r in range(model.rowCount())} == {"Sesión"}
    assert model.rowCount() == 7
    dialog.searchEdit.setText("escalado")
    assert model.rowCount() == 1 and model.text(0, 4).endswith("Sin recibo")
    dialog.table.selectRow(0)
    assert not dialog.openButton.isEnabled()  # nothing to open: no receipt
    dialog.searchEdit.clear()
    dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findText("Cancelación"))
    assert model.rowCount() == 1 and model.text(0, 5) == "-$348.00 MXN"
    # a line with a receipt opens it
    dialog.kindCombo.setCurrentIndex(0)
    dialog.searchEdit.setText("A-000009")
    row = next(r for r in range(model.rowCount()) if model.text(r, 1) == "Recibo")
    with qtbot.waitSignal(dialog.opened, timeout=10_000) as opened:
        dialog._double_clicked(dialog.table.model().index(row, 0))
    assert opened.args == ["Recibo A-000009"]
    qtbot.waitUntil(lambda: len(shown) == 1)
    path = tmp_path / "r.pdf"
    path.write_bytes(shown[0][1])
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "A-000009" in text and "Ramón Sánchez" in text
    dialog.searchEdit.clear()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/client-history.png")


def test_citas_are_listed_filtered_and_open_their_detail(qtbot: Any, shop: Shop) -> None:
    sv, clock = shop.services, shop.clock
    booked = sv.agenda.book(
        AppointmentData(shop.lucia, shop.ana, local(26, 16), 90, Modality.ONSITE,
                        address="Av. Ávila Camacho 12", reason="Instalar impresora")
    )  # fmt: skip
    sv.agenda.move(booked.id, local(27, 10), note="El cliente pidió el viernes")
    sv.agenda.confirm(booked.id)
    sid = sv.sessions.start(shop.beto, shop.lucia, Modality.OFFICE).id
    clock.advance(minutes=50)
    sv.sessions.end(sid, Outcome.RESOLVED)
    opened: list[AppointmentDetailDialog] = []

    def show(parent: Any, services: Any, appointment_id: int) -> None:
        detail = AppointmentDetailDialog(services, appointment_id, parent)
        qtbot.addWidget(detail)
        opened.append(detail)

    dialog = ClientHistoryDialog(sv, shop.lucia, show_appointment=show)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    assert "1 cita(s)" in dialog.summaryLabel.text()
    model = dialog.table.rows
    # newest first: the cita of Friday 27 is above Tuesday's session
    assert model.text(0, 1) == "Cita" and model.text(0, 0) == "27/11/2026 10:00"
    assert model.text(0, 3) == "Cita 10:00–11:30: Confirmada"
    assert "En domicilio del cliente: Av. Ávila Camacho 12, Xalapa-Enríquez" in model.text(0, 4)
    # by kind
    dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findText("Cita"))
    assert model.rowCount() == 1
    dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findText("Sesión"))
    assert model.rowCount() == 1 and model.text(0, 1) == "Sesión"
    dialog.kindCombo.setCurrentIndex(0)
    dialog.searchEdit.setText("impresora")
    assert model.rowCount() == 1
    dialog.table.selectRow(0)
    assert dialog.openButton.isEnabled() and dialog.openButton.text() == "Abrir cita"
    # activation (double-click or Intro) opens the cita with its changes
    with qtbot.waitSignal(dialog.opened) as signal:
        dialog.table.activated.emit(dialog.table.model().index(0, 0))
    assert signal.args == ["Cita 10:00–11:30: Confirmada"]
    (detail,) = opened
    qtbot.waitUntil(lambda: not detail.loading)
    assert detail.appointment is not None and detail.appointment.id == booked.id
    assert detail.agendaButton.isHidden()  # no Agenda window to hand it to
    values = {name: label.text() for name, label in detail.values.items()}
    assert values["whenValue"] == "viernes 27/11/2026 10:00–11:30"
    assert values["advisorValue"] == "Ana Martínez"
    assert values["stateValue"] == "Confirmada"
    assert values["reasonValue"] == "Instalar impresora"
    assert values["placeValue"].endswith("Av. Ávila Camacho 12, Xalapa-Enríquez")
    changes = detail.changes.rows
    assert [changes.text(r, 1) for r in range(changes.rowCount())] == [
        "Agendada", "Cambio de horario", "Confirmada",
    ]  # fmt: skip
    assert changes.text(1, 4) == "El cliente pidió el viernes"
    assert changes.text(1, 3) == "27/11/2026 10:00–11:30"
    detail.show()
    qtbot.waitExposed(detail)
    detail.grab().save("/tmp/appointment-detail.png")
    dialog.searchEdit.clear()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/client-history-citas.png")


def test_a_cita_is_shown_in_the_agenda_window(qtbot: Any, shop: Shop) -> None:
    """Opened from the main window, the cita's detail offers "Ver en la agenda": the history
    closes and the Agenda window shows that day with the cita selected."""
    sv = shop.services
    booked = sv.agenda.book(AppointmentData(shop.lucia, shop.beto, local(27, 12), 60,
                                            Modality.REMOTE, reason="Respaldo"))  # fmt: skip
    dialog = ClientHistoryDialog(sv, shop.lucia, agenda=True)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    dialog.table.selectRow(0)
    seen: list[str] = []

    def answer(detail: Any) -> None:  # the cita's own modal dialog
        if detail.loading:
            QTimer.singleShot(5, lambda: answer(detail))
            return
        seen.append(detail.values["reasonValue"].text())
        assert detail.agendaButton.isVisible() and detail.agendaButton.isEnabled()
        detail.agendaButton.click()

    dialog.show()
    when_modal(answer)
    dialog.open_selected()
    assert seen == ["Respaldo"]
    assert dialog.agenda_request is not None and dialog.agenda_request.id == booked.id
    assert dialog.result() == QDialog.DialogCode.Accepted
    agenda = AgendaWindow(sv, advisor_id=shop.ana)  # another advisor's column was shown
    qtbot.addWidget(agenda)
    agenda.show_appointment(dialog.agenda_request)
    assert agenda.anchor == date(2026, 11, 27) and agenda.advisor_id() is None
    selected = agenda.view.selected_view()
    assert selected is not None and selected.id == booked.id
    assert "Respaldo" in agenda.detailLabel.text()
    agenda.show()
    qtbot.waitExposed(agenda)
    agenda.grab().save("/tmp/agenda-from-history.png")


def test_filtering_picks_prepared_lines_as_only_does(qtbot: Any, shop: Shop) -> None:
    """Each line's cells are made once, when first shown, and the search texts once, at the
    first search; a kind or a text then only picks lines: the same lines as
    ``ClientHistory.only``, in order, each row still opening its own line (the date's raw
    value is the line's index in the whole history), and the columns keep their fitted
    widths."""
    play(shop)
    dialog = ClientHistoryDialog(shop.services, shop.ramon)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    history, model = dialog.history, dialog.table.rows
    assert history is not None and dialog.prepared is not None
    assert len(dialog.prepared.rows) == len(history.entries)
    widths = [dialog.table.columnWidth(c) for c in range(6)]
    for kind, text in [(None, ""), ("Sesión", ""), (None, "c-000007"), ("Pago", "A-0"),
                       (None, "RESUELTO"), ("Recibo", "nada así")]:  # fmt: skip
        dialog.kindCombo.setCurrentIndex(dialog.kindCombo.findData(kind))
        dialog.searchEdit.setText(text)
        expected = history.only(kind, text)
        assert dialog.shown == expected
        assert [model.text(r, 3) for r in range(model.rowCount())] == [e.title for e in expected]
        if expected:
            dialog.table.selectRow(model.rowCount() - 1)
            assert dialog.selected_entry() == expected[-1]
    assert [dialog.table.columnWidth(c) for c in range(6)] == widths


def _payment_line(n: int) -> Any:
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from app.services.client_history import HistoryEntry

    at = datetime(2026, 11, 30, 18, tzinfo=UTC) - timedelta(hours=n)
    return HistoryEntry(at, "Pago", f"Pago al recibo A-{n:06d}", "Efectivo", Decimal(n % 7 + 1))


def test_a_long_history_makes_only_the_cells_it_shows(qtbot: Any, shop: Shop) -> None:
    """Thousands of lines: the table makes the cells of the lines it fits its columns to and
    shows, all of them only when a column is sorted (then in the column's order); a search's
    texts are made at the first search."""
    from app.services.client_history import ClientHistory
    from app.ui.client_history_dialog import prepare

    dialog = ClientHistoryDialog(shop.services, shop.ramon)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    prepared = prepare(ClientHistory(1, "Ramón", tuple(map(_payment_line, range(3000)))))
    assert prepared.made == 0
    dialog.show_history(prepared)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert 0 < prepared.made <= 150  # the newest hundred the columns fit, those on screen
    view = dialog.table.model()
    assert view.rowCount() == 3000 and view.index(0, 3).data() == "Pago al recibo A-000000"
    dialog.searchEdit.setText("a-002999")  # the search texts, made now
    assert [e.title for e in dialog.shown] == ["Pago al recibo A-002999"]
    dialog.searchEdit.clear()
    dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by date: oldest first
    assert prepared.made == 3000
    assert view.index(0, 3).data() == "Pago al recibo A-002999"
    dialog.table.selectRow(0)  # a row sorted elsewhere still opens its own line
    assert dialog.selected_entry() == prepared.history.entries[2999]
