"""A small form that saves through one call — the note, the time correction and the past
session share it: read the form on the GUI thread (``asked``), hand it to ``save`` through
:class:`~app.ui.kit.operation.Operation` (a refusal's Spanish message shows under the form and
nothing changes), keep the result in ``saved`` and close; the dialog grows to show a wrapped
message whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget

from app.ui.kit.layout import fit_height
from app.ui.kit.messages import MessageLabel, field_error
from app.ui.kit.operation import Operation

__all__ = ["SavingDialog"]

A = TypeVar("A")  # what the form asks for
R = TypeVar("R")  # what saving it returns


class SavingDialog(QDialog, Generic[A, R]):
    """Subclasses lay out the form (with ``errorLabel`` in it) and define ``asked``."""

    def __init__(
        self, save: Callable[[A], R], error_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.saved: R | None = None
        self.errorLabel: MessageLabel = field_error(error_name)

    def asked(self) -> A:
        """What the form says now (read on the GUI thread)."""
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        self.errorLabel.show_message(message)
        fit_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def try_save(self) -> None:
        asked = self.asked()
        saved = Operation(self, lambda: self._save(asked)).run()
        if saved is not None:
            self.saved = saved
            self.accept()
