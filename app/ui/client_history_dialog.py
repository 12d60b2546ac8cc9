"""Cliente → Historial del cliente…: everything about the selected client in one list, newest
first — devices, cases and sessions with their outcomes, remote-control consents,
disconnections, receipts and cancellations, payments, the policy and its reviews, the citas of
the agenda — filtered by kind and by text; a line with a receipt opens it, a cita opens its
detail and changes (double-click, Intro or "Abrir").

The history is read by ``services.reports.client_history`` off the GUI thread. A line's
cells are made when the table first shows the line (a few dozen of thousands; all of them only
when a column is sorted), and the texts a search looks in at the first search, once: choosing
a kind or typing in the search box then only picks lines (a 5,000-line history in a few
milliseconds), and the columns keep the widths fitted when it arrived (no measuring of
thousands of rows per key typed). The receipt's PDF is rendered off the GUI thread too, and so
is the cita (``AppointmentDetailDialog``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.kernel.fmt import format_datetime
from app.services.agenda_values import AppointmentView
from app.services.client_history import ClientHistory, HistoryEntry
from app.ui.kit.layout import run_dialog
from app.ui.kit.messages import error_banner
from app.ui.kit.operation import Operation
from app.ui.report_tables import Cell, CopyTable, RowsModel

if TYPE_CHECKING:
    from app.services.facade import Services
    from app.ui.main_window import MainWindow

__all__ = ["ClientHistoryDialog", "open_client_history"]

HEADERS = ("Fecha", "Tipo", "Caso", "Concepto", "Detalle", "Importe")


#: the lines (newest first) the columns are fitted to when the history arrives
_FIT_ROWS = 100
#: pixels beside a cell's text, besides the style's focus margins (Qt's own fitting: ~6)
_CELL_PADDING = 8


class Prepared:
    """A history ready to show: each line's cells, made when first asked for (an amount's
    cell once per figure: a client's lines repeat a few dozen figures), and the texts a search
    looks in (casefolded title, detail and case, as ``ClientHistory.only`` matches), made at
    the first search. Used on the GUI thread once made."""

    def __init__(self, history: ClientHistory) -> None:
        self.history = history
        self.rows = _Rows(self, range(len(history.entries)))
        amounts = {e.amount for e in history.entries}
        self._amounts: dict[Decimal | None, Cell] = {None: ("", 0.0)}
        self._amounts.update((a, (format_money(a), float(a))) for a in amounts if a is not None)
        self._made: dict[int, tuple[Cell, ...]] = {}
        self._haystacks: tuple[str, ...] | None = None

    def row(self, n: int) -> tuple[Cell, ...]:
        """Line ``n``'s cells."""
        found = self._made.get(n)
        if found is None:
            e = self.history.entries[n]
            found = self._made[n] = _row(e, self._amounts[e.amount])
        return found

    @property
    def made(self) -> int:
        """How many lines' cells were made so far."""
        return len(self._made)

    @property
    def haystacks(self) -> tuple[str, ...]:
        if self._haystacks is None:
            entries = self.history.entries
            self._haystacks = tuple(f"{e.title} {e.detail} {e.case}".casefold() for e in entries)
        return self._haystacks


class _Rows(Sequence[tuple[Cell, ...]]):
    """The cells of some lines (by index), each made when the table asks for it."""

    def __init__(self, prepared: Prepared, picked: Sequence[int]) -> None:
        self.prepared, self.picked = prepared, picked

    def __len__(self) -> int:
        return len(self.picked)

    @overload
    def __getitem__(self, i: int) -> tuple[Cell, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[Cell, ...]]: ...
    def __getitem__(self, i: int | slice) -> tuple[Cell, ...] | list[tuple[Cell, ...]]:
        if isinstance(i, slice):
            return [self.prepared.row(n) for n in self.picked[i]]
        return self.prepared.row(self.picked[i])


def prepare(history: ClientHistory) -> Prepared:
    """The history ready to show (run off the GUI thread)."""
    return Prepared(history)


