"""What the advisor does to the session in the main window: start it (or a free follow-up),
its actions (pause, disconnection, remote control…), end it, the quote it may need, and its
receipt (issue it, its PDF, a payment).

Each action is one service call through :class:`~app.ui.kit.operation.Operation`: a refused
one shows its Spanish message in the window's banner and changes nothing; a done one shows
the session as the service returned it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.billing import format_money
from app.kernel.enums import Outcome
from app.ui.kit.layout import run_dialog
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfDocument

if TYPE_CHECKING:
    from app.services.agenda_values import AppointmentView
    from app.services.facade import Services
    from app.services.values import DeviceView, SessionView
    from app.ui.main_window import MainWindow

__all__ = ["SessionActions"]

DECLINED_NOTICE = (
    "El cliente rechazó el control remoto: el servicio no puede continuar. "
    "Envíe las instrucciones y finalice la sesión."
)


class SessionActions:
    """The session panel's and the billing panel's requests, carried out for ``window``."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def act(self, fn: Callable[[Services, int], SessionView]) -> SessionView | None:
        """One action on the session shown (``fn(services, session_id)``)."""
        w = self.window
        services, session = w.services, w.session
        if services is None or session is None:
            return None
        return Operation(w, lambda: fn(services, session.id)).success(w.set_session).run()

    def wire(self) -> None:
        """Connect the panels' requests to the actions."""
        w, act = self.window, self.act
        sp = w.sessionPanel
        sp.startRequested.connect(self.start_session)
        sp.pauseRequested.connect(lambda: act(lambda s, i: s.sessions.pause(i)))
        sp.resumeRequested.connect(lambda: act(lambda s, i: s.sessions.resume(i)))
        sp.disconnectRequested.connect(lambda: act(lambda s, i: s.sessions.disconnect(i)))
        sp.reconnectRequested.connect(lambda: act(lambda s, i: s.sessions.reconnect(i)))
        sp.remoteRequested.connect(self.request_remote)
        sp.remoteStartRequested.connect(lambda: act(lambda s, i: s.sessions.start_remote(i)))
        sp.remoteStopRequested.connect(
            lambda by_client: act(lambda s, i: s.sessions.stop_remote(i, by_client=by_client))
        )
        sp.instructionsStartRequested.connect(
            lambda: act(lambda s, i: s.sessions.start_instructions(i))
        )
        sp.instructionsEndRequested.connect(
            lambda: act(lambda s, i: s.sessions.end_instructions(i))
        )
        sp.endRequested.connect(lambda: self.end_session())
        sp.newEventRequested.connect(lambda: self.end_session(new_event=True))
        w.followUpButton.clicked.connect(lambda: self.follow_up())
        w.billingPanel.issueRequested.connect(self.issue_receipt)
        w.billingPanel.payRequested.connect(self.record_payment)
        w.billingPanel.cancelReceiptRequested.connect(self.cancel_receipt)
        w.billingPanel.quoteEntered.connect(self.set_quote)
        # -- notes, corrections, past sessions by hand (app/ui/correction_actions.py) --
        from app.ui.correction_actions import CorrectionActions

        self.corrections = CorrectionActions(w)
        self.corrections.wire()

    # -- starting ----------------------------------------------------------------------------
    def start_session(self, preset: AppointmentView | None = None) -> SessionView | None:
        """``preset``: a cita of the agenda fills device, modality, channel and city."""
        from app.ui.device_dialog import DeviceDialog
        from app.ui.start_session_dialog import StartSessionDialog

        w = self.window
        services, advisor = w.services, w.advisor
        client_id = w.selected_client_id()
        if services is None or advisor is None or client_id is None:
            return None
        if not self.leave_unbilled():
            return None
        clients = services.clients
        read = Operation(
            w,
            lambda: (
                clients.client(client_id),
                clients.devices(client_id),
                clients.last_checklist(client_id),
            ),
        ).run()  # a database fault: its Spanish message in the banner, no dialog
        if read is None:
            return None
        client, devices, last = read

        def add_device() -> DeviceView | None:
            d = DeviceDialog(lambda data: clients.add_device(client_id, data), parent=w)
            return d.saved if run_dialog(d) == QDialog.DialogCode.Accepted else None

        dialog = StartSessionDialog(client, devices, add_device, w, last=last)
        if preset is not None:
            dialog.preset(preset.device_id, preset.modality, preset.channel, preset.city,
                          preset.reason)  # fmt: skip
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.request is None:
            return None
        r = dialog.request
        return (
            Operation(
                w,
                lambda: services.sessions.start(
                    advisor.id,
                    client_id,
                    r.modality,
                    device_id=r.device_id,
                    channel=r.channel,
                    city=r.city,
                    summary=r.summary,
                    checklist=r.checklist,
                ),
            )
            .success(self._new_session)
            .run()
        )

    def follow_up(self) -> SessionView | None:
        """The free follow-up of the pending case selected."""
        w = self.window
        services, advisor = w.services, w.advisor
        items = w.pendingCasesTable.selectedItems()
        if services is None or advisor is None or not items:
            return None
        if not self.leave_unbilled():
            return None
        cell = w.pendingCasesTable.item(items[0].row(), 0)
        if cell is None:
            return None
        case_id = int(cell.data(Qt.ItemDataRole.UserRole))
        view = Operation(w, lambda: services.sessions.follow_up(case_id, advisor.id)).run()
        if view is not None:
            w.receipt_folio = None
            w.set_session(view)
            w.load_pending()
        return view

    def _new_session(self, view: SessionView) -> None:
        self.window.receipt_folio = None
        self.window.set_session(view)

    # -- remote control ----------------------------------------------------------------------
    def request_remote(self) -> SessionView | None:
        """Ask for remote control, then record the client's answer (RULES §8)."""
        from app.ui.consent_dialog import ConsentDialog

        view = self.act(lambda s, i: s.sessions.request_remote(i))
        if view is None:
            return None
        dialog = ConsentDialog(self.window)
        run_dialog(dialog)
        if dialog.answer == ConsentDialog.ACCEPTED:
            backup = dialog.backupCheck.isChecked()
            return self.act(
                lambda s, i: s.sessions.accept_remote(i, backup_notice_acknowledged=backup)
            )
        if dialog.answer == ConsentDialog.DECLINED:
            declined = self.act(lambda s, i: s.sessions.decline_remote(i))
            self.window.show_notice(DECLINED_NOTICE, key="declined")
            self.end_session(preselect=Outcome.DECLINED_REMOTE)
            return declined
        return view

    # -- ending ------------------------------------------------------------------------------
    def end_session(self, *, new_event: bool = False, preselect: Any = None) -> SessionView | None:
        """End the session with its outcome; "Nuevo evento" also opens the new request's case."""
        from app.ui.end_session_dialog import EndSessionDialog

        w = self.window
        services, session = w.services, w.session
        if services is None or session is None or not session.running:
            return None
        preselect = preselect or session.suggested_outcome  # a declined remote control stays
        dialog = EndSessionDialog(new_event=new_event, preselect=preselect, parent=w)
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.outcome is None:
            return None
        outcome, note = dialog.outcome, dialog.noteEdit.text().strip()
        if not new_event:
            view = Operation(w, lambda: services.sessions.end(session.id, outcome, note)).run()
            if view is not None:
                w.set_session(view)
                w.load_pending()
            return view
        summary = dialog.summaryEdit.text()
        pair = Operation(
            w,
            lambda: services.sessions.another_request(
                session.id, outcome, summary=summary, note=note
            ),
        ).run()
        if pair is None:
            return None
        ended, new = pair
        w.receipt_folio = None
        w.set_session(new)
        w.load_pending()
        text = (
            f"El caso {ended.case.label} terminó ({outcome.label}); "
            f"se abrió el caso {new.case.label} para la nueva solicitud."
        )
        folio = self.offer_receipt(ended) if self._unbilled(ended) else None
        if folio is not None:
            text += f" Recibo {folio} del caso {ended.case.label} emitido."
        elif self._unbilled(ended):
            text += f" El caso {ended.case.label} queda en «Sesiones sin recibo»."
        w.show_notice(text, key="session")
        return new

    def set_quote(self, kind: str, value: Decimal) -> None:
        """The quoted rate or amount of a session that requires a quote."""
        kwargs = {"rate": value} if kind == "rate" else {"amount": value}
        self.act(lambda s, i: s.sessions.set_quote(i, **kwargs))

    # -- the receipt -------------------------------------------------------------------------
    def issue_receipt(self) -> str | None:
        """Issue the ended session's receipt; its folio."""
        w = self.window
        services, session = w.services, w.session
        if services is None or session is None or session.running:
            return None
        advisor_id = w.advisor.id if w.advisor else None
        receipt = Operation(
            w, lambda: services.receipts.issue_for_session(session.id, advisor_id=advisor_id)
        ).run()
        if receipt is None:
            return None
        w.receipt_folio = receipt.folio
        w.show_notice(
            f"Recibo {receipt.folio} emitido por {format_money(receipt.total)}.", key="session"
        )
        w.refresh_bill()
        return receipt.folio

    def receipt_document(self) -> PdfDocument | None:
        """The PDF of the receipt just issued (read and rendered off the GUI thread)."""
        from app.documents.receipt_pdf import receipt_pdf_bytes

        services, folio = self.window.services, self.window.receipt_folio
        if services is None or folio is None:
            return None
        documents = services.documents
        return PdfDocument(
            f"Recibo {folio}", lambda: receipt_pdf_bytes(documents.receipt_by_folio(folio))
        )

    def record_payment(self) -> None:
        """A payment against the receipt just issued."""
        from app.ui.payment_dialog import PaymentDialog

        w = self.window
        services, folio = w.services, w.receipt_folio
        if services is None or folio is None:
            return
        receipt = Operation(w, lambda: services.receipts.by_folio(folio)).run()
        if receipt is not None:
            advisor_id = w.advisor.id if w.advisor else None
            run_dialog(PaymentDialog(services, receipt.id, w, advisor_id=advisor_id))
            w.refresh_bill()  # the bill shows what was paid and what is owed

    # -- sessions left without a receipt -----------------------------------------------------
    def _unbilled(self, view: SessionView) -> bool:
        """The ended session still owes its receipt (``services.unbilled``'s definition)."""
        services = self.window.services
        if services is None or view.running:
            return False
        items = Operation(
            self.window, lambda: services.unbilled.sessions(client_id=view.client_id)
        ).run()
        return any(i.session_id == view.id for i in items or ())

    def leave_unbilled(self, *, cancellable: bool = True) -> bool:
        """Before the panels leave an ended session without a receipt: issue it now, or later
        from «Sesiones sin recibo». False when the advisor chose to stay."""
        from PySide6.QtWidgets import QMessageBox

        w = self.window
        view = w.session
        if view is None or view.running or w.receipt_folio is not None or not self._unbilled(view):
            return True
        box = QMessageBox(w)
        box.setObjectName("unbilledPrompt")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Sesión sin recibo")
        box.setText(f"La sesión de {view.client_name} (caso {view.case.label}) terminó sin recibo.")
        box.setInformativeText(
            "¿Emitir el recibo ahora? También puede emitirlo después desde "
            "Sesión → Sesiones sin recibo…"
        )
        issue = box.addButton("Emitir recibo", QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton("Después", QMessageBox.ButtonRole.DestructiveRole)
        if cancellable:
            box.addButton("Cancelar", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(issue)
        run_dialog(box)
        clicked = box.clickedButton()
        if clicked is issue:
            return self.issue_receipt() is not None or not cancellable
        if clicked is later or not cancellable:
            w.show_notice(
                f"La sesión de {view.client_name} (caso {view.case.label}) quedó en "
                "«Sesiones sin recibo».",
                key="unbilled",
            )
            return True
        return False

    def offer_receipt(self, view: SessionView) -> str | None:
        """The case just ended by "Nuevo evento": issue its receipt now? Its folio, if so."""
        from PySide6.QtWidgets import QMessageBox

        w = self.window
        services = w.services
        if services is None:
            return None
        box = QMessageBox(w)
        box.setObjectName("offerReceiptPrompt")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Sesión sin recibo")
        box.setText(f"El caso {view.case.label} terminó. ¿Emitir su recibo ahora?")
        box.setInformativeText("Si no, queda en Sesión → Sesiones sin recibo…")
        issue = box.addButton("Emitir recibo", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Después", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(issue)
        run_dialog(box)
        if box.clickedButton() is not issue:
            return None
        advisor_id = w.advisor.id if w.advisor else None
        receipt = Operation(
            w, lambda: services.receipts.issue_for_session(view.id, advisor_id=advisor_id)
        ).run()
        return receipt.folio if receipt is not None else None

    def cancel_receipt(self) -> None:
        """Cancel the receipt just issued (and issue the corrected one, when asked)."""
        from app.ui.cancel_receipt_dialog import CancelReceiptDialog

        w = self.window
        services, folio = w.services, w.receipt_folio
        if services is None or folio is None:
            return
        receipt = Operation(w, lambda: services.receipts.by_folio(folio)).run()
        if receipt is None:
            return
        advisor_id = w.advisor.id if w.advisor else None
        dialog = CancelReceiptDialog(services, receipt.id, w, advisor_id=advisor_id)
        run_dialog(dialog)
        if dialog.cancelled is not None:
            w.receipt_folio = dialog.reissued.folio if dialog.reissued else None
            w.show_notice(dialog.outcome_text(), key="session")
            w.refresh_bill()
