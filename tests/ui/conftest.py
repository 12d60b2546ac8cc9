"""UI tests drive the real window on a real SQLite file, with a fake clock moved by hand.

QSettings and the data directory (lock files) point into a temporary folder, so tests never
touch the advisor's own settings.
"""

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from PySide6.QtCore import QSettings

    base = tmp_path_factory.mktemp("user")
    old = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    os.environ["XDG_DATA_HOME"] = str(base / "data")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(base / "qt"))
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _answers_end_with_the_test() -> Iterator[None]:
    from tests.ui.helpers import forget_answers

    yield
    forget_answers()


@pytest.fixture
def ui_clock() -> Any:
    from app.kernel.clock import FakeClock

    return FakeClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))  # Tuesday 10:00 local


@pytest.fixture
def db_file(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'ui.sqlite3'}"


@pytest.fixture
def open_window(qtbot: Any, ui_clock: Any, db_file: str) -> Iterator[Callable[..., Any]]:
    """Open the app's window as ``run`` builds it (composition root), ready to use."""
    from app.bootstrap import run

    windows: list[Any] = []

    def make(url: str = db_file, advisor: str = "Benjamín Carrillo") -> Any:
        window = run([], exec=False, db_url=url, clock=ui_clock, advisor_name=advisor)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        lock = getattr(window, "_db_lock", None)
        if lock is not None:
            lock.unlock()


@pytest.fixture
def window(open_window: Callable[..., Any]) -> Any:
    return open_window()
