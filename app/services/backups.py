"""Backups of the database for the window (RULES of the issue "Data safety"): one at the first
start of a day, one when the window closes, on demand, and restoring one — SQLite only; on
PostgreSQL the server's own backups (or ``appleuse backup create``) apply.

The copies live in the ``respaldos`` folder beside the database (``app.models.backups`` does
the work: checked, private, rotated)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.kernel.clock import Clock
from app.kernel.errors import DomainError, RuleError, StorageError
from app.kernel.fmt import LOCAL_ZONE
from app.models import backups
from app.models.engine import is_sqlite, upgrade
from app.services.data import BACKUPS_KEY, BackupSettings
from app.services.settings import store_setting, stored_setting
from app.services.uow import Database
from app.services.values import BackupView

FOLDER = "respaldos"


class BackupService:
    def __init__(self, engine: Engine, clock: Clock, db: Database | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.db = db or Database(engine)
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
        return [_view(b) for b in backups.list_backups(self._folders())]

    def settings(self) -> BackupSettings:
        return self.db.read(_load_settings)

    def save_settings(self, settings: BackupSettings) -> BackupSettings:
        clean = settings.clean()

        def work(s: Session) -> BackupSettings:
            store_setting(s, BACKUPS_KEY, clean.to_stored())
            return clean

        return self.db.write(work)

    def create(self, reason: str = "manual") -> BackupView:
        """A checked backup now, rotated; a copy in the second folder when there is one (a
        second folder that cannot be written is said, the first backup stands)."""
        settings = self.settings()
        keep = backups.Keep(settings.daily, settings.weekly, settings.monthly)
        made = backups.create_backup(self._database(), self.folder, self.clock(), reason)
        backups.rotate(self.folder, keep, self.clock())
        if settings.also:
            also = Path(settings.also).expanduser() / "AppleUse respaldos"
            try:
                backups.create_backup(self._database(), also, self.clock(), reason)
                backups.rotate(also, keep, self.clock())
            except StorageError as exc:
                raise StorageError(
                    "backup",
                    f"Respaldo hecho en «{self.folder}», pero no en la segunda carpeta: {exc}",
                ) from exc
        return _view(made)

    def daily(self) -> BackupView | None:
        """The day's first backup, if none was taken today (local date); None otherwise."""
        if self.database is None:
            return None
        zone = ZoneInfo(LOCAL_ZONE)
        today = self.clock().astimezone(zone).date()
        for b in backups.backup_files([self.folder]):
            if b.taken_at.astimezone(zone).date() == today:
                return None
        return self.create("diario")

    def newest_good(self) -> BackupView | None:
        if self.database is None:
            return None
        found = backups.newest_good(self._folders())
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

    def _folders(self) -> list[Path]:
        """The backups folder and the second folder's, if any."""
        folders = [self.folder]
        try:
            also = self.settings().also if self.database is not None else ""
        except DomainError:  # a damaged database: its own folder is what is left
            also = ""
        if also:
            folders.append(Path(also).expanduser() / "AppleUse respaldos")
        return folders

    def _database(self) -> Path:
        if self.database is None:
            raise RuleError(
                "Los respaldos de PostgreSQL los hace el servidor (o «appleuse backup create»)."
            )
        return self.database


def _load_settings(s: Session) -> BackupSettings:
    return BackupSettings.from_stored(stored_setting(s, BACKUPS_KEY))


def _view(b: backups.BackupInfo) -> BackupView:
    return BackupView(b.path, b.taken_at, b.reason, b.size, b.rows)
