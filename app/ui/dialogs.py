"""Dialogs: client and device forms, starting a session, consent, ending, choosing the advisor.

Each dialog gathers input, validates it field by field (the message appears next to the field)
and hands back plain values; the window calls the services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.billing.session_rules import Checklist
from app.kernel.enums import Channel, DeviceKind, Modality, Outcome, PaymentArrangement, RemoteTool
from app.kernel.errors import DomainError
from app.services.data import ClientData, DeviceData, clean_rfc
from app.services.values import AdvisorView, ClientView, DeviceView

E = TypeVar("E", bound=Enum)


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setProperty("role", "fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def _buttons(dialog: QDialog, ok_text: str, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """An OK button with its Spanish text, and "Cancelar"; OK runs the dialog's own check."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancelar")
    box.accepted.connect(on_ok)
    box.rejected.connect(dialog.reject)
    return box


# -- clients and devices ---------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceActions:
    """How the client dialog lists, adds and edits the client's devices (the window's calls)."""

    list: Callable[[], Sequence[DeviceView]]
    add: Callable[[], DeviceView | None]
    edit: Callable[[DeviceView], DeviceView | None]


class ClientDialog(QDialog):
    """Create or edit a client and their devices. ``save`` stores the data (and may refuse
    with DomainError)."""

    def __init__(
        self,
        save: Callable[[ClientData], ClientView],
        client: ClientView | None = None,
        parent: QWidget | None = None,
        devices: DeviceActions | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clientDialog")
        self.setWindowTitle("Editar cliente" if client else "Nuevo cliente")
        self._save = save
        self.saved: ClientView | None = None

        self.nameEdit = QLineEdit(client.name if client else "")
        self.nameEdit.setObjectName("nameEdit")
        self.nameError = _error_label("nameError")
        self.phoneEdit = QLineEdit(client.phone if client else "")
        self.phoneEdit.setObjectName("phoneEdit")
        self.phoneEdit.setPlaceholderText("(228) 833 4045")
        self.phoneError = _error_label("phoneError")
        self.emailEdit = QLineEdit(client.email if client else "")
        self.emailEdit.setObjectName("emailEdit")
        self.emailError = _error_label("emailError")
        self.rfcEdit = QLineEdit((client.rfc or "") if client else "")
        self.rfcEdit.setObjectName("rfcEdit")
        self.rfcEdit.setPlaceholderText("Opcional, p. ej. GODE561231GR8")
        self.rfcError = _error_label("rfcError")
        self.cityEdit = QLineEdit(client.city if client else "Xalapa")
        self.cityEdit.setObjectName("cityEdit")
        self.addressEdit = QLineEdit(client.address if client else "")
        self.addressEdit.setObjectName("addressEdit")
        self.notesEdit = QPlainTextEdit(client.notes if client else "")
        self.notesEdit.setObjectName("notesEdit")
        self.notesEdit.setFixedHeight(64)
        self.formError = _error_label("formError")

        form = QFormLayout()
        form.addRow("Nombre:", self.nameEdit)
        form.addRow("", self.nameError)
        form.addRow("Teléfono:", self.phoneEdit)
        form.addRow("", self.phoneError)
        form.addRow("Correo:", self.emailEdit)
        form.addRow("", self.emailError)
        form.addRow("RFC:", self.rfcEdit)
        form.addRow("", self.rfcError)
        form.addRow("Ciudad:", self.cityEdit)
        form.addRow("Dirección:", self.addressEdit)
        form.addRow("Notas:", self.notesEdit)

        # the client's devices (Mac, iPhone, iPad…)
        self._devices = devices
        self.devicesBox = QGroupBox("Equipos")
        self.devicesList = QListWidget()
        self.devicesList.setObjectName("devicesList")
        self.devicesList.setMaximumHeight(90)
        self.addDeviceButton = QPushButton("Agregar equipo…")
        self.addDeviceButton.setObjectName("addDeviceButton")
        self.editDeviceButton = QPushButton("Editar equipo…")
        self.editDeviceButton.setObjectName("editDeviceButton")
        self.editDeviceButton.setEnabled(False)
        device_buttons = QHBoxLayout()
        device_buttons.addStretch(1)
        device_buttons.addWidget(self.addDeviceButton)
        device_buttons.addWidget(self.editDeviceButton)
        box = QVBoxLayout(self.devicesBox)
        if devices is None:
            hint = QLabel("Guarde el cliente para registrar sus equipos.")
            hint.setObjectName("hintLabel")
            box.addWidget(hint)
        else:
            box.addWidget(self.devicesList)
            box.addLayout(device_buttons)
            self.addDeviceButton.clicked.connect(self._add_device)
            self.editDeviceButton.clicked.connect(self._edit_device)
            self.devicesList.itemSelectionChanged.connect(
                lambda: self.editDeviceButton.setEnabled(bool(self.devicesList.selectedItems()))
            )
            self.devicesList.itemDoubleClicked.connect(lambda *_: self._edit_device())
            self._fill_devices()

        buttons = _buttons(self, "Guardar", self.try_save)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.devicesBox)
        layout.addWidget(self.formError)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _fill_devices(self) -> None:
        assert self._devices is not None
        self.devicesList.clear()
        for device in self._devices.list():
            item = QListWidgetItem(_device_text(device))
            item.setData(Qt.ItemDataRole.UserRole, device)
            self.devicesList.addItem(item)

    def _add_device(self) -> None:
        assert self._devices is not None
        if self._devices.add() is not None:
            self._fill_devices()

    def _edit_device(self) -> None:
        assert self._devices is not None
        items = self.devicesList.selectedItems()
        if items and self._devices.edit(items[0].data(Qt.ItemDataRole.UserRole)) is not None:
            self._fill_devices()

    def data(self) -> ClientData:
        return ClientData(
            name=self.nameEdit.text(),
            phone=self.phoneEdit.text(),
            email=self.emailEdit.text(),
            rfc=self.rfcEdit.text() or None,
            city=self.cityEdit.text(),
            address=self.addressEdit.text(),
            notes=self.notesEdit.toPlainText(),
        )

    def validate(self) -> bool:
        """Check each field and show its message next to it; True when all are fine."""
        data = self.data()
        ok = True
        name_msg = "" if data.name.strip() else "El nombre es obligatorio."
        _show(self.nameError, name_msg)
        ok &= not name_msg
        phone = data.phone.strip()
        phone_msg = (
            "" if not phone or any(c.isdigit() for c in phone) else "El teléfono no es válido."
        )
        _show(self.phoneError, phone_msg)
        ok &= not phone_msg
        email = data.email.strip()
        email_ok = not email or ("@" in email and not email.startswith("@") and "." in email)
        _show(self.emailError, "" if email_ok else "El correo no es válido.")
        ok &= email_ok
        try:
            clean_rfc(data.rfc)
            _show(self.rfcError, "")
        except DomainError as exc:
            _show(self.rfcError, str(exc))
            ok = False
        return ok

    def try_save(self) -> None:
        if not self.validate():
            return
        try:
            self.saved = self._save(self.data())
        except DomainError as exc:
            _show(self.formError, str(exc))
            return
        self.accept()


