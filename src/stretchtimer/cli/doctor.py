"""`stretchtimer doctor`: what works on this machine, in plain lines, for bug reports and setup."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator

from stretchtimer import __version__
from stretchtimer.cli.terminal import colours
from stretchtimer.format import count
from stretchtimer.history.store import db_path, is_corrupt
from stretchtimer.paths import data_dir, user_exercises_dir
from stretchtimer.settings import Settings, config_path
from stretchtimer.sound.backends import ORDER
from stretchtimer.sound.clips import ClipError
from stretchtimer.sound.player import Player
from stretchtimer.sound.speech import ENGINES, find_speaker


def report(settings: Settings, play: bool = False) -> Iterator[str]:
    yield f"stretchtimer {__version__}, Python {sys.version.split()[0]} on {sys.platform}"
    yield from _sound(settings, play)
    yield from _voice(settings, play)
    yield "Folders:"
    config = config_path()
    yield _row("config", f"{config} ({'found' if config.exists() else 'not there, defaults'})")
    yield _row("your exercises", str(user_exercises_dir()))
    yield _row("data", str(data_dir()))
    yield _row("history", _history(settings))
    yield "Terminal:"
    size = shutil.get_terminal_size(fallback=(0, 0))
    yield _row("size", f"{size.columns}x{size.lines}" if size.columns else "not a terminal")
    yield _row("colours", colours())


def _sound(settings: Settings, play: bool) -> Iterator[str]:
    yield f"Sound (setting: {settings.sound}, volume {settings.volume}):"
    ring = (lambda: print("\a", end="", flush=True)) if sys.stdout.isatty() else None
    player = Player(settings.sound, volume=settings.volume, ring=ring).start()
    player.ready.wait(5.0)
    for name in ORDER:
        if name == "off":
            continue
        state = f"not usable: {player.missing[name]}" if name in player.missing else "works"
        if settings.sound not in ("auto", name) and name not in player.missing:
            state = "not tried (another backend is set)"
        yield _row(name, state)
    yield _row("plays through", player.status.removeprefix("sound: "))
    if play:
        player.play("session-done")
        yield _row("test", "played the session-done chime")
    player.close()


def _voice(settings: Settings, play: bool) -> Iterator[str]:
    yield f"Voice (setting: {settings.voice}):"
    speaker, missing = find_speaker()
    for name in ENGINES:
        if name in missing:
            yield _row(name, missing[name])
        elif speaker is not None and speaker.name == name:
            yield _row(name, f"found: {shutil.which(name)}")
            break
    if speaker is None:
        return
    if play:
        try:
            clip = speaker.render("stretch timer is ready", settings.volume)
        except ClipError as error:
            yield _row("test", f"failed: {error}")
            return
        player = Player(settings.sound, volume=settings.volume).start()
        player.play_clip(clip)
        player.close()
        yield _row("test", f"said a {clip.seconds:.1f} s phrase")


def _history(settings: Settings) -> str:
    """The history file and how many sessions it holds, read without changing anything."""
    path = db_path()
    off = "; log = false: not logging" if not settings.log else ""
    if not path.exists():
        return f"{path} (none yet{off})"
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            (sessions,) = connection.execute("SELECT count(*) FROM sessions").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        aside = "; the app will move it aside" if is_corrupt(error) else ""
        return f"{path} (cannot read: {error}{aside})"
    return f"{path} ({count(sessions, 'session')}{off})"


def _row(name: str, value: str) -> str:
    return f"  {name:<14} {value}"
