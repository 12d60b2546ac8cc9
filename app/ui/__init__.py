"""Thin Qt widgets and models: they call services and show results, never SQL."""

import PySide6  # noqa: F401  # its import hook first, whatever imports this package first

from app.ui.kit.sources import read_sources_uncached

read_sources_uncached()  # before the window's imports: see app.ui.kit.sources
