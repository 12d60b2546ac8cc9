"""Cliente → Historial del cliente…: the history loaded off the GUI thread, newest first,
filtered by kind and text, and a line with a receipt opening its PDF."""

from __future__ import annotations

from typing import Any

from pypdf import PdfReader

from app.ui.client_history_dialog import ClientHistoryDialog
from tests.services import conftest as service_fixtures
from tests.services.conftest import Shop
from tests.services.report_script import play

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
    # newest first: Saturday's call closed its case, after its receipt and its session
    assert [model.text(r, 1) for r in range(3)] == ["Caso", "Recibo", "Desconexión"]
    assert model.text(0, 3).endswith(": Resuelto")
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
