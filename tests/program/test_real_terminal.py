"""The app in a real terminal (tmux) where a person meets its edges: keys typed as it starts,
a terminal that closes under it, a terminal that cannot draw it (issue 13)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_e2e_tmux import STRETCHTIMER, Terminal

from stretchtimer.safety import SAFETY_SEEN_FILE

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.fixture
def start(tmp_path: Path, user_config: Path) -> Iterator[Callable[..., Terminal]]:
    """Start `stretchtimer ARGS` in a new 80x24 tmux terminal; the terminals close after."""
    (user_config / SAFETY_SEEN_FILE).touch()
    sockets: list[str] = []

    def start(*args: str, env: str = "") -> Terminal:
        term = Terminal(f"stretchtimer-test-{uuid.uuid4().hex}")
        sockets.append(term.socket)
        command = (
            f"STRETCHTIMER_CONFIG_DIR={user_config} STRETCHTIMER_DATA_DIR={tmp_path / 'data'} "
            f"{env} {STRETCHTIMER} {' '.join(args)}; echo EXITED-$?; sleep 30"
        )
        term.tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)
        return term

    yield start
    for socket in sockets:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def test_keys_typed_as_the_app_starts_are_kept(start: Callable[..., Terminal]) -> None:
    terminal = start("--mute")
    terminal.keys("Down", "Enter")  # before the app is up: the second routine, started
    terminal.wait_for("WARM-UP  1 of 20")
    assert "Full Back Session" in terminal.screen()
