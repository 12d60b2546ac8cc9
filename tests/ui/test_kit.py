"""The UI kit: one guarded operation (now or off the GUI thread), the message labels, the PDF
buttons every document dialog shows, the one stylesheet, and widgets that never load
SQLAlchemy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QThreadPool
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.documents.receipt_pdf import receipt_pdf_bytes
from app.kernel.errors import DomainError, RuleError
from app.ui.kit import style
from app.ui.kit.messages import error_banner, field_error
from app.ui.kit.operation import Operation, attempt, problem
from app.ui.kit.pdf_actions import PdfActions, PdfDocument
from tests.documents.samples import sample_receipt
from tests.ui.helpers import when_modal

APP_ROOT = Path(__file__).resolve().parents[2]


class Panel(QWidget):
    """A widget with an error banner, as every window and dialog has one."""

    def __init__(self) -> None:
        super().__init__()
        self.banner = error_banner("panelError")
        self.paused = False
        QVBoxLayout(self).addWidget(self.banner)

    def show_error(self, message: str) -> None:
        self.banner.show_message(message)


@pytest.fixture
def panel(qtbot: Any) -> Panel:
    widget = Panel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


# -- the operation ------------------------------------------------------------------------------


def test_a_refusal_shows_its_spanish_message_and_changes_nothing(panel: Panel) -> None:
    succeeded: list[object] = []
    refused: list[DomainError] = []
    finished: list[bool] = []

    def pause() -> None:
        raise RuleError("La sesión ya está en pausa.")

    result = (
        Operation(panel, pause)
        .success(lambda _: setattr(panel, "paused", True))
        .success(succeeded.append)
        .failure(refused.append)
        .finished(lambda: finished.append(True))
        .run()
    )
    assert result is None
    assert panel.banner.isVisible() and panel.banner.text() == "La sesión ya está en pausa."
    assert not panel.paused and succeeded == []  # nothing changed
    assert [str(e) for e in refused] == ["La sesión ya está en pausa."] and finished == [True]

    # the next action that succeeds clears the banner and hands its result on
    assert Operation(panel, lambda: 42).success(succeeded.append).run() == 42
    assert succeeded == [42] and not panel.banner.isVisible()


def test_the_message_can_go_to_a_field_instead(panel: Panel) -> None:
    amount_error = field_error("amountError")
    panel.layout().addWidget(amount_error)

    def refuse() -> None:
        raise RuleError("El pago excede el saldo del recibo A-000001.")

    Operation(panel, refuse, errors=amount_error.show_message).run()
    assert amount_error.text() == "El pago excede el saldo del recibo A-000001."
    assert amount_error.isVisible() and not panel.banner.isVisible()


def test_other_errors_are_not_swallowed(panel: Panel) -> None:
    with pytest.raises(ZeroDivisionError):
        Operation(panel, lambda: 1 / 0).run()
    assert not panel.banner.isVisible()


def test_a_background_operation_delivers_on_the_gui_thread(qtbot: Any, panel: Panel) -> None:
    gui = threading.get_ident()
    delivered: list[tuple[int, int]] = []
    Operation(panel, threading.get_ident).success(
        lambda worker: delivered.append((worker, threading.get_ident()))
    ).run_in_background()
    assert delivered == []  # not yet: the work runs on a pool thread
    qtbot.waitUntil(lambda: bool(delivered))
    worker, caller = delivered[0]
    assert worker != gui  # the work ran off the GUI thread …
    assert caller == gui  # … and its result came back to it


def test_a_background_refusal_shows_the_banner(qtbot: Any, panel: Panel) -> None:
    done: list[bool] = []

    def work() -> None:
        raise RuleError("No hay recibos ese día.")

    Operation(panel, work).finished(lambda: done.append(True)).run_in_background()
    qtbot.waitUntil(lambda: bool(done))
    assert panel.banner.isVisible() and panel.banner.text() == "No hay recibos ese día."


def test_a_background_crash_is_raised_on_the_gui_thread(qtbot: Any, panel: Panel) -> None:
    done: list[bool] = []
    with qtbot.captureExceptions() as caught:
        Operation(panel, lambda: 1 / 0).finished(lambda: done.append(True)).run_in_background()
        qtbot.waitUntil(lambda: bool(done))
    assert [kind for kind, *_ in caught] == [ZeroDivisionError]


def test_a_result_for_a_closed_widget_is_dropped(qtbot: Any) -> None:
    gone = Panel()
    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []

    def slow() -> str:
        started.set()
        release.wait(5)
        return "tarde"

    Operation(gone, slow).success(delivered.append).run_in_background()
    assert started.wait(5)
    gone.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(gone)
    release.set()
    assert QThreadPool.globalInstance().waitForDone(5000)  # the result is on its way …
    QApplication.processEvents()  # … and arrives for nobody
    assert delivered == []


def test_validators_give_their_message_for_the_field() -> None:
    from app.billing import parse_money

    assert attempt(lambda: parse_money("1,500")) == (parse_money("1500"), "")
    value, message = attempt(lambda: parse_money("mil", what="La cotización"))
    assert value is None and "no es una cantidad válida" in message
    assert problem(lambda: parse_money("10.005")).endswith("tiene más de dos decimales.")


def test_a_message_label_is_hidden_until_it_has_something_to_say(panel: Panel) -> None:
    label = field_error("nameError")
    panel.layout().addWidget(label)
    assert label.isHidden() and label.property("role") == "fieldError"
    label.show_message("El nombre es obligatorio.")
    assert label.isVisible() and label.text() == "El nombre es obligatorio."
    label.clear_message()
    assert label.isHidden() and label.text() == ""


# -- the PDF buttons ----------------------------------------------------------------------------


def test_pdf_actions_render_off_the_gui_thread_and_save_the_pdf(
    qtbot: Any, panel: Panel, tmp_path: Path
) -> None:
    rendered_on: list[int] = []

    def render() -> bytes:
        rendered_on.append(threading.get_ident())
        return receipt_pdf_bytes(sample_receipt())

    actions = PdfActions(
        lambda: PdfDocument("Recibo A-000042", render),
        {"preview": "kitPreviewButton", "save": "kitSaveButton"},
        errors=panel.show_error,
    )
    panel.layout().addWidget(actions)
    save = actions.button("save")
    assert save.objectName() == "kitSaveButton" and save.text() == "Guardar PDF…"
    target = tmp_path / "recibo"

    def answer(dialog: Any) -> None:
        dialog.selectFile(str(target))
        dialog.accept()

    when_modal(answer)
    with qtbot.waitSignal(actions.saved) as saved:
        save.click()
        assert actions.busy and not save.isEnabled()  # one document at a time
    assert saved.args == [tmp_path / "recibo.pdf"]  # the suffix is added
    assert rendered_on and rendered_on[0] != threading.get_ident()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "recibo.pdf").pages)
    assert "Recibo A-000042" in text and "Xalapa-Enríquez" in text and "María José" in text
    assert not actions.busy and save.isEnabled() and not panel.banner.isVisible()


def test_pdf_actions_show_a_refusal_and_are_off_without_a_document(
    qtbot: Any, panel: Panel
) -> None:
    def refuse() -> bytes:
        raise RuleError("El recibo A-000099 no existe.")

    document: list[PdfDocument | None] = [PdfDocument("Recibo A-000099", refuse)]
    actions = PdfActions(lambda: document[0], {"open": "kitOpenButton"}, errors=panel.show_error)
    with qtbot.waitSignal(actions.finished) as finished:
        actions.trigger("open")
    assert finished.args == ["open"]
    assert panel.banner.text() == "El recibo A-000099 no existe."
    actions.set_available(False)
    assert not actions.button("open").isEnabled()
    document[0] = None  # nothing to show: the action ends at once
    with qtbot.waitSignal(actions.finished, timeout=100):
        actions.trigger("open")


# -- the stylesheet -----------------------------------------------------------------------------


def test_the_stylesheet_ships_with_the_package_and_the_window_installs_it(window: Any) -> None:
    text = style.stylesheet()
    assert 'QLabel[role="fieldError"]' in text and 'QLabel[role="errorBanner"]' in text
    app = QApplication.instance()
    assert isinstance(app, QApplication) and app.styleSheet() == text
    window.show_error("La sesión ya está en pausa.")
    banner = window.errorBanner
    banner.ensurePolished()
    assert banner.palette().color(QPalette.ColorRole.WindowText).name() == "#9b1c1c"


# -- no SQLAlchemy in widgets -------------------------------------------------------------------


def test_no_ui_module_loads_sqlalchemy() -> None:
    """Widgets import plain values only; every ``app.ui`` module, in a fresh interpreter."""
    modules = sorted(
        ".".join(p.relative_to(APP_ROOT).with_suffix("").parts)
        for p in (APP_ROOT / "app" / "ui").rglob("*.py")
    )
    assert "app.ui.main_window" in modules and "app.ui.kit.operation" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy')\n"
        "print(len(loaded), loaded[:3])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=APP_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(APP_ROOT)},
    )
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr
