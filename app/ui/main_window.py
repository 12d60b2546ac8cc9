"""The main window: client list (left), live session (middle), billing panel (right).

The window paints first, with nothing heavy imported; ``attach`` then builds the panels on the
services (SQLAlchemy, NumPy…) once the database is open. Every action calls one service
(:class:`~app.ui.kit.operation.Operation`); a refused action shows its Spanish message in the
banner and changes nothing. What the advisor does to the session lives in
:mod:`app.ui.session_actions`, the dialogs the window opens in :mod:`app.ui.window_dialogs`,
the menus and the tray icon in :mod:`app.ui.window_menus`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from app.ui.kit.operation import Operation

if TYPE_CHECKING:  # bound for real by _load_qt(), right after the first paint
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import (
        QAbstractItemView,
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
    from app.kernel.errors import DomainError
    from app.kernel.search import ClientColumns
    from app.services.facade import Services
    from app.services.values import AdvisorView, ClientView, SessionView
    from app.ui.billing_panel import BillingPanel
    from app.ui.client_model import ClientIndex
    from app.ui.kit.messages import MessageLabel
    from app.ui.session_actions import SessionActions
    from app.ui.session_panel import SessionPanel
    from app.ui.window_dialogs import WindowDialogs
    from app.ui.window_menus import SessionMenu


_GUI = ("QCloseEvent", "QPaintEvent")
_WIDGETS = (
    "QAbstractItemView", "QFrame", "QHBoxLayout", "QHeaderView", "QLineEdit",
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


FORGOTTEN_TIMER = timedelta(hours=4)


class MainWindow(QMainWindow):
    firstPainted = Signal()  # the composition root opens the database after this
    servicesReady = Signal()  # panels, menus and actions wired: the window takes requests

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("AppleUse Soporte")
        self._clock = clock
        self.services: Services | None = None
        self.back_up_on_close = False  # set once the day's backup ran (the real app)
        self.sealable = True  # a clean close may seal the file (``app.opening.close_database``)
        self.advisor: AdvisorView | None = None
        self.session: SessionView | None = None
        self.receipt_folio: str | None = None
        self.tray: QSystemTrayIcon | None = None
        self._forgotten_warned: set[int] = set()
        self._notices: dict[str, str] = {}  # subject → message, all shown, oldest first
        #: Set by the composition root: takes the database's per-advisor lock for another
        #: advisor (a shared PostgreSQL), or says why not.
        self.claim_advisor: Callable[[AdvisorView], str | None] | None = None
        self._painted = False
        self._shell_parts = 0  # how many parts of build_shell() are built
        loading = QLabel("  Cargando clientes…")
        self.setCentralWidget(loading)  # replaced by build_shell() right after the first paint
        self.statusBar().showMessage("AppleUse Soporte")
        self.resize(1280, 780)
        self._restore_geometry()

    # -- building ------------------------------------------------------------------------------
    def build_shell(self) -> None:
        """Right after the first paint: banners, the client list and pending cases; the
        session and billing panels take the placeholder's place once the database is open."""
        while self.build_shell_part():
            pass

    def build_shell_part(self) -> bool:
        """The next part of :meth:`build_shell` (a short step of its own when loading in the
        background); True while parts remain."""
        parts = (
            self._client_list, self._pending_cases, self._client_side, self._shell_layout,
            self._shell_wire,
        )  # fmt: skip
        if self._shell_parts < len(parts):
            self.prepare_shell()
            parts[self._shell_parts]()
            self._shell_parts += 1
        return self._shell_parts < len(parts)

    def _shell_layout(self) -> None:
        from app.ui.kit.messages import error_banner, notice_banner

        self.errorBanner: MessageLabel = error_banner("errorBanner")
        self.noticeBanner: MessageLabel = notice_banner("noticeBanner")
        splitter = self.splitter
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.errorBanner)
        layout.addWidget(self.noticeBanner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusLabel = QLabel("")
        self.statusLabel.setObjectName("statusLabel")
        self.statusBar().addPermanentWidget(self.statusLabel)

    def _shell_wire(self) -> None:
        from app.ui.window_keys import WindowKeys

        self.keys = WindowKeys(self)
        self.clientSearch.textChanged.connect(self.clientModel.set_query)
        self.clientSearch.textChanged.connect(lambda *_: self._client_count())
        self.clientModel.modelReset.connect(self._on_client_selection)
        self.clientTable.selectionModel().selectionChanged.connect(self._on_client_selection)
        self.pendingCasesTable.itemSelectionChanged.connect(self._on_pending_selection)
        self.newClientButton.setEnabled(False)  # until the database is open
        self.clientSearch.setFocus()
        if self.clientSearch.text():  # typed while the shell was being built
            self.clientModel.set_query(self.clientSearch.text())

    def prepare_shell(self) -> None:
        """The first half of :meth:`build_shell`: Qt's classes bound, the stylesheet read
        (a step of its own when loading in the background)."""
        _load_qt()
        from PySide6.QtWidgets import QApplication

        from app.ui.kit import style

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        style.install(app)

    def _client_list(self) -> None:
        """The clients: search, list, buttons, the selected one's policy."""
        from app.ui.client_model import ClientTableModel

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

    def _pending_cases(self) -> None:
        """The pending cases' table and its button (placed by :meth:`_client_side`)."""
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

    def _client_side(self) -> None:
        """The splitter: left, the clients (:meth:`_client_list`) and the pending cases
        (:meth:`_pending_cases`); right, a placeholder until the database is open."""
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
        splitter.ensurePolished()  # styled here, not all at once when the layout shows it
        self.splitter = splitter

    def attach(
        self,
        services: Services,
        advisor: AdvisorView,
        where: str = "",
        later: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        """Build the panels, the controllers and the menus on the open database, for
        ``advisor``. ``later``: builds the session panel, the billing panel, places it, then
        the menus and the wiring, in next turns of the event loop (the start-up in the
        background: short steps)."""
        from app.ui.billing_panel import BillingPanel
        from app.ui.session_actions import SessionActions
        from app.ui.session_panel import SessionPanel
        from app.ui.window_dialogs import WindowDialogs

        self.build_shell()
        self.services = services
        self.advisor = advisor
        clock = self._clock = self._clock or services.clock
        self.session_actions: SessionActions = SessionActions(self)
        self.dialogs: WindowDialogs = WindowDialogs(self)
        self._where = where
        self.statusBar().clearMessage()
        self._show_advisor()

        def session_panel() -> None:
            self.sessionPanel: SessionPanel = SessionPanel(clock)
            self.splitter.replaceWidget(1, self.sessionPanel)
            self.placeholder.deleteLater()

        def billing() -> None:
            self.billingPanel: BillingPanel = BillingPanel(
                self.session_actions.receipt_document, errors=self.show_error
            )

        def place_billing() -> None:  # shown (styled, laid out): a step of its own
            self.splitter.insertWidget(2, self.billingPanel)
            self.splitter.setStretchFactor(2, 3)
            self.splitter.setSizes([500, 420, 360])

        for step in (session_panel, billing, place_billing, self._wire):
            (later or _now)(step)

    def _wire(self) -> None:
        """The second half of :meth:`attach`: signals, menus, the tray, shortcuts."""
        from app.ui.window_menus import build_menus, build_tray

        assert self.services is not None
        services = self.services
        self.session_actions.wire()
        self.newClientButton.setEnabled(True)
        self.sessionPanel.minuteChanged.connect(self.refresh_bill)
        self.sessionPanel.ticked.connect(self._update_tray)
        self.clientTable.doubleClicked.connect(lambda *_: self.keys.open_client())
        self.newClientButton.clicked.connect(lambda: self.dialogs.new_client())
        self.editClientButton.clicked.connect(lambda: self.dialogs.edit_client())
        self.policyButton.clicked.connect(self.dialogs.open_policy)
        self.sessionMenu: SessionMenu = build_menus(self)
        self.keys.watch_shortcuts()
        self.tray = build_tray(self)
        self.sessionPanel.set_tariff(services.settings.tariff())
        self.servicesReady.emit()

    # -- loading -------------------------------------------------------------------------------
    def show_clients(self, columns: ClientColumns, index: ClientIndex | None = None) -> None:
        """Fill the list; with its search index (``client_model.build_index``, built on a
        worker thread by the composition root) the list is sorted and searchable at once."""
        self.build_shell()
        self.clientModel.load(columns, index)
        self._client_count()

    def load_clients(self) -> None:
        """Read the clients again through the services, here and now."""
        from app.ui.client_model import build_index

        assert self.services is not None
        columns = self.services.client_columns()
        self.show_clients(columns, build_index(columns))

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
            self.set_session(view)
            self.show_notice(
                key="restored",
                message=f"Se recuperó la sesión en curso de {view.client_name} "
                f"(caso {view.case.label}), iniciada el "
                + _local(view.started_at)
                + ". El tiempo se calculó a partir de los registros guardados.",
            )
        return view

    # -- helpers -------------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        """A refused action's message ("" hides the banner)."""
        self.errorBanner.show_message(message)

    def show_notice(self, message: str, key: str = "info") -> None:
        """A notice about ``key`` (its subject); notices about other subjects stay shown
        beside it. "" clears that subject's notice."""
        if message:
            self._notices.pop(key, None)
            self._notices[key] = message
        else:
            self._notices.pop(key, None)
        self.noticeBanner.show_message("\n".join(self._notices.values()))

    def clear_notice(self, *keys: str) -> None:
        for key in keys:
            self._notices.pop(key, None)
        self.noticeBanner.show_message("\n".join(self._notices.values()))

    def focus_search(self) -> None:
        self.clientSearch.setFocus()
        self.clientSearch.selectAll()

    def _show_advisor(self) -> None:
        """The advisor and the database stay in the status bar, whatever else it says."""
        name = self.advisor.name if self.advisor else ""
        where = getattr(self, "_where", "")
        self.statusLabel.setText(f"Asesor: {name}" + (f" · {where}" if where else ""))
        self.setWindowTitle(f"AppleUse Soporte — {name}")

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
        shown = self.session
        if shown is not None and not shown.running and selected and shown.client_id != client_id:
            # The panels follow the selection: another client's ended session leaves them.
            self.session_actions.leave_unbilled(cancellable=False)
            self.set_session(None)

    def show_policy(self, client_id: int | None) -> None:
        """The client's policy allowance this month, where the advisor decides (RULES §6)."""
        services, allowance = self.services, None
        if client_id is not None and services is not None:
            allowance = Operation(self, lambda: services.policies.allowance(client_id)).run()
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
        due = Operation(self, self.services.policies.due_for_review).run() or []
        if due:
            names = ", ".join(f"{d.client_name} ({d.review_date:%d/%m/%Y})" for d in due[:5])
            more = f" y {len(due) - 5} más" if len(due) > 5 else ""
            self.show_notice(f"Pólizas por revisar este trimestre: {names}{more}.", key="reviews")

    def show_agenda_today(self) -> None:
        """Today's citas of the advisor at work, in the notices (issue 13)."""
        from app.ui.agenda_reminders import today_notice

        services, advisor = self.services, self.advisor
        if services is None or advisor is None:
            return
        text = Operation(self, lambda: today_notice(services, advisor.id)).run()
        self.show_notice(text or "", key="agenda")

    def _on_pending_selection(self) -> None:
        running = self.session is not None and self.session.running
        self.followUpButton.setEnabled(bool(self.pendingCasesTable.selectedItems()) and not running)
        menu = getattr(self, "sessionMenu", None)
        if menu is not None:
            menu.sync()

    def client_saved(self, client: ClientView) -> None:
        """A client created or changed in a dialog: show it in the list, selected (the
        search is cleared when it hides them)."""
        self.clientModel.upsert(client.id, client.name, client.phone, client.city, client.rfc or "")
        if self.clientModel.row_of(client.id) is None and self.clientSearch.text():
            self.clientSearch.clear()
        self._client_count()
        self.select_client(client.id)

    def show_session(self, session_id: int) -> None:
        """Show one session (e.g. from "Sesiones sin recibo"), its client selected."""
        services = self.services
        if services is None:
            return
        view = Operation(self, lambda: services.sessions.session(session_id)).run()
        if view is None:
            return
        if self.session is not None and self.session.running and self.session.id != view.id:
            self.show_error(
                "Hay una sesión en curso: finalícela para ver otra sesión en los paneles. "
                "El recibo se puede emitir desde «Sesiones sin recibo»."
            )
            return
        self.session = view  # before the selection moves: it must not leave the panels
        if self.selected_client_id() != view.client_id:
            if self.clientModel.row_of(view.client_id) is None:
                self.clientSearch.clear()
            self.select_client(view.client_id)
        self.set_session(view)

    def change_advisor(self, advisor: AdvisorView) -> None:
        """Another advisor takes the window (Archivo → Cambiar de asesor…)."""
        from PySide6.QtCore import QSettings

        if self.advisor is not None and advisor.id == self.advisor.id:
            return
        if self.claim_advisor is not None:
            problem = self.claim_advisor(advisor)
            if problem:
                self.show_error(problem)
                return
        self.advisor = advisor
        QSettings().setValue("advisor/id", advisor.id)
        self._show_advisor()
        self.set_session(None)
        self.show_error("")
        self.show_notice(f"Ahora atiende {advisor.name}.", key="advisor")
        self.show_agenda_today()
        self.restore_running_session()

    # -- showing the session -------------------------------------------------------------------
    def set_session(self, view: SessionView | None) -> None:
        previous = self.session
        if view is None or previous is None or previous.id != view.id:
            self.receipt_folio = None
            self.clear_notice("restored", "forgotten", "session")
        if view is None or not view.running:
            self.clear_notice("restored", "forgotten", "declined")
        self.session = view
        self.sessionPanel.set_view(view)
        self.refresh_bill()
        self._on_pending_selection()
        self._update_tray()

    def refresh_bill(self) -> None:
        services, session = self.services, self.session
        if services is None or session is None:
            self.billingPanel.show_bill(None)
            self.sessionMenu.sync()
            return
        quote: tuple[str, Decimal] | None = None
        if session.quoted_rate is not None:
            quote = ("rate", session.quoted_rate)
        elif session.quoted_amount is not None:
            quote = ("amount", session.quoted_amount)
        if session.running:
            bill = Operation(self, lambda: services.sessions.live_bill(session.id)).run()
            self.billingPanel.show_bill(bill, quote=quote)
        else:
            bill = Operation(self, lambda: services.sessions.final_bill(session.id)).run()
            receipt = Operation(self, lambda: services.receipts.for_session(session.id)).run()
            self.receipt_folio = receipt.folio if receipt is not None else None
            self.billingPanel.show_bill(bill, final=True, receipt=receipt, quote=quote)
        self.sessionMenu.sync()
        self._update_tray()

    def tick(self) -> None:
        """Redraw the time-dependent parts now (the panel also does it every second)."""
        self.sessionPanel.tick()

    def _update_tray(self) -> None:
        """The tray's tooltip; a notice when a session has run for more than 4 hours."""
        from app.kernel.fmt import format_clock

        session, clock = self.session, self._clock
        if session is None or clock is None:
            if self.tray is not None:
                self.tray.setToolTip("AppleUse Soporte — sin sesión")
            return
        worked = session.worked(clock())
        text = f"{session.client_name}: {format_clock(worked)}"
        if self.tray is not None:
            self.tray.setToolTip(f"AppleUse Soporte — {text}")
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
            self.show_notice(message, key="forgotten")
            if self.tray is not None:
                self.tray.showMessage("AppleUse Soporte", message)

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

    def back_up_daily(self) -> None:
        """The day's first backup, off the GUI thread; from then on one at every close."""
        if self.services is None:
            return
        self.back_up_on_close = True

        def done(made: object) -> None:
            if made is not None:
                self.statusBar().showMessage("Respaldo del día hecho", 5000)

        Operation(self, self.services.backups.daily).success(done).run_in_background()

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        services = self.services
        if self.back_up_on_close and services is not None:
            Operation(self, lambda: services.backups.create("cierre")).failure(
                self._closing_backup_refused
            ).run()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    def _closing_backup_refused(self, error: DomainError) -> None:
        """A closing backup that did not match the file: no seal, the next start checks it."""
        if getattr(error, "kind", None) == "damaged":
            self.sealable = False

    def about(self) -> None:
        self.show_notice(
            "AppleUse Soporte — tiempo, cobro y recibos del soporte técnico Mac. "
            "Los precios se muestran más IVA; los recibos no son CFDI."
        )


def _now(step: Callable[[], None]) -> None:
    step()


def _local(moment: datetime) -> str:
    from app.kernel.fmt import format_datetime

    return format_datetime(moment)
