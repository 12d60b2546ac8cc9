"""AppleUse Soporte."""

__version__ = "0.1.0"
