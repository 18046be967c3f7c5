"""`stretchtimer doctor`: what works on this machine, in plain lines, for bug reports and setup."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator

from stretchtimer import __version__
from stretchtimer.cli.terminal import colours
from stretchtimer.files import Unreadable, check_regular_file
from stretchtimer.format import count
from stretchtimer.history.store import db_path, is_corrupt
from stretchtimer.output import bell
from stretchtimer.paths import data_dir, user_exercises_dir
from stretchtimer.settings import Settings, config_path
from stretchtimer.sound.backends import ORDER, PLAYERS, PlaybackError, find_backends
from stretchtimer.sound.clips import ClipError, cue_clip
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
    yield "Reminders (stretchtimer remind):"
    yield from _remind(settings)
    yield "Terminal:"
    size = shutil.get_terminal_size(fallback=(0, 0))
    yield _row("size", f"{size.columns}x{size.lines}" if size.columns else "not a terminal")
    yield _row("colours", colours())
    yield "Browser tabs (stretchtimer serve):"
    yield _row("textual-serve", _web_extra())


def _sound(settings: Settings, play: bool) -> Iterator[str]:
    yield f"Sound (setting: {settings.sound}, volume {settings.volume}):"
    ring = (lambda: bell(sys.stdout)) if sys.stdout.isatty() else None
    player = Player(settings.sound, volume=settings.volume, ring=ring).start()
    player.ready.wait(5.0)
    for name in ORDER:
        if name == "off":
            continue
        found = "found (--play tries it)" if name in PLAYERS else "works"
        state = f"not usable: {player.missing[name]}" if name in player.missing else found
        if settings.sound not in ("auto", name) and name not in player.missing:
            state = "not tried (another backend is set)"
        yield _row(name, state)
    yield _row("plays through", player.status.removeprefix("sound: "))
    player.close()
    if play:
        yield _row("test", _play_test(settings, ring))


def _play_test(settings: Settings, ring: Callable[[], None] | None) -> str:
    """Play the session-done chime through each usable backend in turn, waiting to hear that
    it really played (a player program may find no device only once it tries)."""
    clip = cue_clip("session-done").scaled(settings.volume)
    backends, _ = find_backends(settings.sound, ring)
    failed: list[str] = []
    for backend in backends:
        if backend.name == "off":
            break
        try:
            backend.play(clip)
            backend.wait(clip.seconds + 3.0)
        except PlaybackError as error:
            failed.append(f"{backend.name} failed ({error})")
            continue
        finally:
            close = getattr(backend, "close", None)
            if close is not None:
                close()
        return "; ".join([*failed, f"played the session-done chime through {backend.label}"])
    return "; ".join(failed) + "; nothing played it" if failed else "nothing to play it through"


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


def _web_extra() -> str:
    """Whether `serve` can run: the web extra's textual-serve, asked of the installed
    packages (importing it would take aiohttp's import time)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{version('textual-serve')} installed"
    except PackageNotFoundError:
        return "not installed: pip install 'stretchtimer[web]'"


def _history(settings: Settings) -> str:
    """The history file and how many sessions it holds, read without changing anything."""
    path = db_path()
    off = "; log = false: not logging" if not settings.log else ""
    try:
        if not check_regular_file(path):  # a FIFO would hold a read-only open for ever
            return f"{path} (none yet{off})"
    except Unreadable as error:
        return f"{path} (cannot read: {error})"
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


def _remind(settings: Settings) -> Iterator[str]:
    import asyncio

    from stretchtimer.remind.main import probe
    from stretchtimer.remind.status import read_status, status_line

    yield from asyncio.run(probe(settings))
    status = read_status()
    running = f"yes, pid {status['pid']}: {status_line(status)}" if status["running"] else "no"
    yield _row("running", running)


def _row(name: str, value: str) -> str:
    return f"  {name:<14} {value}"
