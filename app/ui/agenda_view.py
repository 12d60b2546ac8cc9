"""The agenda's time grid (issue 13): columns of days and/or advisors, hours down the side, the
working windows shaded, each appointment a block. Drawn with QPainter from plain values, so a
week with its hundreds of citas paints in a few milliseconds whatever the database holds.

Mouse: a click selects, a double click on an empty place asks for a new cita there, on a cita
opens it; dragging a cita (week and day views) proposes a move snapped to 15 minutes — the
window asks the service, which may refuse. Keys: ↑/↓ previous/next cita, Intro opens it,
Supr cancels it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.billing.availability import Span
from app.kernel.enums import AppointmentState
from app.kernel.fmt import LOCAL_ZONE, WEEKDAYS
from app.services.agenda_values import AppointmentView, BlockedView

__all__ = ["AgendaView", "Column", "column_label", "named"]

ZONE = ZoneInfo(LOCAL_ZONE)
GUTTER = 48
HEADER = 38
SNAP_MINUTES = 15

_FILL = {
    AppointmentState.SCHEDULED: QColor("#dbe9fb"),
    AppointmentState.CONFIRMED: QColor("#b9d6f7"),
    AppointmentState.DONE: QColor("#d7f0dc"),
    AppointmentState.NO_SHOW: QColor("#f3e0c7"),
    AppointmentState.CANCELLED: QColor("#eeeeee"),
}
_EDGE = QColor("#1f5fa8")
_EMERGENCY = QColor("#c62828")
_WORKING = QColor("#ffffff")
_CLOSED = QColor("#f2f2f5")
_LINE = QColor("#e1e1e6")
_TEXT = QColor("#1d1d1f")
_MUTED = QColor("#6e6e73")


#: keys the grid turns into the window's commands
COMMANDS = {
    Qt.Key.Key_Left: "prev", Qt.Key.Key_Right: "next", Qt.Key.Key_T: "today",
    Qt.Key.Key_D: "day", Qt.Key.Key_S: "week", Qt.Key.Key_N: "new",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of the grid: a local date for one advisor."""

    day: date
    advisor_id: int
    label: str  # the day ("mar 24/11")
    working: tuple[Span, ...] = ()
    advisor: str = ""  # under the day when advisors are side by side


