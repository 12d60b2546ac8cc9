"""Closing the window: its database's connections closed and, after a clean close, the seal
that lets the next start skip the file's check (``app.models.seal``) — never after a closing
backup that did not match the file, nor after a restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.models.seal import seal_file, take_seal
from app.opening import close_database
from app.services.data import ClientData


def test_a_clean_close_seals_the_file_for_the_next_start(open_window: Any, db_file: str) -> None:
    path = Path(db_file.removeprefix("sqlite:///"))
    window = open_window()
    window.services.clients.create_client(ClientData("Ana Peña", city="Xalapa"))  # a write
    window.close()
    assert close_database(window) is True
    assert not Path(f"{path}-wal").exists()  # connections closed, the log written back
    assert take_seal(path) is True


def test_a_closing_backup_unlike_the_file_leaves_no_seal(open_window: Any, db_file: str) -> None:
    from app.kernel.errors import StorageError

    path = Path(db_file.removeprefix("sqlite:///"))
    window = open_window()
    window.back_up_on_close = True

    def unlike(reason: str = "manual") -> Any:
        raise StorageError("damaged", "El respaldo no coincide con la base de datos.")

    window.services.backups.create = unlike  # what create_backup says of a damaged copy
    window.show_error = lambda message: None
    window.close()
    assert window.sealable is False
    assert close_database(window) is False and not seal_file(path).exists()


def test_a_window_that_never_opened_its_database_seals_nothing(
    qtbot: Any, ui_clock: Any, tmp_path: Path
) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(ui_clock)
    qtbot.addWidget(window)
    assert close_database(window) is False
