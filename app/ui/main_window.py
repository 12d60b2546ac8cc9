"""The main window: client list (left), live session (middle), billing panel (right).

The window paints first, with nothing heavy imported; ``attach`` then builds the panels on the
services (SQLAlchemy, NumPy…) once the database is open. Every action calls one service; a
refused action shows its Spanish message in the banner and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

if TYPE_CHECKING:  # bound for real by _load_qt(), right after the first paint
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QPaintEvent
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QDialog,
        QFrame,
        QHBoxLayout,
        QHeaderView,
        QLineEdit,
        QPushButton,
        QSplitter,
        QSystemTrayIcon,
        QTableView,
        QTableWidget,
        QTableWidgetItem,
        QVBoxLayout,
        QWidget,
    )

if TYPE_CHECKING:
    from app.kernel.search import ClientColumns
    from app.services.facade import Services
    from app.services.values import AdvisorView, ClientView, DeviceView, SessionView
    from app.ui.billing_panel import BillingPanel
    from app.ui.session_panel import SessionPanel


_GUI = ("QAction", "QCloseEvent", "QIcon", "QKeySequence", "QPaintEvent")
_WIDGETS = (
    "QAbstractItemView", "QDialog", "QFrame", "QHBoxLayout", "QHeaderView", "QLineEdit",
    "QPushButton", "QSplitter", "QSystemTrayIcon", "QTableView", "QTableWidget",
    "QTableWidgetItem", "QVBoxLayout", "QWidget",
)  # fmt: skip


def _load_qt() -> None:
    """Bind the Qt classes and enum namespaces this module uses (the names imported for type
    checking above). Materialising them (``Qt``'s enums above all) costs ~25 ms, so the
    window's first paint happens before, and the rest of the window is built right after."""
    from PySide6 import QtCore, QtGui, QtWidgets

    names = globals()
    names["Qt"] = QtCore.Qt
    names.update({name: getattr(QtGui, name) for name in _GUI})
    names.update({name: getattr(QtWidgets, name) for name in _WIDGETS})


T = TypeVar("T")
FORGOTTEN_TIMER = timedelta(hours=4)

STYLE = """
QLabel#stopwatchLabel { color: #1d1d1f; padding: 8px 0; }
QLabel#sessionTitle { font-size: 16px; font-weight: 600; }
QLabel#sectionTitle { font-weight: 600; color: #3a3a3c; margin-top: 4px; }
QLabel#stateLabel, QLabel#bandLabel { font-size: 14px; padding: 4px; border-radius: 6px; }
QLabel#stateLabel { background: #eef3fb; color: #0b4a8b; }
QLabel#bandLabel[band="business"] { background: #e8f6ec; color: #1b6b33; }
QLabel#bandLabel[band="outside"] { background: #fdf0e2; color: #8a4b00; }
QLabel#instructionsLabel { padding: 4px; border-radius: 6px; background: #eef3fb; }
QLabel#instructionsLabel[over="true"] { background: #fde8e8; color: #9b1c1c; font-weight: 600; }
QLabel#billTotalLabel { font-size: 18px; font-weight: 700; }
QLabel#totalTitle { font-size: 18px; font-weight: 700; }
QLabel#errorBanner { background: #fde8e8; color: #9b1c1c; padding: 6px 10px; border-radius: 6px; }
QLabel#noticeBanner { background: #fff6db; color: #6b4e00; padding: 6px 10px; border-radius: 6px; }
QLabel[role="fieldError"], QLabel#fieldError { color: #b00020; }
QLabel#hintLabel { color: #6e6e73; }
QLabel#receiptLabel { color: #1b6b33; font-weight: 600; }
QLabel#policyLabel { background: #eef3fb; color: #0b4a8b; padding: 6px 8px; border-radius: 6px; }
QLabel#policyLabel[warn="true"] { background: #fff6db; color: #6b4e00; }
QPushButton { padding: 5px 10px; }
"""


class MainWindow(QMainWindow):
    firstPainted = Signal()  # the composition root opens the database after this

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("AppleUse Soporte")
        self._clock = clock
        self.services: Services | None = None
        self.advisor: AdvisorView | None = None
        self.session: SessionView | None = None
        self.receipt_folio: str | None = None
        self._forgotten_warned: set[int] = set()
        self._painted = False
        self._shell_built = False
        loading = QLabel("  Cargando clientes…")
        self.setCentralWidget(loading)  # replaced by build_shell() right after the first paint
        self.statusBar().showMessage("AppleUse Soporte")
        self.resize(1280, 780)
        self._restore_geometry()

    # -- building ------------------------------------------------------------------------------
    def build_shell(self) -> None:
        """Right after the first paint: banners, the client list and pending cases; the
        session and billing panels take the placeholder's place once the database is open."""
        if self._shell_built:
            return
        self._shell_built = True
        _load_qt()
        from app.ui.client_model import ClientTableModel

        self.setStyleSheet(STYLE)

        self.errorBanner = QLabel("")
        self.errorBanner.setObjectName("errorBanner")
        self.errorBanner.setWordWrap(True)
        self.errorBanner.hide()
        self.noticeBanner = QLabel("")
        self.noticeBanner.setObjectName("noticeBanner")
        self.noticeBanner.setWordWrap(True)
        self.noticeBanner.hide()

        # left: clients and pending cases
        self.clientSearch = QLineEdit()
        self.clientSearch.setObjectName("clientSearch")
        self.clientSearch.setPlaceholderText("Buscar por nombre, teléfono, ciudad o RFC")
        self.clientSearch.setClearButtonEnabled(True)
        self.clientModel = ClientTableModel(self)
        self.clientTable = QTableView()
        self.clientTable.setObjectName("clientTable")
        self.clientTable.setModel(self.clientModel)
        self.clientTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.clientTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.clientTable.setSortingEnabled(True)
        self.clientTable.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.clientTable.verticalHeader().hide()
        self.clientTable.verticalHeader().setDefaultSectionSize(24)
        self.clientTable.setAlternatingRowColors(True)
        self.clientTable.setWordWrap(False)
        self.clientTable.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.clientTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.clientTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 112), (2, 96), (3, 118)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.clientTable.setColumnWidth(col, width)
        self.clientCountLabel = QLabel("")
        self.clientCountLabel.setObjectName("hintLabel")
        self.policyLabel = QLabel("")
        self.policyLabel.setObjectName("policyLabel")
        self.policyLabel.setWordWrap(True)
        self.policyLabel.hide()
        self.newClientButton = QPushButton("Nuevo cliente")
        self.newClientButton.setObjectName("newClientButton")
        self.editClientButton = QPushButton("Editar cliente…")
        self.editClientButton.setObjectName("editClientButton")
        self.editClientButton.setEnabled(False)
        self.policyButton = QPushButton("Póliza…")
        self.policyButton.setObjectName("policyButton")
        self.policyButton.setEnabled(False)

        self.pendingCasesTable = QTableWidget(0, 3)
        self.pendingCasesTable.setObjectName("pendingCasesTable")
        self.pendingCasesTable.setHorizontalHeaderLabels(
            ["Caso", "Cliente", "Seguimiento sin costo hasta"]
        )
        self.pendingCasesTable.verticalHeader().hide()
        self.pendingCasesTable.verticalHeader().setDefaultSectionSize(24)
        self.pendingCasesTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pendingCasesTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pendingCasesTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        pheader = self.pendingCasesTable.horizontalHeader()
        pheader.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        pheader.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        pheader.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.pendingCasesTable.setMaximumHeight(170)
        self.followUpButton = QPushButton("Dar seguimiento")
        self.followUpButton.setObjectName("followUpButton")
        self.followUpButton.setEnabled(False)

        self.clientTable.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = QFrame()
        left.setMinimumWidth(480)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 8, 8)
        title = QLabel("Clientes")
        title.setObjectName("sectionTitle")
        left_layout.addWidget(title)
        left_layout.addWidget(self.clientSearch)
        left_layout.addWidget(self.clientTable, 1)
        left_layout.addWidget(self.clientCountLabel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.newClientButton)
        buttons.addWidget(self.editClientButton)
        buttons.addWidget(self.policyButton)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.policyLabel)
        ptitle = QLabel("Casos pendientes")
        ptitle.setObjectName("sectionTitle")
        left_layout.addWidget(ptitle)
        left_layout.addWidget(self.pendingCasesTable)
        left_layout.addWidget(self.followUpButton, 0, Qt.AlignmentFlag.AlignRight)

        self.placeholder = QLabel("Abriendo la base de datos…")
        self.placeholder.setObjectName("hintLabel")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(left)
        splitter.addWidget(self.placeholder)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 7)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.errorBanner)
        layout.addWidget(self.noticeBanner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.clientSearch.textChanged.connect(self.clientModel.set_query)
        self.clientSearch.textChanged.connect(lambda *_: self._client_count())
        self.clientModel.modelReset.connect(self._on_client_selection)
        self.clientTable.selectionModel().selectionChanged.connect(self._on_client_selection)
        self.clientTable.doubleClicked.connect(lambda *_: self.edit_client())
        self.newClientButton.clicked.connect(lambda: self.new_client())
        self.editClientButton.clicked.connect(lambda: self.edit_client())
        self.policyButton.clicked.connect(self.open_policy)
        self.pendingCasesTable.itemSelectionChanged.connect(self._on_pending_selection)
        self.followUpButton.clicked.connect(self.follow_up)

        self.newClientButton.setEnabled(False)  # until the database is open
        self.clientSearch.setFocus()

    def attach(self, services: Services, advisor: AdvisorView, where: str = "") -> None:
        """Build the panels on the open database, for ``advisor``."""
        from app.ui.billing_panel import BillingPanel
        from app.ui.session_panel import SessionPanel

        self.build_shell()
        self.services = services
        self.advisor = advisor
        self._clock = self._clock or services.clock
        clock = self._clock

        self.sessionPanel: SessionPanel = SessionPanel(clock)
        self.newClientButton.setEnabled(True)
        self.billingPanel: BillingPanel = BillingPanel()

        self.splitter.replaceWidget(1, self.sessionPanel)
        self.splitter.insertWidget(2, self.billingPanel)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([500, 420, 360])
        self.placeholder.deleteLater()
        self.statusBar().showMessage(f"Asesor: {advisor.name}" + (f" · {where}" if where else ""))
        self.setWindowTitle(f"AppleUse Soporte — {advisor.name}")

        # wiring
        sp = self.sessionPanel
        sp.startRequested.connect(self.start_session)
        sp.pauseRequested.connect(lambda: self._act(lambda s, i: s.sessions.pause(i)))
        sp.resumeRequested.connect(lambda: self._act(lambda s, i: s.sessions.resume(i)))
        sp.disconnectRequested.connect(lambda: self._act(lambda s, i: s.sessions.disconnect(i)))
        sp.reconnectRequested.connect(lambda: self._act(lambda s, i: s.sessions.reconnect(i)))
        sp.remoteRequested.connect(self.request_remote)
        sp.remoteStartRequested.connect(lambda: self._act(lambda s, i: s.sessions.start_remote(i)))
        sp.remoteStopRequested.connect(
            lambda by_client: self._act(lambda s, i: s.sessions.stop_remote(i, by_client=by_client))
        )
        sp.instructionsStartRequested.connect(
            lambda: self._act(lambda s, i: s.sessions.start_instructions(i))
        )
        sp.instructionsEndRequested.connect(
            lambda: self._act(lambda s, i: s.sessions.end_instructions(i))
        )
        sp.endRequested.connect(lambda: self.end_session())
        sp.newEventRequested.connect(lambda: self.end_session(new_event=True))
        sp.minuteChanged.connect(self.refresh_bill)
        sp.ticked.connect(self._update_tray)
        self.billingPanel.issueRequested.connect(self.issue_receipt)
        self.billingPanel.receiptAction.connect(self.receipt_action)
        self.billingPanel.quoteEntered.connect(self.set_quote)

        self._build_menus()
        self._build_tray()
        self.sessionPanel.set_tariff(services.settings.tariff())

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        archivo = bar.addMenu("&Archivo")
        self.newClientAction = self._action(
            archivo, "Nuevo cliente…", QKeySequence.StandardKey.New, lambda: self.new_client()
        )
        self._action(
            archivo, "Buscar cliente", QKeySequence.StandardKey.Find, self.clientSearch.setFocus
        )
        archivo.addSeparator()
        self.summaryAction = self._action(
            archivo, "Corte del día…", QKeySequence("Ctrl+Shift+C"), self.open_summary
        )
        self.reviewsAction = self._action(archivo, "Pólizas por revisar…", None, self.open_reviews)
        self.settingsAction = self._action(
            archivo, "Ajustes…", QKeySequence.StandardKey.Preferences, self.open_settings
        )
        archivo.addSeparator()
        self._action(archivo, "Salir", QKeySequence.StandardKey.Quit, self.close)
        cliente = bar.addMenu("&Cliente")
        self._action(cliente, "Editar cliente y equipos…", None, self.edit_client)
        self.policyAction = self._action(cliente, "Póliza…", None, self.open_policy)
        self._action(cliente, "Estado de cuenta…", None, self.open_statement)
        self._action(cliente, "Reparación del caso escalado…", None, self.open_repair)
        sesion = bar.addMenu("&Sesión")
        sp = self.sessionPanel
        self._menu_buttons: list[tuple[QPushButton, QAction]] = []
        for button in (
            sp.startSessionButton,
            sp.pauseButton,
            sp.disconnectButton,
            sp.reconnectButton,
            sp.requestRemoteButton,
            sp.instructionsButton,
            sp.endSessionButton,
            sp.newEventButton,
        ):
            action = sesion.addAction(button.text())
            action.triggered.connect(button.click)
            action.setShortcut(button.shortcut())
            button.setShortcut(QKeySequence())  # the menu owns the shortcut now
            self._menu_buttons.append((button, action))
        sp.actionsChanged.connect(self._sync_menu)
        self._sync_menu()
        ayuda = bar.addMenu("A&yuda")
        self._action(ayuda, "Acerca de AppleUse Soporte", None, self._about)

    def _sync_menu(self) -> None:
        for button, action in self._menu_buttons:
            action.setEnabled(button.isEnabled())
            action.setText(button.text())

    def _action(
        self,
        menu: Any,
        text: str,
        shortcut: QKeySequence.StandardKey | QKeySequence | None,
        slot: Callable[[], Any],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda *_: slot())
        menu.addAction(action)
        return action

    def _build_tray(self) -> None:
        self.tray: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        icon = self.windowIcon() if not self.windowIcon().isNull() else QIcon.fromTheme("clock")
        self.tray = QSystemTrayIcon(icon, self)
        self.tray.setToolTip("AppleUse Soporte — sin sesión")
        self.tray.activated.connect(lambda *_: self._bring_to_front())
        self.tray.show()

    def _bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # -- loading -------------------------------------------------------------------------------
    def show_clients(self, columns: ClientColumns) -> None:
        """Fill the list (already sorted by name); the caller builds the search index next."""
        self.build_shell()
        self.clientModel.load(columns)
        self._client_count()

    def load_clients(self) -> None:

        assert self.services is not None
        self.clientModel.load(self.services.client_columns())
        header = self.clientTable.horizontalHeader()
        self.clientModel.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._client_count()

    def load_pending(self) -> None:
        from app.kernel.enums import CaseState
        from app.kernel.fmt import format_datetime

        assert self.services is not None
        cases = self.services.sessions.cases(states=[CaseState.PENDING])
        names = {}
        table = self.pendingCasesTable
        table.setRowCount(0)
        for case in sorted(cases, key=lambda c: c.follow_up_deadline or c.opened_at):
            if case.client_id not in names:
                names[case.client_id] = self.services.clients.client(case.client_id).name
            row = table.rowCount()
            table.insertRow(row)
            number = QTableWidgetItem(case.label)
            number.setData(Qt.ItemDataRole.UserRole, case.id)
            table.setItem(row, 0, number)
            table.setItem(row, 1, QTableWidgetItem(names[case.client_id]))
            deadline = case.follow_up_deadline
            table.setItem(row, 2, QTableWidgetItem(format_datetime(deadline) if deadline else "—"))
        self._on_pending_selection()

    def restore_running_session(self) -> SessionView | None:
        """A session left running (the app was closed or killed) continues where it was."""
        assert self.services is not None and self.advisor is not None
        view = self.services.sessions.running_session(self.advisor.id)
        if view is not None:
            self.show_notice(
                f"Se recuperó la sesión en curso de {view.client_name} (caso {view.case.label}), "
                "iniciada el "
                + _local(view.started_at)
                + ". El tiempo se calculó a partir de los registros guardados."
            )
            self.set_session(view)
        return view

    # -- helpers -------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.errorBanner.setText(message)
        self.errorBanner.setVisible(bool(message))

    def show_notice(self, message: str) -> None:
        self.noticeBanner.setText(message)
        self.noticeBanner.setVisible(bool(message))

    def _call(self, fn: Callable[[], T]) -> T | None:
        """Run a service call; a refused action shows its message and changes nothing."""
        from app.kernel.errors import DomainError

        try:
            result = fn()
        except DomainError as exc:
            self.show_error(str(exc))
            return None
        self.show_error("")
        return result

    def _act(self, fn: Callable[[Services, int], SessionView]) -> SessionView | None:
        services, session = self.services, self.session
        if services is None or session is None:
            return None
        view = self._call(lambda: fn(services, session.id))
        if view is not None:
            self.set_session(view)
        return view

    def selected_client_id(self) -> int | None:
        rows = self.clientTable.selectionModel().selectedRows()
        return self.clientModel.client_id(rows[0].row()) if rows else None

    def select_client(self, client_id: int) -> None:
        row = self.clientModel.row_of(client_id)
        if row is not None:
            self.clientTable.selectRow(row)
            self.clientTable.scrollTo(self.clientModel.index(row, 0))

    def _client_count(self) -> None:
        shown, total = self.clientModel.rowCount(), self.clientModel.total
        self.clientCountLabel.setText(
            f"{total:,} clientes" if shown == total else f"{shown:,} de {total:,} clientes"
        )

    def _on_client_selection(self, *_: Any) -> None:
        client_id = self.selected_client_id()
        selected = client_id is not None
        self.editClientButton.setEnabled(selected and self.services is not None)
        self.policyButton.setEnabled(selected and self.services is not None)
        self.show_policy(client_id)
        panel = getattr(self, "sessionPanel", None)
        if panel is not None:
            panel.set_client_selected(selected)

    def show_policy(self, client_id: int | None) -> None:
        """The client's policy allowance this month, where the advisor decides (RULES §6)."""
        allowance = None
        if client_id is not None and self.services is not None:
            allowance = self._call(lambda: self.services.policies.allowance(client_id))  # type: ignore[union-attr]
        if allowance is None:
            self.policyLabel.hide()
            return
        lines = list(allowance.texts) or ["Póliza vigente"]
        extras = []
        if allowance.discount:
            extras.append(f"descuento {(allowance.discount * 100).normalize():f} %")
        if allowance.is_24x7:
            extras.append("7x24/365")
        if extras:
            lines[0] += f" ({', '.join(extras)})"
        warnings = list(allowance.warnings)
        text = "<br>".join(lines)
        if warnings:
            text += "<br><b>" + "<br>".join(warnings) + "</b>"
        self.policyLabel.setText(text)
        self.policyLabel.setProperty("warn", bool(warnings))
        self.policyLabel.style().polish(self.policyLabel)
        self.policyLabel.show()

    def show_reviews_due(self) -> None:
        """Policies due for their quarterly review, listed at start-up."""
        if self.services is None:
            return
        due = self._call(self.services.policies.due_for_review) or []
        if due:
            names = ", ".join(f"{d.client_name} ({d.review_date:%d/%m/%Y})" for d in due[:5])
            more = f" y {len(due) - 5} más" if len(due) > 5 else ""
            self.show_notice(f"Pólizas por revisar este trimestre: {names}{more}.")

    def _on_pending_selection(self) -> None:
        running = self.session is not None and self.session.running
        self.followUpButton.setEnabled(bool(self.pendingCasesTable.selectedItems()) and not running)

    # -- clients -------------------------------------------------------------------------------
    def new_client(self) -> ClientView | None:
        from app.ui.dialogs import ClientDialog

        assert self.services is not None
        dialog = ClientDialog(self.services.clients.create_client, parent=self)
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        self._client_saved(dialog.saved)
        return dialog.saved

    def edit_client(self) -> ClientView | None:
        from app.ui.dialogs import ClientDialog, DeviceActions, DeviceDialog

        assert self.services is not None
        services = self.services
        client_id = self.selected_client_id()
        if client_id is None:
            return None
        client = services.clients.client(client_id)

        def add() -> DeviceView | None:
            dialog = DeviceDialog(lambda d: services.clients.add_device(client_id, d), parent=self)
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        def edit(device: DeviceView) -> DeviceView | None:
            dialog = DeviceDialog(
                lambda d: services.clients.update_device(device.id, d), device, parent=self
            )
            return dialog.saved if run_dialog(dialog) == QDialog.DialogCode.Accepted else None

        actions = DeviceActions(lambda: services.clients.devices(client_id), add, edit)
        dialog = ClientDialog(
            lambda data: services.clients.update_client(client_id, data),
            client,
            parent=self,
            devices=actions,
        )
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        self._client_saved(dialog.saved)
        return dialog.saved

    def _client_saved(self, client: ClientView) -> None:
        self.clientModel.upsert(client.id, client.name, client.phone, client.city, client.rfc or "")
        self._client_count()
        self.select_client(client.id)

    # -- session actions -----------------------------------------------------------------------
    def start_session(self) -> SessionView | None:
        from app.ui.dialogs import DeviceDialog, StartSessionDialog

        services, advisor = self.services, self.advisor
        client_id = self.selected_client_id()
        if services is None or advisor is None or client_id is None:
            return None
        client = services.clients.client(client_id)

        def add_device() -> Any:
            d = DeviceDialog(lambda data: services.clients.add_device(client_id, data), parent=self)
            return d.saved if run_dialog(d) == QDialog.DialogCode.Accepted else None

        dialog = StartSessionDialog(client, services.clients.devices(client_id), add_device, self)
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.request is None:
            return None
        r = dialog.request
        view = self._call(
            lambda: services.sessions.start(
                advisor.id,
                client_id,
                r.modality,
                device_id=r.device_id,
                channel=r.channel,
                city=r.city,
                summary=r.summary,
                checklist=r.checklist,
            )
        )
        if view is not None:
            self.receipt_folio = None
            self.show_notice("")
            self.set_session(view)
        return view

    def follow_up(self) -> SessionView | None:
        services, advisor = self.services, self.advisor
        items = self.pendingCasesTable.selectedItems()
        if services is None or advisor is None or not items:
            return None
        cell = self.pendingCasesTable.item(items[0].row(), 0)
        if cell is None:
            return None
        case_id = int(cell.data(Qt.ItemDataRole.UserRole))
        view = self._call(lambda: services.sessions.follow_up(case_id, advisor.id))
        if view is not None:
            self.receipt_folio = None
            self.set_session(view)
            self.load_pending()
        return view

    def request_remote(self) -> SessionView | None:
        from app.kernel.enums import Outcome
        from app.ui.dialogs import ConsentDialog

        services = self.services
        view = self._act(lambda s, i: s.sessions.request_remote(i))
        if view is None or services is None:
            return None
        dialog = ConsentDialog(self)
        run_dialog(dialog)
        if dialog.answer == ConsentDialog.ACCEPTED:
            return self._act(
                lambda s, i: s.sessions.accept_remote(
                    i, backup_notice_acknowledged=dialog.backupCheck.isChecked()
                )
            )
        if dialog.answer == ConsentDialog.DECLINED:
            declined = self._act(lambda s, i: s.sessions.decline_remote(i))
            self.show_notice(
                "El cliente rechazó el control remoto: el servicio no puede continuar. "
                "Envíe las instrucciones y finalice la sesión."
            )
            self.end_session(preselect=Outcome.DECLINED_REMOTE)
            return declined
        return view

    def end_session(self, *, new_event: bool = False, preselect: Any = None) -> SessionView | None:
        from app.ui.dialogs import EndSessionDialog

        services, session = self.services, self.session
        if services is None or session is None or not session.running:
            return None
        dialog = EndSessionDialog(new_event=new_event, preselect=preselect, parent=self)
        if run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.outcome is None:
            return None
        outcome, note = dialog.outcome, dialog.noteEdit.text().strip()
        if new_event:
            pair = self._call(
                lambda: services.sessions.another_request(
                    session.id, outcome, summary=dialog.summaryEdit.text(), note=note
                )
            )
            if pair is None:
                return None
            ended, new = pair
            self.show_notice(
                f"El caso {ended.case.label} terminó ({outcome.label}); "
                f"se abrió el caso {new.case.label} para la nueva solicitud."
            )
            self.receipt_folio = None
            self.set_session(new)
            self.load_pending()
            return new
        view = self._call(lambda: services.sessions.end(session.id, outcome, note))
        if view is not None:
            self.set_session(view)
            self.load_pending()
        return view

    def set_quote(self, kind: str, value: Decimal) -> None:
        services, session = self.services, self.session
        if services is None or session is None:
            return
        kwargs = {"rate": value} if kind == "rate" else {"amount": value}
        view = self._call(lambda: services.sessions.set_quote(session.id, **kwargs))
        if view is not None:
            self.set_session(view)

    def issue_receipt(self) -> str | None:
        services, session = self.services, self.session
        if services is None or session is None or session.running:
            return None
        advisor_id = self.advisor.id if self.advisor else None
        receipt = self._call(
            lambda: services.receipts.issue_for_session(session.id, advisor_id=advisor_id)
        )
        if receipt is None:
            return None
        self.receipt_folio = receipt.folio
        self.show_notice(f"Recibo {receipt.folio} emitido por {_money(receipt.total)}.")
        self.refresh_bill()
        return receipt.folio

    def receipt_action(self, action: str) -> None:
        """Print preview, open or save the PDF of the receipt just issued; or take a payment."""
        from app.documents.receipt_pdf import receipt_pdf_bytes
        from app.ui import documents_ui

        if action == "pay":
            self.record_payment()
            return
        services, folio = self.services, self.receipt_folio
        if services is None or folio is None:
            return
        document = self._call(lambda: services.documents.receipt_by_folio(folio))
        if document is None:
            return
        pdf = receipt_pdf_bytes(document)
        if action == "preview":
            documents_ui.show_receipt_preview(self, pdf, f"Recibo {folio}")
        elif action == "open":
            self._call(lambda: documents_ui.open_pdf(pdf, f"Recibo {folio}.pdf"))
        elif action == "save":
            documents_ui.save_pdf_as(self, pdf, f"Recibo {folio}.pdf")

    def open_summary(self) -> None:
        from app.ui.documents_ui import SummaryDialog

        if self.services is not None:
            run_dialog(SummaryDialog(self.services, self))

    def open_policy(self) -> None:
        """Set up or change the selected client's policy (pólizas, RULES §6)."""
        from app.ui.policy_dialog import PolicyDialog

        client_id = self.selected_client_id()
        if self.services is None or client_id is None:
            self.show_error("Seleccione un cliente para ver o registrar su póliza.")
            return
        run_dialog(PolicyDialog(self.services, client_id, self))
        self.show_policy(client_id)

    def open_statement(self) -> None:
        """The selected client's receipts, payments and balance; payments are recorded there."""
        from app.ui.payments_dialog import StatementDialog

        client_id = self.selected_client_id()
        if self.services is None or client_id is None:
            self.show_error("Seleccione un cliente para ver su estado de cuenta.")
            return
        advisor_id = self.advisor.id if self.advisor else None
        run_dialog(StatementDialog(self.services, client_id, self, advisor_id=advisor_id))

    def open_repair(self) -> None:
        """Repair quote of an escalated case: the session shown, else the selected client's
        latest escalated case (RULES §7)."""
        from app.kernel.enums import CaseState
        from app.ui.repair_dialog import RepairDialog

        services = self.services
        if services is None:
            return
        case_id = None
        if self.session is not None and self.session.case.state is CaseState.ESCALATED:
            case_id = self.session.case.id
        elif (client_id := self.selected_client_id()) is not None:
            cases = services.sessions.cases(client_id=client_id, states=[CaseState.ESCALATED])
            case_id = cases[-1].id if cases else None
        if case_id is None:
            self.show_error(
                "No hay un caso escalado: finalice una sesión como «Escalado» o elija al cliente."
            )
            return
        advisor_id = self.advisor.id if self.advisor else None
        dialog = RepairDialog(services, case_id, self, advisor_id=advisor_id)
        run_dialog(dialog)

    def record_payment(self) -> None:
        from app.ui.payments_dialog import PaymentDialog

        services, folio = self.services, self.receipt_folio
        if services is None or folio is None:
            return
        receipt = self._call(lambda: services.receipts.by_folio(folio))
        if receipt is not None:
            advisor_id = self.advisor.id if self.advisor else None
            run_dialog(PaymentDialog(services, receipt.id, self, advisor_id=advisor_id))

    def open_reviews(self) -> None:
        from app.ui.policy_review_dialog import ReviewsDueDialog

        if self.services is not None:
            run_dialog(ReviewsDueDialog(self.services, self))
            self.show_policy(self.selected_client_id())

    def open_settings(self) -> None:
        from app.ui.settings_dialog import SettingsDialog

        services = self.services
        if services is None:
            return
        advisor_id = self.advisor.id if self.advisor else None
        dialog = SettingsDialog(services, self, current_advisor_id=advisor_id)
        run_dialog(dialog)
        if dialog.tariff_version is not None:
            self.sessionPanel.set_tariff(services.settings.tariff())
            self.refresh_bill()

    # -- showing the session -------------------------------------------------------------------
    def set_session(self, view: SessionView | None) -> None:
        self.session = view
        self.sessionPanel.set_view(view)
        self.refresh_bill()
        self._on_pending_selection()
        self._update_tray()

    def refresh_bill(self) -> None:
        services, session = self.services, self.session
        if services is None or session is None:
            self.billingPanel.show_bill(None)
            return
        if session.running:
            bill = self._call(lambda: services.sessions.live_bill(session.id))
            self.billingPanel.show_bill(bill)
        else:
            bill = self._call(lambda: services.sessions.final_bill(session.id))
            self.billingPanel.show_bill(bill, final=True, receipt_folio=self.receipt_folio)
        self._update_tray()

    def tick(self) -> None:
        """Redraw the time-dependent parts now (the panel also does it every second)."""
        self.sessionPanel.tick()

    def _update_tray(self) -> None:
        session, clock = self.session, self._clock
        if session is None or clock is None:
            if getattr(self, "tray", None):
                self.tray.setToolTip("AppleUse Soporte — sin sesión")  # type: ignore[union-attr]
            return
        worked = session.worked(clock())
        from app.kernel.fmt import format_clock

        text = f"{session.client_name}: {format_clock(worked)}"
        if getattr(self, "tray", None):
            self.tray.setToolTip(f"AppleUse Soporte — {text}")  # type: ignore[union-attr]
        if (
            session.running
            and clock() - session.started_at > FORGOTTEN_TIMER
            and session.id not in self._forgotten_warned
        ):
            self._forgotten_warned.add(session.id)
            message = (
                f"La sesión de {session.client_name} lleva más de 4 horas en curso. "
                "¿Olvidó finalizarla?"
            )
            self.show_notice(message)
            if getattr(self, "tray", None):
                self.tray.showMessage("AppleUse Soporte", message)  # type: ignore[union-attr]

    # -- window state --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.firstPainted.emit()

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        if getattr(self, "tray", None):
            self.tray.hide()  # type: ignore[union-attr]
        super().closeEvent(event)

    def _about(self) -> None:
        self.show_notice(
            "AppleUse Soporte — tiempo, cobro y recibos del soporte técnico Mac. "
            "Los precios se muestran más IVA; los recibos no son CFDI."
        )


def run_dialog(dialog: Any) -> int:
    """Run a modal dialog, then have Qt delete it (a dialog left for Python's garbage
    collector to delete at interpreter exit can crash Qt)."""
    try:
        return int(dialog.exec())
    finally:
        dialog.deleteLater()


def _local(moment: datetime) -> str:
    from app.kernel.fmt import format_datetime

    return format_datetime(moment)


def _money(value: Decimal) -> str:
    from app.billing import format_money

    return format_money(value)
