"""Archivo → Respaldos…: the database's backups (date, size, rows), a backup now, and restoring
one — the current file is kept aside, then AppleUse closes so the restored data is opened
fresh. The work runs off the GUI thread; ``services.backups`` does it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.kernel.fmt import LOCAL_ZONE
from app.ui.kit.layout import hint
from app.ui.kit.messages import error_banner, notice_banner
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.services.values import BackupView

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
HEADERS = ("Fecha", "Motivo", "Tamaño", "Filas", "Archivo")
REASONS = {
    "diario": "Inicio del día",
    "cierre": "Al cerrar",
    "manual": "Manual",
    "migracion": "Antes de actualizar",
}


class BackupsDialog(QDialog):
    """The backups of a SQLite database; ``restored`` fires after a restore."""

    restored = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Respaldos")
        self.services = services
        self.backups: list[BackupView] = []
        self.errorLabel = error_banner("backupsError")
        self.noticeLabel = notice_banner("backupsNotice")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("backupsTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.backupButton = QPushButton("Respaldar ahora")
        self.backupButton.setObjectName("backupNowButton")
        self.backupButton.clicked.connect(self.back_up_now)
        self.restoreButton = QPushButton("Restaurar…")
        self.restoreButton.setObjectName("restoreButton")
        self.restoreButton.clicked.connect(self.restore_selected)
        close = QPushButton("Cerrar")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backupButton)
        buttons.addWidget(self.restoreButton)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint(
                "Se respalda al empezar el día y al cerrar AppleUse, en "
                f"«{self._folder()}»; se conservan los más recientes de cada día, semana y mes."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self._settings_box())
        layout.addWidget(self.noticeLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(buttons)
        self.resize(780, 520)
        self.refresh()

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("Conservar y copiar")
        form = QFormLayout(box)
        self.keepSpins: dict[str, QSpinBox] = {}
        row = QHBoxLayout()
        for key, label, most in (("daily", "días", 366), ("weekly", "semanas", 260),
                                 ("monthly", "meses", 240)):  # fmt: skip
            spin = QSpinBox()
            spin.setObjectName(f"keep_{key}")
            spin.setRange(0, most)
            spin.setSuffix(f" {label}")
            self.keepSpins[key] = spin
            row.addWidget(spin)
        row.addStretch(1)
        form.addRow("Conservar los últimos:", row)
        self.alsoEdit = QLineEdit()
        self.alsoEdit.setObjectName("alsoFolderEdit")
        self.alsoEdit.setPlaceholderText(
            "Un disco externo o una carpeta de iCloud Drive (opcional)"
        )
        choose = QPushButton("Elegir…")
        choose.clicked.connect(self._choose_folder)
        also = QHBoxLayout()
        also.addWidget(self.alsoEdit, 1)
        also.addWidget(choose)
        form.addRow("Segunda carpeta:", also)
        self.saveSettingsButton = QPushButton("Guardar")
        self.saveSettingsButton.setObjectName("saveBackupSettingsButton")
        self.saveSettingsButton.clicked.connect(self.save_settings)
        save = QHBoxLayout()
        save.addWidget(self.saveSettingsButton)
        save.addStretch(1)
        form.addRow("", save)
        if self.services.backups.available:
            current = Operation(self, self.services.backups.settings).run()
            if current is not None:
                self.keepSpins["daily"].setValue(current.daily)
                self.keepSpins["weekly"].setValue(current.weekly)
                self.keepSpins["monthly"].setValue(current.monthly)
                self.alsoEdit.setText(current.also)
        else:
            box.setEnabled(False)
        return box

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Segunda carpeta de respaldos")
        if folder:
            self.alsoEdit.setText(folder)

    def save_settings(self) -> None:
        from app.services.data import BackupSettings

        wanted = BackupSettings(
            self.keepSpins["daily"].value(),
            self.keepSpins["weekly"].value(),
            self.keepSpins["monthly"].value(),
            self.alsoEdit.text(),
        )

        def saved(_: object) -> None:
            self.noticeLabel.show_message("Se guardó cómo se conservan y copian los respaldos.")

        Operation(self, lambda: self.services.backups.save_settings(wanted)).success(saved).run()

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def _folder(self) -> str:
        backups = self.services.backups
        return str(backups.folder) if backups.available else "—"

    def refresh(self) -> None:
        if not self.services.backups.available:
            self.show_error("Los respaldos de PostgreSQL los hace el servidor.")
            self.backupButton.setEnabled(False)
            self.restoreButton.setEnabled(False)
            return
        Operation(self, self.services.backups.backups).success(self._fill).run()

    def _fill(self, backups: list[BackupView]) -> None:
        self.backups = backups
        zone = ZoneInfo(LOCAL_ZONE)
        self.table.setRowCount(len(backups))
        for row, b in enumerate(backups):
            texts = (
                b.taken_at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                REASONS.get(b.reason, b.reason.capitalize()),
                f"{b.size / 1024:,.0f} KiB",
                f"{b.rows:,}",
                b.path.name,
            )
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col in (2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._selection_changed()

    def selected(self) -> BackupView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restoreButton.setEnabled(self.selected() is not None)

    def back_up_now(self) -> None:
        self.backupButton.setEnabled(False)

        def done(made: BackupView) -> None:
            self.noticeLabel.show_message(f"Respaldo hecho: {made.path.name}")
            self.refresh()

        (
            Operation(self, lambda: self.services.backups.create("manual"))
            .success(done)
            .finished(lambda: self.backupButton.setEnabled(True))
            .run_in_background()
        )

    def restore_selected(self, *, confirmed: bool = False) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        when = chosen.taken_at.astimezone(ZoneInfo(LOCAL_ZONE)).strftime("%d/%m/%Y %H:%M")
        if not confirmed:
            answer = QMessageBox.question(
                self,
                "Restaurar respaldo",
                f"¿Restaurar el respaldo del {when} ({chosen.rows:,} filas)? La base actual se "
                "conserva aparte y AppleUse se cerrará para abrir los datos restaurados.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        restored = Operation(self, lambda: self.services.backups.restore(chosen.path)).run()
        if restored is not None:
            self.restored.emit(str(restored))
            self.accept()
