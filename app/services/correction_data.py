"""What the "past session by hand" form hands to ``CorrectionService.add_manual_session``
(standard library only, so a widget can build it without loading SQLAlchemy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.kernel.enums import Channel, Modality, Outcome

__all__ = ["ManualSession"]


@dataclass(frozen=True)
class ManualSession:
    """A past session entered by hand: it is recorded ended, with its outcome."""

    advisor_id: int
    client_id: int
    modality: Modality
    start: datetime
    end: datetime
    reason: str
    device_id: int | None = None
    channel: Channel | None = None
    outcome: Outcome = Outcome.RESOLVED
    summary: str = ""
