"""A past session entered by hand (one that was attended without the stopwatch): client,
device, modality, channel, start, end, outcome and the reason. It is recorded ended, marked
"registrada a mano", and billed like any other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.kernel.enums import Channel, Modality, Outcome
from app.services.correction_data import ManualSession
from app.services.values import ClientView, DeviceView, SessionView
from app.ui.device_dialog import device_text
from app.ui.kit.layout import hint, ok_cancel
from app.ui.kit.moments import moment_edit, moment_of
from app.ui.kit.saving_dialog import SavingDialog

__all__ = ["ManualSessionDialog"]


class ManualSessionDialog(SavingDialog[ManualSession, SessionView]):
    """``save`` records the session (and may refuse with DomainError: shown here)."""

    def __init__(
        self,
        client: ClientView,
        devices: Sequence[DeviceView],
        advisor_id: int,
        save: Callable[[ManualSession], SessionView],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(save, "manualError", parent)
        self.setObjectName("manualSessionDialog")
        self.setWindowTitle("Registrar sesión pasada")
        self._client, self._advisor_id = client, advisor_id
        header = QLabel(f"<b>{client.name}</b> — {client.city or 'sin ciudad'}")
        header.setTextFormat(Qt.TextFormat.RichText)
        self.deviceCombo = QComboBox()
        self.deviceCombo.setObjectName("deviceCombo")
        self.deviceCombo.addItem("Sin equipo registrado", None)
        for d in devices:
            self.deviceCombo.addItem(device_text(d), d.id)
        self.modalityCombo = QComboBox()
        self.modalityCombo.setObjectName("modalityCombo")
        for m in Modality:
            self.modalityCombo.addItem(m.label, m)
        self.channelCombo = QComboBox()
        self.channelCombo.setObjectName("channelCombo")
        for c in Channel:
            self.channelCombo.addItem(c.label, c)
        self.startEdit = moment_edit("startEdit", now - timedelta(hours=1))
        self.endEdit = moment_edit("endEdit", now)
        self.outcomeCombo = QComboBox()
        self.outcomeCombo.setObjectName("outcomeCombo")
        for o in Outcome:
            self.outcomeCombo.addItem(o.label, o)
        self.summaryEdit = QLineEdit()
        self.summaryEdit.setObjectName("summaryEdit")
        self.summaryEdit.setPlaceholderText("El problema que se atendió")
        self.reasonEdit = QLineEdit()
        self.reasonEdit.setObjectName("reasonEdit")
        self.reasonEdit.setPlaceholderText("Por qué se registra a mano (obligatorio)")
        form = QFormLayout()
        form.addRow("Equipo:", self.deviceCombo)
        form.addRow("Modalidad:", self.modalityCombo)
        form.addRow("Canal:", self.channelCombo)
        form.addRow("Inicio:", self.startEdit)
        form.addRow("Fin:", self.endEdit)
        form.addRow("Resultado:", self.outcomeCombo)
        form.addRow("Problema:", self.summaryEdit)
        form.addRow("Motivo:", self.reasonEdit)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addLayout(form)
        layout.addWidget(
            hint(
                "Se abre un caso nuevo con la sesión ya terminada, marcada como registrada a "
                "mano; se cobra como cualquier otra."
            )
        )
        layout.addWidget(self.errorLabel)
        layout.addWidget(ok_cancel(self, "Registrar sesión", self.try_save))
        self.modalityCombo.currentIndexChanged.connect(self._modality_changed)
        self._modality_changed()
        self.setMinimumWidth(520)

    def _modality_changed(self) -> None:
        self.channelCombo.setEnabled(Modality(self.modalityCombo.currentData()) is Modality.REMOTE)

    def data(self) -> ManualSession:
        modality = Modality(self.modalityCombo.currentData())
        channel = Channel(self.channelCombo.currentData()) if modality is Modality.REMOTE else None
        return ManualSession(
            advisor_id=self._advisor_id,
            client_id=self._client.id,
            modality=modality,
            start=moment_of(self.startEdit),
            end=moment_of(self.endEdit),
            reason=self.reasonEdit.text(),
            device_id=self.deviceCombo.currentData(),
            channel=channel,
            outcome=Outcome(self.outcomeCombo.currentData()),
            summary=self.summaryEdit.text(),
        )

    def asked(self) -> ManualSession:
        return self.data()
