"""AppleUse Soporte."""

__version__ = "0.1.0"

#: The application's name as the advisor sees it (window title, data folder, PDF creator).
APP_NAME = "AppleUse Soporte"
#: The organisation (data folder, QSettings).
ORGANIZATION = "AppleUse"
