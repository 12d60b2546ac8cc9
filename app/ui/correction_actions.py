"""What the advisor does to a session's record afterwards, in the main window: a note while it
runs, a correction of its time, a past session entered by hand. Each opens its dialog, which
calls the service (``services.corrections``) and shows a refusal in place; the window then
shows the session as the service returned it (its bill follows the corrected timeline)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from app.kernel.enums import EventKind
from app.ui.kit.layout import run_dialog
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.corrections import CorrectionService
    from app.services.values import SessionView
    from app.ui.correction_dialog import Correction
    from app.ui.main_window import MainWindow

__all__ = ["CorrectionActions", "record_correction"]


def record_correction(
    corrections: CorrectionService, session_id: int, author_id: int, c: Correction
) -> SessionView:
    """The service call for what the correction dialog asked."""
    reason, start, end = c.reason, c.start, c.end
    if c.kind is EventKind.START_CORRECTED and start is not None:
        return corrections.correct_start(session_id, start, reason=reason, author_id=author_id)
    if c.kind is EventKind.END_CORRECTED and end is not None:
        return corrections.correct_end(session_id, end, reason=reason, author_id=author_id)
    assert start is not None and end is not None
    add = (
        corrections.add_pause if c.kind is EventKind.PAUSE_ADDED else corrections.add_disconnection
    )
    return add(session_id, start, end, reason=reason, author_id=author_id)


class CorrectionActions:
    """The session panel's "Nota…", "Corregir horario…" and "Registrar sesión pasada…"."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def wire(self) -> None:
        sp = self.window.sessionPanel
        sp.noteRequested.connect(self.note)
        sp.correctionRequested.connect(self.correct)
        sp.manualSessionRequested.connect(self.manual_session)

    def note(self) -> SessionView | None:
        from app.ui.note_dialog import NoteDialog

        w = self.window
        services, session, advisor = w.services, w.session, w.advisor
        if services is None or session is None or advisor is None:
            return None
        corrections = services.corrections
        dialog = NoteDialog(
            lambda text: corrections.add_note(session.id, text, author_id=advisor.id), w
        )
        return self._shown(dialog, lambda: dialog.saved)

    def correct(self) -> SessionView | None:
        from app.ui.correction_dialog import CorrectionDialog

        w = self.window
        services, session, advisor = w.services, w.session, w.advisor
        if services is None or session is None or advisor is None:
            return None
        corrections = services.corrections
        dialog = CorrectionDialog(
            session,
            lambda c: record_correction(corrections, session.id, advisor.id, c),
            services.clock(),
            w,
        )
        view = self._shown(dialog, lambda: dialog.saved)
        if view is not None:
            w.show_notice("Corrección registrada; la cuenta sigue al horario corregido.")
        return view

    def manual_session(self) -> SessionView | None:
        from app.ui.manual_session_dialog import ManualSessionDialog

        w = self.window
        services, advisor, client_id = w.services, w.advisor, w.selected_client_id()
        if services is None or advisor is None or client_id is None:
            return None
        found = Operation(
            w,
            lambda: (services.clients.client(client_id), services.clients.devices(client_id)),
        ).run()
        if found is None:
            return None
        client, devices = found
        corrections = services.corrections
        dialog = ManualSessionDialog(
            client, devices, advisor.id, corrections.add_manual_session, services.clock(), w
        )
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        view = dialog.saved
        w.show_notice(f"Sesión registrada a mano en el caso {view.case.label}.")
        if w.session is None or not w.session.running:  # never hide the session that runs
            w.receipt_folio = None
            w.set_session(view)
        w.load_pending()
        return view

    def _shown(
        self, dialog: QDialog, saved: Callable[[], SessionView | None]
    ) -> SessionView | None:
        """Run ``dialog``; show the session it saved."""
        accepted = run_dialog(dialog) == QDialog.DialogCode.Accepted
        view = saved()
        if not accepted or view is None:
            return None
        self.window.set_session(view)
        return view
