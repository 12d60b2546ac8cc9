"""Errors that reach the advisor. Their message is Spanish and says what to do."""


class DomainError(Exception):
    """A business rule refused an action; nothing was changed."""
