"""Backups of the database for the window (RULES of the issue "Data safety"): one at the first
start of a day, one when the window closes, on demand, and restoring one — SQLite only; on
PostgreSQL the server's own backups (or ``appleuse backup create``) apply.

The copies live in the ``respaldos`` folder beside the database (``app.models.backups`` does
the work: checked, private, rotated)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from app.kernel.clock import Clock
from app.kernel.errors import RuleError
from app.kernel.fmt import LOCAL_ZONE
from app.models import backups
from app.models.engine import is_sqlite, upgrade
from app.services.values import BackupView

FOLDER = "respaldos"


class BackupService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        database = engine.url.database
        usable = is_sqlite(engine) and database not in (None, "", ":memory:")
        self.database = Path(str(database)).resolve() if usable else None

    @property
    def available(self) -> bool:
        """Whether this database is a SQLite file the app backs up itself."""
        return self.database is not None

    @property
    def folder(self) -> Path:
        return self._database().parent / FOLDER

    def backups(self) -> list[BackupView]:
        if self.database is None:
            return []
        return [_view(b) for b in backups.list_backups([self.folder])]

    def create(self, reason: str = "manual") -> BackupView:
        """A checked backup now, then rotation."""
        made = backups.create_backup(self._database(), self.folder, self.clock(), reason)
        backups.rotate(self.folder, now=self.clock())
        return _view(made)

    def daily(self) -> BackupView | None:
        """The day's first backup, if none was taken today (local date); None otherwise."""
        if self.database is None:
            return None
        zone = ZoneInfo(LOCAL_ZONE)
        today = self.clock().astimezone(zone).date()
        for b in backups.list_backups([self.folder]):
            if b.taken_at.astimezone(zone).date() == today:
                return None
        return self.create("diario")

    def newest_good(self) -> BackupView | None:
        if self.database is None:
            return None
        found = backups.newest_good([self.folder])
        return None if found is None else _view(found)

    def restore(self, backup: Path) -> Path:
        """Put ``backup`` in place of the database (the current file is kept aside and
        returned), then bring it to this release's schema. Close every use of the database
        first: the window reopens it afterwards."""
        database = self._database()
        self.engine.dispose()
        aside = backups.restore(backup, database, self.clock())
        upgrade(self.engine, backup=False)
        self.engine.dispose()
        return aside

    def _database(self) -> Path:
        if self.database is None:
            raise RuleError(
                "Los respaldos de PostgreSQL los hace el servidor (o «appleuse backup create»)."
            )
        return self.database


def _view(b: backups.BackupInfo) -> BackupView:
    return BackupView(b.path, b.taken_at, b.reason, b.size, b.rows)
