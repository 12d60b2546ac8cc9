"""Correcting a session's time after the fact: its start, its end, a forgotten pause or
disconnection — each stored as a new correction with its reason (RULES §8: never an edit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.kernel.enums import EventKind, Modality
from app.kernel.fmt import format_datetime
from app.services.values import SessionView
from app.ui.kit.layout import hint, ok_cancel
from app.ui.kit.moments import moment_edit, moment_of, set_moment
from app.ui.kit.saving_dialog import SavingDialog

__all__ = ["Correction", "CorrectionDialog"]


@dataclass(frozen=True)
class Correction:
    """What the advisor asked for: ``kind`` is a correction EventKind; ``start``/``end`` the
    instants it sets (a corrected end is in ``end``)."""

    kind: EventKind
    start: datetime | None
    end: datetime | None
    reason: str


_CHOICES = {
    EventKind.START_CORRECTED: "Corregir el inicio",
    EventKind.END_CORRECTED: "Corregir el fin",
    EventKind.PAUSE_ADDED: "Agregar una pausa olvidada",
    EventKind.DISCONNECTION_ADDED: "Agregar una desconexión olvidada",
}


class CorrectionDialog(SavingDialog[Correction, SessionView]):
    """``save`` records the correction (and may refuse with DomainError: the message shows
    here and nothing changes)."""

    def __init__(
        self,
        view: SessionView,
        save: Callable[[Correction], SessionView],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(save, "correctionError", parent)
        self.setObjectName("correctionDialog")
        self.setWindowTitle("Corregir horario de la sesión")
        self._view = view
        end = view.ended_at or now
        shown = "en curso" if view.running else format_datetime(end)
        intro = QLabel(
            f"Caso {view.case.label} · {view.client_name}: inicio "
            f"{format_datetime(view.started_at)}, fin {shown}."
        )
        intro.setObjectName("correctionIntro")
        intro.setWordWrap(True)
        self.kindCombo = QComboBox()
        self.kindCombo.setObjectName("kindCombo")
        for kind, text in _CHOICES.items():
            if kind is EventKind.END_CORRECTED and view.running:
                continue  # the end of a running session is recorded by ending it
            if kind is EventKind.DISCONNECTION_ADDED and view.modality is not Modality.REMOTE:
                continue
            self.kindCombo.addItem(text, kind)
        self.fromEdit = moment_edit("fromEdit", view.started_at)
        self.toEdit = moment_edit("toEdit", end)
        self.fromLabel, self.toLabel = QLabel("Nuevo inicio:"), QLabel("Hasta:")
        self.reasonEdit = QLineEdit()
        self.reasonEdit.setObjectName("reasonEdit")
        self.reasonEdit.setPlaceholderText("Por qué se corrige (obligatorio)")
        form = QFormLayout()
        form.addRow("Corrección:", self.kindCombo)
        form.addRow(self.fromLabel, self.fromEdit)
        form.addRow(self.toLabel, self.toEdit)
        form.addRow("Motivo:", self.reasonEdit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "La corrección se agrega a la bitácora con su motivo, su autor y la hora en "
                "que se registra; lo registrado antes no se borra. La cuenta sigue al "
                "horario corregido."
            )
        )
        layout.addWidget(self.errorLabel)
        layout.addWidget(ok_cancel(self, "Registrar corrección", self.try_save))
        self.kindCombo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.setMinimumWidth(520)

    def kind(self) -> EventKind:
        return EventKind(self.kindCombo.currentData())

    def _kind_changed(self) -> None:
        kind = self.kind()
        gap = kind in (EventKind.PAUSE_ADDED, EventKind.DISCONNECTION_ADDED)
        self.fromLabel.setText({
            EventKind.START_CORRECTED: "Nuevo inicio:", EventKind.END_CORRECTED: "Nuevo fin:"
        }.get(kind, "Desde:"))  # fmt: skip
        self.toLabel.setVisible(gap)
        self.toEdit.setVisible(gap)
        view = self._view
        if kind is EventKind.END_CORRECTED and view.ended_at is not None:
            set_moment(self.fromEdit, view.ended_at)
        elif kind is EventKind.START_CORRECTED:
            set_moment(self.fromEdit, view.started_at)

    def correction(self) -> Correction:
        kind, first = self.kind(), moment_of(self.fromEdit)
        if kind is EventKind.START_CORRECTED:
            return Correction(kind, first, None, self.reasonEdit.text())
        if kind is EventKind.END_CORRECTED:
            return Correction(kind, None, first, self.reasonEdit.text())
        return Correction(kind, first, moment_of(self.toEdit), self.reasonEdit.text())

    def asked(self) -> Correction:
        return self.correction()
