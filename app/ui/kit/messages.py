"""Messages: beside a field (red text) or a banner atop a window or dialog.

A :class:`MessageLabel` is hidden until it has something to say; ``show_message("")`` hides it
again. Its look comes from the stylesheet through its ``role`` property::

    self.amountError = field_error("amountError")            # QLabel[role="fieldError"]
    self.errorLabel = error_banner("statementError")         # QLabel[role="errorBanner"]
    self.amountError.show_message("El pago debe ser mayor que cero.")
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["MessageLabel", "error_banner", "field_error", "notice_banner"]


class MessageLabel(QLabel):
    """A label hidden until there is a message."""

    def __init__(
        self, name: str, *, role: str, wrap: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__("", parent)
        self.setObjectName(name)
        self.setProperty("role", role)
        self.setWordWrap(wrap)
        self.hide()

    def show_message(self, message: str) -> None:
        """Show ``message``; an empty one hides the label."""
        self.setText(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")

    def set_role(self, role: str) -> None:
        """Change the look (``fieldError``, ``errorBanner``, ``noticeBanner``) at run time."""
        if self.property("role") != role:
            self.setProperty("role", role)
            self.style().unpolish(self)
            self.style().polish(self)


def field_error(name: str, *, wrap: bool = True) -> MessageLabel:
    """The message beside (under) a field. In a form row pass ``wrap=False``: a wrapped label
    there gets a height for the wrong width and is cut or squeezed."""
    return MessageLabel(name, role="fieldError", wrap=wrap)


def error_banner(name: str) -> MessageLabel:
    """A refused action's message atop a window or dialog."""
    return MessageLabel(name, role="errorBanner")


def notice_banner(name: str) -> MessageLabel:
    """A notice atop the window (a restored session, a policy review due…)."""
    return MessageLabel(name, role="noticeBanner")
