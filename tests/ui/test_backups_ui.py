"""Backups in the window (issue "Data safety"): Archivo → Respaldos… lists them, backs up now
off the GUI thread and restores one; a damaged database at start-up offers its newest good
backup and writes nothing else; a second window on the same file is refused whatever the
spelling of its path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from app.services.data import ClientData
from tests.ui.helpers import when_modal


def clients(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM clients ORDER BY id")]


def test_the_backups_dialog_backs_up_and_restores(window: Any, qtbot: Any, tmp_path: Path) -> None:
    from app.ui.backups_dialog import BackupsDialog

    sv = window.services
    sv.clients.create_client(ClientData("Lucía Pérez"))
    dialog = BackupsDialog(sv, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    dialog.back_up_now()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert "Respaldo hecho" in dialog.noticeLabel.text()
    assert dialog.table.item(0, 1).text() == "Manual"
    sv.clients.create_client(ClientData("Otro cliente"))  # after the backup
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.restored, timeout=10_000) as restored:
        dialog.restore_selected(confirmed=True)
    assert "antes-de-restaurar" in restored.args[0]
    assert clients(tmp_path / "ui.sqlite3") == ["Lucía Pérez"]


def test_a_damaged_database_offers_its_newest_good_backup(
    qtbot: Any, ui_clock: Any, tmp_path: Path
) -> None:
    from app.bootstrap import migrate
    from app.models.backups import create_backup
    from app.models.engine import make_engine, upgrade
    from app.services.facade import Services
    from app.ui.main_window import MainWindow

    path = tmp_path / "dañada.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, backup=False)
    Services.create(engine, ui_clock).clients.create_client(ClientData("Lucía Pérez"))
    engine.dispose()
    create_backup(path, tmp_path / "respaldos", ui_clock(), "diario")
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))
    window = MainWindow(ui_clock)
    qtbot.addWidget(window)
    asked: list[str] = []

    def answer(box: Any) -> None:
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(answer)
    engine = make_engine(f"sqlite:///{path}")
    migrate(window, engine, ui_clock, interactive=True)
    engine.dispose()
    assert "dañada" in asked[0] and "Restaurar el respaldo bueno más reciente" in asked[0]
    assert clients(path) == ["Lucía Pérez"]
    assert any("antes-de-restaurar" in p.name for p in tmp_path.iterdir())


def test_one_lock_per_database_file_whatever_its_spelling(tmp_path: Path) -> None:
    from app.location import lock_file

    db = tmp_path / "x.sqlite3"
    db.touch()
    (tmp_path / "enlace.sqlite3").symlink_to(db)
    spellings = [
        f"sqlite:///{db}",
        f"sqlite:///{tmp_path}/./x.sqlite3",
        f"sqlite:///{tmp_path}//x.sqlite3",
        f"sqlite:///{tmp_path / 'enlace.sqlite3'}",
    ]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        spellings.append("sqlite:///x.sqlite3")
        locks = {lock_file(url) for url in spellings}
    finally:
        os.chdir(cwd)
    assert locks == {tmp_path / ".x.sqlite3.lock"}  # beside the database, one for everybody
    other = lock_file("postgresql+psycopg://ana@server:5432/appleuse")
    assert other != lock_file("postgresql+psycopg://ana@server:5432/otra")


def test_backups_are_copied_to_a_second_folder_and_kept_as_set(
    window: Any, qtbot: Any, tmp_path: Path
) -> None:
    from app.ui.backups_dialog import BackupsDialog

    external = tmp_path / "disco externo"
    external.mkdir()
    dialog = BackupsDialog(window.services, window)
    qtbot.addWidget(dialog)
    assert [s.value() for s in dialog.keepSpins.values()] == [7, 4, 12]
    dialog.alsoEdit.setText(str(tmp_path / "no existe"))
    dialog.save_settings()
    assert "no existe" in dialog.errorLabel.text()
    dialog.alsoEdit.setText(str(external))
    dialog.keepSpins["daily"].setValue(2)
    dialog.save_settings()
    assert "Se guardó" in dialog.noticeLabel.text()
    settings = window.services.backups.settings()
    assert (settings.daily, settings.also) == (2, str(external))
    dialog.back_up_now()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10_000)  # both folders
    copies = list((external / "AppleUse respaldos").glob("appleuse-*.sqlite3"))
    assert len(copies) == 1


def test_an_unreachable_database_is_one_spanish_message_at_start_up(
    qtbot: Any, ui_clock: Any, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import open_database
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_clock)
    qtbot.addWidget(window)
    window.build_shell()
    shown: list[str] = []
    monkeypatch.setattr(QApplication, "quit", lambda *a: None)  # the test goes on

    def read(box: Any) -> None:
        shown.append(box.text())
        box.accept()

    when_modal(read)
    url = "postgresql+psycopg://appleuse@127.0.0.1:1/appleuse"
    assert open_database(window, url, ui_clock, "Ana", interactive=True) is None
    assert "No hay conexión con la base de datos" in shown[0]
    assert "Traceback" not in shown[0] and "psycopg" not in shown[0]
