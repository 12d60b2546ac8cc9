"""Domain errors raised by the services; the message is Spanish and says what to do."""

from app.errors import DomainError


class NotFoundError(DomainError):
    """The record asked for does not exist."""


class RuleError(DomainError):
    """A business rule refuses the action (RULES.md)."""


class ConflictError(DomainError):
    """Someone else changed the data at the same time; the action can be tried again."""