class AgendaView(QWidget):
    """The grid; the window feeds it columns and appointments and answers its requests."""

    selected = Signal(object)  # AppointmentView | None
    openRequested = Signal(object)  # AppointmentView
    newRequested = Signal(object, int)  # start (aware datetime), advisor id
    moveRequested = Signal(object, object, int)  # AppointmentView, new start, advisor id
    cancelRequested = Signal(object)  # AppointmentView
    command = Signal(str)  # a navigation key: "prev", "next", "today", "day", "week", "new"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(640, 420)
        self.columns: list[Column] = []
        self.appointments: list[AppointmentView] = []
        self.blocked: list[BlockedView] = []
        self.first_hour, self.last_hour = 8, 20
        self.selected_id: int | None = None
        self._drag: tuple[AppointmentView, QPoint] | None = None
        self._ghost: tuple[int, datetime] | None = None  # column index, start

    # -- data ------------------------------------------------------------------------------------
    def set_data(
        self,
        columns: Sequence[Column],
        appointments: Sequence[AppointmentView],
        blocked: Sequence[BlockedView] = (),
    ) -> None:
        self.columns = list(columns)
        self.appointments = sorted(appointments, key=lambda a: (a.start, a.advisor_name, a.id))
        self.blocked = list(blocked)
        hours = [a.start.astimezone(ZONE).hour for a in self.appointments]
        ends = [_end_hour(a.end) for a in self.appointments]
        self.first_hour = min([8, *hours])
        self.last_hour = max([20, *ends])
        if self.selected_id not in {a.id for a in self.appointments}:
            self.selected_id = None
        self.update()

    def selected_view(self) -> AppointmentView | None:
        return next((a for a in self.appointments if a.id == self.selected_id), None)

    def select(self, appointment_id: int | None) -> None:
        self.selected_id = appointment_id
        self.selected.emit(self.selected_view())
        self.update()

    # -- geometry --------------------------------------------------------------------------------
    def _hour_height(self) -> float:
        return max(18.0, (self.height() - HEADER) / max(1, self.last_hour - self.first_hour))

    def _column_width(self) -> float:
        return (self.width() - GUTTER) / max(1, len(self.columns))

    def _y(self, moment: datetime, day: date) -> float:
        local = moment.astimezone(ZONE)
        hours = (local.date() - day).days * 24 + local.hour + local.minute / 60
        return HEADER + (hours - self.first_hour) * self._hour_height()

    def _column_of(self, a: AppointmentView) -> int | None:
        day = a.start.astimezone(ZONE).date()
        for i, c in enumerate(self.columns):
            if c.day == day and c.advisor_id == a.advisor_id:
                return i
        return None

    def appointment_rect(self, a: AppointmentView) -> QRectF | None:
        i = self._column_of(a)
        if i is None:
            return None
        w = self._column_width()
        day = self.columns[i].day
        top, bottom = self._y(a.start, day), self._y(a.end, day)
        inset = 6.0 if a.state is AppointmentState.CANCELLED else 2.0
        return QRectF(GUTTER + i * w + inset, top + 1, w - inset - 3, max(14.0, bottom - top - 2))

    def at_point(self, point: QPoint) -> AppointmentView | None:
        """The cita under ``point`` (an active one over a cancelled one)."""
        hits = [
            a
            for a in self.appointments
            if (r := self.appointment_rect(a)) is not None and r.contains(point.toPointF())
        ]
        hits.sort(key=lambda a: a.state is AppointmentState.CANCELLED)
        return hits[0] if hits else None

    def moment_at(self, point: QPoint) -> tuple[int, datetime] | None:
        """The column and the instant (snapped to 15 minutes) under ``point``."""
        if not self.columns or point.x() < GUTTER or point.y() < HEADER:
            return None
        i = min(len(self.columns) - 1, int((point.x() - GUTTER) / self._column_width()))
        hours = self.first_hour + (point.y() - HEADER) / self._hour_height()
        minutes = int(hours * 60 // SNAP_MINUTES * SNAP_MINUTES)
        start = datetime.combine(self.columns[i].day, time(0), tzinfo=ZONE)
        return i, start + timedelta(minutes=minutes)

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _CLOSED)
        self._paint_grid(painter)
        for a in self.appointments:
            self._paint_appointment(painter, a)
        if self._ghost is not None and self._drag is not None:
            self._paint_ghost(painter)
        painter.end()

    def _paint_grid(self, painter: QPainter) -> None:
        w, h = self._column_width(), self._hour_height()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        for i, c in enumerate(self.columns):
            x = GUTTER + i * w
            for span in c.working:
                top, bottom = self._y(span.start, c.day), self._y(span.end, c.day)
                painter.fillRect(QRectF(x, top, w, bottom - top), _WORKING)
            for b in self.blocked:
                if b.advisor_id == c.advisor_id:
                    top = max(HEADER, self._y(b.start, c.day))
                    bottom = min(self.height(), self._y(b.end, c.day))
                    if bottom > top:
                        painter.fillRect(QRectF(x, top, w, bottom - top), QColor("#e4e4ea"))
            first = i == 0 or self.columns[i - 1].day != c.day
            painter.setPen(_MUTED)
            if c.advisor:
                half = HEADER / 2
                painter.drawText(QRectF(x + 2, half, w - 4, half - 2),
                                 Qt.AlignmentFlag.AlignCenter, _short(c.advisor))  # fmt: skip
                if first:
                    group = sum(1 for o in self.columns if o.day == c.day)
                    painter.setPen(_TEXT)
                    painter.drawText(QRectF(x + 2, 2, w * group - 4, half),
                                     Qt.AlignmentFlag.AlignCenter, c.label)  # fmt: skip
            else:
                painter.setPen(_TEXT)
                painter.drawText(QRectF(x + 4, 2, w - 8, HEADER - 4),
                                 Qt.AlignmentFlag.AlignCenter, c.label)  # fmt: skip
            painter.setPen(QPen(_MUTED if first else _LINE, 1))
            painter.drawLine(int(x), HEADER // 2 if not first else 0, int(x), self.height())
        for hour in range(self.first_hour, self.last_hour + 1):
            y = HEADER + (hour - self.first_hour) * h
            painter.setPen(_LINE)
            painter.drawLine(GUTTER, int(y), self.width(), int(y))
            painter.setPen(_MUTED)
            painter.drawText(QRectF(0, y - 2, GUTTER - 6, 14), Qt.AlignmentFlag.AlignRight,
                             f"{hour % 24:02d}:00")  # fmt: skip

    def _paint_appointment(self, painter: QPainter, a: AppointmentView) -> None:
        rect = self.appointment_rect(a)
        if rect is None:
            return
        selected = a.id == self.selected_id
        edge = _EMERGENCY if a.emergency else _EDGE
        pen = QPen(edge, 2.5 if selected else 1.0)
        if a.state is AppointmentState.CANCELLED:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(_FILL[a.state])
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(_MUTED if a.state is AppointmentState.CANCELLED else _TEXT)
        local = a.start.astimezone(ZONE)
        lines = [f"{local:%H:%M} {a.client_name}", a.title.partition(" — ")[2] or a.reason]
        if a.marks:
            lines.append(a.marks)
        if a.state is not AppointmentState.SCHEDULED:
            lines.append(a.state.label)
        inner = rect.adjusted(4, 2, -3, -2).toRect()
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        painter.drawText(
            inner, int(flags) | int(Qt.TextFlag.TextWordWrap), "\n".join(x for x in lines if x)
        )

    def _paint_ghost(self, painter: QPainter) -> None:
        assert self._ghost is not None and self._drag is not None
        i, start = self._ghost
        a = self._drag[0]
        c = self.columns[i]
        w = self._column_width()
        top = self._y(start, c.day)
        bottom = self._y(start + (a.end - a.start), c.day)
        painter.setPen(QPen(_EDGE, 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(31, 95, 168, 40))
        painter.drawRoundedRect(QRectF(GUTTER + i * w + 2, top, w - 5, bottom - top), 4, 4)
        painter.drawText(QRect(int(GUTTER + i * w + 6), int(top + 2), int(w - 10), 16),
                         int(Qt.AlignmentFlag.AlignLeft), f"{start:%H:%M}")  # fmt: skip

    # -- mouse -----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus()
        hit = self.at_point(event.position().toPoint())
        self.select(hit.id if hit else None)
        if hit is not None and hit.state.active and event.button() == Qt.MouseButton.LeftButton:
            self._drag = (hit, event.position().toPoint())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        a, origin = self._drag
        point = event.position().toPoint()
        if (point - origin).manhattanLength() < 6:
            return
        found = self.moment_at(point - QPoint(0, int(self._offset_in(a, origin))))
        self._ghost = found
        self.update()

    def _offset_in(self, a: AppointmentView, origin: QPoint) -> float:
        rect = self.appointment_rect(a)
        return 0.0 if rect is None else origin.y() - rect.top()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, ghost = self._drag, self._ghost
        self._drag = self._ghost = None
        if drag is not None and ghost is not None:
            a = drag[0]
            column = self.columns[ghost[0]]
            if ghost[1] != a.start or column.advisor_id != a.advisor_id:
                self.moveRequested.emit(a, ghost[1], column.advisor_id)
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        hit = self.at_point(point)
        if hit is not None:
            self.openRequested.emit(hit)
            return
        found = self.moment_at(point)
        if found is not None:
            self.newRequested.emit(found[1], self.columns[found[0]].advisor_id)

    # -- keys ------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._step(1 if key == Qt.Key.Key_Down else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_view():
            self.openRequested.emit(self.selected_view())
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_view():
            self.cancelRequested.emit(self.selected_view())
        elif key in COMMANDS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.command.emit(COMMANDS[Qt.Key(key)])
        else:
            super().keyPressEvent(event)

    def _step(self, direction: int) -> None:
        shown = [a for a in self.appointments if self._column_of(a) is not None]
        if not shown:
            return
        ids = [a.id for a in shown]
        if self.selected_id not in ids:
            self.select(ids[0] if direction > 0 else ids[-1])
            return
        k = ids.index(self.selected_id) + direction
        self.select(ids[max(0, min(len(ids) - 1, k))])


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name (how tests and the stylesheet find it)."""
    widget.setObjectName(name)
    return widget


def _end_hour(moment: datetime) -> int:
    local = moment.astimezone(ZONE)
    return local.hour + (1 if local.minute or local.second else 0) or 24


def column_label(day: date) -> str:
    """ "mar 24/11"."""
    return f"{WEEKDAYS[day.weekday()][:3]} {day:%d/%m}"


def _short(name: str) -> str:
    """An advisor's first name (and the initial of the next) for a narrow column."""
    parts = name.split()
    return " ".join(parts[:1] + [f"{p[0]}." for p in parts[1:2]]) if parts else ""