def matching(prepared: Prepared, kind: str | None, text: str) -> list[int]:
    """The lines (by index) of ``kind`` (None: all) containing ``text``: what
    ``ClientHistory.only`` selects, from the prepared search texts."""
    wanted = text.casefold().strip()
    entries = prepared.history.entries
    if not wanted:
        return [n for n, e in enumerate(entries) if e.kind == kind or kind is None]
    haystacks = prepared.haystacks  # (made at the first search)
    if kind is None:
        return [n for n, hay in enumerate(haystacks) if wanted in hay]
    return [n for n, e in enumerate(entries) if e.kind == kind and wanted in haystacks[n]]


def _show_preview(parent: QWidget, data: bytes, title: str) -> object:
    from app.ui.kit.pdf import show_pdf_preview

    return show_pdf_preview(parent, data, title)


def _show_appointment(parent: QWidget, services: Services, appointment_id: int) -> object:
    from app.ui.appointment_detail_dialog import AppointmentDetailDialog

    on_agenda = None
    if isinstance(parent, ClientHistoryDialog) and parent.agenda_enabled:
        on_agenda = parent.request_agenda
    return run_dialog(AppointmentDetailDialog(services, appointment_id, parent,
                                              on_agenda=on_agenda))  # fmt: skip


class ClientHistoryDialog(QDialog):
    """One client's history; ``loaded`` is emitted when it arrives, ``opened`` with the title
    of each document or cita shown."""

    loaded = Signal()
    opened = Signal(str)

    def __init__(
        self,
        services: Services,
        client_id: int,
        parent: QWidget | None = None,
        *,
        show_document: Callable[[QWidget, bytes, str], object] = _show_preview,
        show_appointment: Callable[[QWidget, Services, int], object] = _show_appointment,
        agenda: bool = False,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.client_id = client_id
        self.history: ClientHistory | None = None
        self.prepared: Prepared | None = None
        self.shown: tuple[HistoryEntry, ...] = ()
        self._show_document = show_document
        self._show_appointment = show_appointment
        self.agenda_enabled = agenda  # a cita may be shown in the Agenda window
        self.agenda_request: AppointmentView | None = None
        self.setObjectName("clientHistoryDialog")
        self.setWindowTitle("Historial del cliente")
        self.resize(1100, 680)
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("historyTitleLabel")
        font = self.titleLabel.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.titleLabel.setFont(font)
        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("historySummaryLabel")
        self.errorLabel = error_banner("historyErrorLabel")
        self.kindCombo = QComboBox(self)
        self.kindCombo.setObjectName("historyKind")
        self.kindCombo.addItem("Todo", None)
        self.searchEdit = QLineEdit(self)
        self.searchEdit.setObjectName("historySearch")
        self.searchEdit.setPlaceholderText("Buscar: caso, folio, resultado, asesor, cita…")
        self.searchEdit.setClearButtonEnabled(True)
        self.table = CopyTable(RowsModel(HEADERS, (5,)), "historyTable", self)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # see _fit_columns
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.openButton = QPushButton("Abrir", self)
        self.openButton.setObjectName("historyOpenButton")
        self.openButton.setAutoDefault(False)
        self.openButton.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Mostrar:", self))
        filters.addWidget(self.kindCombo)
        filters.addWidget(self.searchEdit, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.openButton)
        actions.addStretch(1)
        actions.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.errorLabel)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.kindCombo.currentIndexChanged.connect(self.apply_filter)
        self.searchEdit.textChanged.connect(self.apply_filter)
        self.table.activated.connect(self._double_clicked)  # double-click or Intro
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.openButton.clicked.connect(self.open_selected)
        self.loading = True
        history = services.reports.client_history
        Operation(self, lambda: prepare(history(client_id))).success(self.show_history).finished(
            self._arrived
        ).run_in_background()

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)

    def _arrived(self) -> None:
        self.loading = False
        self.loaded.emit()

    def show_history(self, prepared: Prepared) -> None:
        """Show a history read (its lines' cells made as they are shown)."""
        self.prepared = prepared
        self.history = history = prepared.history
        self.titleLabel.setText(f"Historial de {history.client_name}")
        balance = history.balance
        owed = (
            f"saldo a favor {format_money(-balance)}"
            if balance < 0
            else f"saldo por cobrar {format_money(balance)}"
        )
        self.summaryLabel.setText(
            f"{history.devices} equipo(s) · {history.cases} caso(s) · "
            f"{history.sessions} sesión(es) · {history.appointments} cita(s) · {owed}"
        )
        self.kindCombo.blockSignals(True)
        for kind in history.kinds:
            self.kindCombo.addItem(kind, kind)
        self.kindCombo.blockSignals(False)
        self.apply_filter()
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The columns fitted once to the newest lines as they arrived, then left as they are
        (the user may widen them): re-measured on every filter, a thousand rows would be.
        Their texts are measured with the table's font (Qt's own fitting asks each cell nine
        questions: ~50 ms for a hundred lines)."""
        table, model = self.table, self.table.rows
        header, metrics = table.horizontalHeader(), table.fontMetrics()
        margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
        padding = 2 * margin + _CELL_PADDING
        rows = range(min(model.rowCount(), _FIT_ROWS))
        for column in range(len(HEADERS)):
            if column == 4:  # "Detalle" stretches
                continue
            texts = (model.text(r, column) for r in rows)
            widest = max(map(metrics.horizontalAdvance, texts), default=0)
            table.setColumnWidth(column, max(widest + padding, header.sectionSizeHint(column)))

    def apply_filter(self) -> None:
        """Show the entries of the chosen kind containing the search text (newest first)."""
        prepared = self.prepared
        if prepared is None:
            return
        picked = matching(prepared, self.kindCombo.currentData(), self.searchEdit.text())
        entries = prepared.history.entries
        self.shown = tuple(entries[n] for n in picked)
        self.table.rows.set_rows(_Rows(prepared, picked))
        self._selection_changed()

    def request_agenda(self, appointment: AppointmentView) -> None:
        """Close, asking for ``appointment`` in the Agenda window (see
        :func:`open_client_history`)."""
        self.agenda_request = appointment
        self.accept()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.history is None:
            return None
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        return self.shown[proxy.mapToSource(rows[0]).row()]  # the model's rows: the lines shown

    def _selection_changed(self, *_: Any) -> None:
        entry = self.selected_entry()
        cita = entry is not None and entry.appointment_id is not None
        receipt = not cita and entry is not None and entry.receipt_id is not None
        self.openButton.setText("Abrir cita" if cita else "Abrir recibo" if receipt else "Abrir")
        self.openButton.setEnabled(cita or receipt)

    def _double_clicked(self, index: QModelIndex) -> None:
        self.table.selectRow(index.row())
        self.open_selected()

    def open_selected(self) -> None:
        """The selected line's cita, or its receipt as a PDF (rendered off the GUI thread)."""
        entry = self.selected_entry()
        if entry is not None and entry.appointment_id is not None:
            self.opened.emit(entry.title)
            self._show_appointment(self, self.services, entry.appointment_id)
            return
        if entry is None or entry.receipt_id is None:
            return
        from app.documents.receipt_pdf import receipt_pdf_bytes

        receipt_id = entry.receipt_id
        documents = self.services.documents

        def render() -> tuple[str, bytes]:
            doc = documents.receipt(receipt_id)
            return f"Recibo {doc.folio}", receipt_pdf_bytes(doc)

        def show(result: tuple[str, bytes]) -> None:
            title, data = result
            self.opened.emit(title)
            self._show_document(self, data, title)

        Operation(self, render).success(show).run_in_background()


def _row(e: HistoryEntry, amount: Cell) -> tuple[Cell, ...]:
    return (
        (format_datetime(e.at), e.at.timestamp()),  # a number: what the table sorts by
        (e.kind, e.kind),
        (e.case, e.case),
        (e.title, e.title),
        (e.detail, e.detail),
        amount,
    )


def open_client_history(window: MainWindow) -> None:
    """Cliente → Historial del cliente… for the selected client."""
    client_id = window.selected_client_id()
    if window.services is None or client_id is None:
        window.show_error("Seleccione un cliente para ver su historial.")
        return
    dialog = ClientHistoryDialog(window.services, client_id, window, agenda=True)
    run_dialog(dialog)
    if dialog.agenda_request is not None:  # "Ver en la agenda" on one of its citas
        from app.ui.agenda_window import open_agenda

        shown = open_agenda(window)
        if shown is not None:
            shown.show_appointment(dialog.agenda_request)
