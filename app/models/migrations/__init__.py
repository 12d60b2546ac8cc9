"""Alembic migrations, shipped inside the package (``app.db.upgrade`` runs them)."""
