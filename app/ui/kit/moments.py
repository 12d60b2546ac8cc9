"""An instant edited as local date and time (America/Mexico_City, 24 h), read back aware."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateTimeEdit

from app.kernel.fmt import LOCAL_ZONE, to_local

__all__ = ["moment_edit", "moment_of", "set_moment"]


def moment_edit(name: str, value: datetime) -> QDateTimeEdit:
    """A date-and-time field showing ``value`` in local time, to the minute."""
    edit = QDateTimeEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy HH:mm")
    edit.setCalendarPopup(True)
    set_moment(edit, value)
    return edit


def set_moment(edit: QDateTimeEdit, value: datetime) -> None:
    local = to_local(value)
    edit.setDateTime(
        QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
    )


def moment_of(edit: QDateTimeEdit) -> datetime:
    """The field's local date and time as an aware instant."""
    shown = edit.dateTime()
    d, t = shown.date(), shown.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=ZoneInfo(LOCAL_ZONE))
