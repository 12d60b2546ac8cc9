"""PySide6's check of every imported module leaves no source lines in memory (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

from app.ui.kit.sources import uses_pyside

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import linecache, sys
import PySide6.QtWidgets
import app.ui
from app.billing.tariff import Tariff
from app.ui.kit.messages import MessageLabel
from wave import Wave_read  # PySide6 checks the module a ``from`` import returns
feature = sys.modules["PySide6.support.feature"]
files = [sys.modules[m].__file__ for m in ("app.billing.tariff", "app.ui.kit.messages", "wave")]
print(sum(f in linecache.cache for f in files))
print(feature.pyside_feature_dict.get("app.ui.kit.messages"),
      feature.pyside_feature_dict.get("app.billing.tariff"),
      feature.pyside_feature_dict.get("wave"))
"""


def test_modules_imported_after_the_ui_leave_no_source_lines_cached() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    cached, flags = result.stdout.split("\n")[:2]
    assert cached == "0"
    assert flags.split() == ["0", "-1", "-1"]  # PySide6's own answers: uses it / does not


def test_uses_pyside_reads_the_source_file(tmp_path: Path) -> None:
    with_qt, without = tmp_path / "with_qt.py", tmp_path / "without.py"
    with_qt.write_text("from PySide6.QtCore import Qt\n", encoding="utf-8")
    without.write_text("import json  # ñ\n", encoding="utf-8")
    module = types.ModuleType("m")
    module.__file__ = str(with_qt)
    assert uses_pyside(module)
    module.__file__ = str(without)
    assert not uses_pyside(module)
    module.__file__ = str(tmp_path / "gone.py")
    assert not uses_pyside(module)  # no file: False, as PySide6 answers
    assert not uses_pyside(types.ModuleType("built_in"))


def test_the_check_is_replaced_whatever_is_imported_first() -> None:
    child = (
        "import app.ui, linecache, PySide6.QtWidgets, wave; print(wave.__file__ in linecache.cache)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", child], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
