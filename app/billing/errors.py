"""Domain errors of the billing core. Messages are Spanish: they reach the advisor as they are."""


class BillingError(ValueError):
    """Input that the business rules refuse; the message says why, in Spanish."""
