"""Save screenshots of the window's main states, for a person to review (not committed).

    .venv/bin/python scripts/screenshots.py [OUT_DIR]     # default: out/screenshots

Runs offscreen on a fresh demo database with a fixed clock (Tuesday 24/11/2026 10:00).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The checkout this script is in, not whichever one the virtualenv was installed from.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="appleuse-shots-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(["appleuse"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qt"))

    from app.billing.session_rules import Checklist
    from app.bootstrap import run
    from app.commands.demo import fill
    from app.kernel.clock import FakeClock
    from app.kernel.enums import Channel, DeviceKind, Outcome, PaymentArrangement, RemoteTool
    from app.models.engine import make_engine, upgrade
    from app.services.data import ClientData, DeviceData

    url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, date(2026, 11, 23), weeks=3, seed=2026)
    engine.dispose()

    clock = FakeClock(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    window = run([], exec=False, db_url=url, clock=clock, advisor_name="Ana Martínez Couttolenc")
    window.resize(1360, 820)

    def shot(name: str, widget=None) -> None:
        app.processEvents()
        (widget or window).grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    s = window.services
    shot("01-idle")
    client = s.clients.create_client(
        ClientData(name="María José López Hernández", phone="(228) 824 3985", city="Xalapa")
    )
    device = s.clients.add_device(client.id, DeviceData(DeviceKind.MAC, "MacBook Air M2", "C02XK1"))
    window.load_clients()
    window.clientSearch.setText("lopez")
    window.clientTable.selectRow(0)
    shot("02-search")

    from app.ui.client_dialog import ClientDialog
    from app.ui.consent_dialog import ConsentDialog
    from app.ui.end_session_dialog import EndSessionDialog
    from app.ui.start_session_dialog import StartSessionDialog

    dialog = StartSessionDialog(client, [device], lambda: None, window)
    dialog.paymentCombo.setCurrentIndex(1)
    dialog.internetCheck.setChecked(True)
    dialog.macosCheck.setChecked(True)
    dialog.toolCombo.setCurrentIndex(2)
    dialog.summaryEdit.setText("Mail no sincroniza con iCloud")
    dialog.show()
    shot("03-start-dialog", dialog)
    dialog.close()

    view = s.sessions.start(
        window.advisor.id, client.id, "remote", device_id=device.id,
        channel=Channel.REMOTE_DESKTOP, summary="Mail no sincroniza con iCloud",
        checklist=Checklist(PaymentArrangement.LATER, True, True, RemoteTool.TEAMVIEWER),
    )  # fmt: skip
    clock.advance(minutes=12)
    s.sessions.request_remote(view.id)
    s.sessions.accept_remote(view.id, backup_notice_acknowledged=True)
    s.sessions.start_remote(view.id)
    window.set_session(s.sessions.session(view.id))
    clock.advance(minutes=31, seconds=7)
    window.tick()
    shot("04-remote-control-active")

    consent = ConsentDialog(window)
    consent.show()
    shot("05-consent-dialog", consent)
    consent.close()

    window.set_session(s.sessions.disconnect(view.id))
    clock.advance(minutes=9)
    window.tick()
    shot("06-disconnected")

    window.set_session(s.sessions.reconnect(view.id))
    clock.advance(minutes=40)
    end = EndSessionDialog(parent=window)
    end.show()
    shot("07-end-dialog", end)
    end.close()
    window.set_session(s.sessions.end(view.id, Outcome.FOLLOW_UP))
    window.load_pending()
    window.session_actions.issue_receipt()
    shot("08-ended-receipt")

    bad = ClientDialog(s.clients.create_client, parent=window)
    bad.rfcEdit.setText("XXXX")
    bad.show()
    bad.validate()
    shot("09-client-dialog-errors", bad)
    bad.close()

    far = s.clients.create_client(ClientData(name="Hotel Mocambo", city="Boca del Río"))
    window.set_session(s.sessions.start(window.advisor.id, far.id, "onsite", city="Boca del Río"))
    clock.advance(minutes=75)
    window.tick()
    shot("10-onsite-requires-quote")
    window.set_session(s.sessions.end(window.session.id, Outcome.RESOLVED))

    more_dialogs(window, client, shot)
    QTimer.singleShot(0, app.quit)
    window.close()
    return 0


def more_dialogs(window: Any, client: Any, shot: Callable[..., None]) -> None:
    """The dialogs with documents and field messages: the start checklist refused, Ajustes
    with bad values, the corte del día, the statement and the repair of an escalated case."""
    from PySide6.QtCore import QTime
    from PySide6.QtWidgets import QApplication

    from app.kernel.enums import DeviceKind, Modality, Outcome
    from app.services.data import DeviceData
    from app.ui.repair_dialog import RepairDialog
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.start_session_dialog import StartSessionDialog
    from app.ui.statement_dialog import StatementDialog
    from app.ui.summary_dialog import SummaryDialog

    s, clock = window.services, window.services.clock
    start = StartSessionDialog(client, s.clients.devices(client.id), lambda: None, window)
    start.show()
    start.try_accept()  # the checklist is empty: refused under the form
    shot("11-start-dialog-refused", start)
    start.close()

    settings = SettingsDialog(s, window, current_advisor_id=window.advisor.id)
    settings.resize(1180, 760)
    settings.show()
    tariff = settings.tariffTab
    tariff.percentEdits["iva_rate"].setText("100")
    tariff.percentEdits["max_policy_discount"].setText("12.345")
    tariff.rateEdits["remote_outside_rate"].setText("trescientos")
    tariff.window2Start.setTime(QTime(13, 0))
    settings.try_save()
    shot("12-settings-tariff-errors", settings)
    settings.close()

    summary = SummaryDialog(s, window)
    summary.show()
    while summary.loading:  # built off the GUI thread
        QApplication.processEvents()
    shot("13-summary", summary)
    summary.close()

    statement = StatementDialog(s, client.id, window)
    statement.show()
    while statement.loading:  # read off the GUI thread
        QApplication.processEvents()
    shot("14-statement", statement)
    statement.close()

    mac = s.clients.add_device(client.id, DeviceData(kind=DeviceKind.MAC, model="iMac 24 M1"))
    view = s.sessions.start(window.advisor.id, client.id, Modality.OFFICE, device_id=mac.id)
    clock.advance(minutes=50)
    s.sessions.end(view.id, Outcome.ESCALATED, "No enciende: tarjeta lógica")
    s.receipts.issue_for_session(view.id)
    repair = RepairDialog(s, view.case.id, window, advisor_id=window.advisor.id)
    repair.show()
    repair.descriptionEdit.setText("Cambio de fuente de poder y limpieza interna")
    repair.hoursEdit.setText("2")
    row = repair.add_part()
    repair.set_part(row, 0, "Fuente de poder iMac A2438")
    repair.set_part(row, 2, "1,850.00")
    shot("15-repair-quote", repair)
    repair.save_quote()
    shot("16-repair-quoted", repair)
    repair.close()


if __name__ == "__main__":
    sys.exit(main())
