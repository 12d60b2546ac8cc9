"""The quarterly policy review (RULES §6) and the list of policies due for one.

Per month of the quarter: expected vs. actual events by class (a distancia / presencial), hours
worked, billable and covered hours with the covered hours' list value, and what was charged;
the quarter's totals; the suggested new expected numbers (monthly average of actual events,
rounded up) in spin boxes the advisor may adjust, with the resulting monthly fee. Accepting
creates the next policy version (``services.policies.accept_review``). The same figures print as
the "Reporte de estado de póliza" (:mod:`app.documents.policy_report`).

For the window (the lead wires these)::

    dialog = ReviewsDueDialog(services, self)     # at start-up or from a menu
    dialog.exec()
    dialog.accepted_views   # PolicyView per review accepted from it → refresh show_policy()

    dialog = PolicyReviewDialog(services, policy_id, self)   # one policy (latest review due)
    dialog.exec()
    dialog.accepted_view    # PolicyView with the new version, or None
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.documents.policy_data import PolicyReview, ReviewMonth
from app.kernel.errors import DomainError
from app.kernel.fmt import format_long_day, format_minutes
from app.services.data import PolicyData
from app.services.values import PolicyView, ReviewDue

if TYPE_CHECKING:
    from app.services.facade import Services

STYLE = """
QLabel[role="fieldError"] { color: #b00020; }
QLabel[role="hint"] { color: #6e6e73; }
QLabel#reviewFeeLabel { font-size: 15pt; font-weight: 600; color: #0b4a8b; }
QLabel#reviewDoneLabel { background: #e8f6ec; color: #1b6b33; padding: 6px 8px;
                         border-radius: 6px; }
"""

MONTH_HEADERS = (
    "Mes",
    "A distancia\nesperados",
    "A distancia\nreales",
    "Presenciales\nesperados",
    "Presenciales\nreales",
    "Horas\ntrabajadas",
    "Horas\ncobrables",
    "Horas\ncubiertas",
    "Valor de lo\ncubierto",
    "Cobrado\n(sin IVA)",
)
#: Actual events above the expected ones are shown in this colour (the client used more).
OVER = QColor("#9a3412")
MAX_EVENTS = 999


def in_person(n: int) -> str:
    """``1 presencial``, ``2 presenciales``."""
    return f"{n} {'presencial' if n == 1 else 'presenciales'}"


def month_texts(m: ReviewMonth) -> tuple[str, ...]:
    """One row of the table (also the quarter's totals)."""
    return (
        m.label,
        str(m.expected_remote),
        str(m.actual_remote),
        str(m.expected_in_person),
        str(m.actual_in_person),
        format_minutes(m.worked_minutes),
        f"{m.billable_hours} h",
        f"{m.covered_hours} h",
        format_money(m.covered_value),
        format_money(m.charged),
    )


class PolicyReviewDialog(QDialog):
    """One policy's quarterly review: the figures, the suggestion, accepting it, the report."""

    def __init__(
        self,
        services: Services,
        policy_id: int,
        parent: QWidget | None = None,
        review_date: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.policy_id = policy_id
        self.review_date = review_date
        self.review: PolicyReview | None = None
        self.accepted_view: PolicyView | None = None
        self.saved_path: Path | None = None
        self.setObjectName("policyReviewDialog")
        self.setWindowTitle("Revisión trimestral de póliza")
        self.setStyleSheet(STYLE)

        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("reviewTitleLabel")
        self.titleLabel.setTextFormat(Qt.TextFormat.RichText)
        self.titleLabel.setWordWrap(True)
        self.termsLabel = QLabel()
        self.termsLabel.setObjectName("reviewTermsLabel")
        self.termsLabel.setProperty("role", "hint")
        self.termsLabel.setWordWrap(True)

        self.table = QTableWidget(0, len(MONTH_HEADERS))
        self.table.setObjectName("reviewTable")
        self.table.setHorizontalHeaderLabels(MONTH_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

        # -- the suggestion ------------------------------------------------------------------
        self.suggestionBox = QGroupBox("Nuevos eventos esperados por mes")
        self.remoteSpin = self._spin("reviewRemoteSpin")
        self.inPersonSpin = self._spin("reviewInPersonSpin")
        self.suggestionHint = QLabel()
        self.suggestionHint.setObjectName("reviewSuggestionHint")
        self.suggestionHint.setProperty("role", "hint")
        self.suggestionHint.setWordWrap(True)
        self.feeLabel = QLabel()
        self.feeLabel.setObjectName("reviewFeeLabel")
        self.currentFeeLabel = QLabel()
        self.currentFeeLabel.setObjectName("reviewCurrentFeeLabel")
        self.currentFeeLabel.setProperty("role", "hint")
        self.doneLabel = QLabel()
        self.doneLabel.setObjectName("reviewDoneLabel")
        self.doneLabel.setWordWrap(True)
        self.doneLabel.hide()
        form = self.suggestionForm = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Eventos a distancia:", self.remoteSpin)
        form.addRow("Eventos presenciales:", self.inPersonSpin)
        form.addRow("Cuota mensual nueva:", self.feeLabel)
        form.addRow("", self.currentFeeLabel)
        box = QVBoxLayout(self.suggestionBox)
        box.addWidget(self.suggestionHint)
        box.addLayout(form)
        box.addWidget(self.doneLabel)

        self.errorLabel = QLabel()
        self.errorLabel.setObjectName("reviewError")
        self.errorLabel.setProperty("role", "fieldError")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.hide()

        # -- buttons -------------------------------------------------------------------------
        self.acceptButton = QPushButton("Aceptar sugerencia")
        self.acceptButton.setObjectName("reviewAcceptButton")
        self.acceptButton.setToolTip(
            "Crea la siguiente versión de la póliza con estos eventos esperados."
        )
        self.previewButton = QPushButton("Vista previa del reporte")
        self.previewButton.setObjectName("reviewPreviewButton")
        self.saveButton = QPushButton("Guardar PDF…")
        self.saveButton.setObjectName("reviewSavePdfButton")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        self.acceptButton.clicked.connect(self.accept_suggestion)
        self.previewButton.clicked.connect(self.preview)
        self.saveButton.clicked.connect(self.save_pdf)
        bottom = QHBoxLayout()
        bottom.addWidget(self.previewButton)
        bottom.addWidget(self.saveButton)
        bottom.addStretch(1)
        bottom.addWidget(self.acceptButton)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.termsLabel)
        layout.addWidget(self.table)
        layout.addWidget(self.suggestionBox)
        layout.addWidget(self.errorLabel)
        layout.addLayout(bottom)

        self.remoteSpin.valueChanged.connect(self.update_fee)
        self.inPersonSpin.valueChanged.connect(self.update_fee)
        self.setMinimumWidth(1000)
        self.reload()

    @staticmethod
    def _spin(name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, MAX_EVENTS)
        spin.setSuffix(" por mes")
        spin.setFixedWidth(130)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        _fit_height(self, shrink=True)

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Ask the service for the review again (after accepting, it is marked as answered)."""
        try:
            review = self.services.reviews.review(self.policy_id, self.review_date)
        except DomainError as exc:
            self.review = None
            self.titleLabel.setText("<b>Revisión trimestral de póliza</b>")
            self.termsLabel.hide()
            self.table.hide()
            self.suggestionBox.hide()
            self._error(str(exc))
            for button in (self.acceptButton, self.previewButton, self.saveButton):
                button.setEnabled(False)
            return
        self.review = review
        self.review_date = review.review_date
        cur = review.current
        self.titleLabel.setText(
            f"<b>{review.client_name}</b> — póliza P-{review.policy_id:06d}, revisión del "
            f"{format_long_day(review.review_date)}"
        )
        extras = [f"descuento {cur.discount_percent} %"]
        extras.append("cobertura 7x24/365" if cur.is_24x7 else "sin cobertura 7x24/365")
        self.termsLabel.setText(
            f"Versión {cur.version} vigente: {cur.expected_remote} a distancia y "
            f"{in_person(cur.expected_in_person)} por mes, {', '.join(extras)}, "
            f"cuota {format_money(cur.monthly_fee)} más IVA."
        )
        self._fill_table(review)
        self.suggestionHint.setText(
            "Sugerencia: el promedio mensual de eventos reales del trimestre, redondeado hacia "
            f"arriba ({review.suggested_remote} a distancia, "
            f"{in_person(review.suggested_in_person)}). Puede ajustarla antes de aceptarla."
        )
        for spin, value in (
            (self.remoteSpin, review.suggested_remote),
            (self.inPersonSpin, review.suggested_in_person),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.currentFeeLabel.setText(f"Cuota actual: {format_money(cur.monthly_fee)} más IVA")
        self.update_fee()
        self._set_accepted(review.accepted)

    def _fill_table(self, review: PolicyReview) -> None:
        rows = [*review.months, review.totals]
        table = self.table
        table.setRowCount(len(rows))
        bold = QFont(table.font())
        bold.setBold(True)
        total_row = len(rows) - 1
        for r, month in enumerate(rows):
            over = {
                2: month.actual_remote > month.expected_remote,
                4: month.actual_in_person > month.expected_in_person,
            }
            for c, text in enumerate(month_texts(month)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if r == total_row:
                    item.setFont(bold)
                if over.get(c):
                    item.setForeground(QBrush(OVER))
                    item.setToolTip("Más eventos que los esperados en la póliza")
                table.setItem(r, c, item)
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height + 2)

    def _set_accepted(self, accepted: bool) -> None:
        self.acceptButton.setEnabled(not accepted)
        self.remoteSpin.setEnabled(not accepted)
        self.inPersonSpin.setEnabled(not accepted)
        if accepted and self.review is not None:
            answer = self._answering_version()
            text = f"Esta revisión ya fue atendida ({self.review.review_date:%d/%m/%Y})."
            if answer is not None:
                text = (
                    f"Revisión atendida: versión {answer[0]} de la póliza, vigente desde el "
                    f"{answer[1]:%d/%m/%Y}, con {answer[2]} a distancia y "
                    f"{in_person(answer[3])} por mes."
                )
            self.doneLabel.setText(text)
        self.doneLabel.setVisible(accepted)
        self.suggestionForm.setRowVisible(self.currentFeeLabel, not accepted)

    def _answering_version(self) -> tuple[int, date, int, int] | None:
        view = self.accepted_view or self.services.policies.policy(self.policy_id)
        for v in view.versions:
            if self.review is not None and v.review_date == self.review.review_date:
                return v.version, v.valid_from, v.expected_remote, v.expected_in_person
        return None

    # -- the fee -----------------------------------------------------------------------------
    def data(self) -> PolicyData | None:
        if self.review is None:
            return None
        cur = self.review.current
        return PolicyData(
            self.remoteSpin.value(), self.inPersonSpin.value(), cur.discount, cur.is_24x7,
            cur.device_ids, cur.benefits,
        )  # fmt: skip

    def update_fee(self) -> None:
        data = self.data()
        if data is None:
            return
        try:
            fee = self.services.policies.fee(data)
        except DomainError as exc:
            self.feeLabel.setText("—")
            self._error(str(exc))
            return
        self.feeLabel.setText(format_money(fee))
        self._error("")

    # -- actions -----------------------------------------------------------------------------
    def accept_suggestion(self) -> PolicyView | None:
        if self.review is None or self.review.accepted:
            return None
        try:
            view = self.services.reviews.accept(
                self.policy_id,
                self.review.review_date,
                expected_remote=self.remoteSpin.value(),
                expected_in_person=self.inPersonSpin.value(),
            )
        except DomainError as exc:
            self._error(str(exc))
            return None
        self.accepted_view = view
        self.reload()
        return view

    def report_name(self) -> str:
        assert self.review is not None
        return (
            f"Reporte de póliza P-{self.review.policy_id:06d} {self.review.review_date.isoformat()}"
        )

    def pdf_bytes(self) -> bytes:
        """The "Reporte de estado de póliza" of this review."""
        from app.documents.policy_report import policy_report_bytes

        assert self.review is not None
        return policy_report_bytes(
            self.review,
            business=self.services.settings.profile().name,
            generated_at=self.services.clock(),
        )

    def preview(self) -> bool:
        from app.ui.documents_ui import show_receipt_preview

        if self.review is None:
            return False
        try:
            return show_receipt_preview(self, self.pdf_bytes(), self.report_name())
        except DomainError as exc:
            self._error(str(exc))
            return False

    def save_pdf(self) -> Path | None:
        from app.ui.documents_ui import save_pdf_as

        if self.review is None:
            return None
        try:
            path = save_pdf_as(self, self.pdf_bytes(), self.report_name())
        except DomainError as exc:
            self._error(str(exc))
            return None
        if path is not None:
            self.saved_path = path
        return path

    def _error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.setVisible(bool(message))
        if message:
            _fit_height(self)


class ReviewsDueDialog(QDialog):
    """Policies whose quarterly review is due; "Revisar…" opens the review of the selected one."""

    HEADERS = ("Cliente", "Póliza", "Fecha de revisión")

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.due: list[ReviewDue] = []
        self.accepted_views: list[PolicyView] = []
        self.setObjectName("reviewsDueDialog")
        self.setWindowTitle("Pólizas por revisar")

        intro = QLabel(
            "Cada tres meses desde su inicio, la póliza se revisa con el cliente: eventos "
            "esperados contra reales y nuevos eventos sugeridos."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("reviewsDueTable")
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.emptyLabel = QLabel("No hay pólizas por revisar.")
        self.emptyLabel.setObjectName("reviewsDueEmpty")
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.reviewButton = QPushButton("Revisar…")
        self.reviewButton.setObjectName("reviewsDueReviewButton")
        self.reviewButton.setDefault(True)
        self.reviewButton.clicked.connect(self.open_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_: self.open_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reviewButton)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.emptyLabel, 1)
        layout.addLayout(bottom)
        self.resize(560, 340)
        self.refresh()

    def refresh(self) -> None:
        self.due = list(self.services.policies.due_for_review())
        self.table.setRowCount(len(self.due))
        for row, d in enumerate(self.due):
            texts = (d.client_name, f"P-{d.policy_id:06d}", f"{d.review_date:%d/%m/%Y}")
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.setVisible(bool(self.due))
        self.emptyLabel.setVisible(not self.due)
        if self.due:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.reviewButton.setEnabled(self.selected() is not None)

    def selected(self) -> ReviewDue | None:
        rows = self.table.selectionModel().selectedRows()
        return self.due[rows[0].row()] if rows and self.due else None

    def open_selected(self) -> PolicyView | None:
        """Open the selected policy's review (modal); the new version if it was accepted."""
        due = self.selected()
        if due is None:
            return None
        dialog = PolicyReviewDialog(self.services, due.policy_id, self, due.review_date)
        try:
            dialog.exec()
            accepted = dialog.accepted_view
        finally:
            dialog.deleteLater()
        if accepted is not None:
            self.accepted_views.append(accepted)
        self.refresh()
        return accepted


def _fit_height(dialog: QDialog, *, shrink: bool = False) -> None:
    """Grow to show every wrapped label whole (a top-level window does not follow its
    layout's height-for-width by itself)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width() if dialog.isVisible() else dialog.sizeHint().width()
    height = (
        layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
    )
    if dialog.height() < height or (shrink and dialog.height() > height):
        dialog.resize(width, max(height, dialog.minimumHeight()))


__all__ = ["PolicyReviewDialog", "ReviewsDueDialog", "in_person", "month_texts"]
