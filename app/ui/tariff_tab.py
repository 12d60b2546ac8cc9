"""Ajustes → Tarifas: every number of the tariff (RULES.md).

The tab reads what was typed; ``Tariff`` checks it. A field that cannot be read (not a number,
more than two decimals) says so and keeps its previous value, so the tariff can still check
the other fields; each of ``TariffError.problems`` then goes next to its field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import time
from decimal import Decimal
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.billing import Tariff, format_money, parse_money
from app.billing.tariff import FIELD_LABELS, TariffError
from app.kernel.enums import Band, Modality
from app.kernel.errors import BillingError
from app.kernel.fmt import WEEKDAYS
from app.ui.kit.layout import hint
from app.ui.kit.messages import MessageLabel, field_error
from app.ui.kit.operation import attempt
from app.ui.settings_fields import (
    INTS,
    PERCENTS,
    RATE_KEYS,
    WEEKDAY_LETTERS,
    camel,
    money_edit,
    parse_percent,
    percent_text,
    pytime,
    split_cities,
    time_edit,
    time_pair,
)

__all__ = ["TARIFF_NOTE", "TariffTab"]

TARIFF_NOTE = (
    "Los cambios aplican a las sesiones que inicien después de guardar; las sesiones y "
    "recibos anteriores conservan su tarifa."
)


class TariffTab(QWidget):
    """The tariff in force, editable; :meth:`tariff` is the tariff typed in."""

    def __init__(self, tariff: Tariff, valid_from: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tariff = tariff
        note = QLabel(TARIFF_NOTE)
        note.setObjectName("tariffNote")
        note.setWordWrap(True)
        self.validFromLabel = QLabel(valid_from)
        self.validFromLabel.setObjectName("validFromLabel")
        self.percentEdits: dict[str, QLineEdit] = {}
        self.percentErrors: dict[str, MessageLabel] = {}
        self.intSpins: dict[str, QSpinBox] = {}
        self.tariffError = field_error("tariffError")

        left = QVBoxLayout()
        left.addWidget(self._rates_box())
        left.addWidget(self._onsite_box())
        charge = QGroupBox("Cobro por tiempo")
        charge_form = QFormLayout(charge)
        self._add_int(charge_form, "minimum_hours")
        self._add_int(charge_form, "fraction_threshold_minutes")
        left.addWidget(charge)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self._hours_box())
        right.addWidget(self._policies_box())
        limits = QGroupBox("Impuestos y plazos")
        limits_form = QFormLayout(limits)
        self._add_percent(limits_form, "iva_rate")
        self._add_int(limits_form, "pending_days")
        self._add_int(limits_form, "instructions_cap_minutes")
        right.addWidget(limits)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.validFromLabel)
        layout.addLayout(columns)
        layout.addWidget(self.tariffError)

        for key in ("office_business_rate", "office_outside_rate"):
            self.rateEdits[key].textChanged.connect(self._update_onsite)
        self.percentEdits["onsite_surcharge"].textChanged.connect(self._update_onsite)
        self._update_onsite()

    # -- building ----------------------------------------------------------------------------
    def _rates_box(self) -> QGroupBox:
        """Hourly rates by modality and band; onsite follows from the office rates."""
        box = QGroupBox("Tarifas por hora (MXN, más IVA)")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.addWidget(QLabel("<b>Horario laboral</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Fuera de horario</b>"), 0, 2)
        self.rateEdits: dict[str, QLineEdit] = {}
        self.rateErrors: dict[str, MessageLabel] = {}
        row = 1
        for modality, title in (("remote", "A distancia:"), ("office", "Presencial en AppleUse:")):
            grid.addWidget(QLabel(title), row, 0)
            for col, band in ((1, "business"), (2, "outside")):
                key = RATE_KEYS[(modality, band)]
                edit = money_edit(f"{camel(key)}Edit", getattr(self._tariff, key))
                error = field_error(f"{camel(key)}Error")
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
            hint("En domicilio = presencial × (1 + recargo), en las ciudades de la lista."),
            row + 1,
            0,
            1,
            3,
        )
        grid.setColumnMinimumWidth(1, 150)
        grid.setColumnMinimumWidth(2, 150)
        grid.setColumnStretch(3, 1)
        return box

    def _onsite_box(self) -> QGroupBox:
        box = QGroupBox("Servicio a domicilio")
        form = QFormLayout(box)
        self._add_percent(form, "onsite_surcharge")
        self.citiesEdit = QLineEdit(", ".join(self._tariff.onsite_cities))
        self.citiesEdit.setObjectName("citiesEdit")
        self.citiesEdit.setPlaceholderText("Xalapa, Coatepec")
        form.addRow("Ciudades con tarifa:", self.citiesEdit)
        form.addRow("", hint("Separadas por comas. En otras ciudades se cotiza.", wrap=False))
        return box

    def _hours_box(self) -> QGroupBox:
        """Business hours: one or two windows, the weekdays, the public holidays."""
        t = self._tariff
        box = QGroupBox("Horario laboral (hora del centro)")
        form = QFormLayout(box)
        windows = list(t.business_windows) or [(time(9, 0), time(14, 0))]
        self._extra_windows = tuple(windows[2:])  # not editable here; kept as they are
        self.window1Start = time_edit("window1Start", windows[0][0])
        self.window1End = time_edit("window1End", windows[0][1])
        second = windows[1] if len(windows) > 1 else (time(16, 0), time(19, 0))
        self.secondWindowCheck = QCheckBox("Segunda franja:")
        self.secondWindowCheck.setObjectName("secondWindowCheck")
        self.secondWindowCheck.setChecked(len(windows) > 1)
        self.window2Start = time_edit("window2Start", second[0])
        self.window2End = time_edit("window2End", second[1])
        self.secondWindowCheck.toggled.connect(self.window2Start.setEnabled)
        self.secondWindowCheck.toggled.connect(self.window2End.setEnabled)
        self.window2Start.setEnabled(len(windows) > 1)
        self.window2End.setEnabled(len(windows) > 1)
        self.window1Error = field_error("window1Error", wrap=False)
        self.window2Error = field_error("window2Error", wrap=False)
        form.addRow("Primera franja:", time_pair(self.window1Start, self.window1End))
        form.addRow("", self.window1Error)
        form.addRow(self.secondWindowCheck, time_pair(self.window2Start, self.window2End))
        form.addRow("", self.window2Error)
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
        self.weekdaysError = field_error("weekdaysError", wrap=False)
        form.addRow("Días laborables:", days)
        form.addRow("", self.weekdaysError)
        self.holidaysCheck = QCheckBox("Los días de descanso obligatorio son fuera de horario")
        self.holidaysCheck.setObjectName("holidaysCheck")
        self.holidaysCheck.setToolTip("Ley Federal del Trabajo, art. 74 (México)")
        self.holidaysCheck.setChecked(t.holidays_enabled)
        form.addRow(self.holidaysCheck)
        return box

    def _policies_box(self) -> QGroupBox:
        box = QGroupBox("Pólizas")
        form = QFormLayout(box)
        self._add_percent(form, "max_policy_discount")
        self._add_int(form, "hours_per_event")
        self.deviceFeeEdit = money_edit("deviceFeeEdit", self._tariff.device_fee)
        self.deviceFeeError = field_error("deviceFeeError", wrap=False)
        form.addRow("Cuota mensual por equipo:", self.deviceFeeEdit)
        form.addRow("", self.deviceFeeError)
        return box

    def _add_percent(self, form: QFormLayout, key: str) -> None:
        edit = QLineEdit(percent_text(getattr(self._tariff, key)))
        edit.setObjectName(f"{camel(key)}Edit")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(70)
        error = field_error(f"{camel(key)}Error", wrap=False)
        self.percentEdits[key], self.percentErrors[key] = edit, error
        field = QHBoxLayout()
        field.addWidget(edit)
        field.addWidget(QLabel("%"))
        field.addStretch(1)
        form.addRow(PERCENTS[key].label, field)
        form.addRow("", error)

    def _add_int(self, form: QFormLayout, key: str) -> None:
        setting = INTS[key]
        spin = QSpinBox()
        spin.setObjectName(f"{camel(key)}Spin")
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

    # -- reading -----------------------------------------------------------------------------
    def _update_onsite(self) -> None:
        """The onsite rates as the tariff typed in would charge them ("—" while it cannot)."""

        def typed() -> Tariff:
            return replace(
                self._tariff,
                office_business_rate=parse_money(self.rateEdits["office_business_rate"].text()),
                office_outside_rate=parse_money(self.rateEdits["office_outside_rate"].text()),
                onsite_surcharge=parse_percent(self.percentEdits["onsite_surcharge"].text()),
            )

        tariff, _ = attempt(typed)
        for band, label in (
            (Band.BUSINESS, self.onsiteBusinessLabel),
            (Band.OUTSIDE, self.onsiteOutsideLabel),
        ):
            rate = None if tariff is None else tariff.hourly_rate(Modality.ONSITE, band)
            label.setText("—" if rate is None else format_money(rate))

    def tariff(self) -> Tariff | None:
        """The tariff typed in, or None after showing each bad field's message."""
        texts: list[tuple[str, str, Callable[[str], Decimal], MessageLabel]] = [
            *((k, e.text(), _money, self.rateErrors[k]) for k, e in self.rateEdits.items()),
            ("device_fee", self.deviceFeeEdit.text(), _money, self.deviceFeeError),
            *(
                (k, e.text(), parse_percent, self.percentErrors[k])
                for k, e in self.percentEdits.items()
            ),
        ]
        # a value that cannot be read keeps the one in force, so the tariff checks the rest
        values: dict[str, object] = {}
        unread: set[str] = set()
        for key, text, read, error in texts:
            value, message = attempt(partial(read, text))
            error.show_message(message)
            if value is None:
                unread.add(key)
            else:
                values[key] = value
        values.update({key: spin.value() for key, spin in self.intSpins.items()})
        values["onsite_cities"] = split_cities(self.citiesEdit.text())
        values["business_windows"] = self._windows()
        values["business_weekdays"] = tuple(
            i for i, c in enumerate(self.weekdayChecks) if c.isChecked()
        )
        values["holidays_enabled"] = self.holidaysCheck.isChecked()
        try:
            tariff: Tariff | None = replace(self._tariff, **values)  # type: ignore[arg-type]
            problems: dict[str, str] = {}
        except TariffError as exc:
            tariff, problems = None, exc.problems
        self._show_problems(problems, unread)
        return None if unread else tariff

    def _windows(self) -> tuple[tuple[time, time], ...]:
        first = (pytime(self.window1Start.time()), pytime(self.window1End.time()))
        if not self.secondWindowCheck.isChecked():
            return (first,)
        second = (pytime(self.window2Start.time()), pytime(self.window2End.time()))
        return (first, second, *self._extra_windows)

    def _show_problems(self, problems: dict[str, str], unread: set[str]) -> None:
        """Each problem of the tariff next to its field (a field that could not be read keeps
        its own message); the rest under the tab."""
        labels: dict[str, MessageLabel] = {
            **self.rateErrors,
            "device_fee": self.deviceFeeError,
            **self.percentErrors,
            "business_windows.0": self.window1Error,
            "business_windows.1": self.window2Error,
            "business_weekdays": self.weekdaysError,
        }
        for key, label in labels.items():
            if key not in unread:
                label.show_message(problems.get(key, ""))
        rest = [
            f"{FIELD_LABELS[key.split('.')[0]]}: {message}"
            for key, message in problems.items()
            if key not in labels
        ]
        self.tariffError.show_message(" ".join(rest))

    def state(self) -> tuple[object, ...]:
        """Everything typed or chosen, to notice unsaved changes."""
        edits = (self.citiesEdit, self.deviceFeeEdit, *self.rateEdits.values())
        times = (self.window1Start, self.window1End, self.window2Start, self.window2End)
        return (
            *(e.text() for e in (*edits, *self.percentEdits.values())),
            *(t.time().toString("HH:mm") for t in times),
            self.secondWindowCheck.isChecked(),
            self.holidaysCheck.isChecked(),
            *(c.isChecked() for c in self.weekdayChecks),
            *(spin.value() for spin in self.intSpins.values()),
        )


def _money(text: str) -> Decimal:
    """An amount typed in a field ("Escriba un importe." when empty)."""
    if not text.strip():
        raise BillingError("Escriba un importe.")
    return parse_money(text.strip())
