"""The client's policy (póliza, RULES §6): create it, change it, end it.

A change is a new version in force from a date (today by default, never earlier): bills already
priced keep the version they used, so the versions so far are shown read-only. The monthly fee
is recomputed by ``services.policies.fee`` while the advisor edits the numbers.

For the window (the lead wires it to a button or menu)::

    dialog = PolicyDialog(services, client_id, self)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.saved   # PolicyView of the new policy or version (None when it was ended)
        dialog.ended   # PolicyView of the ended policy (None when it was saved)
        self.show_policy(client_id)   # the allowance label changes
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import Tariff, format_money
from app.billing.policy import validate_policy_discount
from app.documents.policy_data import PolicyVersionView
from app.kernel.enums import PolicyBenefit
from app.kernel.fmt import LOCAL_ZONE, to_local
from app.services.data import PolicyData
from app.services.values import PolicyView
from app.ui.device_dialog import device_text
from app.ui.kit.layout import fit_height, hint
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation

if TYPE_CHECKING:
    from app.services.facade import Services

MAX_EVENTS = 999
HISTORY_HEADERS = (
    "Versión", "Vigente desde", "A distancia", "Presenciales", "Descuento", "7x24/365",
    "Equipos", "Cuota mensual", "Nota",
)  # fmt: skip


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _percent(value: Decimal) -> str:
    """``20`` for 0.2000, ``12.5`` for 0.1250."""
    return f"{(value * 100).normalize():f}"


def events_spin(name: str, value: int = 0) -> QSpinBox:
    """Expected events per month (a policy's numbers, its review's suggestion)."""
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, MAX_EVENTS)
    spin.setValue(value)
    spin.setSuffix(" por mes")
    spin.setFixedWidth(130)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


def parse_percent(text: str, tariff: Tariff) -> Decimal:
    """``"20"``, ``"12,5"`` or ``"20 %"`` as a fraction (0.20); ValueError with a message a
    person understands when it is not a number, or when the policy rules refuse it
    (``app.billing.policy.validate_policy_discount``: the maximum, two decimals)."""
    clean = text.strip().rstrip("%").strip().replace(",", ".")
    if not clean:
        return Decimal("0")
    try:
        value = Decimal(clean)
    except InvalidOperation:
        top = f"{_percent(tariff.max_policy_discount)} %"
        raise ValueError(f"Escriba el descuento como un número de 0 a {top}.") from None
    if not value.is_finite():
        raise ValueError("Escriba el descuento como un número.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("El descuento admite a lo más dos decimales.")
    return validate_policy_discount(value / 100, tariff)


class PolicyDialog(QDialog):
    """Create the client's policy or change it (a new version from a date); also end it."""

    def __init__(self, services: Services, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.saved: PolicyView | None = None
        self.ended: PolicyView | None = None
        self.setObjectName("policyDialog")

        client = services.clients.client(client_id)
        self.today = to_local(services.clock()).date()
        self.policy = self._find_policy()
        self.devices = [d for d in services.clients.devices(client_id) if d.active]
        last = self.policy.versions[-1] if self.policy and self.policy.versions else None
        self.setWindowTitle(
            f"Póliza {self.policy.label} — {client.name}"
            if self.policy
            else f"Nueva póliza — {client.name}"
        )
        header = QLabel(self._header_text(client.name))
        header.setObjectName("policyHeader")
        header.setTextFormat(Qt.TextFormat.RichText)
        header.setWordWrap(True)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self._numbers_form(last))
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self._devices_box(last))
        right.addWidget(self._benefits_box(last))
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        self.noteEdit = QLineEdit("" if last is None else last.note)
        self.noteEdit.setObjectName("policyNoteEdit")
        self.noteEdit.setPlaceholderText("Nota (opcional), p. ej. acuerdo con el cliente")
        note_form = QFormLayout()
        note_form.addRow("Nota:", self.noteEdit)
        self.historyBox = self._history_box()
        self.formError = field_error("policyFormError")

        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addLayout(columns)
        layout.addLayout(note_form)
        layout.addWidget(self.historyBox)
        layout.addWidget(self.formError)
        layout.addLayout(self._buttons())

        for spin in (self.remoteSpin, self.inPersonSpin):
            spin.valueChanged.connect(self.update_fee)
        self.discountEdit.textChanged.connect(self.update_fee)
        self.devicesList.itemChanged.connect(self.update_fee)
        self.validFromEdit.dateChanged.connect(self.update_fee)
        self.update_fee()
        self.setMinimumWidth(940)

    # -- building --------------------------------------------------------------------------
    def _header_text(self, client_name: str) -> str:
        if self.policy is None:
            return f"<b>{client_name}</b> — nueva póliza de soporte"
        review = self.policy.next_review
        return (
            f"<b>{client_name}</b> — póliza {self.policy.label} "
            f"desde el {self.policy.start_date:%d/%m/%Y}"
            + (f" · próxima revisión: {review:%d/%m/%Y}" if review else "")
        )

    def _numbers_form(self, last: PolicyVersionView | None) -> QFormLayout:
        """Events per month, discount, 7x24/365, the date it rules from and the fee."""
        self.remoteSpin = events_spin("policyRemoteSpin", last.expected_remote if last else 0)
        self.inPersonSpin = events_spin(
            "policyInPersonSpin", last.expected_in_person if last else 0
        )
        self.eventsError = field_error("policyEventsError")
        self.discountEdit = QLineEdit(_percent(last.discount) if last else "0")
        self.discountEdit.setObjectName("policyDiscountEdit")
        self.discountEdit.setFixedWidth(130)
        self.discountEdit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tariff = self.services.settings.tariff()
        self.discountEdit.setToolTip(f"De 0 a {_percent(self.tariff.max_policy_discount)} %")
        self.discountError = field_error("policyDiscountError")
        discount_row = QHBoxLayout()
        discount_row.addWidget(self.discountEdit)
        discount_row.addWidget(QLabel("%"))
        discount_row.addStretch(1)

        self.allHoursCheck = QCheckBox("Cobertura 7x24/365")
        self.allHoursCheck.setObjectName("policy24x7Check")
        self.allHoursCheck.setChecked(bool(last and last.is_24x7))
        self.allHoursCheck.setToolTip(
            "Fuera del horario hábil se cobra con la tarifa de horario hábil."
        )

        self.validFromEdit = QDateEdit()
        self.validFromEdit.setObjectName("policyValidFromEdit")
        self.validFromEdit.setCalendarPopup(True)
        self.validFromEdit.setDisplayFormat("dd/MM/yyyy")
        self.validFromEdit.setFixedWidth(130)
        first = self.today if last is None else max(self.today, last.valid_from + timedelta(1))
        self.validFromEdit.setMinimumDate(_qdate(first))
        self.validFromEdit.setDate(_qdate(first))
        self.validFromError = field_error("policyValidFromError")
        self.validFromHint = hint(
            "Los cobros anteriores conservan la versión con la que se hicieron."
            if last
            else "La póliza rige desde hoy o una fecha futura."
        )
        if last is not None and first > self.today:
            self.validFromHint.setText(
                f"La versión {last.version} rige desde el {last.valid_from:%d/%m/%Y}; "
                "el cambio puede regir desde el día siguiente. "
                "Los cobros anteriores conservan su versión."
            )

        self.feeLabel = QLabel("")
        self.feeLabel.setObjectName("policyFeeLabel")
        self.feeDetail = hint("", "policyFeeDetail", wrap=False)  # a formula: one line

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Eventos a distancia por mes:", self.remoteSpin)
        form.addRow("Eventos presenciales por mes:", self.inPersonSpin)
        form.addRow("", self.eventsError)
        form.addRow("Descuento:", discount_row)
        form.addRow("", self.discountError)
        form.addRow("", self.allHoursCheck)
        form.addRow(
            "Vigente desde:" if self.policy is None else "Cambio vigente desde:",
            self.validFromEdit,
        )
        form.addRow("", self.validFromError)
        form.addRow("", self.validFromHint)
        form.addRow("Cuota mensual:", self.feeLabel)
        form.addRow("", self.feeDetail)
        return form

    def _devices_box(self, last: PolicyVersionView | None) -> QGroupBox:
        box = QGroupBox("Equipos cubiertos")
        self.devicesList = QListWidget()
        self.devicesList.setObjectName("policyDevicesList")
        covered = set(last.device_ids) if last else set()
        for d in self.devices:
            item = QListWidgetItem(device_text(d))
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if d.id in covered else Qt.CheckState.Unchecked
            )
            self.devicesList.addItem(item)
        rows = max(1, min(4, len(self.devices)))
        self.devicesList.setFixedHeight(rows * 22 + 8)
        layout = QVBoxLayout(box)
        if self.devices:
            layout.addWidget(self.devicesList)
            layout.addWidget(
                hint("Sin equipos marcados, la póliza cubre todos los equipos del cliente.")
            )
        else:
            self.devicesList.hide()
            layout.addWidget(
                hint("El cliente no tiene equipos registrados: la póliza cubre todos.")
            )
        self.devicesBox = box
        return box

    def _benefits_box(self, last: PolicyVersionView | None) -> QGroupBox:
        box = QGroupBox("Beneficios")
        self.benefitChecks: dict[PolicyBenefit, QCheckBox] = {}
        grid = QGridLayout(box)
        chosen = set(last.benefits) if last else set(PolicyBenefit)
        for i, benefit in enumerate(PolicyBenefit):
            check = QCheckBox(benefit.label)
            check.setObjectName(f"benefit_{benefit.value}")
            check.setChecked(benefit in chosen)
            self.benefitChecks[benefit] = check
            grid.addWidget(check, i, 0)
        self.benefitsBox = box
        return box

    def _history_box(self) -> QGroupBox:
        """The versions so far, read-only (bills keep the version they used)."""
        box = QGroupBox("Historial de versiones")
        self.historyTable = QTableWidget(0, len(HISTORY_HEADERS))
        self.historyTable.setObjectName("policyHistoryTable")
        self.historyTable.setHorizontalHeaderLabels(HISTORY_HEADERS)
        self.historyTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.historyTable.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.historyTable.verticalHeader().hide()
        self.historyTable.setWordWrap(False)
        QVBoxLayout(box).addWidget(self.historyTable)
        box.setVisible(self.policy is not None)
        if self.policy is not None:
            self._fill_history(self.policy)
        return box

    def _buttons(self) -> QHBoxLayout:
        """ "Terminar póliza…" on the left; create or save, and cancel, on the right."""
        buttons = QDialogButtonBox()
        self.saveButton = buttons.addButton(
            "Crear póliza" if self.policy is None else "Guardar cambio",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.saveButton.setObjectName("policySaveButton")
        self.saveButton.setDefault(True)
        cancel = buttons.addButton("Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("policyCancelButton")
        self.saveButton.clicked.connect(self.try_save)
        cancel.clicked.connect(self.reject)
        self.endButton = QPushButton("Terminar póliza…")
        self.endButton.setObjectName("policyEndButton")
        self.endButton.setVisible(self.policy is not None)
        self.endButton.clicked.connect(self.try_end)
        bottom = QHBoxLayout()
        bottom.addWidget(self.endButton)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        self.buttons = buttons
        return bottom

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        fit_height(self)

    def _find_policy(self) -> PolicyView | None:
        """The client's policy in force today or starting later (not one already ended)."""
        for p in self.services.policies.policies():
            if p.client_id == self.client_id and (p.ended_on is None or p.ended_on > self.today):
                return p
        return None

    def _fill_history(self, policy: PolicyView) -> None:
        current = policy.current.version if policy.current else None
        table = self.historyTable
        table.setRowCount(len(policy.versions))
        for row, v in enumerate(policy.versions):
            texts = _history_row(v, current)
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col in (0, 2, 3, 4, 6, 7):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 8:
                    item.setToolTip(text)
                table.setItem(row, col, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HISTORY_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(min(4, table.rowCount())))
        table.setFixedHeight(height + 2)

    # -- values ----------------------------------------------------------------------------
    def valid_from(self) -> date:
        return _pydate(self.validFromEdit.date())

    def covered_devices(self) -> tuple[int, ...]:
        out = []
        for row in range(self.devicesList.count()):
            item = self.devicesList.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def benefits(self) -> tuple[PolicyBenefit, ...]:
        return tuple(b for b, check in self.benefitChecks.items() if check.isChecked())

    def data(self) -> PolicyData | None:
        """The form as PolicyData; None (with the message next to the field) when the
        discount is not acceptable."""
        try:
            discount = parse_percent(self.discountEdit.text(), self.tariff)
        except ValueError as exc:
            self.discountError.show_message(str(exc))
            return None
        self.discountError.clear_message()
        return PolicyData(
            expected_remote=self.remoteSpin.value(),
            expected_in_person=self.inPersonSpin.value(),
            discount=discount,
            is_24x7=self.allHoursCheck.isChecked(),
            device_ids=self.covered_devices(),
            benefits=self.benefits(),
            note=self.noteEdit.text(),
        )

    def _fee_moment(self) -> datetime:
        """The tariff that prices the fee: the one in force when the version starts."""
        day = self.valid_from()
        if day <= self.today:
            return self.services.clock()
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(LOCAL_ZONE))

    def update_fee(self) -> None:
        data = self.data()
        if data is None:
            self.feeLabel.setText("—")
            self.feeDetail.setText("Corrija el descuento para calcular la cuota.")
            self._fit()
            return
        fee = Operation(self, lambda: self.services.policies.fee(data, self._fee_moment())).run()
        if fee is None:
            self.feeLabel.setText("—")
            self.feeDetail.setText("")
            self._fit()
            return
        self.feeLabel.setText(format_money(fee))
        tariff = self.services.settings.tariff(self._fee_moment())
        detail = (
            f"({data.expected_remote} × {format_money(tariff.remote_business_rate, currency=False)}"
            f" + {data.expected_in_person} × "
            f"{format_money(tariff.office_business_rate, currency=False)})"
            f" × {tariff.hours_per_event} h"
        )
        if data.discount:
            detail += f" − {_percent(data.discount)} %"
        if tariff.device_fee and data.device_ids:
            n = len(data.device_ids)
            detail += (
                f" + {n} {'equipo' if n == 1 else 'equipos'} × "
                f"{format_money(tariff.device_fee, currency=False)}"
            )
        self.feeDetail.setText(f"{detail}\nmás IVA, cada mes")
        self._fit()

    # -- actions ---------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """A refusal under the form (or next to the field it names); "" clears them."""
        label = self.formError
        if "descuento" in message.lower():
            label = self.discountError
        elif "rige" in message or "versión vigente" in message:
            label = self.validFromError
        elif "eventos" in message.lower():
            label = self.eventsError
        if not message:
            self.validFromError.clear_message()
            self.eventsError.clear_message()
        label.show_message(message)
        self._fit()

    def try_save(self) -> None:
        self.show_error("")
        data = self.data()
        if data is None:
            self.discountEdit.setFocus()
            self._fit()
            return
        policy, valid_from = self.policy, self.valid_from()
        saved = Operation(
            self,
            lambda: (
                self.services.policies.create(self.client_id, data, valid_from)
                if policy is None
                else self.services.policies.change(policy.id, data, valid_from)
            ),
        ).run()
        if saved is not None:
            self.saved = saved
            self.accept()

    def try_end(self) -> None:
        if self.policy is None:
            return
        box = QMessageBox(self)
        box.setObjectName("policyEndConfirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Terminar póliza")
        day = max(self.today, self.policy.start_date)
        box.setText(
            f"¿Terminar la póliza {self.policy.label}? Deja de cubrir desde el "
            f"{day:%d/%m/%Y}: los casos que se abran desde ese día se cobran con las tarifas "
            "normales. Los cobros anteriores no cambian."
        )
        confirm = box.addButton("Terminar póliza", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Cancelar", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not confirm:
            return
        policy_id = self.policy.id
        ended = Operation(self, lambda: self.services.policies.end(policy_id)).run()
        if ended is not None:
            self.ended = ended
            self.accept()


def _history_row(v: PolicyVersionView, current: int | None) -> tuple[str, ...]:
    mark = " (vigente)" if v.version == current else ""
    return (
        f"{v.version}{mark}",
        f"{v.valid_from:%d/%m/%Y}",
        str(v.expected_remote),
        str(v.expected_in_person),
        f"{v.discount_percent} %",
        "sí" if v.is_24x7 else "no",
        str(len(v.device_ids)) if v.device_ids else "todos",
        format_money(v.monthly_fee),
        v.note or "—",
    )


__all__ = ["PolicyDialog", "events_spin", "parse_percent"]
