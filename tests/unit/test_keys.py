"""The one key table: every place that lists or reads a session's keys is made from it."""

from __future__ import annotations

from conftest import REPO

from stretchtimer.session.engine import Command
from stretchtimer.session.keys import (
    SESSION_KEYS,
    by_character,
    character,
    readme_text,
    split_keys,
)
from stretchtimer.tui.screens.help_screen import SESSION_HELP
from stretchtimer.tui.screens.session_screen import SessionScreen


def test_no_key_does_two_things() -> None:
    keys = [key for entry in SESSION_KEYS for key in entry.keys]
    assert len(keys) == len(set(keys))


def test_the_apps_bindings_are_the_table() -> None:
    bound = {binding.key: binding.action for binding in SessionScreen.BINDINGS}  # type: ignore[union-attr]
    for entry in SESSION_KEYS:
        action = bound[",".join(entry.keys)]
        assert action.removeprefix("app.") == entry.action
        assert action.startswith("app.") == (entry.command is None and entry.action != "quit")


def test_plain_mode_reads_the_same_keys_for_the_same_commands() -> None:
    table = by_character()
    assert table[" "].command is Command.TOGGLE
    assert table["p"].command is Command.BACK  # as in the app (plain mode's p used to pause)
    assert table[character("left")].command is Command.BACK
    assert table[character("right")].command is Command.SKIP_STEP
    assert table["q"].action == "quit" and table["?"].action == "help"
    assert {entry.action for entry in table.values()} == {e.action for e in SESSION_KEYS}


def test_arrows_are_read_as_one_key_each() -> None:
    assert split_keys("n\x1b[Cp\x1b[D ") == ["n", "\x1b[C", "p", "\x1b[D", " "]
    assert split_keys("\x1b") == ["\x1b"]  # a lone Escape is a key of its own


def test_the_help_screen_lists_every_key() -> None:
    for entry in SESSION_KEYS:
        assert (entry.shown, entry.help) in SESSION_HELP
    keys = [keys for keys, _ in SESSION_HELP]
    assert "p or \N{LEFTWARDS ARROW}" in keys and "n or \N{RIGHTWARDS ARROW}" in keys


def test_the_readme_says_what_the_table_says() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme_text() in readme.replace("\n", " "), (
        "README.md's key paragraph differs from session/keys.py; it should read:\n" + readme_text()
    )
