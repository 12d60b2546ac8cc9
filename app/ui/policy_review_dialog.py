"""The quarterly policy review (RULES §6) and the list of policies due for one.

Per month of the quarter: expected vs. actual events by class (a distancia / presencial), hours
worked, billable and covered hours with the covered hours' list value, and what was charged;
the quarter's totals; the suggested new expected numbers (monthly average of actual events,
rounded up) in spin boxes the advisor may adjust, with the resulting monthly fee. Accepting
creates the next policy version (``services.policies.accept_review``). The same figures print as
the "Reporte de estado de póliza" (:mod:`app.documents.policy_report`).

For the window (the list of reviews due is :mod:`app.ui.reviews_due_dialog`)::

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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.billing import format_money
from app.documents.policy_data import PolicyReview, ReviewMonth
from app.kernel.fmt import format_long_day, format_minutes
from app.services.data import PolicyData
from app.services.values import PolicyView
from app.ui.kit.layout import fit_height, hint
from app.ui.kit.messages import field_error
from app.ui.kit.operation import Operation
from app.ui.kit.pdf_actions import PdfActions, PdfDocument
from app.ui.policy_dialog import events_spin

if TYPE_CHECKING:
    from app.services.facade import Services

__all__ = ["PolicyReviewDialog", "in_person", "month_texts"]

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

        self.titleLabel = QLabel()
        self.titleLabel.setObjectName("reviewTitleLabel")
        self.titleLabel.setTextFormat(Qt.TextFormat.RichText)
        self.titleLabel.setWordWrap(True)
        self.termsLabel = hint("", "reviewTermsLabel")

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

        self.suggestionBox = self._suggestion_box()
        self.errorLabel = field_error("reviewError")

        # -- buttons -------------------------------------------------------------------------
        self.acceptButton = QPushButton("Aceptar sugerencia")
        self.acceptButton.setObjectName("reviewAcceptButton")
        self.acceptButton.setToolTip(
            "Crea la siguiente versión de la póliza con estos eventos esperados."
        )
        self.pdfActions = PdfActions(
            self.document,
            {"preview": "reviewPreviewButton", "save": "reviewSavePdfButton"},
            errors=self.show_error,
            texts={"preview": "Vista previa del reporte…"},
        )
        self.previewButton = self.pdfActions.button("preview")
        self.saveButton = self.pdfActions.button("save")
        self.pdfActions.saved.connect(self._saved)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Cerrar")
        buttons.rejected.connect(self.reject)
        self.acceptButton.clicked.connect(self.accept_suggestion)
        bottom = QHBoxLayout()
        bottom.addWidget(self.pdfActions)
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

    def _suggestion_box(self) -> QGroupBox:
        """The suggested expected events (adjustable), the new fee, or the answer given."""
        group = QGroupBox("Nuevos eventos esperados por mes")
        self.remoteSpin = events_spin("reviewRemoteSpin")
        self.inPersonSpin = events_spin("reviewInPersonSpin")
        self.suggestionHint = hint("", "reviewSuggestionHint")
        self.feeLabel = QLabel()
        self.feeLabel.setObjectName("reviewFeeLabel")
        self.currentFeeLabel = hint("", "reviewCurrentFeeLabel", wrap=False)
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
        box = QVBoxLayout(group)
        box.addWidget(self.suggestionHint)
        box.addLayout(form)
        box.addWidget(self.doneLabel)
        return group

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self, shrink=True)

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Ask the service for the review again (after accepting, it is marked as answered)."""
        review = (
            Operation(self, lambda: self.services.reviews.review(self.policy_id, self.review_date))
            .failure(self._no_review)
            .run()
        )
        if review is None:
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

    def _no_review(self, _: Exception) -> None:
        """Not due yet (or gone): the message says when; nothing to accept or print."""
        self.review = None
        self.titleLabel.setText("<b>Revisión trimestral de póliza</b>")
        self.termsLabel.hide()
        self.table.hide()
        self.suggestionBox.hide()
        self.acceptButton.setEnabled(False)
        self.pdfActions.set_available(False)

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
        fee = (
            Operation(self, lambda: self.services.policies.fee(data))
            .failure(lambda _: self.feeLabel.setText("—"))
            .run()
        )
        if fee is not None:
            self.feeLabel.setText(format_money(fee))

    # -- actions -----------------------------------------------------------------------------
    def accept_suggestion(self) -> PolicyView | None:
        if self.review is None or self.review.accepted:
            return None
        review_date = self.review.review_date
        view = Operation(
            self,
            lambda: self.services.reviews.accept(
                self.policy_id,
                review_date,
                expected_remote=self.remoteSpin.value(),
                expected_in_person=self.inPersonSpin.value(),
            ),
        ).run()
        if view is None:
            return None
        self.accepted_view = view
        self.reload()
        return view

    def report_name(self) -> str:
        assert self.review is not None
        return (
            f"Reporte de póliza P-{self.review.policy_id:06d} {self.review.review_date.isoformat()}"
        )

    def document(self) -> PdfDocument | None:
        """The "Reporte de estado de póliza" of this review (rendered off the GUI thread)."""
        from app.documents.policy_report import policy_report_bytes

        review = self.review
        if review is None:
            return None
        business = self.services.settings.profile().name
        generated_at = self.services.clock()
        return PdfDocument(
            self.report_name(),
            lambda: policy_report_bytes(review, business=business, generated_at=generated_at),
        )

    def preview(self) -> None:
        self.pdfActions.trigger("preview")

    def save_pdf(self) -> None:
        """ "Guardar PDF…"; ``saved_path`` (and ``pdfActions.saved``) tell where."""
        self.pdfActions.trigger("save")

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            self.saved_path = path

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)
        if message:
            fit_height(self)
