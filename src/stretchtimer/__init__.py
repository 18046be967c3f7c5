"""stretchtimer: a guided back-care workout timer for the terminal."""

__version__ = "0.1.0"
