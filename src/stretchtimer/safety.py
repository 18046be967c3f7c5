"""The safety note is shown once, before the very first session, in the app or plain mode;
a marker file in the config folder remembers that it was read.
"""

from __future__ import annotations

from stretchtimer.paths import config_dir

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


RED_FLAGS = (
    "See a doctor or physiotherapist before you start if your back or neck pain is severe or "
    "does not ease with rest, spreads into a leg (above all below the knee), has lasted more "
    "than about six weeks, is worse at night, began with a fall or an injury, or comes with a "
    "fever, weight loss you cannot explain, numbness or weakness; and if you are under 18 or "
    "over 50 and the pain is new."
)
"""When to see someone first: in the safety note, and said again to a very stiff or sore back."""

URGENT = (
    "Get help at once (your doctor, or an emergency number) if you notice numbness around your "
    "genitals or bottom, new trouble holding or passing urine or stools, or weakness in both "
    "legs; or, with neck pain, a fever and a stiff neck."
)
"""The signs that cannot wait for an appointment."""

SAFETY_NOTE = f"""\
Move slowly and gently, and only as far as feels comfortable. Stop at once if you feel sharp \
pain.

{RED_FLAGS}

{URGENT}

After an injury, wait until pain, stiffness and swelling have eased before you train again.

stretchtimer times exercises; it is not medical advice."""
