"""The cita reminders and today's notice of the main window (issue 13), without the Agenda
window: start-up only needs these, and the Agenda window is built when the advisor first
opens it (it then shows and shares these same reminders, see
:func:`app.ui.agenda_window.open_agenda`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from app.billing.availability import reminders_due
from app.kernel.fmt import format_time

if TYPE_CHECKING:
    from app.services.agenda_values import AppointmentView
    from app.services.facade import Services

#: the user's preference: minutes before each cita for the tray notice (0: none)
REMINDER_KEY = "agenda/reminderMinutes"

__all__ = ["REMINDER_KEY", "Reminders", "reminders_upcoming", "start_reminders", "today_notice"]


class Reminders(QObject):
    """Every minute, a notice ``minutes`` before each cita of the advisor ``advisor()``
    gives (once each cita)."""

    reminder = Signal(str)

    def __init__(
        self,
        services: Services,
        advisor: Callable[[], int | None],
        minutes: int = 15,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.advisor = advisor
        self.minutes = minutes
        self.reminded: set[int] = set()
        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> list[str]:
        """The notices due now (each also emitted as ``reminder``)."""
        if self.minutes <= 0:
            return []
        now = self.services.clock()
        upcoming = reminders_upcoming(self.services, self.advisor(), self.minutes, now)
        texts = []
        for a in reminders_due(upcoming, now, self.minutes, self.reminded):
            self.reminded.add(a.id)
            text = f"{format_time(a.start)} cita: {a.title} ({a.modality.label}, {a.advisor_name})"
            texts.append(text)
            self.reminder.emit(text)
        return texts


def reminders_upcoming(
    services: Services, advisor_id: int | None, minutes: int, now: datetime | None = None
) -> list[AppointmentView]:
    """The citas a reminder check looks at: those starting within ``minutes`` (and one)."""
    now = services.clock() if now is None else now
    return services.agenda.appointments(
        now, now + timedelta(minutes=minutes + 1), advisor_id, marks=False
    )


def start_reminders(window: Any) -> Reminders | None:
    """The main window's one :class:`Reminders` (made on first call), for the advisor at
    work, its notices in the tray."""
    services = getattr(window, "services", None)
    if services is None:
        return None
    found: Reminders | None = getattr(window, "_agenda_reminders", None)
    if found is None:
        minutes = int(QSettings().value(REMINDER_KEY, 15))  # type: ignore[call-overload]

        def advisor() -> int | None:
            chosen = getattr(window, "advisor", None)
            return chosen.id if chosen is not None else None

        def notify(text: str) -> None:
            tray = getattr(window, "tray", None)
            if tray is not None:
                tray.showMessage("Próxima cita", text)

        found = Reminders(services, advisor, minutes, window)
        found.reminder.connect(notify)
        window._agenda_reminders = found
    return found


def today_notice(services: Services, advisor_id: int | None) -> str:
    """ "Hoy: 3 citas (09:00 Lucía Pérez, 11:00 …)." for the main window at start-up ("" when
    there are none)."""
    now = services.clock()
    start = services.agenda.local_midnight(now)
    views = [
        a
        for a in services.agenda.appointments(start, start + timedelta(days=1), advisor_id)
        if a.state.active and a.end > now
    ]
    if not views:
        return ""
    first = ", ".join(f"{format_time(a.start)} {a.client_name}" for a in views[:3])
    more = "…" if len(views) > 3 else ""
    count = "1 cita" if len(views) == 1 else f"{len(views)} citas"
    return f"Hoy: {count} ({first}{more}). Archivo → Agenda… para verlas."
