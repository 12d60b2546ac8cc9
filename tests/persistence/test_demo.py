"""`appleuse demo`: realistic sample data through the services; refuses a database with data."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.commands.demo import fill, holds_data
from app.kernel.enums import CaseState, EventKind, Modality, Outcome
from app.models import Client, Receipt, SessionEvent, WorkSession


def test_demo_covers_every_modality_and_outcome(engine: Engine) -> None:
    assert not holds_data(engine)
    summary = fill(engine, date(2026, 11, 25), weeks=3, seed=2026)
    assert "sesiones" in summary
    assert holds_data(engine)
    with Session(engine) as db:
        modalities = set(db.scalars(select(WorkSession.modality).distinct()))
        outcomes = set(db.scalars(select(WorkSession.outcome).distinct()))
        kinds = set(db.scalars(select(SessionEvent.kind).distinct()))
        cities = set(db.scalars(select(Client.city)))
        numbers = db.scalars(select(Receipt.number).order_by(Receipt.number)).all()
        running = db.scalar(
            select(func.count()).select_from(WorkSession).where(WorkSession.ended_at.is_(None))
        )
        follow_ups = db.scalar(
            select(func.count()).select_from(WorkSession).where(WorkSession.follow_up.is_(True))
        )
    assert modalities == set(Modality)
    assert outcomes == set(Outcome)
    assert {EventKind.REMOTE_DECLINED, EventKind.DISCONNECTED, EventKind.PAUSED} <= kinds
    assert {"Xalapa", "Coatepec", "Veracruz"} <= cities
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 20
    assert running == 0 and follow_ups


def test_demo_command_refuses_a_database_with_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    cmd = [sys.executable, "-m", "app", "--db", url, "demo", "--weeks", "1"]
    first = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Datos de demostración cargados")
    second = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert second.returncode == 2
    assert second.stderr.count("\n") == 1 and "ya tiene datos" in second.stderr


def test_demo_leaves_cases_in_every_final_state(engine: Engine) -> None:
    from app.models import Case

    fill(engine, date(2026, 11, 25), weeks=3, seed=2026)
    with Session(engine) as db:
        states = set(db.scalars(select(Case.state).distinct()))
    assert {CaseState.RESOLVED, CaseState.CLOSED, CaseState.ESCALATED, CaseState.EXPIRED} <= states


def test_demo_has_a_cancelled_and_reissued_receipt_and_sessions_without_one(
    engine: Engine,
) -> None:
    from app.kernel.enums import ReceiptStatus

    fill(engine, date(2026, 11, 25), weeks=1, seed=7)
    with Session(engine) as db:
        cancelled = db.scalars(
            select(Receipt).where(Receipt.status == ReceiptStatus.CANCELLED)
        ).all()
        reissued = [
            db.scalars(
                select(Receipt).where(
                    Receipt.session_id == r.session_id, Receipt.status == ReceiptStatus.ISSUED
                )
            ).first()
            for r in cancelled
            if r.session_id is not None
        ]
        billed = select(Receipt.session_id).where(Receipt.session_id.is_not(None))
        unbilled = db.scalar(
            select(func.count())
            .select_from(WorkSession)
            .where(WorkSession.ended_at.is_not(None), WorkSession.id.not_in(billed))
        )
    assert cancelled and all(r.cancel_reason for r in cancelled)
    assert reissued and all(
        r is not None and r.number > c.number for r, c in zip(reissued, cancelled, strict=True)
    )
    assert unbilled and unbilled >= 1


def test_demo_replace_keeps_a_backup_and_rebuilds(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "demo.sqlite3"
    url = f"sqlite:///{database}"
    base = [sys.executable, "-m", "app", "--db", url, "demo", "--weeks", "1"]
    first = subprocess.run(base, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE clients SET name = 'Cliente marcado' WHERE id = 1")
    refused = subprocess.run(base, capture_output=True, text=True, check=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert str(database) in refused.stderr and "appleuse demo --replace" in refused.stderr
    again = subprocess.run([*base, "--replace"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Datos de demostración cargados")
    backups = sorted((tmp_path / "respaldos").glob("appleuse-*-demo.sqlite3"))
    assert len(backups) == 1 and str(backups[0]) in again.stdout
    with sqlite3.connect(backups[0]) as conn:  # the old data, kept
        assert conn.execute("SELECT name FROM clients WHERE id = 1").fetchone() == (
            "Cliente marcado",
        )
    with sqlite3.connect(database) as conn:  # rebuilt from scratch
        assert conn.execute(
            "SELECT count(*) FROM clients WHERE name = 'Cliente marcado'"
        ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] > 5


def test_every_report_preset_of_the_demo_renders(engine: Engine) -> None:
    """The demo's reports, one per preset, as the CLI and the window save them: PDFs that
    ReportLab lays out (a page break may fall anywhere) and that read back."""
    from io import BytesIO

    from pypdf import PdfReader

    from app.documents.report_csv import report_csv_bytes
    from app.documents.report_pdf import report_pdf_bytes
    from app.kernel.clock import FakeClock
    from app.services.facade import Services
    from app.services.reports import Preset

    today = date(2026, 12, 1)
    fill(engine, today, weeks=3, seed=2026)
    sv = Services.create(engine, FakeClock(datetime(2026, 12, 1, 19, 0, tzinfo=UTC)))
    for preset in Preset:
        first, last = sv.reports.preset(preset)
        report = sv.reports.period(first, last)
        text = "".join(
            page.extract_text() for page in PdfReader(BytesIO(report_pdf_bytes(report))).pages
        )
        assert f"{report.totals.sessions}" in text and "Principales clientes".upper() in text
        data = report_csv_bytes(report, sv.reports.period_corte(first, last))
        assert data.startswith(b"\xef\xbb\xbf") and b"Importes,Total" in data
