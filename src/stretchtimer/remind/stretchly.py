"""Stretchly, when it runs, paused through its own command line while a session the reminder
opened runs, and resumed after: two reminders never break into one session."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path


def stretchly_running() -> bool:
    """Whether a Stretchly process runs (Linux: /proc; elsewhere pgrep)."""
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if (entry / "comm").read_text().strip().lower() == "stretchly":
                        return True
        return False
    pgrep = shutil.which("pgrep")
    if pgrep is None:
        return False
    return subprocess.run([pgrep, "-xi", "stretchly"], capture_output=True).returncode == 0


@contextlib.contextmanager
def stretchly_paused() -> Iterator[None]:
    """Stretchly paused (through its command line) while the block runs, when it runs."""
    program = shutil.which("stretchly")
    paused = False
    if program is not None and stretchly_running():
        result = subprocess.run(
            [program, "pause", "-d", "indefinitely"], capture_output=True, timeout=10
        )
        paused = result.returncode == 0
    try:
        yield
    finally:
        if paused and program is not None:
            subprocess.run([program, "resume"], capture_output=True, timeout=10)
