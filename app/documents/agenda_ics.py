"""iCalendar (RFC 5545) files of the agenda, from plain values, with the ``icalendar`` library:
an advisor's calendar that Calendar on the Mac or an iPhone subscribes to, and an invitation
(``METHOD:REQUEST``) for the client. Instants are written in UTC (``…Z``), which every calendar
shows in its own zone; a cancelled appointment stays in the file as ``STATUS:CANCELLED`` so a
subscribed calendar drops it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//AppleUse Soporte//Agenda//ES"
UID_DOMAIN = "agenda.appleuse.mx"


@dataclass(frozen=True)
class IcsEvent:
    """One appointment as a calendar shows it."""

    appointment_id: int
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str
    status: str  # TENTATIVE, CONFIRMED or CANCELLED
    sequence: int
    stamp: datetime
    attendee_email: str = ""
    attendee_name: str = ""
    organizer_name: str = ""


def uid(appointment_id: int) -> str:
    return f"cita-{appointment_id}@{UID_DOMAIN}"


def _event(e: IcsEvent) -> Event:
    ev = Event()
    ev.add("uid", uid(e.appointment_id))
    ev.add("dtstamp", e.stamp.astimezone(UTC))
    ev.add("dtstart", e.start.astimezone(UTC))
    ev.add("dtend", e.end.astimezone(UTC))
    ev.add("summary", e.summary)
    if e.description:
        ev.add("description", e.description)
    if e.location:
        ev.add("location", e.location)
    ev.add("status", e.status)
    ev.add("sequence", e.sequence)
    if e.organizer_name:
        organizer = vCalAddress(f"mailto:soporte@{UID_DOMAIN}")
        organizer.params["cn"] = vText(e.organizer_name)
        ev["organizer"] = organizer
    if e.attendee_email:
        attendee = vCalAddress(f"mailto:{e.attendee_email}")
        attendee.params["cn"] = vText(e.attendee_name or e.attendee_email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        ev.add("attendee", attendee, encode=False)
    return ev


def _calendar(method: str | None, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "America/Mexico_City")
    return cal


def calendar_bytes(events: Sequence[IcsEvent], name: str = "") -> bytes:
    """A whole calendar (``METHOD:PUBLISH``) for subscription or import."""
    cal = _calendar("PUBLISH", name)
    for e in events:
        cal.add_component(_event(e))
    return bytes(cal.to_ical())


def invitation_bytes(event: IcsEvent) -> bytes:
    """An invitation for the client (``METHOD:REQUEST``; a cancelled one: ``CANCEL``)."""
    cal = _calendar("CANCEL" if event.status == "CANCELLED" else "REQUEST", "")
    cal.add_component(_event(event))
    return bytes(cal.to_ical())
