"""The dialogs the main window opens — clients and devices, the policy, the statement, the
repair, the corte del día, the reviews due, Ajustes — and what the window shows after them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from app.services.values import DeviceView
from app.ui.kit.layout import run_dialog
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.data import ClientData
    from app.services.values import ClientView
    from app.ui.main_window import MainWindow

__all__ = ["WindowDialogs"]


class WindowDialogs:
    """Opens each dialog for ``window``'s services, advisor and selected client."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    # -- clients -----------------------------------------------------------------------------
    def new_client(self) -> ClientView | None:
        """A new client and their devices, saved together."""
        from app.services.data import DeviceData
        from app.ui.client_dialog import ClientDialog, DeviceActions
        from app.ui.device_dialog import DeviceDialog

        w = self.window
        assert w.services is not None
        clients = w.services.clients
        pending: list[DeviceView] = []

        def draft(data: DeviceData, replacing: DeviceView | None = None) -> DeviceView:
            clean = data.clean()  # a refusal shows in the device dialog
            view = DeviceView(
                id=replacing.id if replacing else -1 - len(pending),
                client_id=0,
                kind=clean.kind,
                model=clean.model,
                serial=clean.serial,
                os_version=clean.os_version,
                notes=clean.notes,
                active=True,
            )
            if replacing is None:
                pending.append(view)
            else:
                pending[pending.index(replacing)] = view
            return view

        def add() -> DeviceView | None:
            dialog = DeviceDialog(draft, parent=w)
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        def edit(device: DeviceView) -> DeviceView | None:
            dialog = DeviceDialog(lambda d: draft(d, device), device, parent=w)
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        def save(data: ClientData) -> ClientView:
            devices = [
                DeviceData(d.kind, d.model, d.serial, d.os_version, d.notes) for d in pending
            ]
            return clients.create_client(data, devices)

        dialog = ClientDialog(
            save, parent=w, devices=DeviceActions(lambda: list(pending), add, edit)
        )
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        w.client_saved(dialog.saved)
        return dialog.saved

    def edit_client(self) -> ClientView | None:
        """The selected client and their devices."""
        from app.ui.client_dialog import ClientDialog, DeviceActions
        from app.ui.device_dialog import DeviceDialog

        w = self.window
        assert w.services is not None
        clients = w.services.clients
        client_id = w.selected_client_id()
        if client_id is None:
            return None

        def add() -> DeviceView | None:
            dialog = DeviceDialog(lambda d: clients.add_device(client_id, d), parent=w)
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        def edit(device: DeviceView) -> DeviceView | None:
            dialog = DeviceDialog(lambda d: clients.update_device(device.id, d), device, parent=w)
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        dialog = ClientDialog(
            lambda data: clients.update_client(client_id, data),
            clients.client(client_id),
            parent=w,
            devices=DeviceActions(lambda: clients.devices(client_id), add, edit),
        )
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        w.client_saved(dialog.saved)
        return dialog.saved

    def open_policy(self) -> None:
        """Set up or change the selected client's policy (pólizas, RULES §6)."""
        from app.ui.policy_dialog import PolicyDialog

        w = self.window
        client_id = w.selected_client_id()
        if w.services is None or client_id is None:
            w.show_error("Seleccione un cliente para ver o registrar su póliza.")
            return
        run_dialog(PolicyDialog(w.services, client_id, w))
        w.show_policy(client_id)

    def open_statement(self) -> None:
        """The selected client's receipts, payments and balance; payments are recorded there."""
        from app.ui.statement_dialog import StatementDialog

        w = self.window
        client_id = w.selected_client_id()
        if w.services is None or client_id is None:
            w.show_error("Seleccione un cliente para ver su estado de cuenta.")
            return
        advisor_id = w.advisor.id if w.advisor else None
        run_dialog(StatementDialog(w.services, client_id, w, advisor_id=advisor_id))
        w.refresh_bill()  # a receipt issued, paid or cancelled there shows in the bill

    def open_unbilled(self) -> None:
        """Sesión → Sesiones sin recibo…: the day's (and older) sessions still to bill."""
        self._unbilled(None)

    def open_client_unbilled(self) -> None:
        client_id = self.window.selected_client_id()
        if client_id is None:
            self.window.show_error("Seleccione un cliente para ver sus sesiones sin recibo.")
            return
        self._unbilled(client_id)

    def _unbilled(self, client_id: int | None) -> None:
        from app.ui.unbilled_dialog import UnbilledDialog

        w = self.window
        if w.services is None:
            return
        advisor_id = w.advisor.id if w.advisor else None
        dialog = UnbilledDialog(w.services, w, client_id=client_id, advisor_id=advisor_id)
        run_dialog(dialog)
        if dialog.chosen_session is not None:
            w.show_session(dialog.chosen_session)
        else:
            w.refresh_bill()  # a receipt issued there for the session shown

    def switch_advisor(self) -> None:
        """Archivo → Cambiar de asesor…: another advisor takes the window (not while a
        session runs)."""
        from app.ui.advisor_dialog import AdvisorDialog

        w = self.window
        services = w.services
        if services is None:
            return
        if w.session is not None and w.session.running:
            w.show_error(
                "Finalice la sesión en curso antes de cambiar de asesor "
                f"({w.session.client_name}, caso {w.session.case.label})."
            )
            return
        if not w.session_actions.leave_unbilled():
            return
        advisors = Operation(w, services.clients.advisors).run()
        if advisors is None:
            return
        dialog = AdvisorDialog(advisors, services.clients.create_advisor, w)
        ids = [dialog.combo.itemData(i).id for i in range(dialog.combo.count())]
        if w.advisor is not None and w.advisor.id in ids:
            dialog.combo.setCurrentIndex(ids.index(w.advisor.id))
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        w.change_advisor(dialog.chosen)

    def open_repair(self) -> None:
        """Repair quote of an escalated case: the session shown, else the selected client's
        latest escalated case (RULES §7)."""
        from app.kernel.enums import CaseState
        from app.ui.repair_dialog import RepairDialog

        w = self.window
        services = w.services
        if services is None:
            return
        case_id = None
        if w.session is not None and w.session.case.state is CaseState.ESCALATED:
            case_id = w.session.case.id
        elif (client_id := w.selected_client_id()) is not None:
            cases = services.sessions.cases(client_id=client_id, states=[CaseState.ESCALATED])
            case_id = cases[-1].id if cases else None
        if case_id is None:
            w.show_error(
                "No hay un caso escalado: finalice una sesión como «Escalado» o elija al cliente."
            )
            return
        advisor_id = w.advisor.id if w.advisor else None
        run_dialog(RepairDialog(services, case_id, w, advisor_id=advisor_id))

    # -- the business ------------------------------------------------------------------------
    def open_summary(self) -> None:
        from app.ui.summary_dialog import SummaryDialog

        if self.window.services is not None:
            run_dialog(SummaryDialog(self.window.services, self.window))

    def open_reviews(self) -> None:
        from app.ui.reviews_due_dialog import ReviewsDueDialog

        w = self.window
        if w.services is not None:
            run_dialog(ReviewsDueDialog(w.services, w))
            w.show_policy(w.selected_client_id())

    def open_backups(self) -> None:
        """Archivo → Respaldos…; after a restore AppleUse closes to open the data fresh."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        from app.ui.backups_dialog import BackupsDialog

        w = self.window
        if w.services is None:
            return
        dialog = BackupsDialog(w.services, w)
        restored: list[str] = []
        dialog.restored.connect(restored.append)
        run_dialog(dialog)
        if restored:
            w.back_up_on_close = False  # keep the restored file as it is
            w.sealable = False  # and check it at the next start
            QMessageBox.information(
                w,
                "Respaldo restaurado",
                f"Se restauró el respaldo; la base anterior quedó en {restored[0]}. AppleUse se "
                "cerrará: ábralo de nuevo para trabajar con los datos restaurados.",
            )
            QApplication.quit()

    def open_settings(self) -> None:
        """Ajustes; a new tariff redraws the session's band and the bill."""
        from app.ui.settings_dialog import SettingsDialog

        w = self.window
        services = w.services
        if services is None:
            return
        advisor_id = w.advisor.id if w.advisor else None
        dialog = SettingsDialog(services, w, current_advisor_id=advisor_id)
        run_dialog(dialog)
        if dialog.tariff_version is not None:
            w.sessionPanel.set_tariff(services.settings.tariff())
            w.refresh_bill()
