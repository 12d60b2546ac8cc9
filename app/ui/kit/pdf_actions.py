"""The buttons every dialog that shows a document has: preview (and print from it), print,
open in the system's viewer, save as.

The dialog says which buttons it wants (with their object names) and how to get its document::

    self.pdfActions = PdfActions(
        self._document,   # () -> PdfDocument | None, called on the GUI thread
        {"preview": "statementPreviewButton", "save": "statementSavePdfButton"},
        errors=self.show_error,
    )

    def _document(self) -> PdfDocument | None:
        statement = self.statement          # plain values, read now
        if statement is None:
            return None
        return PdfDocument(self.file_stem(), lambda: statement_pdf_bytes(statement))

The PDF is rendered off the GUI thread (:class:`~app.ui.kit.operation.Operation`); the
preview, the print dialog or the file dialog then opens on the GUI thread. A refusal shows its
message through ``errors``. Each action ends with its signal (``previewed``, ``printed``,
``opened``, ``saved``) when it got that far, and always with ``finished(action)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from app.kernel.records import record
from app.ui.kit.operation import Operation

__all__ = ["ACTION_TEXTS", "PdfActions", "PdfDocument"]

ACTION_TEXTS = {
    "preview": "Vista previa / Imprimir…",
    "print": "Imprimir…",
    "open": "Abrir PDF",
    "save": "Guardar PDF…",
}


@record
class PdfDocument:
    """A document to show: its title (the preview's title, the file's suggested name) and how
    to render it — on a pool thread, so from plain values only, never from widgets."""

    title: str
    render: Callable[[], bytes]


class PdfActions(QWidget):
    """A row (or grid) of document buttons; see the module's documentation."""

    previewed = Signal(bool)  # the preview was closed; True when printed from it
    printed = Signal(bool)  # True when the pages went to the printer
    opened = Signal(object)  # the temporary file handed to the PDF viewer
    saved = Signal(object)  # the file written, or None when "Guardar como…" was cancelled
    finished = Signal(str)  # the action ended, however it ended

    def __init__(
        self,
        document: Callable[[], PdfDocument | None],
        buttons: Mapping[str, str],
        *,
        errors: Callable[[str], object],
        texts: Mapping[str, str] | None = None,
        columns: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfActions")
        self._document = document
        self._errors = errors
        self._available = True
        self._busy = False
        self._buttons: dict[str, QPushButton] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = columns or len(buttons)
        texts = {**ACTION_TEXTS, **(texts or {})}
        for action, name in buttons.items():
            if action not in ACTION_TEXTS:
                raise ValueError(f"unknown PDF action {action!r}")
            button = QPushButton(texts[action])
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda *_, a=action: self.trigger(a))
            self._buttons[action] = button
            self.add_widget(button)

    def button(self, action: str) -> QPushButton:
        return self._buttons[action]

    def add_widget(self, widget: QWidget) -> None:
        """Place another button in the same grid, after the document's."""
        n = self._grid.count()
        self._grid.addWidget(widget, n // self._columns, n % self._columns)

    def set_available(self, available: bool) -> None:
        """Enable the buttons when there is a document to show."""
        self._available = available
        self._update()

    @property
    def busy(self) -> bool:
        """True while a document is being rendered."""
        return self._busy

    # -- the actions -------------------------------------------------------------------------
    def trigger(self, action: str) -> None:
        """Render the document off the GUI thread, then run ``action`` with it."""
        document = None
        if not self._busy:  # one document at a time
            document = Operation(self, self._document, errors=self._errors, clear=False).run()
        if document is None:
            self.finished.emit(action)
            return
        self._set_busy(True)
        Operation(self, document.render, errors=self._errors).success(
            lambda pdf: self._show(action, document.title, pdf)
        ).finished(lambda: self._ended(action)).run_in_background()

    def _show(self, action: str, title: str, pdf: bytes) -> None:
        """On the GUI thread, with the rendered bytes: the preview, the print dialog, the
        viewer or the file dialog."""
        from app.ui.kit import pdf as files

        parent = self.window()
        steps = {
            "preview": (lambda: files.show_pdf_preview(parent, pdf, title), self.previewed),
            "print": (lambda: files.print_pdf(parent, pdf, title), self.printed),
            "open": (lambda: files.open_pdf(pdf, f"{title}.pdf"), self.opened),
            "save": (lambda: files.save_pdf_as(parent, pdf, title), self.saved),
        }
        work, done = steps[action]
        Operation(self, work, errors=self._errors).success(done.emit).run()

    def _ended(self, action: str) -> None:
        self._set_busy(False)
        self.finished.emit(action)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update()

    def _update(self) -> None:
        for button in self._buttons.values():
            button.setEnabled(self._available and not self._busy)
