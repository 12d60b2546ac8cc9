"""Ajustes → Negocio: the business profile printed on receipts and the corte del día."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.kit.layout import hint
from app.ui.kit.messages import MessageLabel, field_error
from app.ui.settings_fields import split_phones

if TYPE_CHECKING:  # the window imports this module lazily; keep SQLAlchemy out of its import
    from app.services.data import BusinessProfile

__all__ = ["BusinessTab"]

SERIES_PATTERN = re.compile(r"[A-Z]{1,3}")
LOGO_SIZE = 72


class BusinessTab(QWidget):
    """Name, phones, address, e-mail, website, logo and the receipts' series."""

    def __init__(self, profile: BusinessProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        p = self._profile = profile
        self.businessNameEdit = QLineEdit(p.name)
        self.businessNameEdit.setObjectName("businessNameEdit")
        self.businessNameError = field_error("businessNameError", wrap=False)
        self.phonesEdit = QPlainTextEdit("\n".join(p.phones))
        self.phonesEdit.setObjectName("phonesEdit")
        self.phonesEdit.setPlaceholderText("Uno por línea o separados por comas")
        self.phonesEdit.setFixedHeight(60)
        self.phonesError = field_error("phonesError", wrap=False)
        self.addressEdit = QLineEdit(p.address)
        self.addressEdit.setObjectName("addressEdit")
        self.businessEmailEdit = QLineEdit(p.email)
        self.businessEmailEdit.setObjectName("businessEmailEdit")
        self.businessEmailEdit.setPlaceholderText("contacto@ejemplo.mx")
        self.businessEmailError = field_error("businessEmailError", wrap=False)
        self.websiteEdit = QLineEdit(p.website)
        self.websiteEdit.setObjectName("websiteEdit")
        self.websiteEdit.setPlaceholderText("www.ejemplo.mx")
        logo_row = self._logo_row()
        self.seriesEdit = QLineEdit(p.receipt_series)
        self.seriesEdit.setObjectName("seriesEdit")
        self.seriesEdit.setMaxLength(3)
        self.seriesEdit.setMaximumWidth(70)
        self.seriesEdit.textEdited.connect(self._upper_series)
        self.seriesError = field_error("seriesError", wrap=False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Nombre del negocio:", self.businessNameEdit)
        form.addRow("", self.businessNameError)
        form.addRow("Teléfonos:", self.phonesEdit)
        form.addRow("", self.phonesError)
        form.addRow("Dirección:", self.addressEdit)
        form.addRow("Correo:", self.businessEmailEdit)
        form.addRow("", self.businessEmailError)
        form.addRow("Sitio web:", self.websiteEdit)
        form.addRow("Logotipo:", logo_row)
        form.addRow("", self.logoError)
        series_row = QHBoxLayout()
        series_row.addWidget(self.seriesEdit)
        series_row.addWidget(
            hint(
                "De 1 a 3 letras mayúsculas, p. ej. A. Cada serie lleva su propia "
                "numeración: una serie nueva empieza en el folio 000001."
            ),
            1,
        )
        form.addRow("Serie de recibos:", series_row)
        form.addRow("", self.seriesError)

        layout = QVBoxLayout(self)
        layout.addWidget(hint("Estos datos aparecen en los recibos y en el corte del día."))
        layout.addLayout(form)
        layout.addStretch(1)

    def _logo_row(self) -> QHBoxLayout:
        """The logo: a stored path and a small preview."""
        self._logo_path = self._profile.logo_path
        self.logoPreview = QLabel()
        self.logoPreview.setObjectName("logoPreview")
        self.logoPreview.setFixedSize(QSize(LOGO_SIZE, LOGO_SIZE))
        self.logoPreview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logoPathLabel = hint("", "logoPathLabel", wrap=False)
        self.logoPathLabel.setMinimumWidth(220)
        self.chooseLogoButton = QPushButton("Elegir imagen…")
        self.chooseLogoButton.setObjectName("chooseLogoButton")
        self.chooseLogoButton.clicked.connect(self._choose_logo)
        self.clearLogoButton = QPushButton("Quitar")
        self.clearLogoButton.setObjectName("clearLogoButton")
        self.clearLogoButton.clicked.connect(lambda: self.set_logo(""))
        self.logoError = field_error("logoError", wrap=False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.chooseLogoButton)
        buttons.addWidget(self.clearLogoButton)
        buttons.addStretch(1)
        side = QVBoxLayout()
        side.addWidget(self.logoPathLabel)
        side.addLayout(buttons)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.logoPreview)
        row.addLayout(side, 1)
        self.set_logo(self._logo_path)
        return row

    def _upper_series(self, text: str) -> None:
        if text != text.upper():
            pos = self.seriesEdit.cursorPosition()
            self.seriesEdit.setText(text.upper())
            self.seriesEdit.setCursorPosition(pos)

    def _choose_logo(self) -> None:
        start = str(Path(self._logo_path).parent) if self._logo_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, "Elegir logotipo", start, "Imágenes (*.png *.jpg *.jpeg)"
        )
        if path:
            self.set_logo(path)

    def set_logo(self, path: str) -> None:
        """Use the image at ``path`` as the logo ("" for none) and show its preview."""
        self._logo_path = path.strip()
        self.logoError.clear_message()
        self.clearLogoButton.setEnabled(bool(self._logo_path))
        if not self._logo_path:
            self.logoPreview.setPixmap(QPixmap())
            self.logoPreview.setText("Sin logo")
            self.logoPathLabel.setText("Ninguna imagen elegida")
            self.logoPathLabel.setToolTip("")
            return
        metrics = self.logoPathLabel.fontMetrics()
        self.logoPathLabel.setText(
            metrics.elidedText(self._logo_path, Qt.TextElideMode.ElideMiddle, 320)
        )
        self.logoPathLabel.setToolTip(self._logo_path)
        pixmap = QPixmap(self._logo_path)
        if pixmap.isNull():
            self.logoPreview.setPixmap(QPixmap())
            self.logoPreview.setText("?")
            return
        self.logoPreview.setText("")
        inner = LOGO_SIZE - 8
        self.logoPreview.setPixmap(
            pixmap.scaled(
                inner,
                inner,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def profile(self) -> BusinessProfile | None:
        """The profile typed in, or None after showing each bad field's message."""
        name = " ".join(self.businessNameEdit.text().split())
        phones = split_phones(self.phonesEdit.toPlainText())
        bad = [p for p in phones if not any(c.isdigit() for c in p)]
        email = self.businessEmailEdit.text().strip()
        email_ok = not email or (
            "@" in email and not email.startswith("@") and "." in email.split("@")[-1]
        )
        series = self.seriesEdit.text().strip().upper()
        messages: dict[MessageLabel, str] = {
            self.businessNameError: "" if name else "El nombre es obligatorio.",
            self.phonesError: f"El teléfono «{bad[0]}» no es válido." if bad else "",
            self.businessEmailError: "" if email_ok else "El correo no es válido.",
            self.logoError: self._logo_problem(),
            self.seriesError: ""
            if SERIES_PATTERN.fullmatch(series)
            else "La serie de recibos debe tener de 1 a 3 letras mayúsculas (A–Z).",
        }
        for label, message in messages.items():
            label.show_message(message)
        if any(messages.values()):
            return None
        return replace(
            self._profile,
            name=name,
            phones=phones,
            address=" ".join(self.addressEdit.text().split()),
            email=email,
            website=self.websiteEdit.text().strip(),
            logo_path=self._logo_path,
            receipt_series=series,
        )

    def _logo_problem(self) -> str:
        if not self._logo_path:
            return ""
        if not Path(self._logo_path).is_file():
            return "No se encuentra la imagen del logotipo."
        if QImageReader(self._logo_path).format().data() not in (b"png", b"jpeg", b"jpg"):
            return "El logotipo debe ser una imagen PNG o JPG."
        return ""

    def state(self) -> tuple[object, ...]:
        """Everything typed or chosen, to notice unsaved changes."""
        edits = (
            self.businessNameEdit,
            self.addressEdit,
            self.businessEmailEdit,
            self.websiteEdit,
            self.seriesEdit,
        )
        return (*(e.text() for e in edits), self.phonesEdit.toPlainText(), self._logo_path)
