"""Errors that reach the advisor. Their message is Spanish and says what to do; whatever
raised one changed nothing."""


class DomainError(Exception):
    """A business rule or the data refused an action; nothing was changed."""


class RuleError(DomainError):
    """A business rule refuses the action (RULES.md)."""


class BillingError(RuleError, ValueError):
    """Input that the billing rules refuse (a bad amount, an impossible interval…)."""


class NotFoundError(DomainError):
    """The record asked for does not exist."""


class ConflictError(DomainError):
    """Someone else changed the data at the same time; the action can be tried again."""


class StorageError(DomainError):
    """The database refused or failed (read-only, disk full, damaged, unreachable…); the unit
    of work was rolled back, nothing changed. ``kind`` names the fault."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
