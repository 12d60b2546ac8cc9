"""A session's state from its events: moved to :mod:`app.timeline` (no database, no
SQLAlchemy, so the fast CSV summary can use it); re-exported here."""

from app.timeline import RemoteState, SessionStatus, derive_status

__all__ = ["RemoteState", "SessionStatus", "derive_status"]
