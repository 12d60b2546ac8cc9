"""Ajustes: the business profile printed on documents, every number of the tariff (RULES.md)
and the advisors.

The dialog gathers input and validates it field by field (the message appears next to the
field); nothing is stored until every field is valid. Saving the tariff stores a new version in
force from now: sessions that started earlier keep the version they started with. Adding,
retiring and reactivating advisors take effect at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTime
from PySide6.QtGui import QCloseEvent, QColor, QImageReader, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.billing import Tariff, format_money, normalize_city, parse_money, round_money
from app.kernel.errors import BillingError, DomainError
from app.kernel.fmt import WEEKDAYS, format_datetime

if TYPE_CHECKING:  # the window imports this module lazily; keep SQLAlchemy out of its import
    from app.services.data import BusinessProfile
    from app.services.facade import Services
    from app.services.values import AdvisorView

TARIFF_NOTE = (
    "Los cambios aplican a las sesiones que inicien después de guardar; las sesiones y "
    "recibos anteriores conservan su tarifa."
)

STYLE = """
QLabel[role="fieldError"] { color: #b00020; }
QLabel[role="hint"] { color: #6e6e73; }
QLabel#tariffNote { background: #eef3fb; color: #0b4a8b; padding: 6px 8px; border-radius: 6px; }
QLabel#logoPreview { border: 1px solid #d2d2d7; border-radius: 4px; background: #ffffff; }
QLabel#onsiteBusinessLabel, QLabel#onsiteOutsideLabel { padding-right: 6px; }
QLabel#validFromLabel { font-weight: 600; }
"""

SERIES_PATTERN = re.compile(r"[A-Z]{1,3}")
LOGO_SIZE = 72


# -- the editable numbers, declared once ---------------------------------------------------------
@dataclass(frozen=True)
class PercentSetting:
    """A fraction of the tariff typed as a percentage (16 → 0.16), within [low, high]."""

    key: str
    label: str
    low: Decimal
    high: Decimal
    high_included: bool
    message: str


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    low: int
    high: int
    suffix: str
    tip: str = ""
    prefix: str = ""


RATE_KEYS: dict[tuple[str, str], str] = {
    ("remote", "business"): "remote_business_rate",
    ("remote", "outside"): "remote_outside_rate",
    ("office", "business"): "office_business_rate",
    ("office", "outside"): "office_outside_rate",
}

PERCENTS: dict[str, PercentSetting] = {
    s.key: s
    for s in (
        PercentSetting(
            "onsite_surcharge",
            "Recargo a domicilio:",
            Decimal(0),
            Decimal(100),
            True,
            "Debe estar entre 0 % y 100 %.",
        ),
        # The service page promises savings of "hasta un 25%": a larger cap is refused.
        PercentSetting(
            "max_policy_discount",
            "Descuento máximo de póliza:",
            Decimal(0),
            Decimal(25),
            True,
            "Debe estar entre 0 % y 25 %.",
        ),
        PercentSetting(
            "iva_rate",
            "IVA:",
            Decimal(0),
            Decimal(100),
            False,
            "Debe ser de 0 % a menos de 100 %.",
        ),
    )
}

INTS: dict[str, IntSetting] = {
    s.key: s
    for s in (
        IntSetting(
            "minimum_hours",
            "Horas mínimas por sesión:",
            0,
            24,
            " h",
            "Siempre se cobra al menos este número de horas.",
        ),
        IntSetting(
            "fraction_threshold_minutes",
            "Fracción cobrada como hora:",
            0,
            59,
            " min",
            "Los minutos que sobran se cobran como una hora más solo si son más que esto.",
            "más de ",
        ),
        IntSetting(
            "hours_per_event",
            "Horas cubiertas por evento:",
            0,
            24,
            " h",
            "Horas de cada evento que la póliza cubre mientras quedan eventos del mes.",
        ),
        IntSetting(
            "pending_days",
            "Seguimiento sin costo:",
            0,
            365,
            " días",
            "Plazo para atender sin costo un caso pendiente.",
        ),
        IntSetting(
            "instructions_cap_minutes",
            "Tope de instrucciones por chat:",
            0,
            240,
            " min",
            "La aplicación avisa al llegar a este tiempo.",
        ),
    )
}

WEEKDAY_LETTERS = ("L", "M", "M", "J", "V", "S", "D")


# -- small helpers ------------------------------------------------------------------------------
def _error_label(name: str, *, wrap: bool = True) -> QLabel:
    """A field's message, hidden until there is one. Messages in a form row do not wrap: a
    wrapped label there gets a height for the wrong width and is cut or squeezed."""
    label = QLabel("")
    label.setObjectName(name)
    label.setProperty("role", "fieldError")
    label.setWordWrap(wrap)
    label.hide()
    return label


def _hint(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _show(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def percent_text(fraction: Decimal) -> str:
    """0.16 → "16", 0.085 → "8.5" (what the person typed, not a float)."""
    return format((fraction * 100).normalize(), "f")


def parse_percent(text: str, setting: PercentSetting) -> Decimal:
    """ "16" or "16 %" → Decimal("0.16"); BillingError with a Spanish message otherwise."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    if not cleaned:
        raise BillingError("Escriba un porcentaje.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BillingError(f"«{text.strip()}» no es un porcentaje válido.") from None
    if not value.is_finite():
        raise BillingError(f"«{text.strip()}» no es un porcentaje válido.")
    too_high = value > setting.high if setting.high_included else value >= setting.high
    if value < setting.low or too_high:
        raise BillingError(setting.message)
    if value != value.quantize(Decimal("0.01")):
        raise BillingError("Use como máximo dos decimales en el porcentaje.")
    fraction = value / 100
    cents = fraction.quantize(Decimal("0.01"))
    return cents if cents == fraction else fraction.quantize(Decimal("0.0001"))


def split_phones(text: str) -> tuple[str, ...]:
    """One phone per line or separated by commas (or semicolons)."""
    parts = re.split(r"[\n,;]", text)
    return tuple(" ".join(p.split()) for p in parts if p.strip())


def split_cities(text: str) -> tuple[str, ...]:
    """Comma-separated city names, tidied, without repeats (ignoring case and accents)."""
    seen: set[str] = set()
    out: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and normalize_city(name) not in seen:
            seen.add(normalize_city(name))
            out.append(name)
    return tuple(out)


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _pytime(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _time_edit(name: str, value: time) -> QTimeEdit:
    edit = QTimeEdit(_qtime(value))
    edit.setObjectName(name)
    edit.setDisplayFormat("HH:mm")
    return edit


def _money_edit(name: str, value: Decimal) -> QLineEdit:
    edit = QLineEdit(f"{value:.2f}")
    edit.setObjectName(name)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setMaximumWidth(120)
    return edit


# -- the dialog -----------------------------------------------------------------------------------
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
        self.setStyleSheet(STYLE)
        self.services = services
        self.current_advisor_id = current_advisor_id
        self.profile_saved: BusinessProfile | None = None
        self.tariff_version: int | None = None
        self.advisors_changed = False

        self._profile = services.settings.profile()
        self._tariff = services.settings.tariff()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.businessTab = self._build_business_tab()
        self.tariffTab = self._build_tariff_tab()
        self.advisorsTab = self._build_advisors_tab()
        self.tabs.addTab(self.businessTab, "Negocio")
        self.tabs.addTab(self.tariffTab, "Tarifas")
        self.tabs.addTab(self.advisorsTab, "Asesores")

        self.formError = _error_label("settingsError")
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
        self._update_onsite()
        self._initial_state = self._form_state()

    # -- Negocio -----------------------------------------------------------------------------
    def _build_business_tab(self) -> QWidget:
        p = self._profile
        self.businessNameEdit = QLineEdit(p.name)
        self.businessNameEdit.setObjectName("businessNameEdit")
        self.businessNameError = _error_label("businessNameError", wrap=False)
        self.phonesEdit = QPlainTextEdit("\n".join(p.phones))
        self.phonesEdit.setObjectName("phonesEdit")
        self.phonesEdit.setPlaceholderText("Uno por línea o separados por comas")
        self.phonesEdit.setFixedHeight(60)
        self.phonesError = _error_label("phonesError", wrap=False)
        self.addressEdit = QLineEdit(p.address)
        self.addressEdit.setObjectName("addressEdit")
        self.businessEmailEdit = QLineEdit(p.email)
        self.businessEmailEdit.setObjectName("businessEmailEdit")
        self.businessEmailEdit.setPlaceholderText("contacto@ejemplo.mx")
        self.businessEmailError = _error_label("businessEmailError", wrap=False)
        self.websiteEdit = QLineEdit(p.website)
        self.websiteEdit.setObjectName("websiteEdit")
        self.websiteEdit.setPlaceholderText("www.ejemplo.mx")

        # logo: a stored path and a small preview
        self._logo_path = p.logo_path
        self.logoPreview = QLabel()
        self.logoPreview.setObjectName("logoPreview")
        self.logoPreview.setFixedSize(QSize(LOGO_SIZE, LOGO_SIZE))
        self.logoPreview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logoPathLabel = _hint("", "logoPathLabel")
        self.logoPathLabel.setWordWrap(False)
        self.logoPathLabel.setMinimumWidth(220)
        self.chooseLogoButton = QPushButton("Elegir imagen…")
        self.chooseLogoButton.setObjectName("chooseLogoButton")
        self.chooseLogoButton.clicked.connect(self._choose_logo)
        self.clearLogoButton = QPushButton("Quitar")
        self.clearLogoButton.setObjectName("clearLogoButton")
        self.clearLogoButton.clicked.connect(lambda: self.set_logo(""))
        self.logoError = _error_label("logoError", wrap=False)
        logo_buttons = QHBoxLayout()
        logo_buttons.addWidget(self.chooseLogoButton)
        logo_buttons.addWidget(self.clearLogoButton)
        logo_buttons.addStretch(1)
        logo_side = QVBoxLayout()
        logo_side.addWidget(self.logoPathLabel)
        logo_side.addLayout(logo_buttons)
        logo_side.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logoPreview)
        logo_row.addLayout(logo_side, 1)
        self.set_logo(p.logo_path)

        self.seriesEdit = QLineEdit(p.receipt_series)
        self.seriesEdit.setObjectName("seriesEdit")
        self.seriesEdit.setMaxLength(3)
        self.seriesEdit.setMaximumWidth(70)
        self.seriesEdit.textEdited.connect(self._upper_series)
        self.seriesError = _error_label("seriesError", wrap=False)

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
            _hint(
                "De 1 a 3 letras mayúsculas, p. ej. A. Cada serie lleva su propia "
                "numeración: una serie nueva empieza en el folio 000001."
            ),
            1,
        )
        form.addRow("Serie de recibos:", series_row)
        form.addRow("", self.seriesError)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(_hint("Estos datos aparecen en los recibos y en el corte del día."))
        layout.addLayout(form)
        layout.addStretch(1)
        return tab

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
        _show(self.logoError, "")
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
        ok = True
        name = " ".join(self.businessNameEdit.text().split())
        ok &= self._check(self.businessNameError, "" if name else "El nombre es obligatorio.")
        phones = split_phones(self.phonesEdit.toPlainText())
        bad = [p for p in phones if not any(c.isdigit() for c in p)]
        ok &= self._check(self.phonesError, f"El teléfono «{bad[0]}» no es válido." if bad else "")
        email = self.businessEmailEdit.text().strip()
        email_ok = not email or (
            "@" in email and not email.startswith("@") and "." in email.split("@")[-1]
        )
        ok &= self._check(self.businessEmailError, "" if email_ok else "El correo no es válido.")
        logo_msg = ""
        if self._logo_path:
            if not Path(self._logo_path).is_file():
                logo_msg = "No se encuentra la imagen del logotipo."
            elif QImageReader(self._logo_path).format().data() not in (b"png", b"jpeg", b"jpg"):
                logo_msg = "El logotipo debe ser una imagen PNG o JPG."
        ok &= self._check(self.logoError, logo_msg)
        series = self.seriesEdit.text().strip().upper()
        series_msg = (
            ""
            if SERIES_PATTERN.fullmatch(series)
            else "La serie de recibos debe tener de 1 a 3 letras mayúsculas (A–Z)."
        )
        ok &= self._check(self.seriesError, series_msg)
        if not ok:
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

    # -- Tarifas -----------------------------------------------------------------------------
    def _build_tariff_tab(self) -> QWidget:
        t = self._tariff
        note = QLabel(TARIFF_NOTE)
        note.setObjectName("tariffNote")
        note.setWordWrap(True)
        self.validFromLabel = QLabel(self._valid_from_text())
        self.validFromLabel.setObjectName("validFromLabel")

        # hourly rates by modality and band
        rates = QGroupBox("Tarifas por hora (MXN, más IVA)")
        grid = QGridLayout(rates)
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel("<b>Horario laboral</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Fuera de horario</b>"), 0, 2)
        self.rateEdits: dict[str, QLineEdit] = {}
        self.rateErrors: dict[str, QLabel] = {}
        row = 1
        for modality, title in (("remote", "A distancia:"), ("office", "Presencial en AppleUse:")):
            grid.addWidget(QLabel(title), row, 0)
            for col, band in ((1, "business"), (2, "outside")):
                key = RATE_KEYS[(modality, band)]
                camel = _camel(key)
                edit = _money_edit(f"{camel}Edit", getattr(t, key))
                error = _error_label(f"{camel}Error")
                self.rateEdits[key], self.rateErrors[key] = edit, error
                grid.addWidget(edit, row, col)
                grid.addWidget(error, row + 1, col)
            row += 2
        grid.addWidget(QLabel("En domicilio del cliente:"), row, 0)
        self.onsiteBusinessLabel = QLabel()
        self.onsiteBusinessLabel.setObjectName("onsiteBusinessLabel")
        self.onsiteOutsideLabel = QLabel()
        self.onsiteOutsideLabel.setObjectName("onsiteOutsideLabel")
        for label in (self.onsiteBusinessLabel, self.onsiteOutsideLabel):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setFixedWidth(120)
            label.setToolTip("Presencial × (1 + recargo a domicilio)")
        grid.addWidget(self.onsiteBusinessLabel, row, 1)
        grid.addWidget(self.onsiteOutsideLabel, row, 2)
        grid.addWidget(
            _hint("En domicilio = presencial × (1 + recargo), en las ciudades de la lista."),
            row + 1,
            0,
            1,
            3,
        )
        grid.setColumnMinimumWidth(1, 150)
        grid.setColumnMinimumWidth(2, 150)
        grid.setColumnStretch(3, 1)

        # onsite surcharge and cities
        onsite = QGroupBox("Servicio a domicilio")
        onsite_form = QFormLayout(onsite)
        self.percentEdits: dict[str, QLineEdit] = {}
        self.percentErrors: dict[str, QLabel] = {}
        self._add_percent(onsite_form, "onsite_surcharge")
        self.citiesEdit = QLineEdit(", ".join(t.onsite_cities))
        self.citiesEdit.setObjectName("citiesEdit")
        self.citiesEdit.setPlaceholderText("Xalapa, Coatepec")
        onsite_form.addRow("Ciudades con tarifa:", self.citiesEdit)
        cities_hint = _hint("Separadas por comas. En otras ciudades se cotiza.")
        cities_hint.setWordWrap(False)
        onsite_form.addRow("", cities_hint)

        # business hours
        hours = QGroupBox("Horario laboral (hora del centro)")
        hours_form = QFormLayout(hours)
        windows = list(t.business_windows) or [(time(9, 0), time(14, 0))]
        self._extra_windows = tuple(windows[2:])  # not editable here; kept as they are
        self.window1Start = _time_edit("window1Start", windows[0][0])
        self.window1End = _time_edit("window1End", windows[0][1])
        second = windows[1] if len(windows) > 1 else (time(16, 0), time(19, 0))
        self.secondWindowCheck = QCheckBox("Segunda franja:")
        self.secondWindowCheck.setObjectName("secondWindowCheck")
        self.secondWindowCheck.setChecked(len(windows) > 1)
        self.window2Start = _time_edit("window2Start", second[0])
        self.window2End = _time_edit("window2End", second[1])
        self.secondWindowCheck.toggled.connect(self.window2Start.setEnabled)
        self.secondWindowCheck.toggled.connect(self.window2End.setEnabled)
        self.window2Start.setEnabled(len(windows) > 1)
        self.window2End.setEnabled(len(windows) > 1)
        self.window1Error = _error_label("window1Error", wrap=False)
        self.window2Error = _error_label("window2Error", wrap=False)
        hours_form.addRow("Primera franja:", _pair(self.window1Start, self.window1End))
        hours_form.addRow("", self.window1Error)
        hours_form.addRow(self.secondWindowCheck, _pair(self.window2Start, self.window2End))
        hours_form.addRow("", self.window2Error)
        days = QHBoxLayout()
        days.setSpacing(10)
        self.weekdayChecks: list[QCheckBox] = []
        for i, letter in enumerate(WEEKDAY_LETTERS):
            check = QCheckBox(letter)
            check.setObjectName(f"weekday{i}Check")
            check.setToolTip(WEEKDAYS[i])
            check.setAccessibleName(WEEKDAYS[i])
            check.setChecked(i in t.business_weekdays)
            self.weekdayChecks.append(check)
            days.addWidget(check)
        days.addStretch(1)
        self.weekdaysError = _error_label("weekdaysError", wrap=False)
        hours_form.addRow("Días laborables:", days)
        hours_form.addRow("", self.weekdaysError)
        self.holidaysCheck = QCheckBox("Los días de descanso obligatorio son fuera de horario")
        self.holidaysCheck.setObjectName("holidaysCheck")
        self.holidaysCheck.setToolTip("Ley Federal del Trabajo, art. 74 (México)")
        self.holidaysCheck.setChecked(t.holidays_enabled)
        hours_form.addRow(self.holidaysCheck)

        # time charged
        self.intSpins: dict[str, QSpinBox] = {}
        charge = QGroupBox("Cobro por tiempo")
        charge_form = QFormLayout(charge)
        self._add_int(charge_form, "minimum_hours")
        self._add_int(charge_form, "fraction_threshold_minutes")

        # policies
        policies = QGroupBox("Pólizas")
        policies_form = QFormLayout(policies)
        self._add_percent(policies_form, "max_policy_discount")
        self._add_int(policies_form, "hours_per_event")
        self.deviceFeeEdit = _money_edit("deviceFeeEdit", t.device_fee)
        self.deviceFeeError = _error_label("deviceFeeError", wrap=False)
        policies_form.addRow("Cuota mensual por equipo:", self.deviceFeeEdit)
        policies_form.addRow("", self.deviceFeeError)

        # tax and time limits
        limits = QGroupBox("Impuestos y plazos")
        limits_form = QFormLayout(limits)
        self._add_percent(limits_form, "iva_rate")
        self._add_int(limits_form, "pending_days")
        self._add_int(limits_form, "instructions_cap_minutes")

        self.tariffError = _error_label("tariffError")

        left = QVBoxLayout()
        left.addWidget(rates)
        left.addWidget(onsite)
        left.addWidget(charge)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(hours)
        right.addWidget(policies)
        right.addWidget(limits)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(note)
        layout.addWidget(self.validFromLabel)
        layout.addLayout(columns)
        layout.addWidget(self.tariffError)

        for key in ("office_business_rate", "office_outside_rate"):
            self.rateEdits[key].textChanged.connect(self._update_onsite)
        self.percentEdits["onsite_surcharge"].textChanged.connect(self._update_onsite)
        return tab

    def _add_percent(self, form: QFormLayout, key: str) -> None:
        setting = PERCENTS[key]
        camel = _camel(key)
        edit = QLineEdit(percent_text(getattr(self._tariff, key)))
        edit.setObjectName(f"{camel}Edit")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(70)
        error = _error_label(f"{camel}Error", wrap=False)
        self.percentEdits[key], self.percentErrors[key] = edit, error
        field = QHBoxLayout()
        field.addWidget(edit)
        field.addWidget(QLabel("%"))
        field.addStretch(1)
        form.addRow(setting.label, field)
        form.addRow("", error)

    def _add_int(self, form: QFormLayout, key: str) -> None:
        setting = INTS[key]
        spin = QSpinBox()
        spin.setObjectName(f"{_camel(key)}Spin")
        spin.setRange(setting.low, setting.high)
        spin.setSuffix(setting.suffix)
        spin.setPrefix(setting.prefix)
        spin.setValue(int(getattr(self._tariff, key)))
        spin.setToolTip(setting.tip)
        spin.setMinimumWidth(90)
        self.intSpins[key] = spin
        field = QHBoxLayout()
        field.addWidget(spin)
        field.addStretch(1)
        form.addRow(setting.label, field)

    def _valid_from_text(self) -> str:
        now = self.services.clock()
        versions = [v for v in self.services.settings.tariff_versions() if v[1] <= now]
        if not versions:
            return "Tarifa vigente: valores iniciales (aún no se ha guardado ningún cambio)."
        _, valid_from, _ = max(versions, key=lambda v: (v[1], v[0]))
        return f"Tarifa vigente desde el {format_datetime(valid_from, weekday=True)}."

    def _update_onsite(self) -> None:
        try:
            surcharge = parse_percent(
                self.percentEdits["onsite_surcharge"].text(), PERCENTS["onsite_surcharge"]
            )
        except BillingError:
            surcharge = None
        for key, label in (
            ("office_business_rate", self.onsiteBusinessLabel),
            ("office_outside_rate", self.onsiteOutsideLabel),
        ):
            try:
                office = parse_money(self.rateEdits[key].text())
            except BillingError:
                label.setText("—")
                continue
            if surcharge is None:
                label.setText("—")
            else:
                label.setText(format_money(round_money(office * (1 + surcharge))))

    def tariff(self) -> Tariff | None:
        """The tariff typed in, or None after showing each bad field's message."""
        ok = True
        values: dict[str, object] = {}
        for key, edit in self.rateEdits.items():
            value = self._money(edit, self.rateErrors[key])
            ok &= value is not None
            values[key] = value
        fee = self._money(self.deviceFeeEdit, self.deviceFeeError)
        ok &= fee is not None
        values["device_fee"] = fee
        for key, edit in self.percentEdits.items():
            try:
                values[key] = parse_percent(edit.text(), PERCENTS[key])
                _show(self.percentErrors[key], "")
            except BillingError as exc:
                _show(self.percentErrors[key], str(exc))
                ok = False
        for key, spin in self.intSpins.items():
            values[key] = spin.value()
        values["onsite_cities"] = split_cities(self.citiesEdit.text())

        first = (_pytime(self.window1Start.time()), _pytime(self.window1End.time()))
        windows = [first]
        msg1 = "" if first[0] < first[1] else "La franja debe terminar después de empezar."
        msg2 = ""
        if self.secondWindowCheck.isChecked():
            second = (_pytime(self.window2Start.time()), _pytime(self.window2End.time()))
            windows.append(second)
            if not second[0] < second[1]:
                msg2 = "La franja debe terminar después de empezar."
            elif not msg1 and second[0] < first[1]:
                msg2 = "Debe empezar al terminar la primera o después."
        ok &= self._check(self.window1Error, msg1)
        ok &= self._check(self.window2Error, msg2)
        if self.secondWindowCheck.isChecked():
            windows.extend(self._extra_windows)
        values["business_windows"] = tuple(windows)
        days = tuple(i for i, c in enumerate(self.weekdayChecks) if c.isChecked())
        ok &= self._check(self.weekdaysError, "" if days else "Elija al menos un día laborable.")
        values["business_weekdays"] = days
        values["holidays_enabled"] = self.holidaysCheck.isChecked()
        if not ok:
            _show(self.tariffError, "")
            return None
        try:
            tariff = replace(self._tariff, **values)  # type: ignore[arg-type]
        except BillingError as exc:  # the tariff's own checks, should a case slip through
            _show(self.tariffError, str(exc))
            return None
        _show(self.tariffError, "")
        return tariff

    def _money(self, edit: QLineEdit, error: QLabel) -> Decimal | None:
        text = edit.text().strip()
        if not text:
            _show(error, "Escriba un importe.")
            return None
        try:
            value = parse_money(text)
        except BillingError as exc:
            _show(error, str(exc))
            return None
        _show(error, "")
        return value

    @staticmethod
    def _check(label: QLabel, message: str) -> bool:
        _show(label, message)
        return not message

    # -- Asesores ----------------------------------------------------------------------------
    def _build_advisors_tab(self) -> QWidget:
        self.advisorTable = QTableWidget(0, 2)
        self.advisorTable.setObjectName("advisorTable")
        self.advisorTable.setHorizontalHeaderLabels(["Asesor", "Estado"])
        self.advisorTable.verticalHeader().hide()
        self.advisorTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.advisorTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.advisorTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.advisorTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.advisorTable.itemSelectionChanged.connect(self._update_advisor_buttons)

        self.addAdvisorButton = QPushButton("Agregar asesor…")
        self.addAdvisorButton.setObjectName("addAdvisorButton")
        self.addAdvisorButton.clicked.connect(lambda: self.add_advisor())
        self.retireAdvisorButton = QPushButton("Dar de baja")
        self.retireAdvisorButton.setObjectName("retireAdvisorButton")
        self.retireAdvisorButton.clicked.connect(lambda: self.set_selected_active(False))
        self.reactivateAdvisorButton = QPushButton("Reactivar")
        self.reactivateAdvisorButton.setObjectName("reactivateAdvisorButton")
        self.reactivateAdvisorButton.clicked.connect(lambda: self.set_selected_active(True))
        self.advisorError = _error_label("advisorError")

        buttons = QHBoxLayout()
        buttons.addWidget(self.addAdvisorButton)
        buttons.addStretch(1)
        buttons.addWidget(self.retireAdvisorButton)
        buttons.addWidget(self.reactivateAdvisorButton)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            _hint(
                "Los cambios de esta pestaña se aplican de inmediato. Un asesor dado de baja ya "
                "no puede iniciar sesiones; sus sesiones y recibos anteriores conservan su nombre."
            )
        )
        layout.addWidget(self.advisorTable, 1)
        layout.addWidget(self.advisorError)
        layout.addLayout(buttons)
        self.load_advisors()
        return tab

    def load_advisors(self, select_id: int | None = None) -> None:
        advisors = self.services.clients.advisors(include_inactive=True)
        table = self.advisorTable
        table.setRowCount(len(advisors))
        for row, advisor in enumerate(advisors):
            name = advisor.name
            if advisor.id == self.current_advisor_id:
                name += " (usted)"
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, advisor)
            state = QTableWidgetItem("Activo" if advisor.active else "Dado de baja")
            if not advisor.active:
                for cell in (item, state):
                    cell.setForeground(Qt.GlobalColor.darkGray)
            table.setItem(row, 0, item)
            table.setItem(row, 1, state)
            if advisor.id == select_id:
                table.selectRow(row)
        self._update_advisor_buttons()

    def selected_advisor(self) -> AdvisorView | None:
        rows = self.advisorTable.selectionModel().selectedRows()
        if not rows:
            return None
        return self._advisor_at(rows[0].row())

    def _advisor_at(self, row: int) -> AdvisorView | None:
        item = self.advisorTable.item(row, 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select_advisor(self, advisor_id: int) -> None:
        for row in range(self.advisorTable.rowCount()):
            advisor = self._advisor_at(row)
            if advisor is not None and advisor.id == advisor_id:
                self.advisorTable.selectRow(row)
                return

    def _update_advisor_buttons(self) -> None:
        advisor = self.selected_advisor()
        is_me = advisor is not None and advisor.id == self.current_advisor_id
        self.retireAdvisorButton.setEnabled(advisor is not None and advisor.active and not is_me)
        self.retireAdvisorButton.setToolTip(
            "No puede darse de baja a sí mismo; pídalo a otro asesor." if is_me else ""
        )
        self.reactivateAdvisorButton.setEnabled(advisor is not None and not advisor.active)

    def add_advisor(self) -> AdvisorView | None:
        dialog = NewAdvisorDialog(self.services.clients.create_advisor, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        created = dialog.created
        dialog.deleteLater()
        if not accepted or created is None:
            return None
        self.advisors_changed = True
        _show(self.advisorError, "")
        self.load_advisors(select_id=created.id)
        return created

    def set_selected_active(self, active: bool) -> AdvisorView | None:
        advisor = self.selected_advisor()
        if advisor is None:
            return None
        if not active and advisor.id == self.current_advisor_id:
            _show(
                self.advisorError,
                "No puede darse de baja a sí mismo mientras usa la aplicación; "
                "pídalo a otro asesor.",
            )
            return None
        try:
            changed = self.services.clients.set_advisor_active(advisor.id, active)
        except DomainError as exc:
            _show(self.advisorError, str(exc))
            return None
        _show(self.advisorError, "")
        self.advisors_changed = True
        self.load_advisors(select_id=changed.id)
        return changed

    # -- saving ------------------------------------------------------------------------------
    def try_save(self) -> bool:
        """Validate every field; if all are fine store what changed and close."""
        profile = self.profile()
        tariff = self.tariff()
        self._mark_tab(self.businessTab, profile is None)
        self._mark_tab(self.tariffTab, tariff is None)
        if profile is None or tariff is None:
            self.tabs.setCurrentWidget(self.businessTab if profile is None else self.tariffTab)
            where = " y ".join(
                name
                for name, bad in (("Negocio", profile is None), ("Tarifas", tariff is None))
                if bad
            )
            _show(self.formError, f"Corrija los campos marcados en {where}; no se guardó nada.")
            return False
        try:
            if profile != self._profile:
                self.profile_saved = self.services.settings.save_profile(profile)
                self._profile = self.profile_saved
            if tariff != self._tariff:
                self.tariff_version = self.services.settings.save_tariff(tariff)
                self._tariff = tariff
        except DomainError as exc:
            _show(self.formError, str(exc))
            return False
        _show(self.formError, "")
        self.accept()
        return True

    def _form_state(self) -> tuple[object, ...]:
        """Everything typed or chosen in Negocio and Tarifas, to notice unsaved changes."""
        edits = (
            self.businessNameEdit,
            self.addressEdit,
            self.businessEmailEdit,
            self.websiteEdit,
            self.seriesEdit,
            self.citiesEdit,
            self.deviceFeeEdit,
            *self.rateEdits.values(),
            *self.percentEdits.values(),
        )
        times = (self.window1Start, self.window1End, self.window2Start, self.window2End)
        return (
            *(e.text() for e in edits),
            self.phonesEdit.toPlainText(),
            self._logo_path,
            *(t.time().toString("HH:mm") for t in times),
            self.secondWindowCheck.isChecked(),
            self.holidaysCheck.isChecked(),
            *(c.isChecked() for c in self.weekdayChecks),
            *(spin.value() for spin in self.intSpins.values()),
        )

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

    def _mark_tab(self, tab: QWidget, bad: bool) -> None:
        """A tab holding a field to correct shows its title in red."""
        bar = self.tabs.tabBar()
        index = self.tabs.indexOf(tab)
        bar.setTabTextColor(index, QColor("#b00020") if bad else bar.palette().windowText().color())


class NewAdvisorDialog(QDialog):
    """ "Agregar asesor…": a name, stored by ``create`` (which may refuse with DomainError)."""

    def __init__(self, create: Callable[[str], AdvisorView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newAdvisorDialog")
        self.setWindowTitle("Agregar asesor")
        self._create = create
        self.created: AdvisorView | None = None
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("advisorNameEdit")
        self.nameEdit.setPlaceholderText("Nombre y apellidos")
        self.errorLabel = _error_label("newAdvisorError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Agregar")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout()
        form.addRow("Nombre:", self.nameEdit)
        form.addRow("", self.errorLabel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def try_accept(self) -> None:
        if not self.nameEdit.text().strip():
            _show(self.errorLabel, "Escriba el nombre del asesor.")
            return
        try:
            self.created = self._create(self.nameEdit.text())
        except DomainError as exc:
            _show(self.errorLabel, str(exc))
            return
        self.accept()


def _pair(start: QTimeEdit, end: QTimeEdit) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(start)
    row.addWidget(QLabel("a"))
    row.addWidget(end)
    row.addStretch(1)
    return row


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.capitalize() for w in rest)
