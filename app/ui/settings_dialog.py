"""Ajustes: the business profile printed on documents, every number of the tariff (RULES.md)
and the advisors — one tab each (:mod:`~app.ui.business_tab`, :mod:`~app.ui.tariff_tab`,
:mod:`~app.ui.advisors_tab`).

Each field's message appears next to it; nothing is stored until every field is valid. Saving
the tariff stores a new version in force from now: sessions that started earlier keep the
version they started with. Adding, retiring and reactivating advisors take effect at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.kernel.fmt import format_datetime
from app.ui.advisors_tab import AdvisorsTab
from app.ui.business_tab import BusinessTab
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation
from app.ui.kit.style import ERROR_COLOR
from app.ui.tariff_tab import TARIFF_NOTE, TariffTab

if TYPE_CHECKING:  # the window imports this module lazily; keep SQLAlchemy out of its import
    from app.billing import Tariff
    from app.services.data import BusinessProfile
    from app.services.facade import Services

__all__ = ["TARIFF_NOTE", "SettingsDialog"]


class SettingsDialog(QDialog):
    """Ajustes: Negocio (profile), Tarifas (a new tariff version on save), Asesores.

    After it closes: ``profile_saved`` is the stored profile (or None), ``tariff_version`` the
    id of the tariff version created (or None), ``advisors_changed`` tells whether advisors
    were added, retired or reactivated.
    """

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        current_advisor_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Ajustes")
        self.services = services
        self.profile_saved: BusinessProfile | None = None
        self.tariff_version: int | None = None

        self._profile = services.settings.profile()
        self._tariff = services.settings.tariff()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.businessTab = BusinessTab(self._profile)
        self.tariffTab = TariffTab(self._tariff, self._valid_from_text())
        self.advisorsTab = AdvisorsTab(services.clients, current_advisor_id)
        self.tabs.addTab(self.businessTab, "Negocio")
        self.tabs.addTab(self.tariffTab, "Tarifas")
        self.tabs.addTab(self.advisorsTab, "Asesores")

        self.formError = field_error("settingsError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.saveButton = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.saveButton.setText("Guardar")
        self.saveButton.setObjectName("saveSettingsButton")
        self.closeButton = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.closeButton.setText("Cerrar")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.request_close)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.formError)
        layout.addWidget(buttons)
        self._initial_state = self._form_state()

    @property
    def advisors_changed(self) -> bool:
        return self.advisorsTab.changed

    def _valid_from_text(self) -> str:
        now = self.services.clock()
        versions = [v for v in self.services.settings.tariff_versions() if v[1] <= now]
        if not versions:
            return "Tarifa vigente: valores iniciales (aún no se ha guardado ningún cambio)."
        _, valid_from, _ = max(versions, key=lambda v: (v[1], v[0]))
        return f"Tarifa vigente desde el {format_datetime(valid_from, weekday=True)}."

    def show_error(self, message: str) -> None:
        self.formError.show_message(message)

    # -- saving ------------------------------------------------------------------------------
    def try_save(self) -> bool:
        """Validate every field; if all are fine store what changed and close."""
        profile = self.businessTab.profile()
        tariff = self.tariffTab.tariff()
        self._mark_tab(self.businessTab, profile is None)
        self._mark_tab(self.tariffTab, tariff is None)
        if profile is None or tariff is None:
            self.tabs.setCurrentWidget(self.businessTab if profile is None else self.tariffTab)
            where = " y ".join(
                name
                for name, bad in (("Negocio", profile is None), ("Tarifas", tariff is None))
                if bad
            )
            self.show_error(f"Corrija los campos marcados en {where}; no se guardó nada.")
            return False
        if not Operation(self, lambda: self._store(profile, tariff)).run():
            return False
        self.accept()
        return True

    def _store(self, profile: BusinessProfile, tariff: Tariff) -> bool:
        """Store what changed (the profile, a new tariff version)."""
        settings = self.services.settings
        if profile != self._profile:
            self.profile_saved = self._profile = settings.save_profile(profile)
        if tariff != self._tariff:
            self.tariff_version = settings.save_tariff(tariff)
            self._tariff = tariff
        return True

    def _mark_tab(self, tab: QWidget, bad: bool) -> None:
        """A tab holding a field to correct shows its title in red."""
        bar = self.tabs.tabBar()
        index = self.tabs.indexOf(tab)
        bar.setTabTextColor(index, ERROR_COLOR if bad else bar.palette().windowText().color())

    # -- closing -----------------------------------------------------------------------------
    def _form_state(self) -> tuple[object, ...]:
        """Everything typed or chosen in Negocio and Tarifas, to notice unsaved changes."""
        return (*self.businessTab.state(), *self.tariffTab.state())

    def has_unsaved_changes(self) -> bool:
        return self._form_state() != self._initial_state

    def request_close(self) -> None:
        """Cerrar or Esc: unsaved changes in Negocio or Tarifas are dropped only if confirmed."""
        if self.has_unsaved_changes() and not self._confirm_discard():
            return
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.request_close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # the title bar's close button asks too; closing from code (the app quitting) does not
        if event.spontaneous() and self.has_unsaved_changes() and not self._confirm_discard():
            event.ignore()
            return
        super().closeEvent(event)

    def _confirm_discard(self) -> bool:
        box = QMessageBox(self)
        box.setObjectName("discardChangesBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Cambios sin guardar")
        box.setText("Hay cambios sin guardar en Negocio o Tarifas.")
        box.setInformativeText("¿Desea descartarlos?")
        discard = box.addButton("Descartar cambios", QMessageBox.ButtonRole.DestructiveRole)
        discard.setObjectName("discardButton")
        keep = box.addButton("Seguir editando", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keepEditingButton")
        box.setDefaultButton(keep)
        box.exec()
        chosen = box.clickedButton()
        box.deleteLater()
        return chosen is discard
