"""The safety note is shown once, before the very first session, in the app or plain mode;
a marker file in the config folder remembers that it was read.
"""

from __future__ import annotations

from .paths import config_dir

SAFETY_SEEN_FILE = "safety-note-seen"


def safety_seen() -> bool:
    return (config_dir() / SAFETY_SEEN_FILE).exists()


def remember_safety_seen() -> bool:
    """Note that the safety note was shown; False if the config folder cannot be written."""
    try:
        config_dir().mkdir(parents=True, exist_ok=True)
        (config_dir() / SAFETY_SEEN_FILE).touch()
    except OSError:
        return False
    return True
