"""Thin Qt widgets and models: they call services and show results, never SQL."""
