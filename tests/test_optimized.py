"""The app as ``make run`` starts it: ``python -OO -m app`` (docstrings and asserts left out,
~5 MiB less resident memory at 100,000 clients; issue 11). The suite itself runs without
``-OO``, so one fresh ``-OO`` interpreter here imports every module of the app, fills a
database through the services (Alembic's migrations included), writes the period report's PDF
(ReportLab's charts) and a receipt's, and opens the window on that database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.documents.helpers import pdf_text

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import importlib, json, pkgutil, sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import app

url, out = sys.argv[1], sys.argv[2]
skip = ("app.__main__", "app.models.migrations")  # the one runs the app, Alembic loads the other
names = [m.name for m in pkgutil.walk_packages(app.__path__, "app.") if not m.name.startswith(skip)]
for name in names:
    importlib.import_module(name)

from app.cli import main

codes = [main(["--db", url, "demo", "--weeks", "1"])]
today = datetime.now(UTC).astimezone(ZoneInfo("America/Mexico_City")).date()
period = ["--from", str(today - timedelta(days=13)), "--to", str(today)]
codes.append(main(["--db", url, "report", *period, "-o", out + "/reporte.pdf"]))
codes.append(main(["--db", url, "receipt", "A-000001", "-o", out + "/recibo.pdf"]))

from app.bootstrap import run

window = run(exec=False, db_url=url, advisor_name="Ana Martínez Couttolenc")
shown = (window.clientModel.total, window.services is not None, window.advisor.name)
window.close()
print(json.dumps({"optimize": sys.flags.optimize, "doc": run.__doc__, "modules": len(names),
                  "codes": codes, "shown": shown}))
"""


def test_the_app_works_as_make_run_starts_it_with_python_OO(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APPLEUSE_", "XDG_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    url = f"sqlite:///{tmp_path / 'optimized.sqlite3'}"
    proc = subprocess.run(
        [sys.executable, "-OO", "-c", SCRIPT, url, str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    said = json.loads(proc.stdout.strip().splitlines()[-1])
    assert said["optimize"] == 2 and said["doc"] is None  # really without docstrings
    assert said["modules"] > 100 and said["codes"] == [0, 0, 0]
    clients, ready, advisor = said["shown"]
    assert clients > 0 and ready and advisor == "Ana Martínez Couttolenc"
    assert "Reporte del periodo" in pdf_text(tmp_path / "reporte.pdf")
    assert "A-000001" in pdf_text(tmp_path / "recibo.pdf")
    assert "Traceback" not in proc.stderr
