"""SQLAlchemy 2 declarative models."""