class DeviceDialog(QDialog):
    def __init__(
        self,
        save: Callable[[DeviceData], DeviceView],
        device: DeviceView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle("Editar equipo" if device else "Nuevo equipo")
        self._save = save
        self.saved: DeviceView | None = None
        self.kindCombo = QComboBox()
        self.kindCombo.setObjectName("kindCombo")
        for kind in DeviceKind:
            self.kindCombo.addItem(kind.label, kind)
        if device:
            self.kindCombo.setCurrentIndex(list(DeviceKind).index(device.kind))
        self.modelEdit = QLineEdit(device.model if device else "")
        self.modelEdit.setObjectName("modelEdit")
        self.modelEdit.setPlaceholderText('MacBook Pro 14" 2023')
        self.serialEdit = QLineEdit(device.serial if device else "")
        self.serialEdit.setObjectName("serialEdit")
        self.osEdit = QLineEdit(device.os_version if device else "")
        self.osEdit.setObjectName("osEdit")
        self.osEdit.setPlaceholderText("macOS 15.1")
        self.formError = _error_label("formError")
        form = QFormLayout()
        form.addRow("Tipo:", self.kindCombo)
        form.addRow("Modelo:", self.modelEdit)
        form.addRow("Número de serie:", self.serialEdit)
        form.addRow("Sistema:", self.osEdit)
        buttons = _buttons(self, "Guardar", self.try_save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.formError)
        layout.addWidget(buttons)

    def data(self) -> DeviceData:
        return DeviceData(
            kind=DeviceKind(self.kindCombo.currentData()),
            model=self.modelEdit.text(),
            serial=self.serialEdit.text(),
            os_version=self.osEdit.text(),
        )

    def try_save(self) -> None:
        try:
            self.saved = self._save(self.data())
        except DomainError as exc:
            _show(self.formError, str(exc))
            return
        self.accept()


# -- starting a session ----------------------------------------------------------------------
@dataclass(frozen=True)
class StartRequest:
    modality: Modality
    device_id: int | None
    channel: Channel | None
    city: str | None
    summary: str
    checklist: Checklist | None


class StartSessionDialog(QDialog):
    """Client, device, modality, city for onsite, and for remote the checklist of RULES §9."""

    def __init__(
        self,
        client: ClientView,
        devices: Sequence[DeviceView],
        add_device: Callable[[], DeviceView | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("startSessionDialog")
        self.setWindowTitle("Iniciar sesión")
        self._add_device = add_device
        self.request: StartRequest | None = None

        header = QLabel(f"<b>{client.name}</b> — {client.city or 'sin ciudad'}")
        header.setTextFormat(Qt.TextFormat.RichText)

        self.deviceCombo = QComboBox()
        self.deviceCombo.setObjectName("deviceCombo")
        self.deviceCombo.addItem("Sin equipo registrado", None)
        for d in devices:
            self.deviceCombo.addItem(_device_text(d), d.id)
        if devices:
            self.deviceCombo.setCurrentIndex(1)
        self.newDeviceButton = QPushButton("Nuevo equipo…")
        self.newDeviceButton.setObjectName("newDeviceButton")
        self.newDeviceButton.clicked.connect(self._new_device)

        self.modalityGroup = QButtonGroup(self)
        self.remoteRadio = QRadioButton("A distancia")
        self.remoteRadio.setObjectName("remoteRadio")
        self.officeRadio = QRadioButton("Presencial en AppleUse")
        self.officeRadio.setObjectName("officeRadio")
        self.onsiteRadio = QRadioButton("En domicilio u oficina del cliente")
        self.onsiteRadio.setObjectName("onsiteRadio")
        for i, radio in enumerate((self.remoteRadio, self.officeRadio, self.onsiteRadio)):
            self.modalityGroup.addButton(radio, i)
        self.remoteRadio.setChecked(True)

        self.channelCombo = QComboBox()
        self.channelCombo.setObjectName("channelCombo")
        for channel in (Channel.REMOTE_DESKTOP, Channel.PHONE, Channel.CHAT):
            self.channelCombo.addItem(channel.label, channel)
        self.cityEdit = QLineEdit(client.city)
        self.cityEdit.setObjectName("cityEdit")
        self.summaryEdit = QLineEdit()
        self.summaryEdit.setObjectName("summaryEdit")
        self.summaryEdit.setPlaceholderText("Problema reportado, p. ej. «La Mac no enciende»")

        # RULES §9 checklist
        self.checklistBox = QGroupBox("Requisitos de la sesión a distancia")
        self.checklistBox.setObjectName("checklistBox")
        self.paymentCombo = QComboBox()
        self.paymentCombo.setObjectName("paymentCombo")
        self.paymentCombo.addItem("Elija…", None)
        for p in (PaymentArrangement.PREPAID, PaymentArrangement.LATER):
            self.paymentCombo.addItem(p.label, p)
        self.internetCheck = QCheckBox("Conexión continua a internet")
        self.internetCheck.setObjectName("internetCheck")
        self.macosCheck = QCheckBox("macOS en el equipo")
        self.macosCheck.setObjectName("macosCheck")
        self.toolCombo = QComboBox()
        self.toolCombo.setObjectName("toolCombo")
        self.toolCombo.addItem("Ninguna todavía", None)
        for tool in RemoteTool:
            self.toolCombo.addItem(tool.label, tool)
        checklist_form = QFormLayout(self.checklistBox)
        checklist_form.addRow("Pago:", self.paymentCombo)
        checklist_form.addRow(self.internetCheck)
        checklist_form.addRow(self.macosCheck)
        checklist_form.addRow("iCloud / TeamViewer:", self.toolCombo)

        self.errorLabel = _error_label("startError")

        form = QFormLayout()
        form.addRow(header)
        form.addRow("Equipo:", self.deviceCombo)
        form.addRow("", self.newDeviceButton)
        modality_box = QVBoxLayout()
        for radio in (self.remoteRadio, self.officeRadio, self.onsiteRadio):
            modality_box.addWidget(radio)
        form.addRow("Modalidad:", modality_box)
        form.addRow("Canal:", self.channelCombo)
        form.addRow("Ciudad:", self.cityEdit)
        form.addRow("Problema:", self.summaryEdit)

        buttons = _buttons(self, "Iniciar", self.try_accept)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.checklistBox)
        layout.addWidget(self.errorLabel)
        layout.addWidget(buttons)
        self.modalityGroup.idToggled.connect(lambda *_: self._update())
        self.channelCombo.currentIndexChanged.connect(lambda *_: self._update())
        self._update()
        self.setMinimumWidth(480)

    def modality(self) -> Modality:
        return (Modality.REMOTE, Modality.OFFICE, Modality.ONSITE)[
            max(0, self.modalityGroup.checkedId())
        ]

    def _update(self) -> None:
        remote = self.modality() is Modality.REMOTE
        self.channelCombo.setEnabled(remote)
        self.checklistBox.setVisible(remote)
        desktop = remote and self.channelCombo.currentData() == Channel.REMOTE_DESKTOP
        self.macosCheck.setEnabled(desktop)
        self.toolCombo.setEnabled(desktop)
        self.cityEdit.setEnabled(self.modality() is Modality.ONSITE)
        self.adjustSize()

    def _new_device(self) -> None:
        device = self._add_device()
        if device is not None:
            self.deviceCombo.addItem(_device_text(device), device.id)
            self.deviceCombo.setCurrentIndex(self.deviceCombo.count() - 1)

    def try_accept(self) -> None:
        modality = self.modality()
        # Qt hands StrEnum values back as plain str: turn them into the enums again.
        channel = _enum(Channel, self.channelCombo.currentData())
        channel = channel if modality is Modality.REMOTE else None
        checklist = None
        if modality is Modality.REMOTE:
            checklist = Checklist(
                payment=_enum(PaymentArrangement, self.paymentCombo.currentData()),
                internet=self.internetCheck.isChecked(),
                macos=self.macosCheck.isChecked(),
                remote_tool=_enum(RemoteTool, self.toolCombo.currentData()),
            )
            message = _checklist_problem(channel, checklist, self.deviceCombo.currentData())
            if message:
                _show(self.errorLabel, message)
                return
        city = self.cityEdit.text().strip() if modality is Modality.ONSITE else None
        if modality is Modality.ONSITE and not city:
            _show(self.errorLabel, "Indique la ciudad del servicio a domicilio.")
            return
        self.request = StartRequest(
            modality=modality,
            device_id=self.deviceCombo.currentData(),
            channel=channel,
            city=city,
            summary=self.summaryEdit.text().strip(),
            checklist=checklist,
        )
        self.accept()


def _checklist_problem(channel: Channel | None, checklist: Checklist, device_id: int | None) -> str:
    if checklist.payment is None:
        return "Indique si el pago está cubierto por adelantado o si se acordó pago posterior."
    if not checklist.internet:
        return "La sesión a distancia requiere conexión continua a internet."
    if channel is Channel.REMOTE_DESKTOP:
        if not checklist.macos:
            return "El escritorio remoto requiere macOS en el equipo."
        if checklist.remote_tool is None:
            return "El escritorio remoto requiere iCloud o TeamViewer (ayude a instalarlo antes)."
        if device_id is None:
            return "Elija el equipo del cliente: el control remoto aplica solo a ese equipo."
    return ""


def _enum(kind: type[E], value: object) -> E | None:
    return None if value is None else kind(value)


def _device_text(d: DeviceView) -> str:
    parts = [d.kind.label, d.model, f"serie {d.serial}" if d.serial else ""]
    return " · ".join(p for p in parts if p)


# -- consent ---------------------------------------------------------------------------------
CONSENT_MESSAGE = (
    "El asesor solicita tomar el control remoto de su equipo para diagnosticar o resolver "
    "el problema reportado. El control remoto aplica solo al equipo que solicitó el servicio "
    "y usted puede detenerlo en cualquier momento."
)


class ConsentDialog(QDialog):
    """The client's answer to the remote-control request (RULES §8)."""

    ACCEPTED, DECLINED = "accepted", "declined"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consentDialog")
        self.setWindowTitle("Autorización de control remoto")
        self.answer: str | None = None
        message = QLabel(CONSENT_MESSAGE)
        message.setWordWrap(True)
        self.backupCheck = QCheckBox(
            "El cliente fue informado de que respaldar su información antes del control "
            "remoto es su responsabilidad."
        )
        self.backupCheck.setObjectName("backupCheck")
        self.acceptButton = QPushButton("El cliente aceptó")
        self.acceptButton.setObjectName("acceptButton")
        self.acceptButton.setEnabled(False)
        self.declineButton = QPushButton("El cliente rechazó")
        self.declineButton.setObjectName("declineButton")
        cancel = QPushButton("Aún sin respuesta")
        self.backupCheck.toggled.connect(self.acceptButton.setEnabled)
        self.acceptButton.clicked.connect(lambda: self._answer(self.ACCEPTED))
        self.declineButton.clicked.connect(lambda: self._answer(self.DECLINED))
        cancel.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.acceptButton, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.declineButton, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.backupCheck)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _answer(self, answer: str) -> None:
        self.answer = answer
        self.accept()


# -- ending ----------------------------------------------------------------------------------
class EndSessionDialog(QDialog):
    """Choose the outcome (RULES §7); for "Nuevo evento" also the new request's summary."""

    def __init__(
        self,
        *,
        new_event: bool = False,
        preselect: Outcome | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("endSessionDialog")
        self.setWindowTitle("Nuevo evento" if new_event else "Finalizar sesión")
        self.outcome: Outcome | None = None
        intro = QLabel(
            "El caso actual termina con este resultado y se abre un caso nuevo para la nueva "
            "solicitud, que se cobra aparte."
            if new_event
            else "¿Cómo termina la sesión?"
        )
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.radios: dict[Outcome, QRadioButton] = {}
        box = QVBoxLayout()
        for i, outcome in enumerate(Outcome):
            radio = QRadioButton(outcome.label)
            radio.setObjectName(f"outcome_{outcome.value}")
            self.group.addButton(radio, i)
            self.radios[outcome] = radio
            box.addWidget(radio)
        if preselect is not None:
            self.radios[preselect].setChecked(True)
        self.noteEdit = QLineEdit()
        self.noteEdit.setObjectName("noteEdit")
        self.noteEdit.setPlaceholderText("Nota (opcional)")
        self.summaryEdit = QLineEdit()
        self.summaryEdit.setObjectName("summaryEdit")
        self.summaryEdit.setPlaceholderText("Nueva solicitud del cliente")
        self.summaryEdit.setVisible(new_event)
        self.errorLabel = _error_label("endError")
        ok_text = "Terminar y abrir caso nuevo" if new_event else "Finalizar"
        buttons = _buttons(self, ok_text, self.try_accept)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(box)
        layout.addWidget(self.noteEdit)
        layout.addWidget(self.summaryEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        chosen = [o for o, radio in self.radios.items() if radio.isChecked()]
        if not chosen:
            _show(self.errorLabel, "Elija el resultado de la sesión.")
            return
        self.outcome = chosen[0]
        self.accept()


# -- who am I --------------------------------------------------------------------------------
class AdvisorDialog(QDialog):
    """At first start: choose who you are, or add yourself."""

    def __init__(
        self,
        advisors: Sequence[AdvisorView],
        create: Callable[[str], AdvisorView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("advisorDialog")
        self.setWindowTitle("¿Quién atiende?")
        self._create = create
        self.chosen: AdvisorView | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("advisorCombo")
        for a in advisors:
            self.combo.addItem(a.name, a)
        self.combo.setVisible(bool(advisors))
        self.nameEdit = QLineEdit()
        self.nameEdit.setObjectName("advisorNameEdit")
        self.nameEdit.setPlaceholderText("Nombre del asesor nuevo")
        self.errorLabel = _error_label("advisorError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continuar")
        buttons.accepted.connect(self.try_accept)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Elija su nombre o agréguese como asesor. La aplicación lo recordará."
            if advisors
            else "Escriba su nombre para registrarse como asesor."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(self.nameEdit)
        layout.addWidget(self.errorLabel)
        layout.addWidget(buttons)

    def try_accept(self) -> None:
        name = self.nameEdit.text().strip()
        if name:
            try:
                self.chosen = self._create(name)
            except DomainError as exc:
                _show(self.errorLabel, str(exc))
                return
        else:
            self.chosen = self.combo.currentData()
        if self.chosen is None:
            _show(self.errorLabel, "Escriba su nombre.")
            return
        self.accept()
