"""stretchtimer: a guided back-care workout timer for the terminal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stretchtimer")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+source"
